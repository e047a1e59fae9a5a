//! The inbox screen: the list of a section (or what a search found), the
//! open chat and the customer's profile card. The URL says which section
//! and which chat (`/sections/…`, `/chats/…`); this screen follows it, so
//! Back, Forward and reload keep the agent's place.

use std::time::Duration;

use handover_core::api::{CustomerSummary, Event, Message, SearchResults};
use handover_core::{Actor, Command, Section, WaId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError, ChatAction, Outgoing, ThreadPage};
use crate::clock;
use crate::components::chat_actions::refusal;
use crate::components::chat_pane::PAGE;
use crate::components::{
    ChatList, ChatPane, LabelsEditor, NewDemoCustomer, ProfileCard, SearchResultList, StatusBadge,
};
use crate::inbox_state::{name_or_number, Inbox, List};
use crate::local_storage;
use crate::pages::NotFound;
use crate::places::{self, Place};
use crate::shortcuts::{self, Shortcut};
use crate::workspace::Workspace;

/// How long typing must pause before a search is sent.
const SEARCH_DELAY: Duration = Duration::from_millis(250);
/// Messages shown above a message a search found.
const CONTEXT_ABOVE: u32 = 20;

#[component]
pub fn InboxScreen() -> impl IntoView {
    let workspace = Workspace::get();
    let inbox = workspace.inbox;
    let me = workspace.agent.with_value(|agent| Actor {
        agent: agent.id,
        role: agent.role,
    });
    let location = use_location();
    let navigate = use_navigate();
    let place = Memo::new(move |_| {
        let message = location.query.with(|query| query.get("message"));
        Place::parse(&location.pathname.get(), message.as_deref())
    });
    let notice = RwSignal::new(None::<String>);
    // On a phone, the profile shows as a sheet over the chat.
    let profile_sheet = RwSignal::new(false);
    // A chat named by the URL that does not exist.
    let missing = RwSignal::new(None::<WaId>);

    // Which list the sidebar shows: the URL's section, or for a chat the
    // section the customer is in. In Intervened, all chats or only mine.
    let section = RwSignal::new(inbox.with_untracked(|inbox| inbox.list().section));
    // "Mine" is kept for the person (a reload keeps it) and said in the
    // section's address (`?mine=1`), which a link may also ask for.
    let mine_key = workspace
        .agent
        .with_value(|agent| format!("handover.mine.{}", agent.id.0));
    let asked = location.query.with_untracked(|query| query.get("mine"));
    let mine = RwSignal::new(match asked.as_deref() {
        Some(asked) => asked == "1",
        None => local_storage::get(&mine_key).as_deref() == Some("1"),
    });
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            let on = mine.get();
            local_storage::set(&mine_key, if on { "1" } else { "" });
            let path = location.pathname.get_untracked();
            let shown = location.query.with_untracked(|query| query.get("mine"));
            if path == places::section(Section::Intervened)
                && shown.as_deref() != Some(if on { "1" } else { "0" })
            {
                let to = if on { format!("{path}?mine=1") } else { path };
                let replace = NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..NavigateOptions::default()
                };
                if on || shown.is_some() {
                    navigate(&to, replace);
                }
            }
        }
    });
    let list = Memo::new(move |_| {
        let section = section.get();
        List {
            section,
            mine: section == Section::Intervened && mine.get(),
        }
    });

    // The open chat: its profile, and its thread at the newest message or
    // around the one named in the URL, both asked for at once.
    let load_chat = move |wa_id: WaId, message: Option<i64>| {
        spawn_local(load_profile(inbox, wa_id.clone(), section, missing, notice));
        spawn_local(load_thread(inbox, wa_id, message, notice));
    };
    Effect::new(move |_| match place.get() {
        Place::Section(shown) => {
            missing.set(None);
            section.set(shown);
            inbox.update(|inbox| inbox.close());
        }
        Place::Chat { wa_id, message } => {
            missing.set(None);
            notice.set(None);
            let opened = inbox
                .try_update(|inbox| inbox.select(wa_id.clone()))
                .unwrap_or(false);
            if opened || message.is_some() {
                load_chat(wa_id, message);
            }
        }
        Place::Unknown => {}
    });

    // The list: switched at once, so live events land in it, then filled
    // by its first page.
    Effect::new(move |_| {
        let list = list.get();
        inbox.update(|inbox| inbox.switch(list));
    });
    let first_page = LocalResource::new(move || {
        let list = list.get();
        async move { (list, api::fetch_users(list, None).await) }
    });
    Effect::new(move |_| {
        if let Some((list, page)) = first_page.get() {
            match page {
                Ok(page) => inbox.update(|inbox| inbox.show_page(list, page, clock::parse_ms)),
                Err(error) => notice.set(Some(error.to_string())),
            }
        }
    });
    let load_more = move |_| {
        let (list, cursor) =
            inbox.with_untracked(|inbox| (inbox.list(), inbox.next_cursor().map(str::to_owned)));
        let Some(cursor) = cursor else { return };
        spawn_local(async move {
            match api::fetch_users(list, Some(&cursor)).await {
                Ok(page) => inbox.update(|inbox| inbox.append_page(list, page)),
                Err(error) => notice.set(Some(error.to_string())),
            }
        });
    };

    // Search across every section and History, a moment after typing stops.
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let pending_search = StoredValue::new(None::<TimeoutHandle>);
    let on_search_input = move |event: leptos::ev::Event| {
        let text = event_target_value(&event);
        typed.set(text.clone());
        if let Some(handle) = pending_search.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || query.set(text), SEARCH_DELAY).ok();
        pending_search.set_value(handle);
    };
    let searching = move || !typed.with(|text| text.trim().is_empty());
    let results = LocalResource::new(move || {
        let query = query.get();
        async move {
            let searchable = query.chars().filter(|c| c.is_alphanumeric()).count() >= 3;
            match searchable {
                true => Some(api::search(&query).await),
                false => None,
            }
        }
    });
    let search_box = NodeRef::<leptos::html::Input>::new();
    let clear_search = move || {
        typed.set(String::new());
        query.set(String::new());
        if let Some(input) = search_box.get_untracked() {
            input.set_value("");
        }
    };

    // Actions and sending. A refusal (someone else was faster) is shown
    // plainly and the chat is reloaded.
    let open_chat = move || inbox.with_untracked(|inbox| inbox.selected().cloned());
    let action = Action::new_local(move |(wa_id, chosen): &(WaId, ChatAction)| {
        api::act(wa_id.to_string(), chosen.clone())
    });
    // This agent's Intervene is on its way: the reply box opens at once.
    let intervening = RwSignal::new(false);
    // The question "Resolve this chat?" is open.
    let closing = RwSignal::new(false);
    Effect::new(move |_| match action.value().get() {
        Some(Ok(profile)) => {
            intervening.set(false);
            inbox.update(|inbox| inbox.show_profile(profile));
        }
        Some(Err(error)) => {
            intervening.set(false);
            notice.set(Some(error.message()));
            if let Some(wa_id) = open_chat() {
                load_chat(wa_id, None);
            }
        }
        None => {}
    });
    let on_action = Callback::new(move |chosen: ChatAction| {
        notice.set(None);
        if let Some(wa_id) = open_chat() {
            intervening.set(chosen == ChatAction::Intervene);
            action.dispatch((wa_id, chosen));
        }
    });
    let send = Action::new_local(move |(wa_id, outgoing): &(WaId, Outgoing)| {
        api::send(wa_id.to_string(), outgoing.clone())
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(message)) => show_sent(inbox, message),
        Some(Err(error)) => notice.set(Some(error.message())),
        None => {}
    });
    let on_send = Callback::new(move |outgoing: Outgoing| {
        if let Some(wa_id) = open_chat() {
            send.dispatch((wa_id, outgoing));
        }
    });
    let busy = Signal::derive(move || action.pending().get() || send.pending().get());

    let team = LocalResource::new(api::fetch_agents);
    let team = Signal::derive(move || team.get().and_then(Result::ok).unwrap_or_default());
    // The team's templates, closing reasons and canned replies: read when
    // the inbox opens, and again whenever a manager changes them (a live
    // event), not at every chat opened.
    let setup = workspace.setup;
    let templates = LocalResource::new(move || {
        setup.with(|changes| changes.templates);
        api::fetch_templates()
    });
    let templates =
        Signal::derive(move || templates.get().and_then(Result::ok).unwrap_or_default());
    let reasons = LocalResource::new(move || {
        setup.with(|changes| changes.closing_reasons);
        api::fetch_closing_reasons()
    });
    let reasons = Signal::derive(move || reasons.get().and_then(Result::ok).unwrap_or_default());
    let canned = LocalResource::new(move || {
        setup.with(|changes| changes.canned_replies);
        api::fetch_canned_replies()
    });
    let canned = Signal::derive(move || canned.get().and_then(Result::ok).unwrap_or_default());

    // Keyboard shortcuts, only while nothing is being typed. A click into
    // the conversation counts as starting to type: the characters typed
    // next go to the reply box (when this agent may reply).
    let go = {
        let navigate = navigate.clone();
        move |path: String| navigate(&path, NavigateOptions::default())
    };
    let clicked_in_thread = StoredValue::new(false);
    let pointer = window_event_listener(leptos::ev::pointerdown, move |event| {
        let inside = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|element| element.closest(".thread-wrap").ok().flatten().is_some());
        clicked_in_thread.set_value(inside);
    });
    on_cleanup(move || pointer.remove());
    // The chat's question closes when another chat opens.
    let selected_chat = Memo::new(move |_| inbox.with(|inbox| inbox.selected().cloned()));
    Effect::new(move |_| {
        selected_chat.track();
        closing.set(false);
        profile_sheet.set(false);
    });
    let keys = window_event_listener(leptos::ev::keydown, {
        let go = go.clone();
        move |event| {
            let focused = document().active_element();
            let in_field = focused.as_ref().is_some_and(|element| {
                matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                    || element
                        .dyn_ref::<web_sys::HtmlElement>()
                        .is_some_and(|element| element.is_content_editable())
            });
            let modifier = event.ctrl_key() || event.meta_key() || event.alt_key();
            let selecting = window()
                .get_selection()
                .ok()
                .flatten()
                .is_some_and(|selection| !selection.is_collapsed());
            let in_thread = clicked_in_thread.get_value() && !in_field;
            if in_thread && shortcuts::goes_to_reply_box(&event.key(), modifier) {
                // The key itself lands in the box it is given to.
                if let Some(reply_box) = reply_box() {
                    let _ = reply_box.focus();
                }
                return;
            }
            let typing = in_field || selecting || in_thread;
            let Some(shortcut) = shortcuts::shortcut(&event.key(), typing, modifier) else {
                return;
            };
            // While "Resolve this chat?" is open, only Escape counts.
            if closing.get_untracked() && shortcut != Shortcut::Close {
                return;
            }
            event.prevent_default();
            match shortcut {
                Shortcut::Next | Shortcut::Previous => {
                    let offset = if shortcut == Shortcut::Next { 1 } else { -1 };
                    if let Some(wa_id) = inbox.with_untracked(|inbox| inbox.neighbour(offset)) {
                        go(places::chat(&wa_id));
                    }
                }
                Shortcut::Intervene => {
                    let allowed = inbox.with_untracked(|inbox| {
                        inbox
                            .profile()
                            .is_some_and(|p| refusal(p, Command::Intervene(me)).is_none())
                    });
                    if allowed {
                        on_action.run(ChatAction::Intervene);
                        // What is typed next is the reply: the box opens
                        // now, before the server has answered.
                        if let Some(reply_box) = composer_box() {
                            reply_box.set_disabled(false);
                            let _ = reply_box.focus();
                        }
                    }
                }
                Shortcut::Resolve => {
                    let allowed = inbox.with_untracked(|inbox| {
                        inbox
                            .profile()
                            .is_some_and(|p| refusal(p, Command::Resolve(me)).is_none())
                    });
                    if allowed {
                        closing.set(true);
                    }
                }
                Shortcut::Search => {
                    if let Some(input) = search_box.get_untracked() {
                        let _ = input.focus();
                    }
                }
                Shortcut::Help => workspace.help.update(|shown| *shown = !*shown),
                Shortcut::Close => {
                    workspace.help.set(false);
                    closing.set(false);
                    clicked_in_thread.set_value(false);
                    let focused =
                        focused.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok());
                    if let Some(element) = focused {
                        if search_box.get_untracked().is_some_and(|input| {
                            let input: &web_sys::HtmlElement = &input;
                            input == &element
                        }) {
                            clear_search();
                        }
                        let _ = element.blur();
                    }
                }
            }
        }
    });
    on_cleanup(move || keys.remove());

    let items = Memo::new(move |_| inbox.with(|inbox| inbox.items().to_vec()));
    // Memos, so that a live event that changes neither wakes none of the
    // list's rows (each row watches both).
    let selected = Memo::new(move |_| inbox.with(|inbox| inbox.selected().cloned()));
    let unread = Memo::new(move |_| inbox.with(|inbox| inbox.unread().clone()));
    let profile = Memo::new(move |_| inbox.with(|inbox| inbox.profile().cloned()));
    // Whose chat is open: the panes are built again when it changes, not
    // when the open customer's profile does (they follow that themselves).
    let open_chat_id = Memo::new(move |_| profile.with(|p| p.as_ref().map(|p| p.wa_id.clone())));
    let has_more = move || inbox.with(|inbox| inbox.next_cursor().is_some());
    let shown_section = Signal::derive(move || section.get());
    let on_new_customer = Callback::new(move |wa_id: WaId| go(places::chat(&wa_id)));

    // Rebuilt only when the URL turns unknown or known again, never on a
    // move between lists and chats (which would lose scroll positions).
    let unknown = Memo::new(move |_| place.get() == Place::Unknown);
    let screen = move || {
        if unknown.get() {
            return view! { <NotFound /> }.into_any();
        }
        view! {
            <div
                class="workspace"
                class:chat-open=move || selected.with(Option::is_some) || missing.with(Option::is_some)
                class:profile-open=move || profile_sheet.get()
            >
                // The routes below the inbox show nothing of their own (this
                // screen reads the URL), but the router completes a
                // navigation only once their outlet has rendered.
                <Outlet />
                <aside class="sidebar" aria-label="Chat list">
                    <div class="sidebar-head">
                        <h1 class="sidebar-title">
                            {move || if searching() { "Search".to_owned() } else { section.get().label().to_owned() }}
                        </h1>
                        <input
                            type="search"
                            class="search"
                            node_ref=search_box
                            aria-label="Search customers by name, number or message"
                            placeholder="Search name, number or message"
                            on:input=on_search_input
                        />
                        <Show when=move || !searching() && section.get() == Section::Intervened>
                            <div class="list-filter" role="group" aria-label="Which chats">
                                <button type="button" class="chip" aria-pressed=move || (!mine.get()).to_string() on:click=move |_| mine.set(false)>"All"</button>
                                <button type="button" class="chip" aria-pressed=move || mine.get().to_string() on:click=move |_| mine.set(true)>"Mine"</button>
                            </div>
                        </Show>
                        <Show when=move || workspace.demo.get()>
                            <NewDemoCustomer on_started=on_new_customer />
                        </Show>
                    </div>
                    {move || if searching() {
                        search_panel(typed, query, results).into_any()
                    } else {
                        view! {
                            <Show
                                when=move || !items.with(Vec::is_empty)
                                fallback=move || view! {
                                    <p class="empty">
                                        {move || match first_page.get() {
                                            None => "Loading chats…".to_owned(),
                                            Some(_) if list.get().mine => "You hold no live chats right now.".to_owned(),
                                            Some(_) => format!("No chats in {} right now.", section.get().label()),
                                        }}
                                    </p>
                                }
                            >
                                <ChatList items section=shown_section selected unread now_ms=workspace.now_ms />
                            </Show>
                            <Show when=has_more>
                                <button type="button" class="button load-more" on:click=load_more>"Load more"</button>
                            </Show>
                        }.into_any()
                    }}
                </aside>
                <main class="chat-pane">
                    // Phones show one pane at a time: the way back to the
                    // list, and the profile as a sheet.
                    <div class="phone-bar">
                        <a class="phone-back" href=move || places::section(section.get())>
                            <span aria-hidden="true">"‹ "</span>{move || section.get().label()}
                        </a>
                        <button type="button" class="button phone-profile" aria-expanded=move || profile_sheet.get().to_string() on:click=move |_| profile_sheet.update(|open| *open = !*open)>
                            "Profile"
                        </button>
                    </div>
                    {move || notice.get().map(|message| view! {
                        <div class="banner banner-error" role="alert">
                            <span>{message}</span>
                            <button type="button" class="button" on:click=move |_| notice.set(None)>"Dismiss"</button>
                        </div>
                    })}
                    {move || match (open_chat_id.get().and(profile.get_untracked()), missing.get()) {
                        (_, Some(wa_id)) => view! {
                            <div class="empty chat-empty" role="alert">
                                <p class="empty-title">"No such customer"</p>
                                <p>{format!("Nobody with the number +{wa_id} has written to this business or been imported.")}</p>
                                <p><a href=places::home()>"Back to the customers waiting"</a></p>
                            </div>
                        }.into_any(),
                        (None, None) if selected.with(Option::is_some) => {
                            let row = selected.with_untracked(|wa_id| {
                                items.with_untracked(|items| items.iter().find(|item| Some(&item.wa_id) == wa_id.as_ref()).cloned())
                            });
                            opening(row).into_any()
                        }
                        (None, None) => view! {
                            <div class="empty chat-empty">
                                <p class="empty-title">"Select a chat"</p>
                                <p>"Customers waiting for an agent are in Requesting."</p>
                            </div>
                        }.into_any(),
                        (Some(current), None) => {
                            let profile = Signal::derive(move || profile.get().unwrap_or_else(|| current.clone()));
                            view! {
                                <ChatPane profile me agents=team templates reasons canned on_action on_send busy closing intervening />
                            }.into_any()
                        }
                    }}
                </main>
                <aside class="profile-pane" aria-label="Customer profile">
                    <button type="button" class="button sheet-close" on:click=move |_| profile_sheet.set(false)>"Close"</button>
                    {move || match open_chat_id.get().and(profile.get_untracked()) {
                        Some(current) => {
                            let profile = Signal::derive(move || profile.get().unwrap_or_else(|| current.clone()));
                            view! {
                                <ProfileCard profile now_ms=workspace.now_ms />
                                <LabelsEditor profile />
                            }
                            .into_any()
                        }
                        None if selected.with(Option::is_some) => view! { <p class="empty">"Loading the profile…"</p> }.into_any(),
                        None => view! { <p class="empty">"The customer's profile appears here."</p> }.into_any(),
                    }}
                </aside>
            </div>
        }
        .into_any()
    };
    screen
}

/// The open chat's text box (the reply or the note being written).
fn composer_box() -> Option<web_sys::HtmlTextAreaElement> {
    document()
        .query_selector(".composer-input")
        .ok()
        .flatten()
        .and_then(|element| element.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
}

/// The open chat's text box, when this agent may write in it.
fn reply_box() -> Option<web_sys::HtmlTextAreaElement> {
    composer_box().filter(|element| !element.disabled())
}

/// A chat on its way: who it is, from its row in the list (when it is
/// listed), until its profile and thread arrive.
fn opening(row: Option<CustomerSummary>) -> impl IntoView {
    let head = row.map(|row| {
        view! {
            <header class="chat-head">
                <div class="chat-title">
                    <h2>{name_or_number(&row.name, &row.wa_id)}</h2>
                    <StatusBadge status=row.status />
                </div>
            </header>
        }
    });
    view! {
        {head}
        <p class="empty">"Loading the chat…"</p>
    }
}

/// The open chat's profile; a chat opened by its URL also switches the
/// list to the section it is in (unless the screen was left meanwhile).
async fn load_profile(
    inbox: RwSignal<Inbox>,
    wa_id: WaId,
    section: RwSignal<Section>,
    missing: RwSignal<Option<WaId>>,
    notice: RwSignal<Option<String>>,
) {
    match api::fetch_profile(wa_id.as_str()).await {
        Ok(profile) => {
            let listed = section.try_get_untracked();
            if listed.is_some_and(|listed| !listed.shows(profile.status, profile.window_open)) {
                section.set(Section::of(profile.status, profile.window_open));
            }
            inbox.update(|inbox| inbox.show_profile(profile));
        }
        Err(ApiError::Server { status: 404, .. }) => missing.set(Some(wa_id)),
        Err(error) => notice.set(Some(error.to_string())),
    }
}

/// The open chat's thread: the newest page, or the messages around `message`
/// (a search result). An unknown customer is the profile's to report.
async fn load_thread(
    inbox: RwSignal<Inbox>,
    wa_id: WaId,
    message: Option<i64>,
    notice: RwSignal<Option<String>>,
) {
    let loaded = match message {
        None => api::fetch_thread(wa_id.as_str(), ThreadPage::Before(None), PAGE)
            .await
            .map(|page| inbox.update(|inbox| inbox.show_newest(&wa_id, page))),
        Some(id) => {
            let above = ThreadPage::Before(Some(id + 1));
            let older = api::fetch_thread(wa_id.as_str(), above, CONTEXT_ABOVE).await;
            let newer = api::fetch_thread(wa_id.as_str(), ThreadPage::After(id), PAGE).await;
            older.and_then(|older| {
                newer.map(|newer| inbox.update(|inbox| inbox.show_around(&wa_id, id, older, newer)))
            })
        }
    };
    match loaded {
        Ok(()) | Err(ApiError::Server { status: 404, .. }) => {}
        Err(error) => notice.set(Some(error.to_string())),
    }
}

/// The sidebar while searching: a hint, the results, or why none.
fn search_panel(
    typed: RwSignal<String>,
    query: RwSignal<String>,
    results: LocalResource<Option<Result<SearchResults, ApiError>>>,
) -> impl IntoView {
    move || {
        let typed_now = typed.get();
        if typed_now.chars().filter(|c| c.is_alphanumeric()).count() < 3 {
            return view! { <p class="empty">"Type at least 3 letters or digits of a name, a number or a message."</p> }.into_any();
        }
        match results.get().flatten() {
            None => view! { <p class="empty">"Searching…"</p> }.into_any(),
            Some(Err(error)) => {
                view! { <p class="empty" role="alert">{error.to_string()}</p> }.into_any()
            }
            Some(Ok(found)) if found.items.is_empty() => {
                view! { <p class="empty">{format!("Nobody matches “{}”.", typed_now.trim())}</p> }
                    .into_any()
            }
            Some(Ok(found)) => {
                let more = found.more;
                view! {
                    <SearchResultList results=found query />
                    {more.then(|| view! { <p class="empty">"More customers match: type more to narrow the search."</p> })}
                }
                .into_any()
            }
        }
    }
}

/// An agent's own message, accepted by the server: shown at the bottom of
/// the thread, which follows it even if the agent had scrolled up.
fn show_sent(inbox: RwSignal<Inbox>, message: Message) {
    let behind = inbox.with_untracked(|inbox| inbox.newer_cursor().is_some());
    let wa_id = message.wa_id.clone();
    if behind {
        spawn_local(async move {
            if let Ok(page) =
                api::fetch_thread(wa_id.as_str(), ThreadPage::Before(None), PAGE).await
            {
                inbox.update(|inbox| inbox.show_newest(&wa_id, page));
            }
        });
        return;
    }
    inbox.update(|inbox| {
        inbox.set_pinned(true);
        inbox.apply(
            &Event::Message {
                message: Box::new(message),
            },
            clock::parse_ms,
        );
    });
}
