//! The agents' dashboard: section tabs and badges in the top bar, the chat
//! list, the open chat (actions, thread, composer) and the profile card,
//! all kept live by the server's events.

use std::time::Duration;

use handover_core::api::{Agent, Event, TemplateSend};
use handover_core::{Actor, Status, WaId};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::alerts::AlertSettings;
use crate::api::{self, ChatAction};
use crate::components::{
    ChatActions, ChatList, Composer, ManageMenu, NewDemoCustomer, ProfileCard, Screen, SectionTabs,
    ShortcutsHelp, StatusBadge, Thread, WriteAsCustomer,
};
use crate::inbox::{Inbox, View};
use crate::pages::{BotPage, CampaignsPage, TagsPage, TemplatesPage, UsersPage};
use crate::shortcuts::{self, Shortcut};
use crate::{clock, live};
use wasm_bindgen::JsCast;

/// How often relative times ("5m", "3h 10m left") are refreshed.
const TICK: Duration = Duration::from_secs(30);

#[component]
pub fn Dashboard(
    /// The signed-in agent or manager.
    agent: Agent,
    /// Called after signing out, or when the session has ended.
    on_signed_out: Callback<()>,
) -> impl IntoView {
    let is_manager = agent.role == handover_core::Role::Manager;
    let screen = RwSignal::new(Screen::Inbox);
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
    let alerts = AlertSettings::load();
    let announcement = RwSignal::new(String::new());
    let on_event = move |event: Event| {
        if let Some(waiting) = inbox
            .try_update(|inbox| inbox.apply(&event, clock::parse_ms))
            .flatten()
        {
            announcement.set(format!("{} is waiting for an agent.", waiting.name));
            alerts.announce(&waiting);
        }
    };
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
    let scroller = NodeRef::<leptos::html::Div>::new();
    let load_older = move || {
        let Some((wa_id, before)) = inbox.with_untracked(|inbox| {
            let before = inbox.older_cursor.as_deref()?.parse().ok()?;
            Some((inbox.selected.clone()?, before))
        }) else {
            return;
        };
        inbox.update(|inbox| inbox.older_cursor = None);
        spawn_local(async move {
            if let Ok(page) = api::fetch_thread(wa_id.as_str(), Some(before)).await {
                // Keep the messages on screen where they are as older ones
                // are added above them.
                let height_before = scroller
                    .get_untracked()
                    .map(|element| element.scroll_height());
                inbox.update(|inbox| {
                    if inbox.selected.as_ref() == Some(&wa_id) {
                        let newer = std::mem::take(&mut inbox.thread);
                        inbox.thread = page.items.into_iter().chain(newer).collect();
                        inbox.older_cursor = page.next_cursor;
                    }
                });
                request_animation_frame(move || {
                    if let (Some(element), Some(before)) = (scroller.get_untracked(), height_before)
                    {
                        element.set_scroll_top(element.scroll_height() - before);
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
            inbox.update(|inbox| {
                inbox.apply(&Event::Message { message }, clock::parse_ms);
            });
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

    // A customer picked elsewhere (the Users page, a new demo customer)
    // opens in the inbox, in their section or in History.
    let show_customer = Callback::new(move |wa_id: WaId| {
        spawn_local(async move {
            match api::fetch_profile(wa_id.as_str()).await {
                Ok(profile) => {
                    screen.set(Screen::Inbox);
                    query.set(String::new());
                    view.set(if profile.window_open {
                        View::Section(profile.status)
                    } else {
                        View::History
                    });
                    open.run(wa_id);
                }
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    });
    // Demo mode: write as a customer; a new one opens in its section.
    let demo = LocalResource::new(api::fetch_demo);
    let demo_on = Signal::derive(move || matches!(demo.get(), Some(Ok(status)) if status.enabled));

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

    // Keyboard shortcuts, except while typing.
    let help = RwSignal::new(false);
    let search = NodeRef::<leptos::html::Input>::new();
    let keys = window_event_listener(leptos::ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
            });
        let modifier = event.ctrl_key() || event.meta_key() || event.alt_key();
        let Some(shortcut) = shortcuts::shortcut(&event.key(), typing, modifier) else {
            return;
        };
        event.prevent_default();
        match shortcut {
            Shortcut::Next | Shortcut::Previous => {
                let offset = if shortcut == Shortcut::Next { 1 } else { -1 };
                if let Some(wa_id) = inbox.with_untracked(|inbox| inbox.neighbour(offset)) {
                    open.run(wa_id);
                }
            }
            Shortcut::Intervene | Shortcut::Resolve => {
                if inbox.with_untracked(|inbox| inbox.profile.is_some()) {
                    let chosen = if shortcut == Shortcut::Intervene {
                        ChatAction::Intervene
                    } else {
                        ChatAction::Resolve
                    };
                    on_action.run(chosen);
                }
            }
            Shortcut::Search => {
                if let Some(input) = search.get_untracked() {
                    let _ = input.focus();
                }
            }
            Shortcut::Help => help.update(|shown| *shown = !*shown),
            Shortcut::Close => {
                help.set(false);
                let focused = document()
                    .active_element()
                    .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(element) = focused {
                    let _ = element.blur();
                }
            }
        }
    });
    on_cleanup(move || keys.remove());

    // Keep the newest message in sight: on opening a chat and whenever a
    // message is added at the end (not when older ones are loaded above).
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
                <div class="tabs-wrap" class:away=move || screen.get() != Screen::Inbox on:click=move |_| screen.set(Screen::Inbox)>
                    <SectionTabs counts selected=view />
                </div>
                <Show when=move || is_manager>
                    <ManageMenu screen />
                </Show>
                <div class="me">
                    <span
                        class="live-indicator"
                        class:down=move || !connected.get()
                        role="status"
                        title=move || if connected.get() { "Live updates are on" } else { "Live updates are reconnecting…" }
                    >
                        <span class="live-text">{move || if connected.get() { "Live" } else { "Reconnecting…" }}</span>
                    </span>
                    <button
                        type="button"
                        class="button-quiet toggle"
                        aria-pressed=move || alerts.notify.get().to_string()
                        title="Browser notifications when a customer starts waiting"
                        on:click=move |_| alerts.toggle_notifications()
                    >
                        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                            <path d="M6 16V10a6 6 0 1 1 12 0v6l2 2H4z" />
                            <path d="M10 20a2 2 0 0 0 4 0" />
                            <line class="off-slash" x1="3" y1="3" x2="21" y2="21" />
                        </svg>
                        <span class="sr-only">{move || if alerts.notify.get() { "Notifications on" } else { "Notifications off" }}</span>
                    </button>
                    <button
                        type="button"
                        class="button-quiet toggle"
                        aria-pressed=move || alerts.sound.get().to_string()
                        title="A short sound when a customer starts waiting"
                        on:click=move |_| alerts.sound.update(|on| *on = !*on)
                    >
                        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                            <path d="M4 9h4l5-4v14l-5-4H4z" />
                            <path d="M16.5 8.5a5 5 0 0 1 0 7" />
                            <line class="off-slash" x1="3" y1="3" x2="21" y2="21" />
                        </svg>
                        <span class="sr-only">{move || if alerts.sound.get() { "Sound on" } else { "Sound off" }}</span>
                    </button>
                    <button type="button" class="button-quiet" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" on:click=move |_| help.set(true)>"?"</button>
                    <span class="me-who">
                        <span class="me-name">{agent.name.clone()}</span>
                        <span class="me-role">{agent.role.label()}</span>
                    </span>
                    <button type="button" class="button-quiet" on:click=move |_| { sign_out.dispatch(()); }>
                        "Sign out"
                    </button>
                </div>
            </header>
            <div class="sr-only" role="status" aria-live="assertive">{announcement}</div>
            <Show when=move || help.get()>
                <ShortcutsHelp on_close=Callback::new(move |_| help.set(false)) />
            </Show>
            {move || match screen.get() {
                Screen::Inbox => None,
                Screen::Bot => Some(view! { <BotPage /> }.into_any()),
                Screen::Tags => Some(view! { <TagsPage /> }.into_any()),
                Screen::Templates => Some(view! { <TemplatesPage /> }.into_any()),
                Screen::Users => Some(view! { <UsersPage on_open=show_customer /> }.into_any()),
                Screen::Campaigns => Some(view! { <CampaignsPage /> }.into_any()),
            }}
            <div class="workspace" hidden=move || screen.get() != Screen::Inbox>
                <aside class="sidebar" aria-label="Chat list">
                    <div class="sidebar-head">
                        <h1 class="sidebar-title">{move || view.get().label()}</h1>
                        <input
                            type="search"
                            class="search"
                            node_ref=search
                            aria-label="Search by name or number"
                            placeholder="Search name or number"
                            prop:value=query
                            on:input=move |event| query.set(event_target_value(&event))
                        />
                        <Show when=move || demo_on.get()>
                            <NewDemoCustomer on_started=show_customer />
                        </Show>
                    </div>
                    <Show
                        when=move || !items.with(Vec::is_empty)
                        fallback=move || view! {
                            <p class="empty">
                                {move || match (list.get().is_none(), query.get()) {
                                    (true, _) => "Loading chats…".to_owned(),
                                    (false, searched) if !searched.trim().is_empty() => format!("No chats match “{}”.", searched.trim()),
                                    (false, _) => format!("No chats in {} right now.", view.get().label()),
                                }}
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
                                <div
                                    class="thread-scroll"
                                    node_ref=scroller
                                    on:scroll=move |_| {
                                        let near_top = scroller.get_untracked().is_some_and(|element| element.scroll_top() < 40);
                                        if near_top && has_older() {
                                            load_older();
                                        }
                                    }
                                >
                                    <Show when=has_older>
                                        <button type="button" class="button load-older" on:click=move |_| load_older()>"Load older messages"</button>
                                    </Show>
                                    <Thread messages />
                                </div>
                                <Composer profile me templates on_send_text on_send_template busy />
                                <Show when=move || demo_on.get()>
                                    <WriteAsCustomer profile />
                                </Show>
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
