//! The list of chats in the selected section or History. Each row is a
//! link to the chat's URL, so it opens in place, in a new tab, or copied.

use handover_core::api::CustomerSummary;
use handover_core::{Section, WaId};
use leptos::prelude::*;

use crate::inbox_state::name_or_number;
use crate::{clock, format, places};

#[component]
pub fn ChatList(
    /// The rows, in order.
    #[prop(into)]
    items: Signal<Vec<CustomerSummary>>,
    /// The list's section: the Requesting queue shows how long each waits.
    #[prop(into)]
    section: Signal<Section>,
    /// The open chat.
    #[prop(into)]
    selected: Signal<Option<WaId>>,
    /// Chats with messages not yet seen.
    #[prop(into)]
    unread: Signal<std::collections::HashSet<WaId>>,
    /// Now, for "time since", waits and window countdowns.
    #[prop(into)]
    now_ms: Signal<i64>,
) -> impl IntoView {
    view! {
        <ul class="chat-list" aria-label="Chats">
            <For
                each=move || items.get()
                key=|item| (item.wa_id.clone(), item.status, item.last_message_preview.clone(), item.window_expires_at.clone(), item.assigned_agent.clone(), item.waiting_since.clone(), item.labels.clone(), item.unread)
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
                    let item_unread = item.unread;
                    let looks_unread = move || item_unread != 0 || is_unread.get();
                    let active_ms = item.last_active_at.as_deref().and_then(clock::parse_ms);
                    let waiting_ms = item.waiting_since.as_deref().and_then(clock::parse_ms);
                    let expires_ms = item.window_expires_at.as_deref().and_then(clock::parse_ms);
                    let ago = move || active_ms.map(|at| format::ago(now_ms.get() - at)).unwrap_or_default();
                    let waited = move || {
                        (section.get() == Section::Requesting)
                            .then_some(waiting_ms)
                            .flatten()
                            .map(|since| format::waited(now_ms.get() - since))
                    };
                    let left = move || expires_ms.and_then(|at| format::window_left(at - now_ms.get()));
                    let urgent = move || expires_ms.is_some_and(|at| format::window_urgent(at - now_ms.get()));
                    let title = name_or_number(&item.name, &item.wa_id);
                    view! {
                        <li>
                            <a
                                class="chat-row"
                                href=places::chat(&wa_id)
                                data-wa-id=wa_id.to_string()
                                aria-current=move || is_selected.get().then_some("page")
                                class:selected=is_selected
                                class:unread=looks_unread
                            >
                                <div class="chat-row-top">
                                    <span class="chat-name">{title}</span>
                                    <span class="chat-ago">{ago}</span>
                                </div>
                                <div class="chat-number">{format!("+{}", item.wa_id)}</div>
                                <div class="chat-preview">{item.last_message_preview.clone().unwrap_or_default()}</div>
                                {(!item.labels.is_empty()).then(|| view! {
                                    <div class="chat-labels">
                                        {item.labels.iter().map(|label| view! { <span class="label-chip small">{label.clone()}</span> }).collect_view()}
                                    </div>
                                })}
                                <div class="chat-meta">
                                    {move || waited().map(|waited| view! { <span class="waited">{waited}</span> })}
                                    <span class="window-left" class:urgent=urgent>
                                        {move || left().unwrap_or_else(|| "Window closed".to_owned())}
                                    </span>
                                    {item.assigned_agent.as_ref().map(|agent| view! { <span class="holder">{agent.name.clone()}</span> })}
                                    {match item.unread {
                                        0 => view! { <span class="unread-dot" aria-label="New messages" hidden=move || !is_unread.get()></span> }.into_any(),
                                        count => view! {
                                            <span class="unread-count" aria-label=format!("{count} unread")>{format::count(count)}</span>
                                        }.into_any(),
                                    }}
                                </div>
                            </a>
                        </li>
                    }
                }
            </For>
        </ul>
    }
}
