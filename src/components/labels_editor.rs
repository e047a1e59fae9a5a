//! The open chat's labels under its profile: shown as chips, removed with
//! their ✕, added by typing (the labels in use, kept live, are suggested).

use handover_core::api::CustomerProfile;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::workspace::Workspace;

#[component]
pub fn LabelsEditor(
    /// The customer on screen.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
) -> impl IntoView {
    let workspace = Workspace::get();
    let inbox = workspace.inbox;
    // Read again when anyone's labels change (a live event).
    let known = LocalResource::new(move || {
        workspace.setup.with(|changes| changes.labels);
        api::fetch_labels()
    });
    let adding = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let save = move |labels: Vec<String>| {
        let wa_id = profile.with_untracked(|p| p.wa_id.to_string());
        spawn_local(async move {
            match api::set_labels(wa_id, labels).await {
                Ok(updated) => {
                    problem.set(None);
                    inbox.update(|inbox| inbox.show_profile(updated));
                    known.refetch();
                }
                Err(error) => problem.set(Some(error.message())),
            }
        });
    };
    let add = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let label = adding.get_untracked();
        if label.trim().is_empty() {
            return;
        }
        let mut labels = profile.with_untracked(|p| p.labels.clone());
        labels.push(label);
        adding.set(String::new());
        save(labels);
    };
    view! {
        <section class="labels-editor" aria-label="Labels">
            <h3 class="side-heading">"Labels"</h3>
            <ul class="label-chips">
                {move || profile.get().labels.into_iter().map(|label| {
                    let removed = label.clone();
                    view! {
                        <li class="label-chip">
                            <span>{label.clone()}</span>
                            <button
                                type="button"
                                class="label-remove"
                                aria-label=format!("Remove the label {label}")
                                on:click=move |_| {
                                    let labels = profile.with_untracked(|p| p.labels.iter().filter(|l| **l != removed).cloned().collect());
                                    save(labels);
                                }
                            >
                                "✕"
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="label-add" on:submit=add>
                <input
                    list="labels-in-use"
                    aria-label="Add a label"
                    placeholder="Add a label, e.g. refund"
                    maxlength="40"
                    prop:value=adding
                    on:input=move |event| adding.set(event_target_value(&event))
                />
                <datalist id="labels-in-use">
                    {move || known.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|label| view! { <option value=label></option> }).collect_view()}
                </datalist>
                <button type="submit" class="button">"Add"</button>
            </form>
            {move || problem.get().map(|why| view! { <p class="bot-notice error" role="alert">{why}</p> })}
        </section>
    }
}
