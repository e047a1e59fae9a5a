//! The inbox as agents work it: the Requesting queue served longest-waiting
//! first, a quiet bot while a customer waits, "my chats", one search over
//! names, numbers and messages, and who is online.

mod support;

use handover_core::api::{
    CustomerProfile, CustomerSummary, Page, SearchMatch, SearchResults, SessionInfo, TeamMember,
};
use handover_core::Section;
use reqwest::StatusCode;
use serde_json::json;
use support::payloads::inbound;
use support::{error_code, Session, TestApp};

const KAVYA: &str = "919811111111";
const ROHAN: &str = "919822222222";
const MEGHNA: &str = "919833333333";

/// `name` (number `wa_id`) writes `body` now.
async fn writes(app: &TestApp, wa_id: &str, name: &str, wamid: &str, body: &str) {
    let content = json!({"type": "text", "text": {"body": body}});
    app.webhook_ok(&inbound(wa_id, name, wamid, app.now_s(), content))
        .await;
}

/// Moves the clock `seconds` on.
fn later(app: &TestApp, seconds: i64) {
    app.clock.set(app.clock.now_ms() + seconds * 1000);
}

async fn list(app: &TestApp, session: &Session, query: &str) -> Vec<CustomerSummary> {
    let page: Page<CustomerSummary> =
        serde_json::from_value(app.get_json(session, &format!("/api/users?{query}")).await)
            .unwrap();
    page.items
}

fn numbers(items: &[CustomerSummary]) -> Vec<&str> {
    items.iter().map(|item| item.wa_id.as_str()).collect()
}

/// Three customers ask for an agent a minute apart: Kavya, Rohan, Meghna.
async fn three_waiting(app: &TestApp) {
    for (n, (wa_id, name)) in [(KAVYA, "Kavya"), (ROHAN, "Rohan"), (MEGHNA, "Meghna")]
        .into_iter()
        .enumerate()
    {
        writes(app, wa_id, name, &format!("wamid.ask.{n}"), "agent please").await;
        later(app, 60);
    }
}

#[tokio::test]
async fn the_queue_lists_the_longest_waiting_first_and_writing_again_keeps_the_place() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    three_waiting(&app).await;

    let queue = list(&app, &manager, "status=requesting").await;
    assert_eq!(numbers(&queue), [KAVYA, ROHAN, MEGHNA]);
    assert_eq!(
        queue[0].last_message_preview.as_deref(),
        Some("agent please"),
        "the preview is the customer's words, not the bot's hand-over notice"
    );
    let kavya_since = queue[0].waiting_since.clone().expect("waiting since");
    assert_eq!(kavya_since, "2026-11-25T10:00:00Z");

    // Kavya writes again; she keeps her place, and her wait is unchanged.
    writes(
        &app,
        KAVYA,
        "Kavya",
        "wamid.again",
        "hello?? is anyone there",
    )
    .await;
    let queue = list(&app, &manager, "status=requesting").await;
    assert_eq!(numbers(&queue), [KAVYA, ROHAN, MEGHNA]);
    assert_eq!(
        queue[0].waiting_since.as_deref(),
        Some(kavya_since.as_str())
    );

    // Pages continue in the same order.
    let first = app
        .get_json(&manager, "/api/users?status=requesting&limit=2")
        .await;
    let first: Page<CustomerSummary> = serde_json::from_value(first).unwrap();
    assert_eq!(numbers(&first.items), [KAVYA, ROHAN]);
    let cursor = first.next_cursor.expect("a second page");
    let rest = list(
        &app,
        &manager,
        &format!("status=requesting&cursor={cursor}"),
    )
    .await;
    assert_eq!(numbers(&rest), [MEGHNA]);

    // Released back to the queue, a chat waits from the release.
    let asha = app.agent("Asha").await;
    assert_eq!(app.act(&asha, KAVYA, "intervene").await.status(), 200);
    later(&app, 60);
    assert_eq!(app.act(&asha, KAVYA, "release").await.status(), 200);
    let queue = list(&app, &manager, "status=requesting").await;
    assert_eq!(numbers(&queue), [ROHAN, MEGHNA, KAVYA]);
}

#[tokio::test]
async fn a_waiting_customer_gets_one_holding_message_with_their_place_and_no_fallbacks() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    three_waiting(&app).await;
    app.settle_outbound().await;
    let bot_lines = |thread: &[serde_json::Value]| -> Vec<String> {
        thread
            .iter()
            .filter(|m| m["author"] == "bot")
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let before = bot_lines(&app.thread(&manager, ROHAN).await).len();

    writes(&app, ROHAN, "Rohan", "wamid.r1", "hello?? is anyone there").await;
    let photo = json!({"type": "image", "image": {"id": "1479", "mime_type": "image/jpeg", "caption": "Photo of the crushed box"}});
    app.webhook_ok(&inbound(ROHAN, "Rohan", "wamid.r2", app.now_s(), photo))
        .await;
    let voice =
        json!({"type": "audio", "audio": {"id": "1480", "mime_type": "audio/ogg", "voice": true}});
    app.webhook_ok(&inbound(ROHAN, "Rohan", "wamid.r3", app.now_s(), voice))
        .await;
    writes(&app, ROHAN, "Rohan", "wamid.r4", "still waiting").await;
    writes(&app, ROHAN, "Rohan", "wamid.r5", "blorp zzz").await;

    let thread = app.thread(&manager, ROHAN).await;
    let replies = bot_lines(&thread);
    assert_eq!(
        &replies[before..],
        ["Thanks for waiting: you are number 2 in the queue, and an agent will be with you shortly."]
    );
    let profile: CustomerProfile =
        serde_json::from_value(app.profile(&manager, ROHAN).await).unwrap();
    assert_eq!(profile.unresolved_queries, 1, "never escalated again");
    let summary = list(&app, &manager, "status=requesting").await;
    let rohan = summary.iter().find(|s| s.wa_id.as_str() == ROHAN).unwrap();
    assert_eq!(
        rohan.last_message_preview.as_deref(),
        Some("blorp zzz"),
        "the list shows what the customer wrote last"
    );

    // A new wait (released, then waiting again) gets a new holding message.
    let asha = app.agent("Asha").await;
    assert_eq!(app.act(&asha, ROHAN, "intervene").await.status(), 200);
    assert_eq!(app.act(&asha, ROHAN, "release").await.status(), 200);
    writes(&app, ROHAN, "Rohan", "wamid.r6", "are you there?").await;
    let replies = bot_lines(&app.thread(&manager, ROHAN).await);
    assert_eq!(
        replies.last().map(String::as_str),
        Some("Thanks for waiting: you are number 3 in the queue, and an agent will be with you shortly.")
    );
}

#[tokio::test]
async fn mine_lists_only_the_chats_the_agent_holds() {
    let app = TestApp::start().await;
    three_waiting(&app).await;
    let asha = app.agent("Asha").await;
    let ravi = app.agent("Ravi").await;
    assert_eq!(app.act(&asha, KAVYA, "intervene").await.status(), 200);
    assert_eq!(app.act(&ravi, ROHAN, "intervene").await.status(), 200);
    assert_eq!(app.act(&asha, MEGHNA, "intervene").await.status(), 200);

    let all = list(&app, &asha, "status=intervened").await;
    assert_eq!(all.len(), 3);
    let mut mine = numbers(&list(&app, &asha, "status=intervened&mine=true").await)
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>();
    mine.sort();
    assert_eq!(mine, [KAVYA, MEGHNA]);
    assert_eq!(
        numbers(&list(&app, &ravi, "status=intervened&mine=true").await),
        [ROHAN]
    );
}

async fn search(app: &TestApp, session: &Session, q: &str) -> SearchResults {
    let path = format!("/api/search?q={}", urlencode(q));
    serde_json::from_value(app.get_json(session, &path).await).unwrap()
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn one_search_finds_customers_in_any_section_by_name_digits_or_what_they_wrote() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    writes(
        &app,
        "919845012345",
        "Priya Sharma",
        "w1",
        "My parcel arrived with a crushed box",
    )
    .await;
    writes(&app, "447700900123", "Arjun Iyer", "w2", "agent please").await;
    // A customer from two days ago is in History.
    let old = json!({"type": "text", "text": {"body": "Do you deliver to Kochi?"}});
    app.webhook_ok(&inbound(
        "14155550100",
        "Zoya Ali",
        "w3",
        app.now_s() - 2 * 86_400,
        old,
    ))
    .await;

    let cases: [(&str, &str, SearchMatch, Section); 8] = [
        ("priya", "919845012345", SearchMatch::Name, Section::Active),
        (
            "Iyer",
            "447700900123",
            SearchMatch::Name,
            Section::Requesting,
        ),
        (
            "98450 12345",
            "919845012345",
            SearchMatch::Number,
            Section::Active,
        ),
        (
            "098450-12345",
            "919845012345",
            SearchMatch::Number,
            Section::Active,
        ),
        (
            "+91 98450 12345",
            "919845012345",
            SearchMatch::Number,
            Section::Active,
        ),
        (
            "12345",
            "919845012345",
            SearchMatch::Number,
            Section::Active,
        ),
        (
            "crushed box",
            "919845012345",
            SearchMatch::Message,
            Section::Active,
        ),
        (
            "kochi",
            "14155550100",
            SearchMatch::Message,
            Section::History,
        ),
    ];
    for (q, wa_id, matched, section) in cases {
        let found = search(&app, &manager, q).await;
        let hit = found
            .items
            .iter()
            .find(|hit| hit.customer.wa_id.as_str() == wa_id)
            .unwrap_or_else(|| panic!("{q:?} finds {wa_id}: {found:?}"));
        assert_eq!((hit.matched, hit.section), (matched, section), "{q:?}");
        if matched == SearchMatch::Message {
            let message = hit.message.as_ref().expect("the matching message");
            let thread = app.thread(&manager, wa_id).await;
            let original = thread.iter().find(|m| m["id"] == message.id).unwrap();
            assert_eq!(original["author"], "user");
            assert!(
                original["text"]
                    .as_str()
                    .unwrap()
                    .to_lowercase()
                    .contains(&q.to_lowercase()),
                "{q:?}: {original}"
            );
        }
    }
    // Prefixes of the last word match as people type; the bot's words never do.
    assert_eq!(search(&app, &manager, "crushed bo").await.items.len(), 1);
    assert!(search(&app, &manager, "connecting you")
        .await
        .items
        .is_empty());
    assert!(search(&app, &manager, "nobody by this")
        .await
        .items
        .is_empty());

    let (status, code, message) = error_code(app.get(&manager, "/api/search?q=ab").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "query_too_short")
    );
    assert!(message.contains("at least 3"), "{message}");
}

#[tokio::test]
async fn the_app_asks_who_is_signed_in_without_an_error_for_visitors() {
    let app = TestApp::start().await;
    let visitor = app
        .http
        .get(app.url("/api/auth/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(visitor.status(), StatusCode::OK);
    let visitor: SessionInfo = visitor.json().await.unwrap();
    assert_eq!(visitor.agent, None);

    let manager = app.manager().await;
    let signed_in: SessionInfo =
        serde_json::from_value(app.get_json(&manager, "/api/auth/session").await).unwrap();
    assert_eq!(signed_in.agent.map(|a| a.name), Some("Meera".to_owned()));
}

#[tokio::test]
async fn the_team_shows_who_has_the_dashboard_open() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let online = |team: Vec<TeamMember>| -> Vec<(String, bool)> {
        team.into_iter().map(|m| (m.agent.name, m.online)).collect()
    };
    let team = serde_json::from_value(app.get_json(&manager, "/api/agents").await).unwrap();
    assert_eq!(
        online(team),
        [("Asha".into(), false), ("Meera".into(), false)]
    );

    let stream = app.get(&asha, "/api/events").await;
    assert_eq!(stream.status(), StatusCode::OK);
    let team = serde_json::from_value(app.get_json(&manager, "/api/agents").await).unwrap();
    assert_eq!(
        online(team),
        [("Asha".into(), true), ("Meera".into(), false)]
    );

    drop(stream);
    let mut offline = false;
    for _ in 0..100 {
        let team: Vec<TeamMember> =
            serde_json::from_value(app.get_json(&manager, "/api/agents").await).unwrap();
        if !team[0].online {
            offline = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(offline, "Asha is offline once her dashboard is closed");
}

#[tokio::test]
async fn a_thread_opened_at_an_older_message_reads_on_down_to_the_newest() {
    use handover_core::api::Message;
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.insert_user(KAVYA, "active", 0).await;
    for n in 0..30 {
        sqlx::query(
            "INSERT INTO messages (wa_id, direction, author, kind, content_type, text, sent_at, created_at)
             VALUES ($1, 'in', 'user', 'session', 'text', $2, 0, 0)",
        )
        .bind(KAVYA)
        .bind(format!("message {n}"))
        .execute(&app.db)
        .await
        .unwrap();
    }
    let page = |query: String| {
        let (app, manager) = (&app, &manager);
        async move {
            let path = format!("/api/users/{KAVYA}/messages?{query}");
            serde_json::from_value::<Page<Message>>(app.get_json(manager, &path).await).unwrap()
        }
    };
    let texts = |page: &Page<Message>| -> Vec<String> {
        page.items.iter().map(|m| m.text.clone().unwrap()).collect()
    };
    let newest = page("limit=30".into()).await;
    let tenth = newest.items[10].id;

    let down = page(format!("after={tenth}&limit=12")).await;
    assert_eq!(
        texts(&down),
        (11..23).map(|n| format!("message {n}")).collect::<Vec<_>>()
    );
    let rest = page(format!("after={}&limit=12", down.next_cursor.unwrap())).await;
    assert_eq!(
        texts(&rest),
        (23..30).map(|n| format!("message {n}")).collect::<Vec<_>>()
    );
    assert_eq!(rest.next_cursor, None, "the newest message is reached");

    let (status, code, _) = error_code(
        app.get(
            &manager,
            &format!("/api/users/{KAVYA}/messages?before=5&after=2"),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_page")
    );
}
