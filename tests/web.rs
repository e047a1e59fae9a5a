//! Browser tests of single components, run in headless Chromium by
//! wasm-bindgen-test (`cargo xtask test` runs them).
#![cfg(target_arch = "wasm32")]

use handover_core::api::{
    AgentRef, Author, CustomerProfile, Direction, Event, Message, MessageKind,
};
use handover_core::{Actor, AgentId, Role, Section, SectionCounts, Status, WaId};
use handover_web::components::{ChatActions, ProfileCard, SectionTabs, Thread};
use handover_web::inbox_state::Inbox;
use handover_web::{clock, format};
use leptos::mount::mount_to;
use leptos::prelude::*;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

const COUNTS: SectionCounts = SectionCounts {
    active: 12,
    requesting: 3,
    intervened: 0,
    closed: 1234,
    history: 9,
};

const ASHA: Actor = Actor {
    agent: AgentId(1),
    role: Role::Agent,
};
const RAVI: Actor = Actor {
    agent: AgentId(2),
    role: Role::Agent,
};
const MEERA: Actor = Actor {
    agent: AgentId(3),
    role: Role::Manager,
};

/// A fresh element in the page to mount one component into.
fn container() -> HtmlElement {
    let document = document();
    let element = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&element).unwrap();
    element.unchecked_into()
}

fn all(root: &HtmlElement, selector: &str) -> Vec<HtmlElement> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().unchecked_into())
        .collect()
}

fn text(root: &HtmlElement, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector}"))
        .text_content()
        .unwrap()
}

fn profile(status: Status, holder: Option<&Actor>, window_open: bool) -> CustomerProfile {
    CustomerProfile {
        wa_id: WaId::parse("919876543210").unwrap(),
        name: "Priya Sharma".into(),
        status,
        last_active_at: Some("2021-03-28T14:07:00Z".into()),
        template_messages: 2,
        session_messages: 1234,
        unresolved_queries: 3,
        source: "Diwali fair".into(),
        first_message_tag: None,
        assigned_agent: holder.map(|actor| AgentRef {
            id: actor.agent,
            name: format!("Agent {}", actor.agent),
        }),
        window_expires_at: Some("2021-03-29T14:07:00Z".into()),
        window_open,
        waiting_since: None,
        attributes: Default::default(),
        labels: Vec::new(),
        satisfaction: None,
        last_message_preview: None,
        unread: 0,
    }
}

#[wasm_bindgen_test]
async fn tabs_show_the_four_sections_and_history_in_order_with_their_counts() {
    let root = container();
    let _mounted = mount_to(root.clone(), || {
        view! { <SectionTabs counts=Signal::stored(Some(COUNTS)) selected=Signal::stored(Some(Section::History)) /> }
    });
    tick().await;

    let seen: Vec<(String, String)> = all(&root, "[role=tab]")
        .iter()
        .map(|tab| (text(tab, ".tab-label"), text(tab, ".tab-count")))
        .collect();
    let expected = [
        ("Active", "12"),
        ("Requesting", "3"),
        ("Intervened", "0"),
        ("Closed", "1,234"),
        ("History", "9"),
    ];
    assert_eq!(seen, expected.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

#[wasm_bindgen_test]
async fn each_tab_links_to_its_section_and_only_the_one_on_show_is_selected() {
    let root = container();
    let selected = RwSignal::new(Some(Section::Active));
    let _mounted = mount_to(root.clone(), move || {
        view! { <SectionTabs counts=Signal::stored(Some(COUNTS)) selected /> }
    });
    tick().await;

    let tabs = all(&root, "[role=tab]");
    let links: Vec<String> = tabs
        .iter()
        .map(|tab| tab.get_attribute("href").unwrap())
        .collect();
    assert_eq!(
        links,
        [
            "/sections/active",
            "/sections/requesting",
            "/sections/intervened",
            "/sections/closed",
            "/sections/history"
        ]
    );
    let states = || -> Vec<String> {
        all(&root, "[role=tab]")
            .iter()
            .map(|tab| tab.get_attribute("aria-selected").unwrap())
            .collect()
    };
    assert_eq!(states(), ["true", "false", "false", "false", "false"]);
    selected.set(Some(Section::Requesting));
    tick().await;
    assert_eq!(states(), ["false", "true", "false", "false", "false"]);
    selected.set(None);
    tick().await;
    assert!(
        states().iter().all(|state| state == "false"),
        "a managers' screen selects no tab"
    );
}

#[wasm_bindgen_test]
async fn the_requesting_badge_goes_up_when_an_event_arrives() {
    let root = container();
    let mut start = Inbox::new(AgentId(1));
    start.apply(
        &Event::Sections {
            counts: SectionCounts::default(),
        },
        clock::parse_ms,
    );
    let inbox = RwSignal::new(start);
    let counts = Signal::derive(move || inbox.with(|inbox| inbox.counts()));
    let _mounted = mount_to(root.clone(), move || {
        view! { <SectionTabs counts selected=Signal::stored(Some(Section::Active)) /> }
    });
    tick().await;
    let requesting = || {
        root.query_selector("[data-status=requesting] .tab-count")
            .unwrap()
            .unwrap()
    };
    assert_eq!(requesting().text_content().unwrap(), "0");
    assert!(!requesting().class_list().contains("badge"));

    let event = Event::Sections {
        counts: SectionCounts {
            requesting: 1,
            active: 2,
            ..SectionCounts::default()
        },
    };
    inbox.update(|inbox| {
        inbox.apply(&event, clock::parse_ms);
    });
    tick().await;

    assert_eq!(requesting().text_content().unwrap(), "1");
    assert!(
        requesting().class_list().contains("badge"),
        "a waiting chat shows as a badge"
    );
}

#[wasm_bindgen_test]
async fn unknown_counts_show_a_dash_rather_than_zero() {
    let root = container();
    let _mounted = mount_to(root.clone(), || {
        view! { <SectionTabs counts=Signal::stored(None) selected=Signal::stored(None) /> }
    });
    tick().await;
    for tab in all(&root, "[role=tab]") {
        assert_eq!(text(&tab, ".tab-count"), "–");
    }
}

#[wasm_bindgen_test]
async fn the_profile_card_shows_all_seven_parameters_formatted() {
    let root = container();
    let shown = profile(Status::Intervened, Some(&ASHA), true);
    let now = clock::parse_ms("2021-03-29T13:30:00Z").unwrap();
    let _mounted = mount_to(root.clone(), move || {
        view! { <ProfileCard profile=Signal::stored(shown.clone()) now_ms=Signal::stored(now) /> }
    });
    tick().await;

    let value = |parameter: &str| text(&root, &format!("[data-parameter={parameter}] dd"));
    assert_eq!(value("status"), "Intervened");
    assert_eq!(
        root.query_selector(".status-badge")
            .unwrap()
            .unwrap()
            .get_attribute("data-status")
            .as_deref(),
        Some("intervened")
    );
    // MM-DD-YYYY, hh:mm AM/PM in the browser's time zone.
    let last_active = value("last_active");
    let expected = {
        let date = js_sys::Date::new(&"2021-03-28T14:07:00Z".into());
        format::clock(
            date.get_full_year() as i32,
            date.get_month() + 1,
            date.get_date(),
            date.get_hours(),
            date.get_minutes(),
        )
    };
    assert_eq!(last_active, expected);
    let shape = last_active.as_bytes();
    assert!(
        shape.len() == 20
            && shape[2] == b'-'
            && shape[5] == b'-'
            && shape[10] == b','
            && shape[14] == b':'
            && shape[17] == b' ',
        "{last_active}"
    );
    assert_eq!(value("template_messages"), "2");
    assert_eq!(value("session_messages"), "1,234");
    assert_eq!(value("unresolved_queries"), "3");
    assert_eq!(value("source"), "Diwali fair");
    assert_eq!(value("first_message"), "—");
    assert_eq!(value("holder"), "Agent 1");
    assert_eq!(value("window"), "37m left");
    assert!(
        root.query_selector("[data-parameter=window] dd.urgent")
            .unwrap()
            .is_some(),
        "under an hour is highlighted"
    );
    assert_eq!(text(&root, ".profile-number"), "+919876543210");
}

/// Which of the four buttons are enabled for `me` on `shown`.
async fn enabled_actions(shown: CustomerProfile, me: Actor) -> Vec<(String, bool, String)> {
    let root = container();
    let _mounted = mount_to(root.clone(), move || {
        view! {
            <ChatActions
                profile=Signal::stored(shown.clone())
                me
                agents=Signal::stored(Vec::new())
                on_action=Callback::new(|_| {})
                busy=Signal::stored(false)
                reasons=Signal::stored(handover_core::labels::ClosingReasons::default())
                closing=RwSignal::new(false)
            />
        }
    });
    tick().await;
    let buttons = all(&root, "button[data-action]");
    let result = buttons
        .iter()
        .map(|button| {
            let element: &web_sys::Element = button.as_ref();
            (
                button.get_attribute("data-action").unwrap(),
                !element.has_attribute("disabled"),
                button.get_attribute("title").unwrap_or_default(),
            )
        })
        .collect();
    root.remove();
    result
}

fn enabled(actions: &[(String, bool, String)]) -> Vec<&str> {
    actions
        .iter()
        .filter(|(_, on, _)| *on)
        .map(|(name, _, _)| name.as_str())
        .collect()
}

#[wasm_bindgen_test]
async fn buttons_follow_the_state_machine_for_each_status_and_holder() {
    let waiting = enabled_actions(profile(Status::Requesting, None, true), ASHA).await;
    assert_eq!(enabled(&waiting), ["intervene"]);
    let resolve = waiting
        .iter()
        .find(|(name, _, _)| name == "resolve")
        .unwrap();
    assert_eq!(
        resolve.2,
        "The chat is Requesting; it cannot be resolved from there."
    );

    let mine = enabled_actions(profile(Status::Intervened, Some(&ASHA), true), ASHA).await;
    assert_eq!(enabled(&mine), ["resolve", "release"]);
    let intervene = mine
        .iter()
        .find(|(name, _, _)| name == "intervene")
        .unwrap();
    assert_eq!(intervene.2, "You are already handling this chat.");

    let theirs = enabled_actions(profile(Status::Intervened, Some(&RAVI), true), ASHA).await;
    assert!(enabled(&theirs).is_empty());
    assert_eq!(theirs[0].2, "Another agent is already handling this chat.");

    let manager = enabled_actions(profile(Status::Intervened, Some(&RAVI), true), MEERA).await;
    assert_eq!(enabled(&manager), ["resolve"]);

    let expired = enabled_actions(profile(Status::Requesting, None, false), ASHA).await;
    assert!(enabled(&expired).is_empty());
    assert!(
        expired[0].2.contains("24-hour window is closed"),
        "{}",
        expired[0].2
    );
}

#[wasm_bindgen_test]
async fn links_in_a_message_open_in_a_new_tab_and_scripts_stay_text() {
    let root = container();
    let said = |id: i64, text: &str| Message {
        id,
        wa_id: WaId::parse("919876543210").unwrap(),
        direction: Direction::In,
        author: Author::User,
        agent: None,
        kind: MessageKind::Session,
        content_type: "text".into(),
        text: Some(text.into()),
        template: None,
        delivery: None,
        failure_reason: None,
        sent_at: "2021-03-28T14:07:00Z".into(),
        edited: false,
        deleted: false,
        media: None,
        location: None,
        contacts: Vec::new(),
        reactions: Vec::new(),
        reply_to: None,
        offered: None,
        template_text: None,
        resent_as: None,
    };
    let messages = vec![
        said(
            1,
            "Photo at https://shop.example/p/7. Also www.example.com!",
        ),
        said(2, "javascript:alert(1) <b>bold</b>"),
    ];
    let _mounted = mount_to(root.clone(), move || {
        view! { <Thread messages=Signal::stored(messages.clone()) now_ms=Signal::stored(0) /> }
    });
    tick().await;

    let links = all(&root, ".bubble-text a");
    let seen: Vec<(String, String, String)> = links
        .iter()
        .map(|link| {
            (
                link.get_attribute("href").unwrap(),
                link.get_attribute("target").unwrap(),
                link.get_attribute("rel").unwrap(),
            )
        })
        .collect();
    let new_tab = |href: &str| {
        (
            href.to_owned(),
            "_blank".to_owned(),
            "noopener noreferrer".to_owned(),
        )
    };
    assert_eq!(
        seen,
        [
            new_tab("https://shop.example/p/7"),
            new_tab("https://www.example.com")
        ]
    );
    let texts = all(&root, ".bubble-text");
    assert_eq!(
        texts[0].text_content().unwrap(),
        "Photo at https://shop.example/p/7. Also www.example.com!"
    );
    assert_eq!(
        texts[1].text_content().unwrap(),
        "javascript:alert(1) <b>bold</b>"
    );
    assert!(texts[1].query_selector("a, b").unwrap().is_none());
}
