//! Demo mode's controls: write as the open chat's customer, or start a chat
//! as a new customer. Both post to `/api/demo/messages`, which delivers the
//! text through the webhook pipeline; what the bot does arrives as live
//! events, exactly as for a message from WhatsApp.

use handover_core::api::{CustomerProfile, DemoMessage};
use handover_core::WaId;
use leptos::prelude::*;

use crate::api::{self, ApiError};

/// A number nobody is likely to have used yet in this demo: India's +91
/// with a mobile prefix and seven random digits.
pub fn random_number() -> String {
    let digits = (js_sys::Math::random() * 10_000_000.0) as u64;
    format!("91987{digits:07}")
}

/// A line under the open chat: type as the customer, as if on WhatsApp.
#[component]
pub fn WriteAsCustomer(
    /// The open chat.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let send = Action::new_local(|message: &DemoMessage| api::write_as_customer(message.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            text.set(String::new());
        }
    });
    let customer = move || {
        profile.with(|p| {
            if p.name.is_empty() {
                format!("+{}", p.wa_id)
            } else {
                p.name.clone()
            }
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let value = text.get_untracked();
        if value.trim().is_empty() {
            return;
        }
        send.dispatch(DemoMessage {
            wa_id: profile.with_untracked(|p| p.wa_id.to_string()),
            name: None,
            text: value,
        });
    };

    view! {
        <form class="demo-customer" on:submit=submit aria-label="Demo mode: messages from the customer">
            <span class="demo-tag" title="Demo mode: this goes through the same webhook as a WhatsApp message">"Demo"</span>
            <input
                class="demo-input"
                aria-label="Write as the customer"
                placeholder=move || format!("Write as {}, as if on WhatsApp…", customer())
                prop:value=text
                on:input=move |event| text.set(event_target_value(&event))
            />
            <button
                type="submit"
                class="button"
                disabled=move || send.pending().get() || text.with(|t| t.trim().is_empty())
            >
                "Send as customer"
            </button>
        </form>
        {move || match send.value().get() {
            Some(Err(error)) => Some(view! { <p class="demo-error" role="alert">{error.message()}</p> }),
            _ => None,
        }}
    }
}

/// "New demo customer": a name, a number and a first message, delivered as
/// if a new customer wrote to the business.
#[component]
pub fn NewDemoCustomer(
    /// Called with the new customer's number once their message is in.
    on_started: Callback<WaId>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let number = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let send = Action::new_local(|message: &DemoMessage| {
        let message = message.clone();
        async move {
            let wa_id = message.wa_id.clone();
            api::write_as_customer(message).await.map(|_| wa_id)
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(wa_id)) => {
            failure.set(None);
            open.set(false);
            if let Ok(wa_id) = WaId::parse(&wa_id) {
                on_started.run(wa_id);
            }
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let start = move |_| {
        name.set(String::new());
        number.set(random_number());
        text.set("Hi! Do you deliver today?".into());
        failure.set(None);
        open.set(true);
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        send.dispatch(DemoMessage {
            wa_id: number.get_untracked(),
            name: Some(name.get_untracked()),
            text: text.get_untracked(),
        });
    };
    let problem = move |field: &'static str| {
        move || failure.with(|error| error.as_ref().and_then(|error| error.problem_with(field)))
    };

    view! {
        <button type="button" class="button demo-new" on:click=start>
            <span class="demo-tag">"Demo"</span>
            "New customer"
        </button>
        <Show when=move || open.get()>
            <div class="overlay" on:click=move |_| open.set(false)>
                <form
                    class="dialog demo-dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="demo-dialog-title"
                    on:click=|event| event.stop_propagation()
                    on:submit=submit
                >
                    <h2 id="demo-dialog-title">"Write as a new customer"</h2>
                    <p class="dialog-lead">
                        "The message goes through the same webhook pipeline as one from WhatsApp: the bot answers, and the chat appears in its section."
                    </p>
                    <label class="field">
                        <span class="field-label">"Name"</span>
                        <input prop:value=name placeholder="e.g. Nikhil Rao" on:input=move |event| name.set(event_target_value(&event)) />
                        {move || problem("name")().map(|message| view! { <span class="field-error">{message}</span> })}
                    </label>
                    <label class="field">
                        <span class="field-label">"WhatsApp number"</span>
                        <input prop:value=number inputmode="numeric" on:input=move |event| number.set(event_target_value(&event)) />
                        {move || problem("wa_id")().map(|message| view! { <span class="field-error">{message}</span> })}
                    </label>
                    <label class="field">
                        <span class="field-label">"First message"</span>
                        <textarea rows="3" prop:value=text on:input=move |event| text.set(event_target_value(&event))></textarea>
                        {move || problem("text")().map(|message| view! { <span class="field-error">{message}</span> })}
                    </label>
                    {move || failure.with(|error| match error {
                        Some(ApiError::Server { fields, .. }) if !fields.is_empty() => None,
                        Some(error) => Some(view! { <p class="demo-error" role="alert">{error.message()}</p> }),
                        None => None,
                    })}
                    <div class="dialog-actions">
                        <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                        <button type="submit" class="button button-primary" disabled=move || send.pending().get()>
                            "Send as customer"
                        </button>
                    </div>
                </form>
            </div>
        </Show>
    }
}
