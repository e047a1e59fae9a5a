//! The conversation as WhatsApp users see it, over the real HTTP API and
//! the Cloud API's wire format: quoted replies both ways (a customer's
//! `context.id`, an agent's `reply_to` sent as `context.message_id`), and
//! the team's setup reaching every open dashboard as it changes.

mod support;

use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::events::{read_events_until, subscribe};
use support::payloads::{inbound, text};
use support::{error_code, TestApp};

const PRIYA: &str = "919876543210";

fn quoting(wamid: &str, at: i64, quoted: &str, body: &str) -> Value {
    inbound(
        PRIYA,
        "Priya",
        wamid,
        at,
        json!({"type": "text", "text": {"body": body},
               "context": {"from": "15550783881", "id": quoted}}),
    )
}

fn by_text<'a>(thread: &'a [Value], text: &str) -> &'a Value {
    thread
        .iter()
        .find(|m| m["text"] == text)
        .unwrap_or_else(|| panic!("no message {text:?}"))
}

#[tokio::test]
async fn quoted_replies_show_what_they_answer_both_ways() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let t = app.now_s();
    app.webhook_ok(&text(
        PRIYA,
        "wamid.1",
        t - 60,
        "Is the cake ready?\nIt is for tonight",
    ))
    .await;
    app.webhook_ok(&quoting("wamid.2", t - 50, "wamid.1", "And the roses?"))
        .await;
    app.webhook_ok(&quoting("wamid.3", t - 40, "wamid.gone", "This one?"))
        .await;

    let thread = app.thread(&manager, PRIYA).await;
    let cake = by_text(&thread, "Is the cake ready?\nIt is for tonight");
    assert!(
        cake.get("reply_to").is_none(),
        "a message that quotes nothing"
    );
    let roses = by_text(&thread, "And the roses?");
    assert_eq!(roses["reply_to"]["id"], cake["id"]);
    assert_eq!(roses["reply_to"]["author"], "user");
    assert_eq!(
        roses["reply_to"]["text"], "Is the cake ready?",
        "its first line"
    );
    let unknown = by_text(&thread, "This one?");
    assert_eq!(
        unknown["reply_to"],
        json!({"id": null, "author": null, "text": null}),
        "the quoted message is not stored here"
    );

    // An agent answers the first message, quoting it.
    app.webhook_ok(&text(PRIYA, "wamid.4", t - 30, "agent please"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    let sent = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"text": "Yes, ready at five", "reply_to": cake["id"]}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["reply_to"]["id"], cake["id"]);
    app.settle_outbound().await;
    let request = fake
        .requests()
        .into_iter()
        .find(|r| r.body["text"]["body"] == "Yes, ready at five")
        .expect("the reply was sent");
    assert_eq!(request.body["context"], json!({"message_id": "wamid.1"}));

    // What cannot be quoted is refused, saying why; nothing is sent.
    let note = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/notes"),
            json!({"text": "she is a regular"}),
        )
        .await;
    let note: Value = note.json().await.unwrap();
    for (reply_to, says) in [
        (note["id"].clone(), "not on WhatsApp"),
        (json!(999_999), "no message 999999"),
    ] {
        let refused = app
            .post(
                &manager,
                &format!("/api/users/{PRIYA}/messages"),
                json!({"text": "Quoting", "reply_to": reply_to}),
            )
            .await;
        let (status, code, message) = error_code(refused).await;
        assert_eq!((status.as_u16(), code.as_str()), (422, "invalid_reply_to"));
        assert!(message.contains(says), "{message}");
    }
    let thread = app.thread(&manager, PRIYA).await;
    assert!(thread.iter().all(|m| m["text"] != "Quoting"));
}

#[tokio::test]
async fn a_managers_change_to_the_setup_reaches_every_open_dashboard() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    let ravis_dashboard = subscribe(&app, &ravi, None).await;

    let created = app
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "/hours", "text": "We are open 9 to 6."}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let saved = app
        .put(
            &manager,
            "/api/closing-reasons",
            json!({"reasons": ["Refunded"], "required": false}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let labelled = app
        .put(
            &manager,
            &format!("/api/users/{PRIYA}/labels"),
            json!(["vip"]),
        )
        .await;
    assert_eq!(labelled.status(), 200);
    app.approved_template(
        &manager,
        json!({"name": "order_ready", "language": "en", "category": "utility", "body": "Your order is ready."}),
    )
    .await;

    // Ravi's dashboard is told of each (else this waits in vain and fails).
    let wanted = ["canned_replies", "closing_reasons", "labels", "templates"];
    read_events_until(ravis_dashboard, |events| {
        wanted.iter().all(|part| {
            events
                .iter()
                .any(|(_, name, data)| name == "setup" && data["part"] == *part)
        })
    })
    .await;
}

#[tokio::test]
async fn a_template_shows_as_the_customer_read_it() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    app.approved_template(
        &manager,
        json!({"name": "refund_processed", "language": "en", "category": "utility",
               "header": "Refund update",
               "body": "Hi {{1}}, your refund of {{2}} for order {{3}} is on its way.",
               "footer": "Bloom & Petal",
               "buttons": [{"type": "quick_reply", "text": "Thanks"}, {"type": "quick_reply", "text": "Call me"}]}),
    )
    .await;
    let sent = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"template": {"name": "refund_processed", "language": "en", "params": ["Fatima", "599", "#4480"]}}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let thread = app.thread(&manager, PRIYA).await;
    let template = thread
        .iter()
        .find(|m| m["kind"] == "template")
        .expect("the template in the thread");
    assert_eq!(
        template["template_text"],
        json!({"header": "Refund update",
               "body": "Hi Fatima, your refund of 599 for order #4480 is on its way.",
               "footer": "Bloom & Petal",
               "buttons": ["Thanks", "Call me"]})
    );
}

/// The WhatsApp id our message `words` was sent as.
async fn wamid_of(app: &TestApp, words: &str) -> String {
    let (wamid,): (String,) = sqlx::query_as("SELECT wamid FROM messages WHERE text = $1")
        .bind(words)
        .fetch_one(&app.db)
        .await
        .unwrap();
    wamid
}

async fn resend(app: &TestApp, session: &support::Session, id: &Value) -> reqwest::Response {
    app.post(
        session,
        &format!("/api/users/{PRIYA}/messages/{id}/resend"),
        json!({}),
    )
    .await
}

/// WhatsApp's callback that message `wamid` failed with `code`.
fn failed_with(wamid: &str, at: i64, code: u32, title: &str) -> Value {
    support::payloads::envelope(json!({"statuses": [{
        "id": wamid, "status": "failed", "timestamp": at.to_string(), "recipient_id": PRIYA,
        "errors": [{"code": code, "title": title, "error_data": {"details": title}}]
    }]}))
}

#[tokio::test]
async fn a_failure_a_retry_can_mend_is_sent_again_and_one_it_cannot_says_what_to_do() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t - 60, "agent please"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    for words in ["Your order ships today", "It left the shop"] {
        let sent = app
            .post(
                &manager,
                &format!("/api/users/{PRIYA}/messages"),
                json!({"text": words}),
            )
            .await;
        assert_eq!(sent.status(), 201);
    }
    app.settle_outbound().await;
    let limited = wamid_of(&app, "Your order ships today").await;
    let closed = wamid_of(&app, "It left the shop").await;
    app.webhook_ok(&failed_with(&limited, t, 130429, "Rate limit hit"))
        .await;
    app.webhook_ok(&failed_with(&closed, t, 131047, "Re-engagement message"))
        .await;
    let thread = app.thread(&manager, PRIYA).await;
    let first = by_text(&thread, "Your order ships today").clone();
    let second = by_text(&thread, "It left the shop").clone();
    assert_eq!(
        (first["delivery"].as_str(), second["delivery"].as_str()),
        (Some("failed"), Some("failed"))
    );

    // Only the holder sends a session message again; then it goes out as a
    // new message, which the failed one names, and counts nothing twice.
    let before = app.profile(&manager, PRIYA).await["session_messages"].clone();
    assert_eq!(resend(&app, &ravi, &first["id"]).await.status(), 409);
    let again = resend(&app, &manager, &first["id"]).await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_ne!(again["id"], first["id"]);
    assert_eq!(again["text"], "Your order ships today");
    app.settle_outbound().await;
    let thread = app.thread(&manager, PRIYA).await;
    let old = thread.iter().find(|m| m["id"] == first["id"]).unwrap();
    assert_eq!(old["resent_as"], again["id"]);
    let new = thread.iter().find(|m| m["id"] == again["id"]).unwrap();
    assert_eq!(new["delivery"], "sent");
    let sends = fake
        .requests()
        .iter()
        .filter(|r| r.body["text"]["body"] == "Your order ships today")
        .count();
    assert_eq!(sends, 2, "sent once more");
    assert_eq!(
        app.profile(&manager, PRIYA).await["session_messages"],
        before
    );
    let (status, code, _) = error_code(resend(&app, &manager, &first["id"]).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "already_resent"));

    // Outside the window only a template reaches the customer: no retry.
    let (status, code, message) = error_code(resend(&app, &manager, &second["id"]).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "not_retryable"));
    assert!(message.contains("send a template"), "{message}");
}
