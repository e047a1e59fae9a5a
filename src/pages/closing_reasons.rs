//! Closing reasons (managers): why chats are closed, one per line, and
//! whether Resolve must give one. Reports count chats by reason.

use handover_core::labels::ClosingReasons;
use leptos::prelude::*;

use crate::api::{self, ApiError};

#[component]
pub fn ClosingReasonsPage() -> impl IntoView {
    let stored = LocalResource::new(api::fetch_closing_reasons);
    let lines = RwSignal::new(String::new());
    let required = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(reasons)) = stored.get() {
            lines.set(reasons.reasons.join("\n"));
            required.set(reasons.required);
        }
    });
    let save =
        Action::new_local(|reasons: &ClosingReasons| api::save_closing_reasons(reasons.clone()));
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            failure.set(None);
            lines.set(saved.reasons.join("\n"));
            notice.set(Some(match saved.reasons.len() {
                0 => "Saved: Resolve asks for no reason.".to_owned(),
                n if saved.required => {
                    format!("Saved {n} reasons; Resolve asks for one every time.")
                }
                n => format!(
                    "Saved {n} reasons; Resolve offers them, and a chat may close without one."
                ),
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
        let reasons = lines.get_untracked().lines().map(str::to_owned).collect();
        save.dispatch(ClosingReasons {
            reasons,
            required: required.get_untracked(),
        });
    };
    view! {
        <div class="manage-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Closing reasons"</h1>
                </header>
                <p class="bot-help">
                    "When an agent resolves a chat, Resolve offers these reasons (refund issued, order delivered, …). They are kept with the chat and counted in reports."
                </p>
                {move || notice.get().map(|message| view! { <p class="bot-notice" role="status">{message}</p> })}
                {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })}
                <form class="rule-form" on:submit=submit aria-label="Closing reasons">
                    <label class="field">
                        <span class="field-label">"Reasons, one per line"</span>
                        <textarea class="reasons-input" rows="8" prop:value=lines placeholder="Refund issued\nOrder delivered\nQuestion answered" on:input=move |event| lines.set(event_target_value(&event))></textarea>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=required on:change=move |event| required.set(event_target_checked(&event)) />
                        " Resolve must give a reason"
                    </label>
                    <div class="dialog-actions">
                        <button type="submit" class="button button-primary" disabled=move || save.pending().get()>"Save reasons"</button>
                    </div>
                </form>
            </section>
        </div>
    }
}
