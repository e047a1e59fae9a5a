//! Outbound messages against a fake WhatsApp Cloud API on loopback: the
//! exact request bodies, retries on 429, and failures recorded with reasons.

mod support;

use serde_json::json;
use support::cloud_api::FakeCloudApi;
use support::payloads::text;
use support::TestApp;

const PRIYA: &str = "919876543210";

async fn app_with_cloud_api(script: Vec<u16>) -> (TestApp, FakeCloudApi) {
    let (fake, url) = FakeCloudApi::start(script).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
    })
    .await;
    (app, fake)
}

#[tokio::test]
async fn texts_and_templates_go_out_as_exact_cloud_api_requests() {
    let (app, fake) = app_with_cloud_api(vec![]).await;
    let manager = app.manager().await;
    app.approved_template(
        &manager,
        json!({"name": "order_update", "language": "en_US", "category": "utility",
        "body": "Hi {{1}}, order {{2}} shipped."}),
    )
    .await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    app.post(
        &manager,
        &format!("/api/users/{PRIYA}/messages"),
        json!({"text": "Hello from Handover"}),
    )
    .await;
    app.post(&manager, &format!("/api/users/{PRIYA}/messages"),
        json!({"template": {"name": "order_update", "language": "en_US", "params": ["Priya", "A-17"]}})).await;
    app.settle_outbound().await;

    let requests = fake.requests();
    assert!(requests
        .iter()
        .all(|r| r.path == "/v21.0/106540352242922/messages"));
    assert!(requests
        .iter()
        .all(|r| r.authorization == "Bearer EAAG-test-token"));
    let agent_text = requests
        .iter()
        .find(|r| r.body["text"]["body"] == "Hello from Handover")
        .expect("text sent");
    let markers: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, id FROM messages WHERE author = 'agent' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let marker = |kind: &str| {
        let (_, id) = markers.iter().find(|(k, _)| k == kind).unwrap();
        format!("handover:{id}")
    };
    assert_eq!(
        agent_text.body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": PRIYA, "type": "text",
               "text": {"preview_url": false, "body": "Hello from Handover"},
               "biz_opaque_callback_data": marker("session")})
    );
    let template = requests
        .iter()
        .find(|r| r.body["type"] == "template")
        .expect("template sent");
    assert_eq!(
        template.body,
        json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": PRIYA, "type": "template",
               "template": {"name": "order_update", "language": {"code": "en_US"},
                            "components": [{"type": "body", "parameters": [
                                {"type": "text", "text": "Priya"}, {"type": "text", "text": "A-17"}]}]},
               "biz_opaque_callback_data": marker("template")})
    );
    let thread = app.thread(&manager, PRIYA).await;
    let delivered: Vec<&str> = thread
        .iter()
        .filter_map(|m| m["delivery"].as_str())
        .collect();
    assert!(delivered.iter().all(|d| *d == "sent"), "{delivered:?}");
}

#[tokio::test]
async fn a_429_is_retried_with_backoff_until_it_goes_through() {
    let (app, fake) = app_with_cloud_api(vec![429, 503]).await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    app.settle_outbound().await;
    assert_eq!(fake.requests().len(), 3, "two refusals, then success");
    let (delivery, wamid): (String, Option<String>) =
        sqlx::query_as("SELECT delivery, wamid FROM messages WHERE author = 'bot'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        (delivery.as_str(), wamid.as_deref()),
        ("sent", Some("wamid.fake.3"))
    );
}

#[tokio::test]
async fn a_refused_send_is_stored_as_failed_with_the_reason_for_the_dashboard() {
    let (app, fake) = app_with_cloud_api(vec![400]).await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    app.settle_outbound().await;
    assert_eq!(fake.requests().len(), 1, "a 400 is not retried");
    let manager = app.manager().await;
    let bot = app.first_by(&manager, PRIYA, "bot").await;
    assert_eq!(bot["delivery"], "failed");
    assert_eq!(
        bot["failure_reason"],
        "WhatsApp refused the message (HTTP 400, error 131000): Scripted failure 400"
    );
}
