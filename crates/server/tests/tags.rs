//! First-message tags: rules of each kind, applied once, on the first
//! inbound message only, with exact counts.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::{inbound, text};
use support::{error_code, TestApp};

async fn add_rule(app: &TestApp, session: &support::Session, rule: Value) -> Value {
    let response = app.post(session, "/api/tag-rules", rule).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

async fn tag_of(app: &TestApp, session: &support::Session, wa_id: &str) -> Value {
    app.profile(session, wa_id).await["first_message_tag"].clone()
}

#[tokio::test]
async fn each_kind_of_rule_tags_a_first_message_and_the_tag_never_changes() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let referral = add_rule(
        &app,
        &manager,
        json!({"kind": "referral", "pattern": "120208", "tag": "Diwali ad", "priority": 1}),
    )
    .await;
    let exact = add_rule(&app, &manager, json!({"kind": "exact", "pattern": "Hi! I'd like to order roses", "tag": "Roses page", "priority": 2})).await;
    let prefix = add_rule(
        &app,
        &manager,
        json!({"kind": "prefix", "pattern": "I saw your ad", "tag": "Any ad", "priority": 3}),
    )
    .await;
    let regex = add_rule(&app, &manager, json!({"kind": "regex", "pattern": r"(?i)order\s*#?\d{4}", "tag": "Order number", "priority": 4})).await;
    let t = app.now_s();

    // A click-to-WhatsApp ad: the referral wins over the text rules.
    let from_ad = json!({"type": "text", "text": {"body": "I saw your ad"},
        "referral": {"source_url": "https://fb.me/abc", "source_id": "120208", "source_type": "ad", "headline": "Diwali"}});
    app.webhook_ok(&inbound("919800000001", "Asha", "wamid.a1", t, from_ad))
        .await;
    app.webhook_ok(&text(
        "919800000002",
        "wamid.b1",
        t,
        "  hi! i'd like to ORDER roses ",
    ))
    .await;
    app.webhook_ok(&text(
        "919800000003",
        "wamid.c1",
        t,
        "I saw your ad on Instagram",
    ))
    .await;
    app.webhook_ok(&text(
        "919800000004",
        "wamid.d1",
        t,
        "Where is ORDER #4471?",
    ))
    .await;
    app.webhook_ok(&text("919800000005", "wamid.e1", t, "Hello"))
        .await;

    assert_eq!(tag_of(&app, &manager, "919800000001").await, "Diwali ad");
    assert_eq!(tag_of(&app, &manager, "919800000002").await, "Roses page");
    assert_eq!(tag_of(&app, &manager, "919800000003").await, "Any ad");
    assert_eq!(tag_of(&app, &manager, "919800000004").await, "Order number");
    assert_eq!(tag_of(&app, &manager, "919800000005").await, Value::Null);

    // Later messages tag nobody and change nothing, even when they match.
    app.webhook_ok(&text("919800000002", "wamid.b2", t + 5, "order #9999"))
        .await;
    app.webhook_ok(&text("919800000005", "wamid.e2", t + 5, "I saw your ad"))
        .await;
    // A retried first message counts once.
    app.webhook_ok(&text(
        "919800000004",
        "wamid.d1",
        t,
        "Where is ORDER #4471?",
    ))
    .await;
    assert_eq!(tag_of(&app, &manager, "919800000002").await, "Roses page");
    assert_eq!(tag_of(&app, &manager, "919800000005").await, Value::Null);

    let rules = app.get_json(&manager, "/api/tag-rules").await;
    let counts: Vec<(i64, i64)> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| {
            (
                rule["id"].as_i64().unwrap(),
                rule["tagged"].as_i64().unwrap(),
            )
        })
        .collect();
    let id = |rule: &Value| rule["id"].as_i64().unwrap();
    assert_eq!(
        counts,
        [
            (id(&referral), 1),
            (id(&exact), 1),
            (id(&prefix), 1),
            (id(&regex), 1)
        ]
    );
}

#[tokio::test]
async fn a_contact_created_before_writing_is_tagged_on_their_first_message() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    add_rule(
        &app,
        &manager,
        json!({"kind": "prefix", "pattern": "Diwali offer", "tag": "Diwali", "priority": 1}),
    )
    .await;
    app.insert_user("919800000009", "active", 0).await;
    app.webhook_ok(&text(
        "919800000009",
        "wamid.z1",
        app.now_s(),
        "Diwali offer please",
    ))
    .await;
    assert_eq!(tag_of(&app, &manager, "919800000009").await, "Diwali");
}

#[tokio::test]
async fn a_rule_with_priority_one_is_tried_before_older_rules() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    add_rule(
        &app,
        &manager,
        json!({"kind": "prefix", "pattern": "hi", "tag": "Greeting", "priority": 5}),
    )
    .await;
    let specific = add_rule(
        &app,
        &manager,
        json!({"kind": "exact", "pattern": "hi roses", "tag": "Roses", "priority": 1}),
    )
    .await;
    app.webhook_ok(&text("919800000010", "wamid.p1", app.now_s(), "Hi roses"))
        .await;
    assert_eq!(tag_of(&app, &manager, "919800000010").await, "Roses");

    // Changing or deleting the rule leaves the tag it gave.
    let path = format!("/api/tag-rules/{}", specific["id"]);
    let changed = app
        .put(
            &manager,
            &path,
            json!({"kind": "exact", "pattern": "hi lilies", "tag": "Lilies", "priority": 1}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let deleted = app.delete(&manager, &path).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(tag_of(&app, &manager, "919800000010").await, "Roses");
    let again = app.delete(&manager, &path).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    let gone = app
        .put(
            &manager,
            &path,
            json!({"kind": "exact", "pattern": "hi lilies", "tag": "Lilies", "priority": 1}),
        )
        .await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_invalid_regular_expression_is_refused_when_saved() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let response = app
        .post(
            &manager,
            "/api/tag-rules",
            json!({"kind": "regex", "pattern": "order (#", "tag": "Orders", "priority": 1}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["fields"][0]["field"], "pattern");
    assert!(body["error"]["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("regular expression"));
    assert_eq!(app.get_json(&manager, "/api/tag-rules").await, json!([]));

    let unknown_kind = app
        .post(
            &manager,
            "/api/tag-rules",
            json!({"kind": "fuzzy", "pattern": "x", "tag": "X", "priority": 1}),
        )
        .await;
    assert_eq!(unknown_kind.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn only_managers_see_and_change_tag_rules() {
    let app = TestApp::start().await;
    let agent = app.agent("Asha").await;
    let (status, _, _) = error_code(app.get(&agent, "/api/tag-rules").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = error_code(
        app.post(
            &agent,
            "/api/tag-rules",
            json!({"kind": "exact", "pattern": "x", "tag": "X", "priority": 1}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
