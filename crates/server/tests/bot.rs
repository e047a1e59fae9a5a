//! The configurable bot inside the webhook pipeline.

mod support;

use serde_json::json;
use support::payloads::{inbound, text};
use support::refused_fields;
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
    assert_eq!(app.act(&asha, PRIYA, "intervene").await.status(), 200);
    assert_eq!(app.act(&asha, PRIYA, "resolve").await.status(), 200);
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
    sqlx::query("INSERT INTO bot_configs (config, saved_at) VALUES ($1, 0)")
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

    // The thread shows the buttons the customer saw under the bot's words.
    let manager = app.manager().await;
    let thread = app.thread(&manager, PRIYA).await;
    let offer = thread
        .iter()
        .find(|m| m["text"] == "Need the tracking link?")
        .expect("the bot's question");
    assert_eq!(
        offer["offered"],
        json!({"list_button": null, "options": [{"title": "Send the link"}]})
    );
}

fn track_order_config() -> serde_json::Value {
    let mut config = serde_json::to_value(handover_core::bot::BotConfig::default()).unwrap();
    config["intents"] = json!([{"id": "track_order", "examples": ["Where is my order?"],
        "reply": {"type": "text", "text": "Track it at shop.example/track"}}]);
    // As the server stores it, with every default spelled out.
    let parsed: handover_core::bot::BotConfig = serde_json::from_value(config).unwrap();
    serde_json::to_value(parsed).unwrap()
}

#[tokio::test]
async fn managers_save_versions_and_roll_back_in_one_call() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let first = app.get_json(&manager, "/api/bot").await;
    assert_eq!(first["version"], 0, "the built-in default until a save");

    let saved = app.put(&manager, "/api/bot", track_order_config()).await;
    assert_eq!(saved.status(), 200);
    let mut second = track_order_config();
    second["fallback"] = json!("Sorry, I did not get that.");
    let saved_again = app.put(&manager, "/api/bot", second).await;
    assert_eq!(
        saved_again.json::<serde_json::Value>().await.unwrap()["version"],
        2
    );

    let rolled = app
        .post(&manager, "/api/bot/versions/1/rollback", json!({}))
        .await;
    assert_eq!(rolled.status(), 200);
    let current = app.get_json(&manager, "/api/bot").await;
    assert_eq!(current["version"], 3);
    assert_eq!(current["config"], track_order_config());
    let versions = app.get_json(&manager, "/api/bot/versions").await;
    let listed: Vec<(i64, &str, &str)> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_i64().unwrap(),
                v["saved_by"].as_str().unwrap(),
                v["note"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (3, "Meera", "Rolled back to version 1"),
            (2, "Meera", ""),
            (1, "Meera", "")
        ]
    );

    // The webhook's bot uses the version in force.
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "where is my order"))
        .await;
    let lines = bot_lines(&app.thread(&manager, PRIYA).await);
    assert_eq!(
        lines.last().map(String::as_str),
        Some("Track it at shop.example/track")
    );
}

#[tokio::test]
async fn an_invalid_configuration_is_refused_with_each_field_named_and_nothing_saved() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let mut config = track_order_config();
    config["intents"][0]["reply"] = json!({"type": "buttons", "text": "Pick", "buttons": [
        {"id": "a", "title": "A"}, {"id": "b", "title": "B"}, {"id": "c", "title": "C"}, {"id": "d", "title": "D"}]});
    config["threshold"] = json!(2);
    let response = app.put(&manager, "/api/bot", config).await;
    let fields = refused_fields(response).await;
    assert_eq!(fields, ["threshold", "intents[0].reply.buttons"]);
    assert_eq!(app.get_json(&manager, "/api/bot").await["version"], 0);

    for (document, field) in [
        (r#"{"welcom": "typo"}"#.to_owned(), "welcom"),
        (json!({"welcome": "Hi", "fallback": "?", "intents": [{"id": "x", "reply": {"type": "video"}}]}).to_string(), "intents[0].reply.type"),
        ("not json".to_owned(), "document"),
    ] {
        let imported = app.http.post(app.url("/api/bot/import")).header("cookie", &manager.cookie).body(document.clone()).send().await.unwrap();
        assert_eq!(imported.status(), 422, "{document}");
        let body: serde_json::Value = imported.json().await.unwrap();
        assert_eq!(body["error"]["fields"][0]["field"], field, "{document}: {body}");
    }
}

#[tokio::test]
async fn export_and_import_round_trip_the_configuration() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.put(&manager, "/api/bot", track_order_config()).await;
    let exported = app.get(&manager, "/api/bot/export").await;
    assert!(exported.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("handover-bot.json"));
    let document = exported.text().await.unwrap();
    let imported = app
        .http
        .post(app.url("/api/bot/import"))
        .header("cookie", &manager.cookie)
        .body(document)
        .send()
        .await
        .unwrap();
    assert_eq!(imported.status(), 200);
    let current = app.get_json(&manager, "/api/bot").await;
    assert_eq!(
        (current["version"].as_i64(), &current["config"]),
        (Some(2), &track_order_config())
    );
}

#[tokio::test]
async fn the_simulator_runs_a_draft_without_touching_any_customer() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let mut draft = track_order_config();
    draft["intents"].as_array_mut().unwrap().push(
        json!({"id": "refund", "keywords": ["refund"], "always_escalate": true,
        "reply": {"type": "text", "text": "Sorry to hear that."}}),
    );
    let response = app
        .post(&manager, "/api/bot/simulate", json!({"config": draft, "messages": [
            {"text": "hello"}, {"text": "wher is my ordr"}, {"text": "I want a refund"}, {"text": "agent"}]}))
        .await;
    assert_eq!(response.status(), 200);
    let turns: Vec<serde_json::Value> = response.json().await.unwrap();
    let summary: Vec<(Option<&str>, Option<&str>, &str)> = turns
        .iter()
        .map(|t| {
            (
                t["intent"].as_str(),
                t["escalation"].as_str(),
                t["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (None, None, "active"),
            (Some("track_order"), None, "active"),
            (
                Some("refund"),
                Some("Intent refund always goes to an agent"),
                "requesting"
            ),
            (None, None, "requesting"),
        ]
    );
    let confidence = turns[1]["confidence"].as_f64().unwrap();
    assert!((0.8..1.0).contains(&confidence), "{confidence}");
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 0);
    let asha = app.agent("Asha").await;
    assert_eq!(
        app.post(&asha, "/api/bot/simulate", json!({"messages": []}))
            .await
            .status(),
        403
    );
}
