//! The satisfaction survey (managers): whether the bot asks customers to
//! rate the help they got after an agent resolves their chat, on which
//! scale, in which words, and with which approved template when the
//! customer's 24-hour window has closed.

use handover_core::csat::{CsatScale, CsatSettings, TemplateRef};
use handover_core::templates::{Template, TemplateStatus};
use leptos::prelude::*;

use crate::api::{self, ApiError};

/// The value of the template choice: `name|language`, empty for none.
fn template_value(template: Option<&TemplateRef>) -> String {
    template
        .map(|template| format!("{}|{}", template.name, template.language))
        .unwrap_or_default()
}

fn template_of(value: &str) -> Option<TemplateRef> {
    let (name, language) = value.split_once('|')?;
    Some(TemplateRef {
        name: name.to_owned(),
        language: language.to_owned(),
    })
}

/// Approved templates a survey can use: no parameters, no file, a quick reply.
fn fits(template: &Template) -> bool {
    template.status == TemplateStatus::Approved
        && template.params == 0
        && template.header_media.is_none()
        && template
            .buttons
            .iter()
            .any(|button| button.is_quick_reply())
}

#[component]
pub fn SatisfactionPage() -> impl IntoView {
    let stored = LocalResource::new(api::fetch_csat_settings);
    let templates = LocalResource::new(api::fetch_templates);
    let enabled = RwSignal::new(false);
    let scale = RwSignal::new(CsatScale::OneToFive);
    let question = RwSignal::new(String::new());
    let thanks = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let show = move |settings: &CsatSettings| {
        enabled.set(settings.enabled);
        scale.set(settings.scale);
        question.set(settings.question.clone());
        thanks.set(settings.thanks.clone());
        template.set(template_value(settings.template.as_ref()));
    };
    Effect::new(move |_| {
        if let Some(Ok(settings)) = stored.get() {
            show(&settings);
        }
    });
    let save =
        Action::new_local(|settings: &CsatSettings| api::save_csat_settings(settings.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            failure.set(None);
            show(&saved);
            notice.set(Some(if saved.enabled {
                "Saved: customers are asked after every Resolve.".to_owned()
            } else {
                "Saved: the survey is switched off.".to_owned()
            }));
        }
        Some(Err(error)) => {
            notice.set(None);
            failure.set(Some(error));
        }
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        save.dispatch(CsatSettings {
            enabled: enabled.get_untracked(),
            scale: scale.get_untracked(),
            question: question.get_untracked(),
            thanks: thanks.get_untracked(),
            template: template_of(&template.get_untracked()),
        });
    };
    let problem = move |field: &'static str| {
        move || {
            failure
                .get()
                .and_then(|error| error.problem_with(field))
                .map(|problem| view! { <span class="field-error">{problem}</span> })
        }
    };
    view! {
        <div class="manage-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Satisfaction survey"</h1>
                </header>
                <p class="bot-help">
                    "After an agent resolves a chat, the bot asks the customer once how it went. Answers are kept with the chat and the agent who resolved it, shown on the customer's profile and counted in Reports."
                </p>
                {move || notice.get().map(|message| view! { <p class="bot-notice" role="status">{message}</p> })}
                {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })}
                <form class="rule-form csat-form" on:submit=submit aria-label="Satisfaction survey">
                    <label class="check">
                        <input type="checkbox" prop:checked=enabled on:change=move |event| enabled.set(event_target_checked(&event)) />
                        " Ask customers after every Resolve"
                    </label>
                    <fieldset class="field">
                        <legend class="field-label">"Answers"</legend>
                        {CsatScale::ALL.into_iter().map(|option| view! {
                            <label class="check">
                                <input type="radio" name="scale" prop:checked=move || scale.get() == option on:change=move |_| scale.set(option) />
                                {match option {
                                    CsatScale::OneToFive => " 1 to 5 (a list: 5 Excellent … 1 Very poor)",
                                    CsatScale::Thumbs => " 👍 or 👎 (two buttons)",
                                }}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <label class="field">
                        <span class="field-label">"Question"</span>
                        <textarea rows="2" prop:value=question on:input=move |event| question.set(event_target_value(&event))></textarea>
                        {problem("question")}
                    </label>
                    <label class="field">
                        <span class="field-label">"Thank-you after an answer"</span>
                        <input type="text" prop:value=thanks on:input=move |event| thanks.set(event_target_value(&event)) />
                        {problem("thanks")}
                    </label>
                    <label class="field">
                        <span class="field-label">"When the 24-hour window has closed"</span>
                        <select prop:value=template on:change=move |event| template.set(event_target_value(&event))>
                            <option value="">"Do not ask"</option>
                            {move || templates.get().and_then(Result::ok).unwrap_or_default().into_iter().filter(fits).map(|t| {
                                let value = format!("{}|{}", t.name, t.language);
                                let label = format!("Send template {} ({})", t.name, t.language);
                                view! { <option value=value.clone() selected=move || template.get() == value>{label}</option> }
                            }).collect_view()}
                        </select>
                        <span class="field-hint">"Outside the window WhatsApp takes only approved templates: choose one with a quick reply button and nothing to fill in. A tap on its button opens the window, and the question follows."</span>
                        {problem("template")}
                    </label>
                    <div class="dialog-actions">
                        <button type="submit" class="button button-primary" disabled=move || save.pending().get()>"Save survey"</button>
                    </div>
                </form>
            </section>
        </div>
    }
}
