//! Templates (managers): every template with its review status, an editor
//! within WhatsApp's limits with a live preview filled with sample values,
//! review in sandbox mode (WhatsApp's decision is read back otherwise), and
//! copies of approved templates, which cannot be edited.

use handover_core::templates::{
    count_params, limits, preview, HeaderMedia, ReviewMode, Reviewer, Template, TemplateButton,
    TemplateCategory, TemplateDraft, TemplateReview, TemplateStatus, LANGUAGES,
};
use handover_core::TemplateName;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::template_header::{choice_of, header_view, HeaderEditor};

fn blank() -> TemplateDraft {
    TemplateDraft {
        name: String::new(),
        language: "en".into(),
        category: TemplateCategory::Utility,
        header: None,
        header_media_id: None,
        body: String::new(),
        footer: None,
        buttons: Vec::new(),
    }
}

/// Empty optional texts are left out, as WhatsApp expects.
fn optional(text: String) -> Option<String> {
    Some(text).filter(|text| !text.trim().is_empty())
}

/// The button kinds offered, as the select names them.
const BUTTON_KINDS: [(&str, &str); 3] = [
    ("quick_reply", "Quick reply"),
    ("url", "Visit website"),
    ("phone_number", "Call phone number"),
];

fn button_of(kind: &str, text: String) -> TemplateButton {
    match kind {
        "url" => TemplateButton::Url {
            text,
            url: "https://".into(),
        },
        "phone_number" => TemplateButton::PhoneNumber {
            text,
            phone_number: "+".into(),
        },
        _ => TemplateButton::QuickReply { text },
    }
}

fn kind_of(button: &TemplateButton) -> &'static str {
    match button {
        TemplateButton::QuickReply { .. } => "quick_reply",
        TemplateButton::Url { .. } => "url",
        TemplateButton::PhoneNumber { .. } => "phone_number",
    }
}

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let templates = LocalResource::new(api::fetch_templates);
    let mode = LocalResource::new(api::fetch_review_mode);
    let by_whatsapp = Signal::derive(move || {
        matches!(
            mode.get(),
            Some(Ok(ReviewMode {
                reviewed_by: Reviewer::WhatsApp
            }))
        )
    });
    let editing = RwSignal::new(None::<i64>);
    let draft = RwSignal::new(blank());
    let header_file = RwSignal::new(None::<HeaderMedia>);
    let header_choice = RwSignal::new("none");
    let samples = RwSignal::new(Vec::<String>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let rejecting = RwSignal::new(None::<i64>);
    let reason = RwSignal::new(String::new());

    let done = move |message: String| {
        notice.set(Some(message));
        failure.set(None);
        templates.refetch();
    };
    let save = Action::new_local(|(id, draft): &(Option<i64>, TemplateDraft)| {
        api::save_template(*id, draft.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            editing.set(None);
            draft.set(blank());
            header_file.set(None);
            header_choice.set("none");
            done(match saved.status {
                TemplateStatus::Rejected => format!(
                    "Saved {}, but WhatsApp refused it: {}",
                    saved.name,
                    saved.rejection_reason.unwrap_or_default()
                ),
                _ => format!("Saved {}; it is pending review.", saved.name),
            });
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let review = Action::new_local(|(id, review): &(i64, TemplateReview)| {
        api::review_template(*id, review.clone())
    });
    Effect::new(move |_| match review.value().get() {
        Some(Ok(reviewed)) => {
            rejecting.set(None);
            done(format!(
                "{} is {}.",
                reviewed.name,
                reviewed.status.as_str()
            ));
        }
        Some(Err(error)) => notice.set(Some(error.message())),
        None => {}
    });
    let copy =
        Action::new_local(|(id, name): &(i64, String)| api::copy_template(*id, name.clone()));
    Effect::new(move |_| match copy.value().get() {
        Some(Ok(copied)) => {
            editing.set(Some(copied.id));
            draft.set(copied.draft());
            header_file.set(copied.header_media.clone());
            header_choice.set(choice_of(&copied.draft(), copied.header_media.as_ref()));
            done(format!(
                "Copied as {}; edit it, then save it for review.",
                copied.name
            ));
        }
        Some(Err(error)) => notice.set(Some(error.message())),
        None => {}
    });
    let refresh = Action::new_local(|_: &()| api::refresh_templates());
    Effect::new(move |_| match refresh.value().get() {
        Some(Ok(answer)) => done(format!(
            "Read WhatsApp's reviews: {} template(s) changed.",
            answer["changed"]
        )),
        Some(Err(error)) => notice.set(Some(error.message())),
        None => {}
    });

    let params = Memo::new(move |_| draft.with(|d| count_params(&d.body).unwrap_or(0)));
    Effect::new(move |_| {
        let wanted = params.get();
        samples.update(|values| values.resize(wanted, String::new()));
    });
    let edit = move |template: &Template| {
        editing.set(Some(template.id));
        draft.set(template.draft());
        header_file.set(template.header_media.clone());
        header_choice.set(choice_of(&template.draft(), template.header_media.as_ref()));
        failure.set(None);
        notice.set(None);
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        save.dispatch((editing.get_untracked(), draft.get_untracked()));
    };
    let problem = move |field: &'static str| {
        move || {
            failure
                .with(|error| error.as_ref().and_then(|error| error.problem_with(field)))
                .map(|message| view! { <span class="field-error">{message}</span> })
        }
    };
    let set = move |change: fn(&mut TemplateDraft, String)| {
        move |event| {
            let value = event_target_value(&event);
            draft.update(|d| change(d, value));
        }
    };

    let row = move |template: Template| {
        let id = template.id;
        let for_edit = template.clone();
        let name = template.name.clone();
        let status = template.status;
        view! {
            <tr class:editing=move || editing.get() == Some(id)>
                <td>
                    <strong>{template.name.clone()}</strong>
                    <div class="muted">
                        {template.language.clone()}
                        {template.header_media.as_ref().map(|file| format!(" · {} header", file.kind.noun()))}
                    </div>
                </td>
                <td>{template.category.as_str()}</td>
                <td>
                    <span class="review" data-status=status.as_str()>{status.as_str()}</span>
                    {template.rejection_reason.clone().map(|why| view! { <div class="muted">{why}</div> })}
                </td>
                <td class="number-cell">{template.params}</td>
                <td class="row-actions">
                    {match status {
                        TemplateStatus::Approved => view! {
                            <button type="button" class="button" aria-label=format!("Copy {name}")
                                on:click=move |_| { copy.dispatch((id, format!("{name}_copy"))); }>"Copy"</button>
                        }.into_any(),
                        _ => view! {
                            <button type="button" class="button" aria-label=format!("Edit {name}") on:click=move |_| edit(&for_edit)>"Edit"</button>
                            <Show when=move || !by_whatsapp.get() && status == TemplateStatus::Pending>
                                <button type="button" class="button" aria-label=format!("Approve {}", template.name)
                                    on:click=move |_| { review.dispatch((id, TemplateReview { status: TemplateStatus::Approved, reason: None })); }>"Approve"</button>
                                <button type="button" class="button button-quiet-danger" aria-label=format!("Reject {}", template.name)
                                    on:click=move |_| { reason.set(String::new()); rejecting.set(Some(id)); }>"Reject"</button>
                            </Show>
                        }.into_any(),
                    }}
                </td>
            </tr>
            <Show when=move || rejecting.get() == Some(id)>
                <tr class="reject-row">
                    <td colspan="5">
                        <form class="reject-form" on:submit=move |event| {
                            event.prevent_default();
                            review.dispatch((id, TemplateReview { status: TemplateStatus::Rejected, reason: Some(reason.get_untracked()) }));
                        }>
                            <input aria-label="Why is it rejected?" placeholder="Why is it rejected? (shown to whoever fixes it)" prop:value=reason
                                on:input=move |event| reason.set(event_target_value(&event)) />
                            <button type="button" class="button" on:click=move |_| rejecting.set(None)>"Cancel"</button>
                            <button type="submit" class="button button-quiet-danger" disabled=move || reason.with(|r| r.trim().is_empty())>"Reject"</button>
                        </form>
                    </td>
                </tr>
            </Show>
        }
    };

    view! {
        <div class="manage-page templates-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Templates"</h1>
                    <Show when=move || by_whatsapp.get()>
                        <button type="button" class="button" disabled=move || refresh.pending().get() on:click=move |_| { refresh.dispatch(()); }>
                            "Refresh statuses from WhatsApp"
                        </button>
                    </Show>
                </header>
                <p class="bot-help">
                    {move || if by_whatsapp.get() {
                        "New and changed templates go to WhatsApp for review. Agents can send approved templates at any time, even outside the 24-hour window. Approved templates cannot be edited: copy them."
                    } else {
                        "Sandbox mode: approve or reject templates here. Agents can send approved templates at any time, even outside the 24-hour window. Approved templates cannot be edited: copy them."
                    }}
                </p>
                {move || notice.get().map(|message| view! { <p class="bot-notice" role="status">{message}</p> })}
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Category"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="number-cell">"Parameters"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || match templates.get() {
                            None => view! { <tr><td colspan="5" class="empty-cell">"Loading templates…"</td></tr> }.into_any(),
                            Some(Err(error)) => view! { <tr><td colspan="5" class="empty-cell">{error.to_string()}</td></tr> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <tr><td colspan="5" class="empty-cell">"No templates yet. Write the first one below."</td></tr>
                            }.into_any(),
                            Some(Ok(list)) => list.into_iter().map(row).collect_view().into_any(),
                        }}
                    </tbody>
                </table>
            </section>
            <section class="panel template-editor">
                <form class="template-form" aria-label="Template" on:submit=submit>
                    <h2>{move || if editing.get().is_some() { "Edit template" } else { "New template" }}</h2>
                    <div class="form-row">
                        <label class="field">
                            <span class="field-label">"Name"</span>
                            <input aria-label="Name" aria-describedby="template-name-hint" prop:value=move || draft.with(|d| d.name.clone()) placeholder="order_shipped"
                                on:input=set(|d, v| d.name = TemplateName::suggest(&v)) />
                            <span class="field-hint" id="template-name-hint">"Lowercase letters, digits and _; what you type becomes such a name."</span>
                            {problem("name")}
                        </label>
                        <label class="field">
                            <span class="field-label">"Language"</span>
                            <select aria-label="Language" prop:value=move || draft.with(|d| d.language.clone()) on:change=set(|d, v| d.language = v)>
                                {LANGUAGES.iter().map(|(code, name)| view! { <option value=*code>{format!("{name} ({code})")}</option> }).collect_view()}
                            </select>
                            {problem("language")}
                        </label>
                        <label class="field">
                            <span class="field-label">"Category"</span>
                            <select aria-label="Category" prop:value=move || draft.with(|d| d.category.as_str())
                                on:change=set(|d, v| if let Some(category) = TemplateCategory::parse(&v) { d.category = category })>
                                {TemplateCategory::ALL.map(|c| view! { <option value=c.as_str()>{c.as_str()}</option> }).collect_view()}
                            </select>
                        </label>
                    </div>
                    <HeaderEditor draft file=header_file choice=header_choice
                        problem=Signal::derive(move || failure.with(|error| error.as_ref().and_then(|error| error.problem_with("header").or_else(|| error.problem_with("header_media_id"))))) />
                    <label class="field">
                        <span class="field-label">{format!("Body: parameters {{{{1}}}}, {{{{2}}}}, … (up to {} characters)", limits::BODY)}</span>
                        <textarea aria-label="Body" rows="4" prop:value=move || draft.with(|d| d.body.clone()) on:input=set(|d, v| d.body = v)></textarea>
                        {problem("body")}
                    </label>
                    <label class="field">
                        <span class="field-label">{format!("Footer (optional, up to {} characters)", limits::FOOTER)}</span>
                        <input aria-label="Footer" prop:value=move || draft.with(|d| d.footer.clone().unwrap_or_default()) on:input=set(|d, v| d.footer = optional(v)) />
                        {problem("footer")}
                    </label>
                    <div class="choices">
                        <span class="field-label">"Buttons: up to 3 quick replies, or up to 2 calls to action"</span>
                        {move || (0..draft.with(|d| d.buttons.len())).map(|n| view! { <ButtonEditor draft n /> }).collect_view()}
                        {problem("buttons")}
                        <button type="button" class="button" on:click=move |_| draft.update(|d| d.buttons.push(TemplateButton::QuickReply { text: String::new() }))>
                            "Add button"
                        </button>
                    </div>
                    <div class="dialog-actions">
                        <Show when=move || editing.get().is_some()>
                            <button type="button" class="button" on:click=move |_| { editing.set(None); draft.set(blank()); header_file.set(None); header_choice.set("none"); failure.set(None); }>"Cancel"</button>
                        </Show>
                        <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                            {move || if by_whatsapp.get() { "Save and submit for review" } else { "Save" }}
                        </button>
                    </div>
                </form>
                <div class="template-preview-panel" aria-label="Preview">
                    <h2>"Preview"</h2>
                    <div class="sample-values">
                        {move || (0..params.get()).map(|n| view! {
                            <input aria-label=format!("Sample value {}", n + 1) placeholder=format!("Sample for {{{{{}}}}}", n + 1)
                                prop:value=move || samples.with(|s| s.get(n).cloned().unwrap_or_default())
                                on:input=move |event| { let value = event_target_value(&event); samples.update(|s| if let Some(slot) = s.get_mut(n) { *slot = value }) } />
                        }).collect_view()}
                    </div>
                    <div class="wa-bubble">
                        {move || header_file.get().filter(|_| draft.with(|d| d.header_media_id.is_some())).map(|file| header_view(&file))}
                        {move || draft.with(|d| d.header.clone()).map(|header| view! { <p class="wa-header">{header}</p> })}
                        <p class="wa-body" class:wa-placeholder=move || draft.with(|d| d.body.trim().is_empty())>
                            {move || draft.with(|d| if d.body.trim().is_empty() {
                                "The body appears here as the customer will see it.".to_owned()
                            } else {
                                preview(&d.body, &samples.get())
                            })}
                        </p>
                        {move || draft.with(|d| d.footer.clone()).map(|footer| view! { <p class="wa-footer">{footer}</p> })}
                    </div>
                    <div class="wa-buttons">
                        {move || draft.with(|d| d.buttons.iter().map(|b| b.text().to_owned()).collect::<Vec<_>>()).into_iter()
                            .map(|text| view! { <span class="wa-button">{text}</span> }).collect_view()}
                    </div>
                </div>
            </section>
        </div>
    }
}

/// One button: its kind, its text, and its web address or phone number.
#[component]
fn ButtonEditor(draft: RwSignal<TemplateDraft>, n: usize) -> impl IntoView {
    let kind = Memo::new(move |_| draft.with(|d| d.buttons.get(n).map_or("quick_reply", kind_of)));
    let text = move || {
        draft.with(|d| {
            d.buttons
                .get(n)
                .map(|b| b.text().to_owned())
                .unwrap_or_default()
        })
    };
    let target = move || {
        draft.with(|d| match d.buttons.get(n) {
            Some(TemplateButton::Url { url, .. }) => url.clone(),
            Some(TemplateButton::PhoneNumber { phone_number, .. }) => phone_number.clone(),
            _ => String::new(),
        })
    };
    let edit = move |change: Box<dyn FnOnce(&mut TemplateButton)>| {
        draft.update(|d| {
            if let Some(button) = d.buttons.get_mut(n) {
                change(button);
            }
        })
    };
    view! {
        <div class="choice">
            <select aria-label=format!("Button {} kind", n + 1) prop:value=move || kind.get()
                on:change=move |event| { let chosen = event_target_value(&event); edit(Box::new(move |b| *b = button_of(&chosen, b.text().to_owned()))) }>
                {BUTTON_KINDS.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
            </select>
            <input aria-label=format!("Button {} text", n + 1) placeholder="Button text" prop:value=text
                on:input=move |event| {
                    let value = event_target_value(&event);
                    edit(Box::new(move |b| match b {
                        TemplateButton::QuickReply { text } | TemplateButton::Url { text, .. } | TemplateButton::PhoneNumber { text, .. } => *text = value,
                    }))
                } />
            <Show when=move || kind.get() != "quick_reply">
                <input aria-label=format!("Button {} target", n + 1) placeholder=move || if kind.get() == "url" { "https://…" } else { "+91…" } prop:value=target
                    on:input=move |event| {
                        let value = event_target_value(&event);
                        edit(Box::new(move |b| match b {
                            TemplateButton::Url { url, .. } => *url = value,
                            TemplateButton::PhoneNumber { phone_number, .. } => *phone_number = value,
                            TemplateButton::QuickReply { .. } => {}
                        }))
                    } />
            </Show>
            <button type="button" class="button button-quiet-danger" aria-label=format!("Remove button {}", n + 1)
                on:click=move |_| draft.update(|d| { if n < d.buttons.len() { d.buttons.remove(n); } })>"×"</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changing_a_buttons_kind_keeps_its_text() {
        let button = button_of("url", "Shop".into());
        assert_eq!(kind_of(&button), "url");
        assert_eq!(button.text(), "Shop");
        assert_eq!(
            kind_of(&button_of("anything else", "Yes".into())),
            "quick_reply"
        );
    }

    #[test]
    fn blank_optional_texts_are_left_out() {
        assert_eq!(optional("  ".into()), None);
        assert_eq!(optional("Bloom".into()), Some("Bloom".into()));
    }
}
