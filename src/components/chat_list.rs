//! The list of chats in the selected section or History.

use handover_core::api::UserSummary;
use handover_core::WaId;
use leptos::prelude::*;

use crate::{clock, format};

#[component]
pub fn ChatList(
    /// The rows, in order.
    #[prop(into)]
    items: Signal<Vec<UserSummary>>,
    /// The open chat.
    #[prop(into)]
    selected: Signal<Option<WaId>>,
    /// Chats with messages not yet seen.
    #[prop(into)]
    unread: Signal<std::collections::HashSet<WaId>>,
    /// Now, for "time since" and window countdowns.
    #[prop(into)]
    now_ms: Signal<i64>,
    /// Called with the chat a row opens.
    on_open: Callback<WaId>,
) -> impl IntoView {
    view! {
        <ul class="chat-list" role="listbox" aria-label="Chats">
            <For
                each=move || items.get()
                key=|item| (item.wa_id.clone(), item.status, item.last_message_preview.clone(), item.window_expires_at.clone(), item.assigned_agent.clone())
                let:item
            >
                {
                    let wa_id = item.wa_id.clone();
                    let is_selected = {
                        let wa_id = wa_id.clone();
                        Memo::new(move |_| selected.with(|selected| selected.as_ref() == Some(&wa_id)))
                    };
                    let is_unread = {
                        let wa_id = wa_id.clone();
                        Memo::new(move |_| unread.with(|unread| unread.contains(&wa_id)))
                    };
                    let active_ms = item.last_active_at.as_deref().and_then(clock::parse_ms);
                    let expires_ms = item.window_expires_at.as_deref().and_then(clock::parse_ms);
                    let ago = move || active_ms.map(|at| format::ago(now_ms.get() - at)).unwrap_or_default();
                    let left = move || expires_ms.and_then(|at| format::window_left(at - now_ms.get()));
                    let urgent = move || expires_ms.is_some_and(|at| format::window_urgent(at - now_ms.get()));
                    let title = if item.name.is_empty() { format!("+{}", item.wa_id) } else { item.name.clone() };
                    let open = wa_id.clone();
                    view! {
                        <li
                            class="chat-row"
                            role="option"
                            tabindex="0"
                            data-wa-id=wa_id.to_string()
                            aria-selected=move || is_selected.get().to_string()
                            class:selected=is_selected
                            class:unread=is_unread
                            on:click=move |_| on_open.run(open.clone())
                        >
                            <div class="chat-row-top">
                                <span class="chat-name">{title}</span>
                                <span class="chat-ago">{ago}</span>
                            </div>
                            <div class="chat-number">{format!("+{}", item.wa_id)}</div>
                            <div class="chat-preview">{item.last_message_preview.clone().unwrap_or_default()}</div>
                            <div class="chat-meta">
                                <span class="window-left" class:urgent=urgent>
                                    {move || left().unwrap_or_else(|| "Window closed".to_owned())}
                                </span>
                                {item.assigned_agent.as_ref().map(|agent| view! { <span class="holder">{agent.name.clone()}</span> })}
                                <span class="unread-dot" aria-label="Unread" hidden=move || !is_unread.get()></span>
                            </div>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
