//! WhatsApp's notifications that are not customer messages (edits,
//! deletions, a number change, a request for the welcome, system notices),
//! orders and played voice notes, as real Cloud API payloads, and
//! deliveries whose times are wrong.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::{inbound, text};
use support::{error_code, TestApp};

const PRIYA: &str = "919876543210";

fn from_priya(wamid: &str, at: i64, content: Value) -> Value {
    inbound(PRIYA, "Priya", wamid, at, content)
}

async fn counters(app: &TestApp) -> (u64, u64, String, Option<String>) {
    let manager = app.manager().await;
    let profile = app.profile(&manager, PRIYA).await;
    (
        profile["session_messages"].as_u64().unwrap(),
        profile["unresolved_queries"].as_u64().unwrap(),
        profile["status"].as_str().unwrap().to_owned(),
        profile["last_active_at"].as_str().map(str::to_owned),
    )
}

#[tokio::test]
async fn edits_deletions_and_notices_change_the_thread_but_never_count_or_escalate() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t - 60, "My ordr is late"))
        .await;
    app.webhook_ok(&text(PRIYA, "wamid.2", t - 50, "wrong chat, sorry"))
        .await;
    let before = counters(&app).await;

    let notices = [
        json!({"type": "edit", "edit": {"original_message_id": "wamid.1",
               "message": {"type": "text", "text": {"body": "My order is late"}}}}),
        json!({"type": "revoke", "revoke": {"original_message_id": "wamid.2"}}),
        json!({"type": "reaction", "reaction": {"message_id": "wamid.1", "emoji": "👍"}}),
        json!({"type": "system", "system": {"body": "Priya's security code changed.", "type": "customer_identity_changed"}}),
    ];
    for (n, notice) in notices.iter().enumerate() {
        // Each twice: WhatsApp retries.
        for _ in 0..2 {
            app.webhook_ok(&from_priya(
                &format!("wamid.notice.{n}"),
                t - 40 + n as i64,
                notice.clone(),
            ))
            .await;
        }
    }
    let after = counters(&app).await;
    assert_eq!(after.1, before.1, "nothing escalated");
    assert_eq!(after.2, before.2);
    assert_eq!(after.0, before.0, "a reaction is no message");

    let thread = app.thread(&manager, PRIYA).await;
    let first = thread.iter().find(|m| m["author"] == "user").unwrap();
    assert_eq!(
        (first["text"].as_str(), first["edited"].as_bool()),
        (Some("My order is late"), Some(true))
    );
    assert_eq!(first["reactions"][0]["emoji"], "👍");
    let deleted: Vec<&Value> = thread.iter().filter(|m| m["deleted"] == true).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        deleted[0]["text"],
        Value::Null,
        "a deleted message's words are gone"
    );
    let notices: Vec<&str> = thread
        .iter()
        .filter(|m| m["author"] == "system")
        .filter_map(|m| m["text"].as_str())
        .filter(|text| text.starts_with("WhatsApp:"))
        .collect();
    assert_eq!(notices, ["WhatsApp: Priya's security code changed."]);
    // Search finds the edited words, not the deleted ones.
    let found = app
        .get_json(&manager, "/api/search?q=order%20is%20late")
        .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let gone = app.get_json(&manager, "/api/search?q=wrong%20chat").await;
    assert!(gone["items"].as_array().unwrap().is_empty());
}

/// The emojis on a message of Priya's thread, as `(author, emoji)`.
async fn reactions_on(
    app: &TestApp,
    manager: &support::Session,
    text: &str,
) -> Vec<(String, String)> {
    let thread = app.thread(manager, PRIYA).await;
    let message = thread
        .iter()
        .find(|m| m["text"] == text)
        .unwrap_or_else(|| panic!("no message {text:?} in {thread:?}"));
    message["reactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["author"].as_str().unwrap().to_owned(),
                r["emoji"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_reaction_attaches_to_its_message_replaces_and_is_taken_back_but_never_counts() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t - 60, "Is the cake ready?"))
        .await;
    app.settle_outbound().await;
    let before = counters(&app).await;
    let thread_length = app.thread(&manager, PRIYA).await.len();
    let react = |wamid: &str, at: i64, original: &str, emoji: Option<&str>| {
        let mut reaction = json!({"message_id": original});
        if let Some(emoji) = emoji {
            reaction["emoji"] = json!(emoji);
        }
        from_priya(wamid, at, json!({"type": "reaction", "reaction": reaction}))
    };

    app.webhook_ok(&react("wamid.r1", t - 50, "wamid.1", Some("👍")))
        .await;
    assert_eq!(
        reactions_on(&app, &manager, "Is the cake ready?").await,
        [("user".to_owned(), "👍".to_owned())]
    );
    // A new one replaces it; a retried older one does not come back.
    app.webhook_ok(&react("wamid.r2", t - 40, "wamid.1", Some("❤️")))
        .await;
    app.webhook_ok(&react("wamid.r1.late", t - 45, "wamid.1", Some("😮")))
        .await;
    assert_eq!(
        reactions_on(&app, &manager, "Is the cake ready?").await,
        [("user".to_owned(), "❤️".to_owned())]
    );
    // WhatsApp takes a reaction back with an empty emoji, or none.
    app.webhook_ok(&react("wamid.r3", t - 30, "wamid.1", Some("")))
        .await;
    assert!(reactions_on(&app, &manager, "Is the cake ready?")
        .await
        .is_empty());
    app.webhook_ok(&react("wamid.r4", t - 20, "wamid.1", Some("🙏")))
        .await;
    app.webhook_ok(&react("wamid.r5", t - 10, "wamid.1", None))
        .await;
    assert!(reactions_on(&app, &manager, "Is the cake ready?")
        .await
        .is_empty());
    // A reaction to a message that is not stored changes nothing.
    app.webhook_ok(&react("wamid.r6", t - 5, "wamid.unknown", Some("👍")))
        .await;
    // A reaction to the bot's greeting sits on the greeting.
    let greeting = app
        .thread(&manager, PRIYA)
        .await
        .into_iter()
        .find(|m| m["author"] == "bot")
        .expect("the bot greeted");
    let sandbox = app.get_json(&manager, "/api/sandbox/outbox").await;
    let sent = sandbox.as_array().expect("the sandbox's sends");
    assert_eq!(sent.len(), 1, "the greeting alone was sent: {sent:?}");
    let wamid = sent[0]["wamid"].as_str().unwrap();
    app.webhook_ok(&react("wamid.r7", t - 2, wamid, Some("😂")))
        .await;
    let text = greeting["text"].as_str().unwrap();
    assert_eq!(
        reactions_on(&app, &manager, text).await,
        [("user".to_owned(), "😂".to_owned())]
    );

    let after = counters(&app).await;
    assert_eq!(
        after, before,
        "no count, no escalation, Last Active unmoved"
    );
    assert_eq!(
        app.thread(&manager, PRIYA).await.len(),
        thread_length,
        "no reaction is a message of its own, and the bot said nothing"
    );
}

#[tokio::test]
async fn a_number_change_links_the_new_number_to_the_old_thread() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t - 60, "Hello"))
        .await;
    let changed = json!({"type": "system", "system": {
        "body": "Priya changed from 919876543210 to 919811122233",
        "new_wa_id": "919811122233", "type": "user_changed_number"}});
    app.webhook_ok(&from_priya("wamid.sys", t - 30, changed))
        .await;

    let old_lines = app.thread(&manager, PRIYA).await;
    assert!(old_lines
        .iter()
        .any(|m| m["text"] == "Changed their WhatsApp number to +919811122233"));
    let new_profile = app.profile(&manager, "919811122233").await;
    assert_eq!(new_profile["name"], "Priya Sharma", "the old number's name");
    assert_eq!(new_profile["session_messages"], 0);
    let new_lines = app.thread(&manager, "919811122233").await;
    assert_eq!(new_lines[0]["text"], "Wrote before from +919876543210");
}

#[tokio::test]
async fn a_request_for_the_welcome_is_answered_with_it_and_counts_no_message() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let welcome = json!({"type": "request_welcome"});
    app.webhook_ok(&from_priya("wamid.welcome", app.now_s(), welcome.clone()))
        .await;
    app.webhook_ok(&from_priya("wamid.welcome", app.now_s(), welcome))
        .await;
    app.settle_outbound().await;
    let thread = app.thread(&manager, PRIYA).await;
    let bot: Vec<&Value> = thread.iter().filter(|m| m["author"] == "bot").collect();
    assert_eq!(bot.len(), 1, "greeted once");
    assert!(bot[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("Hi! I'm the Handover assistant"));
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(
        profile["last_active_at"],
        Value::Null,
        "the customer wrote nothing yet"
    );
    assert_eq!(profile["window_open"], true, "the welcome may be sent");
    assert_eq!(profile["session_messages"], 1, "the welcome itself");
}

#[tokio::test]
async fn an_order_is_a_customer_message_and_a_played_voice_note_reads_as_read() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let order = json!({"type": "order", "order": {"catalog_id": "1", "text": "gift wrap please",
        "product_items": [
            {"product_retailer_id": "rose-12", "quantity": 2, "item_price": 499.0, "currency": "INR"},
            {"product_retailer_id": "card", "quantity": 1, "item_price": 50.0, "currency": "INR"}]}});
    app.webhook_ok(&from_priya("wamid.order", app.now_s(), order))
        .await;
    let first = app.first_by(&manager, PRIYA, "user").await;
    assert_eq!(first["content_type"], "order");
    assert_eq!(
        first["text"],
        "[Order] 3 item(s), 1048.00 INR: gift wrap please"
    );

    app.settle_outbound().await;
    let greeting = app.first_by(&manager, PRIYA, "bot").await;
    let (wamid,): (String,) = sqlx::query_as("SELECT wamid FROM messages WHERE id = $1")
        .bind(greeting["id"].as_i64().unwrap())
        .fetch_one(&app.db)
        .await
        .unwrap();
    app.webhook_ok(&support::payloads::status(
        &wamid,
        "played",
        app.now_s(),
        PRIYA,
    ))
    .await;
    let greeting = app.first_by(&manager, PRIYA, "bot").await;
    assert_eq!(greeting["delivery"], "read");
}

#[tokio::test]
async fn a_message_stamped_in_the_future_counts_as_written_now() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let a_year_ahead = app.now_s() + 365 * 24 * 3600;
    app.webhook_ok(&text(
        PRIYA,
        "wamid.future",
        a_year_ahead,
        "Hello from the future",
    ))
    .await;
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(profile["last_active_at"], "2026-11-25T10:00:00Z");
    assert_eq!(profile["window_expires_at"], "2026-11-26T10:00:00Z");
    let near_overflow = i64::MAX / 1000;
    let response = app
        .webhook(&text(PRIYA, "wamid.overflow", near_overflow, "x"))
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_delivery_with_a_timestamp_that_is_no_time_is_refused_loudly_and_stores_nothing() {
    let app = TestApp::start().await;
    let mut body = text(PRIYA, "wamid.bad", 0, "Hello");
    body["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = json!("yesterday");
    let (status, code, message) = error_code(app.webhook(&body).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_webhook")
    );
    assert!(
        message.contains("wamid.bad") && message.contains("yesterday"),
        "{message}"
    );
    let (messages,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM messages")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(messages, 0);
}

#[tokio::test]
async fn text_beyond_whatsapps_limits_is_cut_to_them() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let long = "a".repeat(100_000);
    let body = inbound(
        PRIYA,
        &"N".repeat(10_000),
        "wamid.long",
        app.now_s(),
        json!({"type": "text", "text": {"body": long}}),
    );
    app.webhook_ok(&body).await;
    let first = app.first_by(&manager, PRIYA, "user").await;
    assert_eq!(
        first["text"].as_str().unwrap().chars().count(),
        4_097,
        "4,096 and an ellipsis"
    );
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(profile["name"].as_str().unwrap().chars().count(), 257);
}
