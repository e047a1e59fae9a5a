//! Intervene, Resolve, Release and Transfer: each enabled or disabled by the
//! same `handover_core::decide` the server uses, with the reason on hover.
//! Resolve always asks first (with the team's closing reasons, when it keeps
//! them), whether it was clicked or asked for with the keyboard.

use handover_core::api::{CustomerProfile, TeamMember};
use handover_core::labels::ClosingReasons;
use handover_core::{decide, Actor, ChatState, Command};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ChatAction;

/// Why `command` is not possible for `me` on this chat, or `None` if it is.
pub fn refusal(profile: &CustomerProfile, command: Command) -> Option<String> {
    let state = ChatState {
        status: profile.status,
        holder: profile.assigned_agent.as_ref().map(|agent| agent.id),
        window_open: profile.window_open,
    };
    decide(&state, command).err().map(|error| error.to_string())
}

#[component]
pub fn ChatActions(
    /// The open chat.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
    /// The signed-in agent.
    me: Actor,
    /// Colleagues to transfer to, with who is online.
    #[prop(into)]
    agents: Signal<Vec<TeamMember>>,
    /// Runs an action on the open chat.
    on_action: Callback<ChatAction>,
    /// True while an action is on its way.
    #[prop(into)]
    busy: Signal<bool>,
    /// The team's closing reasons.
    #[prop(into)]
    reasons: Signal<ClosingReasons>,
    /// The question "Resolve this chat?" is open.
    closing: RwSignal<bool>,
) -> impl IntoView {
    let transfer_to = RwSignal::new(None::<handover_core::AgentId>);
    let chosen_reason = RwSignal::new(String::new());
    let button =
        move |label: &'static str, key: &'static str, command: Command, action: ChatAction| {
            let reason = move || profile.with(|p| refusal(p, command));
            view! {
                <button
                    type="button"
                    class="button action"
                    data-action=key
                    disabled=move || busy.get() || reason().is_some()
                    title=move || reason().unwrap_or_default()
                    on:click=move |_| {
                        if matches!(action, ChatAction::Resolve(_)) {
                            closing.update(|open| *open = !*open);
                        } else {
                            on_action.run(action.clone());
                        }
                    }
                >
                    {label}
                </button>
            }
        };
    let resolve_with_reason = move || {
        if busy.get_untracked()
            || profile
                .with_untracked(|p| refusal(p, Command::Resolve(me)))
                .is_some()
        {
            closing.set(false);
            return;
        }
        let reason = chosen_reason.get_untracked();
        let reason = (!reason.is_empty()).then_some(reason);
        closing.set(false);
        chosen_reason.set(String::new());
        on_action.run(ChatAction::Resolve(reason));
    };
    let may_resolve = move || {
        !busy.get() && (!reasons.with(|r| r.required) || chosen_reason.with(|r| !r.is_empty()))
    };
    // The question takes the focus when it opens (the reason first, when
    // there are reasons), so Enter answers it and Escape closes it; a space
    // or a letter typed on by mistake does nothing.
    let question = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if closing.get() {
            request_animation_frame(move || {
                let Some(panel) = question.get_untracked() else {
                    return;
                };
                let target = panel
                    .query_selector("select")
                    .ok()
                    .flatten()
                    .and_then(|select| select.dyn_into::<web_sys::HtmlElement>().ok());
                let _ = match target {
                    Some(select) => select.focus(),
                    None => panel.focus(),
                };
            });
        }
    });
    let on_question_key = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Enter" && may_resolve() {
            event.prevent_default();
            resolve_with_reason();
        }
    };
    let transfer_reason = move || {
        let target = transfer_to.get()?;
        profile.with(|p| refusal(p, Command::Transfer { by: me, to: target }))
    };
    let can_transfer = move || transfer_to.get().is_some() && transfer_reason().is_none();
    let hold_reason = move || {
        profile.with(|p| {
            refusal(
                p,
                Command::Transfer {
                    by: me,
                    to: handover_core::AgentId(i64::MIN),
                },
            )
        })
    };
    view! {
        <div class="chat-actions" role="group" aria-label="Chat actions">
            {button("Intervene", "intervene", Command::Intervene(me), ChatAction::Intervene)}
            {button("Resolve", "resolve", Command::Resolve(me), ChatAction::Resolve(None))}
            {button("Release", "release", Command::Release(me), ChatAction::Release)}
            <select
                class="transfer-select"
                aria-label="Transfer to"
                disabled=move || busy.get() || hold_reason().is_some()
                title=move || hold_reason().unwrap_or_default()
                on:change=move |event| transfer_to.set(event_target_value(&event).parse().ok().map(handover_core::AgentId))
            >
                <option value="">"Transfer to…"</option>
                {move || {
                    agents
                        .get()
                        .into_iter()
                        .filter(|member| !member.agent.disabled && member.agent.id != me.agent)
                        .map(|member| {
                            let name = if member.online {
                                format!("{} (online)", member.agent.name)
                            } else {
                                member.agent.name
                            };
                            view! { <option value=member.agent.id.0.to_string()>{name}</option> }
                        })
                        .collect_view()
                }}
            </select>
            <button
                type="button"
                class="button action"
                data-action="transfer"
                disabled=move || busy.get() || !can_transfer()
                title=move || transfer_reason().unwrap_or_default()
                on:click=move |_| {
                    if let Some(target) = transfer_to.get() {
                        on_action.run(ChatAction::Transfer(target));
                    }
                }
            >
                "Transfer"
            </button>
            <Show when=move || closing.get()>
                <div class="closing-reason" role="dialog" aria-label="Resolve this chat?" tabindex="-1" node_ref=question on:keydown=on_question_key>
                    <span class="closing-question">"Resolve this chat and hand it back to the bot?"</span>
                    <Show when=move || reasons.with(|r| !r.reasons.is_empty())>
                    <select
                        aria-label="Closing reason"
                        prop:value=chosen_reason
                        on:change=move |event| chosen_reason.set(event_target_value(&event))
                    >
                        <option value="">
                            {move || if reasons.with(|r| r.required) { "Choose a reason…" } else { "No reason" }}
                        </option>
                        {move || reasons.get().reasons.into_iter().map(|reason| {
                            view! { <option value=reason.clone()>{reason.clone()}</option> }
                        }).collect_view()}
                    </select>
                    </Show>
                    <button type="button" class="button button-primary" disabled=move || !may_resolve() on:click=move |_| resolve_with_reason()>
                        "Resolve chat"
                    </button>
                    <button type="button" class="button-quiet" on:click=move |_| closing.set(false)>"Cancel"</button>
                </div>
            </Show>
        </div>
    }
}
