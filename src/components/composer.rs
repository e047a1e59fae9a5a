//! Writing to the customer: free text for the agent holding the chat inside
//! the window, and a template picker that is always available.

use handover_core::api::{TemplateSend, UserProfile};
use handover_core::{Actor, Status, TransitionError};
use leptos::prelude::*;

use handover_core::templates::{preview, Template, TemplateStatus};

/// Why the signed-in agent cannot write free text here, or `None`.
pub fn text_refusal(profile: &UserProfile, me: Actor) -> Option<String> {
    let holder = profile.assigned_agent.as_ref();
    match (profile.status, holder) {
        (Status::Intervened, Some(holder)) if holder.id != me.agent => Some(format!(
            "{} is handling this chat; only they can reply.",
            holder.name
        )),
        (Status::Intervened, _) if !profile.window_open => {
            Some(TransitionError::WindowClosed.to_string())
        }
        (Status::Intervened, _) => None,
        (Status::Active | Status::Requesting | Status::Closed, _) if !profile.window_open => {
            Some(TransitionError::WindowClosed.to_string())
        }
        (Status::Active | Status::Requesting | Status::Closed, _) => {
            Some("Intervene to reply to this customer; the bot is handling the chat.".to_owned())
        }
    }
}

#[component]
pub fn Composer(
    /// The open chat.
    #[prop(into)]
    profile: Signal<UserProfile>,
    /// The signed-in agent.
    me: Actor,
    /// Templates that can be sent.
    #[prop(into)]
    templates: Signal<Vec<Template>>,
    /// Sends a text; the composer clears once it was accepted.
    on_send_text: Callback<String>,
    /// Sends a template.
    on_send_template: Callback<TemplateSend>,
    /// True while a send is on its way.
    #[prop(into)]
    busy: Signal<bool>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let refusal = move || profile.with(|p| text_refusal(p, me));
    let picking = RwSignal::new(false);
    let chosen = RwSignal::new(None::<Template>);
    let params = RwSignal::new(Vec::<String>::new());
    let send_text = move || {
        let value = text.get_untracked();
        if !value.trim().is_empty() && refusal().is_none() {
            on_send_text.run(value);
            text.set(String::new());
        }
    };
    let approved = move || {
        templates
            .get()
            .into_iter()
            .filter(|t| t.status == TemplateStatus::Approved)
            .collect::<Vec<_>>()
    };
    let ready = move || {
        chosen.with(|t| t.is_some()) && params.with(|p| p.iter().all(|v| !v.trim().is_empty()))
    };

    view! {
        <div class="composer">
            <div class="composer-row">
                <textarea
                    class="composer-input"
                    aria-label="Message"
                    rows="2"
                    placeholder=move || if refusal().is_some() { "Replies are off for this chat" } else { "Write a reply… (Enter sends, Shift+Enter for a new line)" }
                    disabled=move || refusal().is_some()
                    prop:value=text
                    on:input=move |event| text.set(event_target_value(&event))
                    on:keydown=move |event: leptos::ev::KeyboardEvent| {
                        if event.key() == "Enter" && !event.shift_key() {
                            event.prevent_default();
                            send_text();
                        }
                    }
                ></textarea>
                <button
                    type="button"
                    class="button button-primary"
                    disabled=move || busy.get() || refusal().is_some() || text.with(|t| t.trim().is_empty())
                    on:click=move |_| send_text()
                >
                    "Send"
                </button>
                <button type="button" class="button" aria-expanded=move || picking.get().to_string() on:click=move |_| picking.update(|p| *p = !*p)>
                    "Template"
                </button>
            </div>
            {move || refusal().map(|reason| view! { <p class="composer-reason" role="status">{reason}</p> })}
            <Show when=move || picking.get()>
                <div class="template-picker" role="group" aria-label="Send a template">
                    <select
                        aria-label="Template"
                        on:change=move |event| {
                            let key = event_target_value(&event);
                            let template = approved().into_iter().find(|t| format!("{}:{}", t.name, t.language) == key);
                            params.set(vec![String::new(); template.as_ref().map_or(0, |t| t.params)]);
                            chosen.set(template);
                        }
                    >
                        <option value="">"Choose a template…"</option>
                        {move || approved().into_iter().map(|t| {
                            let key = format!("{}:{}", t.name, t.language);
                            view! { <option value=key>{format!("{} ({})", t.name, t.language)}</option> }
                        }).collect_view()}
                    </select>
                    {move || (0..params.with(Vec::len)).map(|n| view! {
                        <input
                            class="template-param"
                            aria-label=format!("Parameter {}", n + 1)
                            placeholder=format!("{{{{{}}}}}", n + 1)
                            prop:value=move || params.with(|p| p.get(n).cloned().unwrap_or_default())
                            on:input=move |event| params.update(|p| if let Some(slot) = p.get_mut(n) { *slot = event_target_value(&event) })
                        />
                    }).collect_view()}
                    {move || chosen.get().map(|t| view! { <p class="template-preview">{preview(&t.body, &params.get())}</p> })}
                    <button
                        type="button"
                        class="button button-primary"
                        disabled=move || busy.get() || !ready()
                        on:click=move |_| {
                            if let Some(template) = chosen.get_untracked() {
                                on_send_template.run(TemplateSend { name: template.name, language: template.language, params: params.get_untracked() });
                                picking.set(false);
                            }
                        }
                    >
                        "Send template"
                    </button>
                </div>
            </Show>
        </div>
    }
}
