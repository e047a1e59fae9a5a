//! The signed-in app: the top bar (sections with live counts, the Manage
//! menu, alerts, who is signed in) over the screen the URL names (the
//! app's routes, given as children). The shell keeps the inbox live for
//! every screen: counts, announcements and the tab title follow the
//! server's events wherever the agent is.

use std::time::Duration;

use handover_core::api::{Agent, Event};
use handover_core::notes::{Handover, Mention};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::alerts::AlertSettings;
use crate::components::{ManageMenu, MentionsMenu, SectionTabs, ShortcutsHelp};
use crate::inbox_state::Inbox;
use crate::places;
use crate::workspace::{SetupChanges, Workspace};
use crate::{api, clock, live};

/// How often relative times ("5m", "3h 10m left") are refreshed.
const TICK: Duration = Duration::from_secs(30);

#[component]
pub fn Shell(
    /// The signed-in agent or manager.
    agent: Agent,
    /// Called after signing out, or when the session has ended.
    on_signed_out: Callback<()>,
    /// The app's routes: the screen below the top bar.
    children: Children,
) -> impl IntoView {
    let inbox = RwSignal::new(Inbox::new(agent.id));
    let now_ms = RwSignal::new(clock::now_ms());
    if let Ok(handle) = set_interval_with_handle(move || now_ms.set(clock::now_ms()), TICK) {
        on_cleanup(move || handle.clear());
    }
    let demo = LocalResource::new(api::fetch_demo);
    let demo = Signal::derive(move || matches!(demo.get(), Some(Ok(status)) if status.enabled));
    let help = RwSignal::new(false);
    let setup = RwSignal::new(SetupChanges::default());
    provide_context(Workspace {
        agent: StoredValue::new(agent.clone()),
        inbox,
        now_ms,
        demo,
        help,
        setup,
    });

    // Counts, then live events; a customer who starts waiting is announced.
    let connected = RwSignal::new(false);
    let sections = LocalResource::new(api::fetch_sections);
    let problem = RwSignal::new(None::<String>);
    Effect::new(move |_| match sections.get() {
        Some(Ok(counts)) => inbox.update(|inbox| {
            inbox.apply(&Event::Sections { counts }, clock::parse_ms);
        }),
        Some(Err(error)) if error.is_unauthorized() => on_signed_out.run(()),
        Some(Err(error)) => problem.set(Some(error.to_string())),
        None => {}
    });
    let alerts = AlertSettings::load();
    let announcement = RwSignal::new(String::new());
    let me = agent.id;
    let mentioned = RwSignal::new(None::<Mention>);
    let mentions_seen = RwSignal::new(0u32);
    let handed = RwSignal::new(None::<Handover>);
    let on_events = move |events: Vec<Event>| {
        let mut waiting = Vec::new();
        // One update for all of them: the views follow once per frame.
        inbox.try_update(|inbox| {
            for event in &events {
                waiting.extend(inbox.apply(event, clock::parse_ms));
            }
        });
        for event in &events {
            if let Event::Setup { part } = event {
                setup.update(|changes| changes.changed(*part));
            }
            if let Event::Handover { handover } = event {
                if handover.agent == me {
                    announcement.set(format!(
                        "{} passed you the chat with {}.",
                        handover.by.name, handover.customer
                    ));
                    alerts.handed_over(handover);
                    handed.set(Some(handover.clone()));
                }
            }
            if let Event::Mention { mention } = event {
                if mention.agent == me {
                    announcement.set(format!(
                        "{} mentioned you in the chat with {}.",
                        mention.by.name, mention.customer
                    ));
                    alerts.mentioned(mention);
                    mentioned.set(Some(mention.clone()));
                    mentions_seen.update(|n| *n += 1);
                }
            }
        }
        for customer in waiting {
            announcement.set(format!("{} is waiting for an agent.", customer.name));
            alerts.announce(&customer);
        }
    };
    let stream = StoredValue::new_local(live::connect(on_events, connected, on_signed_out));
    on_cleanup(move || stream.dispose());

    // The browser tab says how many customers wait, so it can be seen from
    // another tab.
    let waiting = Memo::new(move |_| inbox.with(|inbox| inbox.counts().map(|c| c.requesting)));
    Effect::new(move |_| document().set_title(&title(waiting.get())));
    on_cleanup(|| document().set_title("Handover"));

    // The tab on show: the section of the list, on the inbox's screens.
    let location = use_location();
    let on_show = Signal::derive(move || {
        let path = location.pathname.get();
        if path.starts_with("/sections/") || path.starts_with("/chats/") {
            Some(inbox.with(|inbox| inbox.list().section))
        } else {
            None
        }
    });
    let counts = Signal::derive(move || inbox.with(|inbox| inbox.counts()));
    let sign_out = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            on_signed_out.run(());
        }
    });
    let is_manager = agent.role == handover_core::Role::Manager;

    view! {
        <div class="shell">
            <header class="top-bar">
                <a class="brand" href=places::home() rel=places::rel(&places::home()) aria-label="Handover: the waiting customers">
                    <span class="brand-mark" aria-hidden="true">"H"</span>
                    <span class="brand-name">"Handover"</span>
                </a>
                <SectionTabs counts selected=on_show />
                <ManageMenu is_manager />
                <div class="me">
                    <MentionsMenu mentioned=mentions_seen />
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
            {move || mentioned.get().map(|mention| view! {
                <div class="mention-toast" role="status">
                    <span>
                        <strong>{mention.by.name.clone()}</strong>
                        {format!(" mentioned you in the chat with {}: ", mention.customer)}
                        <span class="mention-text">{mention.text.clone()}</span>
                    </span>
                    {
                        let href = places::chat_at(&mention.wa_id, Some(mention.message_id));
                        view! { <a class="button" rel=places::rel(&href) href=href.clone() on:click=move |_| mentioned.set(None)>"Open the chat"</a> }
                    }
                    <button type="button" class="button-quiet" aria-label="Dismiss" on:click=move |_| mentioned.set(None)>"✕"</button>
                </div>
            })}
            {move || handed.get().map(|handover| view! {
                <div class="mention-toast handover-toast" role="status">
                    <span>
                        <strong>{handover.by.name.clone()}</strong>
                        {format!(" passed you the chat with {}.", handover.customer)}
                    </span>
                    {
                        let href = places::chat(&handover.wa_id);
                        view! { <a class="button" rel=places::rel(&href) href=href.clone() on:click=move |_| handed.set(None)>"Open the chat"</a> }
                    }
                    <button type="button" class="button-quiet" aria-label="Dismiss" on:click=move |_| handed.set(None)>"✕"</button>
                </div>
            })}
            {move || (!connected.get()).then(|| view! {
                <div class="reconnecting">"Reconnecting to the server… new messages will show when it is back."</div>
            })}
            <Show when=move || help.get()>
                <ShortcutsHelp on_close=Callback::new(move |_| help.set(false)) />
            </Show>
            {move || problem.get().map(|message| view! {
                <div class="banner banner-error" role="alert">
                    <span>{message}</span>
                    <button type="button" class="button" on:click=move |_| { problem.set(None); sections.refetch(); }>"Retry"</button>
                </div>
            })}
            {children()}
        </div>
    }
}

/// The browser tab's title: how many customers wait, when any do.
pub fn title(waiting: Option<u64>) -> String {
    match waiting {
        Some(waiting) if waiting > 0 => {
            format!("({waiting}) {} · Handover", waiting_label(waiting))
        }
        _ => "Handover".to_owned(),
    }
}

fn waiting_label(waiting: u64) -> &'static str {
    if waiting == 1 {
        "customer waiting"
    } else {
        "customers waiting"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tab_title_counts_the_customers_waiting() {
        assert_eq!(title(None), "Handover");
        assert_eq!(title(Some(0)), "Handover");
        assert_eq!(title(Some(1)), "(1) customer waiting · Handover");
        assert_eq!(title(Some(12)), "(12) customers waiting · Handover");
    }
}
