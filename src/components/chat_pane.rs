//! The open chat: its header with the lifecycle actions, the thread, the
//! composer and (in demo mode) writing as the customer.
//!
//! The thread behaves like a chat app's: it opens at the newest message (or
//! at the message a search found, highlighted); while the agent reads the
//! bottom, new messages scroll into view; when they have scrolled up, new
//! messages are counted on a "New messages" pill that jumps down instead of
//! yanking the view; older messages load above without moving what is on
//! screen, and a thread opened further up fills in downwards.

use handover_core::api::CustomerProfile;
use handover_core::canned::CannedReply;
use handover_core::labels::ClosingReasons;
use handover_core::templates::Template;
use handover_core::Actor;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ChatAction, Outgoing, ThreadPage};
use crate::components::composer::text_refusal;
use crate::components::{ChatActions, Composer, StatusBadge, Thread, WriteAsCustomer};
use crate::format;
use crate::inbox_state::display_name;
use crate::workspace::Workspace;

/// How close to the bottom (px) still counts as reading the newest message.
const PINNED_WITHIN: i32 = 48;
/// How close to the top (px) loads older messages.
const OLDER_WITHIN: i32 = 40;
/// Messages per page of the thread.
pub const PAGE: u32 = 50;

#[component]
pub fn ChatPane(
    /// The open chat's profile.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
    /// The signed-in agent.
    me: Actor,
    /// Everyone a chat can be transferred to.
    #[prop(into)]
    agents: Signal<Vec<handover_core::api::TeamMember>>,
    /// Templates that can be sent.
    #[prop(into)]
    templates: Signal<Vec<Template>>,
    /// The team's closing reasons, offered on Resolve.
    #[prop(into)]
    reasons: Signal<ClosingReasons>,
    /// The team's canned replies, offered in the composer.
    #[prop(into)]
    canned: Signal<Vec<CannedReply>>,
    on_action: Callback<ChatAction>,
    on_send: Callback<Outgoing>,
    /// True while an action or a send is on its way.
    #[prop(into)]
    busy: Signal<bool>,
    /// The question "Resolve this chat?" is open.
    closing: RwSignal<bool>,
    /// True while the signed-in agent's Intervene is on its way.
    #[prop(into)]
    intervening: Signal<bool>,
) -> impl IntoView {
    let workspace = Workspace::get();
    let inbox = workspace.inbox;
    let scroller = NodeRef::<leptos::html::Div>::new();
    let messages = Memo::new(move |_| inbox.with(|inbox| inbox.thread().to_vec()));
    let has_older = move || inbox.with(|inbox| inbox.older_cursor().is_some());
    let unseen = Memo::new(move |_| inbox.with(|inbox| inbox.unseen()));
    let behind = Memo::new(move |_| inbox.with(|inbox| inbox.newer_cursor().is_some()));
    let loading = StoredValue::new(false);
    // The message the agent is answering, quoted above their reply.
    let quoting = RwSignal::new(None::<handover_core::api::Message>);
    let on_reply = Callback::new(move |message| {
        quoting.set(Some(message));
        if let Some(reply_box) = document()
            .query_selector(".composer-input")
            .ok()
            .flatten()
            .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = reply_box.focus();
        }
    });

    let load = move |page: ThreadPage| {
        let Some(wa_id) = inbox.with_untracked(|inbox| inbox.selected().cloned()) else {
            return;
        };
        if loading.get_value() {
            return;
        }
        loading.set_value(true);
        // The first message on screen, and how far below the top it is.
        let reading = scroll_box(scroller).and_then(|element| first_on_screen(&element));
        spawn_local(async move {
            let fetched = api::fetch_thread(wa_id.as_str(), page, PAGE).await;
            // The chat may have been closed meanwhile.
            let _ = loading.try_set_value(false);
            let Ok(fetched) = fetched else { return };
            match page {
                ThreadPage::Before(_) => {
                    inbox.update(|inbox| inbox.prepend_older(&wa_id, fetched));
                    // Keep the messages on screen where they are as older
                    // ones are added above them.
                    request_animation_frame(move || {
                        if let (Some(element), Some(reading)) = (scroll_box(scroller), reading) {
                            keep_on_screen(&element, reading);
                        }
                    });
                }
                ThreadPage::After(_) => inbox.update(|inbox| inbox.append_newer(&wa_id, fetched)),
            }
        });
    };
    let load_older = move || {
        let before = inbox.with_untracked(|inbox| inbox.older_cursor()?.parse().ok());
        if let Some(before) = before {
            load(ThreadPage::Before(Some(before)));
        }
    };
    let load_newer = move || {
        let after = inbox.with_untracked(|inbox| inbox.newer_cursor()?.parse().ok());
        if let Some(after) = after {
            load(ThreadPage::After(after));
        }
    };
    let to_bottom = move || {
        if let Some(element) = scroll_box(scroller) {
            element.set_scroll_top(element.scroll_height());
        }
    };
    // The pill: down to the newest message, fetching it first when the
    // thread was opened further up.
    let jump_down = move |_| {
        if behind.get_untracked() {
            let Some(wa_id) = inbox.with_untracked(|inbox| inbox.selected().cloned()) else {
                return;
            };
            spawn_local(async move {
                if let Ok(page) =
                    api::fetch_thread(wa_id.as_str(), ThreadPage::Before(None), PAGE).await
                {
                    inbox.update(|inbox| inbox.show_newest(&wa_id, page));
                }
            });
        } else {
            inbox.update(|inbox| inbox.set_pinned(true));
            to_bottom();
        }
    };
    let on_scroll = move |_| {
        let Some(element) = scroll_box(scroller) else {
            return;
        };
        let from_bottom = element.scroll_height() - element.scroll_top() - element.client_height();
        let pinned = from_bottom <= PINNED_WITHIN;
        if inbox.with_untracked(|inbox| inbox.pinned()) != pinned {
            inbox.update(|inbox| inbox.set_pinned(pinned));
        }
        if element.scroll_top() < OLDER_WITHIN && has_older() {
            load_older();
        }
        if pinned && behind.get_untracked() {
            load_newer();
        }
    };

    // A photo or video that finishes loading makes the thread taller: one
    // read at the bottom stays at the bottom.
    let follow_growth = move || {
        if inbox.with_untracked(|inbox| inbox.pinned()) {
            to_bottom();
        }
    };

    // Follow the newest message while the agent reads the bottom; bring a
    // focused message (a search result) into view once it is on screen.
    let tail = Memo::new(move |_| {
        inbox.with(|inbox| {
            (
                inbox.selected().cloned(),
                inbox.thread().last().map(|message| message.id),
                inbox.focus(),
            )
        })
    });
    Effect::new(move |_| {
        let (_, _, focus) = tail.get();
        request_animation_frame(move || {
            if let Some(id) = focus {
                show_message(scroller, id);
                inbox.update(|inbox| inbox.focused());
            } else if inbox.with_untracked(|inbox| inbox.pinned()) {
                to_bottom();
            }
        });
    });

    // The chat is read by the agent holding it (or by anyone while nobody
    // does) while it is on screen: its unread count clears for the team
    // and the customer sees blue ticks. Again for what arrives while open,
    // and when the window comes back into focus.
    let reading = StoredValue::new(false);
    let focused = RwSignal::new(0u32);
    let refocus = window_event_listener(leptos::ev::focus, move |_| focused.update(|n| *n += 1));
    on_cleanup(move || refocus.remove());
    Effect::new(move |_| {
        focused.track();
        let (wa_id, unread, reads) = profile.with(|p| {
            let held_by_another = p.status == handover_core::Status::Intervened
                && p.assigned_agent
                    .as_ref()
                    .is_none_or(|agent| agent.id != me.agent);
            (p.wa_id.clone(), p.unread, !held_by_another)
        });
        if unread == 0 || !reads || reading.get_value() || document().hidden() {
            return;
        }
        reading.set_value(true);
        spawn_local(async move {
            let read = api::mark_read(wa_id.to_string()).await;
            let _ = reading.try_set_value(false);
            if let Ok(profile) = read {
                inbox.update(|inbox| inbox.show_profile(profile));
            }
        });
    });

    // A reaction shows at once from the answer (and for the others, live).
    let on_react = Callback::new(move |(id, emoji): (i64, String)| {
        let wa_id = profile.with_untracked(|p| p.wa_id.to_string());
        spawn_local(async move {
            if let Ok(message) = api::react(wa_id, id, emoji).await {
                inbox.update(|inbox| {
                    inbox.apply(
                        &handover_core::api::Event::Message {
                            message: Box::new(message),
                        },
                        crate::clock::parse_ms,
                    );
                });
            }
        });
    });

    let title = move || profile.with(display_name);
    view! {
        <header class="chat-head">
            <div class="chat-title">
                <h2>{title}</h2>
                <StatusBadge status=Signal::derive(move || profile.with(|p| p.status)) />
            </div>
            <ChatActions profile me agents on_action busy reasons closing />
        </header>
        <div class="thread-wrap" class:replies-off=move || profile.with(|p| text_refusal(p, me).is_some())>
            <div class="thread-scroll" node_ref=scroller on:scroll=on_scroll
                on:load:capture=move |_| follow_growth()
                on:loadedmetadata:capture=move |_| follow_growth()>
                <Show when=has_older>
                    <button type="button" class="button load-older" on:click=move |_| load_older()>"Load older messages"</button>
                </Show>
                <Thread messages now_ms=workspace.now_ms on_reply on_react />
                <Show when=move || behind.get()>
                    <button type="button" class="button load-older" on:click=move |_| load_newer()>"Load newer messages"</button>
                </Show>
            </div>
            <Show when=move || { unseen.get() > 0 || behind.get() }>
                <button type="button" class="new-messages" on:click=jump_down>
                    {move || format::new_messages(unseen.get(), behind.get())}
                    <span aria-hidden="true">" ↓"</span>
                </button>
            </Show>
        </div>
        <Composer profile me templates canned on_send busy intervening quoting team=agents />
        <Show when=move || workspace.demo.get()>
            <WriteAsCustomer profile />
        </Show>
    }
}

/// The thread's scroll box, unless the chat was closed meanwhile (work
/// deferred to the next frame or a fetch's answer may outlive the pane).
fn scroll_box(scroller: NodeRef<leptos::html::Div>) -> Option<web_sys::HtmlDivElement> {
    scroller.try_get_untracked().flatten()
}

/// Where the reader is: the first message whose top is on screen, and its
/// distance from the top of the scroll box.
fn first_on_screen(element: &web_sys::HtmlDivElement) -> Option<(String, i32)> {
    let top = element.scroll_top();
    let bubbles = element.query_selector_all("[data-message-id]").ok()?;
    (0..bubbles.length())
        .filter_map(|n| bubbles.item(n)?.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|bubble| bubble.offset_top() >= top)
        .map(|bubble| {
            let id = bubble.get_attribute("data-message-id").unwrap_or_default();
            (id, bubble.offset_top() - top)
        })
}

/// Scrolls so that the message the reader was at is where it was.
fn keep_on_screen(element: &web_sys::HtmlDivElement, (id, offset): (String, i32)) {
    let selector = format!("[data-message-id=\"{id}\"]");
    if let Some(bubble) = element
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|found| found.dyn_into::<web_sys::HtmlElement>().ok())
    {
        element.set_scroll_top(bubble.offset_top() - offset);
    }
}

/// Scrolls the thread so that message `id` is in the middle, and marks it
/// for a moment so the eye finds it.
fn show_message(scroller: NodeRef<leptos::html::Div>, id: i64) {
    let Some(element) = scroll_box(scroller) else {
        return;
    };
    let Ok(Some(found)) = element.query_selector(&format!("[data-message-id=\"{id}\"]")) else {
        return;
    };
    let Ok(found) = found.dyn_into::<web_sys::HtmlElement>() else {
        return;
    };
    let middle = found.offset_top() - (element.client_height() - found.offset_height()) / 2;
    element.set_scroll_top(middle.max(0));
    let _ = found.class_list().add_1("found");
}
