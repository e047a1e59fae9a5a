//! The configurable bot inside the webhook pipeline.

mod support;

use serde_json::json;
use support::payloads::{inbound, text};
use support::TestApp;

const PRIYA: &str = "919876543210";

fn bot_lines(thread: &[serde_json::Value]) -> Vec<String> {
    thread
        .iter()
        .filter(|m| m["author"] == "bot" || m["author"] == "system")
        .map(|m| m["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn two_answers_the_bot_cannot_give_in_a_row_hand_the_chat_to_an_agent() {
    let app = TestApp::start().await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t, "hi")).await;
    app.webhook_ok(&text(PRIYA, "wamid.2", t + 1, "blorp"))
        .await;
    let manager = app.manager().await;
    assert_eq!(app.profile(&manager, PRIYA).await["status"], "active");
    app.webhook_ok(&text(PRIYA, "wamid.3", t + 2, "zzz qqq"))
        .await;

    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(profile["status"], "requesting");
    assert_eq!(profile["unresolved_queries"], 1);
    assert_eq!(
        profile["session_messages"], 6,
        "three messages, three bot replies"
    );
    let defaults = handover_core::bot::BotConfig::default();
    assert_eq!(
        bot_lines(&app.thread(&manager, PRIYA).await),
        [
            defaults.welcome.as_str(),
            defaults.fallback.as_str(),
            defaults.escalation.message.as_str(),
            "Requested an agent"
        ]
    );
    let (reason,): (String,) =
        sqlx::query_as("SELECT reason FROM transitions WHERE command = 'escalate'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(reason, "The bot could not answer 2 times in a row");
}

#[tokio::test]
async fn after_a_resolve_the_bot_greets_the_customer_again() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t, "agent")).await;
    assert_eq!(
        app.post(&asha, &format!("/api/users/{PRIYA}/intervene"), json!({}))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.post(&asha, &format!("/api/users/{PRIYA}/resolve"), json!({}))
            .await
            .status(),
        200
    );
    app.webhook_ok(&text(PRIYA, "wamid.2", t + 5, "hello again"))
        .await;
    let welcome = handover_core::bot::BotConfig::default().welcome;
    let lines = bot_lines(&app.thread(&asha, PRIYA).await);
    assert_eq!(lines.last().map(String::as_str), Some(welcome.as_str()));
    assert_eq!(
        lines.iter().filter(|line| **line == welcome).count(),
        2,
        "greeted when new and after the resolve"
    );
}

#[tokio::test]
async fn a_saved_configuration_answers_with_buttons_and_their_ids_lead_to_intents() {
    let app = TestApp::start().await;
    let intents = serde_json::from_value(json!([
        {"id": "track_order", "examples": ["Where is my order?"], "reply": {"type": "buttons", "text": "Need the tracking link?",
            "buttons": [{"id": "send_link", "title": "Send the link"}]}},
        {"id": "send_link", "keywords": ["link please"], "reply": {"type": "text", "text": "shop.example/track"}}
    ]))
    .unwrap();
    let config = handover_core::bot::BotConfig {
        intents,
        ..handover_core::bot::BotConfig::default()
    };
    sqlx::query("INSERT INTO bot_configs (config, saved_at) VALUES (?1, 0)")
        .bind(serde_json::to_string(&config).unwrap())
        .execute(&app.db)
        .await
        .unwrap();

    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t, "wher is my ordr?"))
        .await;
    let tap = json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "send_link", "title": "Send the link"}}});
    app.webhook_ok(&inbound(PRIYA, "Priya", "wamid.2", t + 1, tap))
        .await;
    app.settle_outbound().await;

    let sent: Vec<serde_json::Value> =
        sqlx::query_as::<_, (String,)>("SELECT payload FROM sandbox_outbox ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|(payload,)| serde_json::from_str(&payload).unwrap())
            .collect();
    let types: Vec<&str> = sent.iter().map(|p| p["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        ["text", "interactive", "text"],
        "welcome, the buttons, the intent the button names"
    );
    assert_eq!(
        sent[1]["interactive"]["action"]["buttons"][0]["reply"]["id"],
        "send_link"
    );
    assert_eq!(sent[2]["text"]["body"], "shop.example/track");
}
