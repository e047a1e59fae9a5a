//! The agents' dashboard: section tabs and badges in the top bar, the chat
//! list, the open chat (actions, thread, composer) and the profile card,
//! all kept live by the server's events.

use std::time::Duration;

use handover_core::api::{Agent, Event, TemplateSend};
use handover_core::{Actor, Status, WaId};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ChatAction};
use crate::components::{
    ChatActions, ChatList, Composer, ProfileCard, SectionTabs, StatusBadge, Thread,
};
use crate::inbox::{Inbox, View};
use crate::{clock, live};

/// How often relative times ("5m", "3h 10m left") are refreshed.
const TICK: Duration = Duration::from_secs(30);

#[component]
pub fn Dashboard(
    /// The signed-in agent or manager.
    agent: Agent,
    /// Called after signing out, or when the session has ended.
    on_signed_out: Callback<()>,
) -> impl IntoView {
    let me = Actor {
        agent: agent.id,
        role: agent.role,
    };
    let inbox = RwSignal::new(Inbox::default());
    let view = RwSignal::new(View::Section(Status::Requesting));
    let query = RwSignal::new(String::new());
    let notice = RwSignal::new(None::<String>);
    let now_ms = RwSignal::new(clock::now_ms());
    if let Ok(handle) = set_interval_with_handle(move || now_ms.set(clock::now_ms()), TICK) {
        on_cleanup(move || handle.clear());
    }

    // Counts, then live events.
    let connected = RwSignal::new(false);
    let sections = LocalResource::new(api::fetch_sections);
    Effect::new(move |_| match sections.get() {
        Some(Ok(counts)) => inbox.update(|inbox| inbox.counts = Some(counts)),
        Some(Err(error)) if error.is_unauthorized() => on_signed_out.run(()),
        Some(Err(error)) => notice.set(Some(error.to_string())),
        None => {}
    });
    let on_event = move |event: Event| inbox.update(|inbox| inbox.apply(&event, clock::parse_ms));
    let stream = StoredValue::new_local(live::connect(on_event, connected));
    on_cleanup(move || stream.dispose());

    // The list follows the tab and the search: switched at once, so live
    // events land in it, then filled by the first page.
    Effect::new(move |_| {
        let (shown, searched) = (view.get(), query.get());
        inbox.update(|inbox| inbox.switch(shown, searched));
    });
    let list = LocalResource::new(move || {
        let (view, query) = (view.get(), query.get());
        async move {
            (
                view,
                query.clone(),
                api::fetch_users(view.param(), &query, None).await,
            )
        }
    });
    Effect::new(move |_| {
        if let Some((shown, searched, page)) = list.get() {
            match page {
                Ok(page) => {
                    inbox.update(|inbox| inbox.show_page(shown, &searched, page, clock::parse_ms))
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
        }
    });
    let load_more = move |_| {
        let Some(cursor) = inbox.with_untracked(|inbox| inbox.next_cursor.clone()) else {
            return;
        };
        let (shown, searched) = (view.get_untracked(), query.get_untracked());
        spawn_local(async move {
            match api::fetch_users(shown.param(), &searched, Some(&cursor)).await {
                Ok(page) => inbox.update(|inbox| {
                    inbox.items.extend(page.items);
                    inbox.next_cursor = page.next_cursor;
                }),
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    };

    // The open chat.
    let load_chat = move |wa_id: WaId| {
        spawn_local(async move {
            let profile = api::fetch_profile(wa_id.as_str()).await;
            let thread = api::fetch_thread(wa_id.as_str(), None).await;
            inbox.update(|inbox| {
                if inbox.selected.as_ref() != Some(&wa_id) {
                    return;
                }
                match profile {
                    Ok(profile) => inbox.profile = Some(profile),
                    Err(error) => notice.set(Some(error.to_string())),
                }
                if let Ok(page) = thread {
                    inbox.thread = page.items;
                    inbox.older_cursor = page.next_cursor;
                }
            });
        });
    };
    let open = Callback::new(move |wa_id: WaId| {
        notice.set(None);
        inbox.update(|inbox| inbox.select(wa_id.clone()));
        load_chat(wa_id);
    });
    let load_older = move |_| {
        let Some((wa_id, before)) = inbox.with_untracked(|inbox| {
            let before = inbox.older_cursor.as_deref()?.parse().ok()?;
            Some((inbox.selected.clone()?, before))
        }) else {
            return;
        };
        spawn_local(async move {
            if let Ok(page) = api::fetch_thread(wa_id.as_str(), Some(before)).await {
                inbox.update(|inbox| {
                    if inbox.selected.as_ref() == Some(&wa_id) {
                        let newer = std::mem::take(&mut inbox.thread);
                        inbox.thread = page.items.into_iter().chain(newer).collect();
                        inbox.older_cursor = page.next_cursor;
                    }
                });
            }
        });
    };

    // Actions and sending. A refusal (someone else was faster) is shown
    // plainly and the chat is reloaded.
    let action = Action::new_local(move |(wa_id, chosen): &(WaId, ChatAction)| {
        api::act(wa_id.to_string(), *chosen)
    });
    Effect::new(move |_| match action.value().get() {
        Some(Ok(profile)) => inbox.update(|inbox| {
            if inbox.selected.as_ref() == Some(&profile.wa_id) {
                inbox.profile = Some(profile);
            }
        }),
        Some(Err(error)) => {
            notice.set(Some(error.message()));
            if let Some(wa_id) = inbox.with_untracked(|inbox| inbox.selected.clone()) {
                load_chat(wa_id);
            }
        }
        None => {}
    });
    let on_action = Callback::new(move |chosen: ChatAction| {
        notice.set(None);
        if let Some(wa_id) = inbox.with_untracked(|inbox| inbox.selected.clone()) {
            action.dispatch((wa_id, chosen));
        }
    });
    let send = Action::new_local(
        move |(wa_id, text, template): &(WaId, Option<String>, Option<TemplateSend>)| {
            let (wa_id, text, template) = (wa_id.to_string(), text.clone(), template.clone());
            async move {
                match (text, template) {
                    (Some(text), _) => api::send_text(wa_id, text).await,
                    (None, Some(template)) => api::send_template(wa_id, template).await,
                    (None, None) => Err(api::ApiError::Unreadable("nothing to send".into())),
                }
            }
        },
    );
    Effect::new(move |_| match send.value().get() {
        Some(Ok(message)) => {
            inbox.update(|inbox| inbox.apply(&Event::Message { message }, clock::parse_ms))
        }
        Some(Err(error)) => notice.set(Some(error.message())),
        None => {}
    });
    let selected_wa_id = move || inbox.with_untracked(|inbox| inbox.selected.clone());
    let on_send_text = Callback::new(move |text: String| {
        if let Some(wa_id) = selected_wa_id() {
            send.dispatch((wa_id, Some(text), None));
        }
    });
    let on_send_template = Callback::new(move |template: TemplateSend| {
        if let Some(wa_id) = selected_wa_id() {
            send.dispatch((wa_id, None, Some(template)));
        }
    });

    let agents = LocalResource::new(api::fetch_agents);
    let agents = Signal::derive(move || agents.get().and_then(Result::ok).unwrap_or_default());
    let templates = LocalResource::new(api::fetch_templates);
    let templates =
        Signal::derive(move || templates.get().and_then(Result::ok).unwrap_or_default());
    let sign_out = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            on_signed_out.run(());
        }
    });

    let counts = Signal::derive(move || inbox.with(|inbox| inbox.counts));
    let items = Signal::derive(move || inbox.with(|inbox| inbox.items.clone()));
    let selected = Signal::derive(move || inbox.with(|inbox| inbox.selected.clone()));
    let unread = Signal::derive(move || inbox.with(|inbox| inbox.unread.clone()));
    let profile = Memo::new(move |_| inbox.with(|inbox| inbox.profile.clone()));
    let messages = Signal::derive(move || inbox.with(|inbox| inbox.thread.clone()));
    let has_more = move || inbox.with(|inbox| inbox.next_cursor.is_some());
    let has_older = move || inbox.with(|inbox| inbox.older_cursor.is_some());
    let busy = Signal::derive(move || action.pending().get() || send.pending().get());

    // Keep the newest message in sight: on opening a chat and whenever a
    // message is added at the end (not when older ones are loaded above).
    let scroller = NodeRef::<leptos::html::Div>::new();
    let newest = Memo::new(move |_| {
        inbox.with(|inbox| (inbox.selected.clone(), inbox.thread.last().map(|m| m.id)))
    });
    Effect::new(move |_| {
        newest.track();
        request_animation_frame(move || {
            if let Some(element) = scroller.get_untracked() {
                element.set_scroll_top(element.scroll_height());
            }
        });
    });

    view! {
        <div class="shell">
            <header class="top-bar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"H"</span>
                    <span class="brand-name">"Handover"</span>
                </div>
                <SectionTabs counts selected=view />
                <div class="me">
                    <span
                        class="live-indicator"
                        class:down=move || !connected.get()
                        role="status"
                        title=move || if connected.get() { "Live updates are on" } else { "Live updates are reconnecting…" }
                    >
                        {move || if connected.get() { "Live" } else { "Reconnecting…" }}
                    </span>
                    <span class="me-name">{agent.name.clone()}</span>
                    <span class="me-role">{agent.role.label()}</span>
                    <button type="button" class="button-quiet" on:click=move |_| { sign_out.dispatch(()); }>
                        "Sign out"
                    </button>
                </div>
            </header>
            <div class="workspace">
                <aside class="sidebar" aria-label="Chat list">
                    <div class="sidebar-head">
                        <h1 class="sidebar-title">{move || view.get().label()}</h1>
                        <input
                            type="search"
                            class="search"
                            aria-label="Search by name or number"
                            placeholder="Search name or number"
                            prop:value=query
                            on:input=move |event| query.set(event_target_value(&event))
                        />
                    </div>
                    <Show
                        when=move || !items.with(Vec::is_empty)
                        fallback=move || view! {
                            <p class="empty">
                                {move || if list.get().is_none() { "Loading chats…".to_owned() } else { format!("No chats in {} right now.", view.get().label()) }}
                            </p>
                        }
                    >
                        <ChatList items selected unread now_ms on_open=open />
                    </Show>
                    <Show when=has_more>
                        <button type="button" class="button load-more" on:click=load_more>"Load more"</button>
                    </Show>
                </aside>
                <main class="chat-pane">
                    {move || notice.get().map(|message| view! {
                        <div class="banner banner-error" role="alert">
                            <span>{message}</span>
                            <button type="button" class="button" on:click=move |_| notice.set(None)>"Dismiss"</button>
                        </div>
                    })}
                    {move || match profile.get() {
                        None if selected.with(Option::is_some) => view! { <p class="empty">"Loading the chat…"</p> }.into_any(),
                        None => view! {
                            <div class="empty chat-empty">
                                <p class="empty-title">"Select a chat"</p>
                                <p>"Customers waiting for an agent are in Requesting."</p>
                            </div>
                        }.into_any(),
                        Some(current) => {
                            let profile = Signal::derive(move || profile.get().unwrap_or_else(|| current.clone()));
                            view! {
                                <header class="chat-head">
                                    <div class="chat-title">
                                        <h2>{move || profile.with(|p| if p.name.is_empty() { format!("+{}", p.wa_id) } else { p.name.clone() })}</h2>
                                        <StatusBadge status=Signal::derive(move || profile.with(|p| p.status)) />
                                    </div>
                                    <ChatActions profile me agents on_action busy />
                                </header>
                                <div class="thread-scroll" node_ref=scroller>
                                    <Show when=has_older>
                                        <button type="button" class="button load-older" on:click=load_older>"Load older messages"</button>
                                    </Show>
                                    <Thread messages />
                                </div>
                                <Composer profile me templates on_send_text on_send_template busy />
                            }.into_any()
                        }
                    }}
                </main>
                <aside class="profile-pane">
                    {move || match profile.get() {
                        Some(current) => {
                            let profile = Signal::derive(move || profile.get().unwrap_or_else(|| current.clone()));
                            view! { <ProfileCard profile now_ms /> }.into_any()
                        }
                        None => view! { <p class="empty">"The customer's profile appears here."</p> }.into_any(),
                    }}
                </aside>
            </div>
        </div>
    }
}
