//! The top bar's mentions: `@` with how many the signed-in person has not
//! read (kept while they were away), a list of the newest that opens each
//! chat at its note; opening the list reads them.

use handover_core::notes::MyMentions;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::{api, clock, places};

#[component]
pub fn MentionsMenu(
    /// Moves whenever someone mentions the signed-in person (a live event).
    #[prop(into)]
    mentioned: Signal<u32>,
) -> impl IntoView {
    let mine = RwSignal::new(None::<MyMentions>);
    let open = RwSignal::new(false);
    Effect::new(move |_| {
        mentioned.track();
        spawn_local(async move {
            if let Ok(found) = api::fetch_my_mentions().await {
                let _ = mine.try_set(Some(found));
            }
        });
    });
    let unread = move || mine.with(|m| m.as_ref().map_or(0, |m| m.unread));
    let toggle = move |_| {
        let opening = !open.get_untracked();
        open.set(opening);
        if opening && unread() > 0 {
            spawn_local(async move {
                if let Ok(read) = api::read_my_mentions().await {
                    let _ = mine.try_set(Some(read));
                }
            });
        }
    };
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" {
            open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <div class="mentions">
            <button
                type="button"
                class="button-quiet mentions-button"
                aria-haspopup="dialog"
                aria-expanded=move || open.get().to_string()
                aria-label=move || match unread() {
                    0 => "Mentions".to_owned(),
                    n => format!("Mentions, {n} unread"),
                }
                title="Notes that mention you"
                on:click=toggle
            >
                "@"
                {move || (unread() > 0).then(|| view! { <span class="mentions-count">{unread()}</span> })}
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <div class="mentions-list" role="dialog" aria-label="Notes that mention you">
                    {move || match mine.get() {
                        None => view! { <p class="empty">"Loading…"</p> }.into_any(),
                        Some(found) if found.items.is_empty() => view! {
                            <p class="empty">"Nobody has mentioned you yet. A colleague writes @ and your name in a private note."</p>
                        }.into_any(),
                        Some(found) => found.items.into_iter().map(|item| {
                            let href = places::chat_at(&item.wa_id, Some(item.message_id));
                            let when = clock::local_clock(&item.at).unwrap_or_default();
                            view! {
                                <a class="mention-item" class:unread=!item.read href=href.clone() rel=places::rel(&href) on:click=move |_| open.set(false)>
                                    <span class="mention-head">
                                        <strong>{item.by.name.clone()}</strong>
                                        {format!(" in the chat with {}", item.customer)}
                                    </span>
                                    <span class="mention-text">{item.text.clone()}</span>
                                    <span class="muted">{when}</span>
                                </a>
                            }
                        }).collect_view().into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}
