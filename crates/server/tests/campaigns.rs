//! API campaigns against a fake WhatsApp Cloud API on loopback: a
//! thousand recipients paced at the configured rate, a 429 burst, a
//! restart mid-campaign, idempotency, exact Source and Template Messages,
//! refusals per recipient and as a whole, and API tokens.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::payloads::{status, text};
use support::{error_code, Session, TestApp};

const PRIYA: &str = "919876543210";

async fn app_with_cloud_api(script: Vec<u16>, send_rate: u32) -> (TestApp, FakeCloudApi) {
    let (fake, url) = FakeCloudApi::start(script).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.send_rate = send_rate;
    })
    .await;
    (app, fake)
}

/// An approved two-parameter template and an API token.
async fn ready(app: &TestApp) -> (Session, String) {
    let manager = app.manager().await;
    app.approved_template(
        &manager,
        json!({"name": "diwali_offer", "language": "en", "category": "marketing",
               "body": "Hi {{1}}, hampers are 15% off until {{2}}."}),
    )
    .await;
    let created = app
        .post(&manager, "/api/tokens", json!({"name": "Shop orders"}))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("hov_"));
    (manager, secret)
}

fn phone(n: usize) -> String {
    format!("9198{n:08}")
}

fn campaign(key: &str, count: usize) -> Value {
    let recipients: Vec<Value> = (0..count)
        .map(|n| json!({"phone": format!("+{}", phone(n)), "name": format!("Customer {n}"), "params": [format!("Customer {n}"), "Sunday"]}))
        .collect();
    json!({"idempotency_key": key, "name": "Diwali", "template": "diwali_offer", "language": "en", "recipients": recipients})
}

async fn post_campaign(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.http
        .post(app.url("/api/v1/campaigns"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap()
}

/// Waits until nothing of the campaign is waiting to be sent.
async fn sent_out(app: &TestApp, token: &str, id: &Value) -> Value {
    for _ in 0..1200 {
        let campaign: Value = app
            .http
            .get(app.url(&format!("/api/v1/campaigns/{id}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if campaign["funnel"]["waiting"] == 0 {
            return campaign;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the campaign was still sending after a minute");
}

/// Template messages WhatsApp accepted, per recipient (the bot's replies
/// to customers who wrote are not counted).
fn delivered_to(fake: &FakeCloudApi) -> BTreeMap<String, usize> {
    let mut per_recipient = BTreeMap::new();
    for request in fake.requests() {
        if request.answered == 200 && request.body["type"] == "template" {
            *per_recipient
                .entry(request.body["to"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    per_recipient
}

#[tokio::test]
async fn a_thousand_recipients_are_paced_and_counted_exactly() {
    let (app, fake) = app_with_cloud_api(vec![], 250).await;
    let (manager, token) = ready(&app).await;
    // Priya wrote first: she stays Organic.
    app.webhook_ok(&text(PRIYA, "wamid.p1", app.now_s(), "hi"))
        .await;
    let mut body = campaign("diwali-2026", 999);
    body["recipients"]
        .as_array_mut()
        .unwrap()
        .push(json!({"phone": PRIYA, "params": ["Priya", "Sunday"]}));

    let started = std::time::Instant::now();
    let created = post_campaign(&app, &token, &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["funnel"]["queued"], 1000);
    assert_eq!(created["refused"], json!([]));
    let done = sent_out(&app, &token, &created["id"]).await;
    let took = started.elapsed();

    // One message per recipient, exactly the Cloud API's template body.
    let sends = delivered_to(&fake);
    assert_eq!(sends.len(), 1000);
    assert!(sends.values().all(|n| *n == 1), "nothing sent twice");
    let to_priya = fake
        .requests()
        .into_iter()
        .find(|r| r.body["to"] == PRIYA && r.body["type"] == "template")
        .unwrap();
    assert_eq!(
        to_priya.body["template"],
        json!({"name": "diwali_offer", "language": {"code": "en"},
               "components": [{"type": "body", "parameters": [{"type": "text", "text": "Priya"}, {"type": "text", "text": "Sunday"}]}]})
    );
    // Paced: 1,000 sends at 250 a second take about four seconds.
    assert!(took >= Duration::from_millis(3_800), "too fast: {took:?}");
    assert_eq!(
        (&done["funnel"]["sent"], &done["funnel"]["failed"]),
        (&json!(1000), &json!(0))
    );

    // Source and Template Messages are exact.
    let sources: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT source, COUNT(*), CAST(SUM(template_messages) AS BIGINT) FROM users GROUP BY source ORDER BY source",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(
        sources,
        [("API".to_owned(), 999, 999), ("Organic".to_owned(), 1, 1)]
    );
    let first = app.profile(&manager, &phone(0)).await;
    assert_eq!(
        (
            &first["name"],
            &first["source"],
            &first["template_messages"]
        ),
        (&json!("Customer 0"), &json!("API"), &json!(1))
    );

    // Delivery receipts move the funnel.
    let wamids: Vec<String> = sqlx::query_as::<_, (String,)>(
        "SELECT wamid FROM messages WHERE campaign_id IS NOT NULL ORDER BY id LIMIT 3",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
    .into_iter()
    .map(|(wamid,)| wamid)
    .collect();
    for wamid in &wamids {
        app.webhook_ok(&status(wamid, "delivered", app.now_s(), PRIYA))
            .await;
    }
    app.webhook_ok(&status(&wamids[0], "read", app.now_s(), PRIYA))
        .await;
    let listed = app.get_json(&manager, "/api/campaigns").await;
    assert_eq!(
        listed[0]["funnel"],
        json!({"queued": 1000, "waiting": 0, "sent": 1000, "delivered": 3, "read": 1, "failed": 0})
    );
}

#[tokio::test]
async fn a_429_burst_is_retried_and_every_recipient_gets_one_message() {
    let (app, fake) = app_with_cloud_api(vec![429; 30], 500).await;
    let (_, token) = ready(&app).await;
    let created: Value = post_campaign(&app, &token, &campaign("burst", 100))
        .await
        .json()
        .await
        .unwrap();
    let done = sent_out(&app, &token, &created["id"]).await;
    assert_eq!(done["funnel"]["sent"], 100, "{done}");
    assert_eq!(done["funnel"]["failed"], 0);
    let sends = delivered_to(&fake);
    assert_eq!(sends.len(), 100);
    assert!(sends.values().all(|n| *n == 1));
    let refused = fake.requests().iter().filter(|r| r.answered == 429).count();
    assert_eq!(refused, 30, "the burst was met and retried");
}

#[tokio::test]
async fn a_restart_mid_campaign_sends_the_rest_and_nothing_twice() {
    let (mut app, fake) = app_with_cloud_api(vec![], 100).await;
    // Answers take a while, so sends are in flight when the server stops.
    fake.answer_after(Duration::from_millis(150));
    let (manager, token) = ready(&app).await;
    let created: Value = post_campaign(&app, &token, &campaign("restart", 500))
        .await
        .json()
        .await
        .unwrap();
    while fake.requests().len() < 150 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.restart().await;
    let before_resume = delivered_to(&fake).len();
    assert!(before_resume < 500, "stopped midway ({before_resume} sent)");

    let done = sent_out(&app, &token, &created["id"]).await;
    assert_eq!(done["funnel"]["sent"], 500);
    let sends = delivered_to(&fake);
    assert_eq!(sends.len(), 500);
    assert!(
        sends.values().all(|n| *n == 1),
        "a message was sent twice across the restart"
    );
    let (total,): (i64,) =
        sqlx::query_as("SELECT CAST(SUM(template_messages) AS BIGINT) FROM users")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(total, 500);
    assert_eq!(
        app.get_json(&manager, "/api/campaigns").await[0]["funnel"]["sent"],
        500
    );
}

#[tokio::test]
async fn the_same_idempotency_key_never_sends_twice() {
    let (app, fake) = app_with_cloud_api(vec![], 500).await;
    let (_, token) = ready(&app).await;
    let first: Value = post_campaign(&app, &token, &campaign("order-42", 5))
        .await
        .json()
        .await
        .unwrap();
    let again = post_campaign(&app, &token, &campaign("order-42", 7)).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["funnel"]["queued"], 5);
    sent_out(&app, &token, &first["id"]).await;
    assert_eq!(delivered_to(&fake).len(), 5);
    let (campaigns,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM campaigns")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(campaigns, 1);
}

#[tokio::test]
async fn bad_recipients_are_refused_one_by_one_and_bad_requests_as_a_whole() {
    let (app, _fake) = app_with_cloud_api(vec![], 500).await;
    let (manager, token) = ready(&app).await;
    app.post(
        &manager,
        "/api/templates",
        json!({"name": "draft_offer", "language": "en", "category": "marketing", "body": "Hello"}),
    )
    .await;

    let mixed = json!({"idempotency_key": "mixed", "template": "diwali_offer", "language": "en", "recipients": [
        {"phone": "+91 98200 12345", "params": ["Asha", "Sunday"]},
        {"phone": "12345", "params": ["Ravi", "Sunday"]},
        {"phone": "919820054321", "params": ["Ravi"]},
        {"phone": "919820012345", "params": ["Asha", "Sunday"]}
    ]});
    let response = post_campaign(&app, &token, &mixed).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["funnel"]["queued"], 1);
    let refused: Vec<(u64, String)> = created["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["index"].as_u64().unwrap(),
                r["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(refused.len(), 3, "{refused:?}");
    assert_eq!(refused[0].0, 1);
    assert_eq!(
        refused[1..],
        [
            (2, "diwali_offer takes 2 parameter(s); 1 given".to_owned()),
            (3, "the same number as recipient 0".to_owned()),
        ]
    );

    let whole = |template: &str, recipients: usize| {
        let mut body = campaign(&format!("{template}-{recipients}"), recipients);
        body["template"] = json!(template);
        body
    };
    let cases = [
        (whole("no_such_template", 1), "unknown_template"),
        (whole("draft_offer", 1), "template_not_approved"),
        (whole("diwali_offer", 0), "invalid_recipients"),
    ];
    for (body, code) in cases {
        let (status, got, message) = error_code(post_campaign(&app, &token, &body).await).await;
        assert_eq!(
            (status, got.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, code),
            "{message}"
        );
    }
    let mut no_key = campaign("", 1);
    no_key["idempotency_key"] = json!(" ");
    let (_, code, _) = error_code(post_campaign(&app, &token, &no_key).await).await;
    assert_eq!(code, "invalid_idempotency_key");
}

#[tokio::test]
async fn more_recipients_than_configured_are_refused_as_a_whole() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.campaign_max_recipients = 5;
    })
    .await;
    let (_, token) = ready(&app).await;
    let (status, code, message) =
        error_code(post_campaign(&app, &token, &campaign("too-many", 6)).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_recipients")
    );
    assert!(message.contains("1 to 5"), "{message}");
    assert!(delivered_to(&fake).is_empty());
}

#[tokio::test]
async fn a_revoked_token_is_refused_and_last_use_is_shown() {
    let (app, _fake) = app_with_cloud_api(vec![], 500).await;
    let (manager, token) = ready(&app).await;
    let body = campaign("tokens", 1);

    let (status, _, message) = error_code(
        app.http
            .post(app.url("/api/v1/campaigns"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.contains("Bearer"), "{message}");
    let listed = app.get_json(&manager, "/api/tokens").await;
    assert_eq!(listed[0]["last_used_at"], Value::Null);
    assert!(
        listed[0].get("secret").is_none(),
        "the secret is shown once"
    );

    assert_eq!(
        post_campaign(&app, &token, &body).await.status(),
        StatusCode::CREATED
    );
    let listed = app.get_json(&manager, "/api/tokens").await;
    assert!(listed[0]["last_used_at"].is_string());

    let id = listed[0]["id"].clone();
    assert_eq!(
        app.delete(&manager, &format!("/api/tokens/{id}"))
            .await
            .status(),
        StatusCode::OK
    );
    let (status, _, message) = error_code(post_campaign(&app, &token, &body).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.contains("revoked"), "{message}");
    let (status, _, _) = error_code(post_campaign(&app, "hov_made_up", &body).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let agent = app.agent("Asha").await;
    assert_eq!(
        app.get(&agent, "/api/tokens").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn each_token_has_its_own_idempotency_keys_and_sees_only_its_campaigns() {
    let (app, fake) = app_with_cloud_api(vec![], 500).await;
    let (manager, shop) = ready(&app).await;
    let created: Value = app
        .post(&manager, "/api/tokens", json!({"name": "CRM"}))
        .await
        .json()
        .await
        .unwrap();
    let crm = created["secret"].as_str().unwrap().to_owned();

    // Two integrations that both say "order-42" start two campaigns.
    let from_shop = post_campaign(&app, &shop, &campaign("order-42", 1)).await;
    assert_eq!(from_shop.status(), StatusCode::CREATED);
    let from_shop: Value = from_shop.json().await.unwrap();
    let from_crm = post_campaign(&app, &crm, &campaign("order-42", 1)).await;
    assert_eq!(from_crm.status(), StatusCode::CREATED);
    let from_crm: Value = from_crm.json().await.unwrap();
    assert_ne!(from_shop["id"], from_crm["id"]);
    assert_eq!(from_crm["idempotency_key"], "order-42");
    // The same integration retrying gets its first campaign back.
    let retried = post_campaign(&app, &shop, &campaign("order-42", 1)).await;
    assert_eq!(retried.status(), StatusCode::OK);
    assert_eq!(
        retried.json::<Value>().await.unwrap()["id"],
        from_shop["id"]
    );

    // Each reads its own campaign; another's is not found.
    let read = |token: &str, id: &Value| {
        app.http
            .get(app.url(&format!("/api/v1/campaigns/{id}")))
            .bearer_auth(token)
            .send()
    };
    assert_eq!(read(&shop, &from_shop["id"]).await.unwrap().status(), 200);
    assert_eq!(read(&crm, &from_shop["id"]).await.unwrap().status(), 404);
    // Managers see both.
    assert_eq!(
        app.get_json(&manager, "/api/campaigns")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    sent_out(&app, &crm, &from_crm["id"]).await;
    assert_eq!(delivered_to(&fake).values().sum::<usize>(), 2);
}

#[tokio::test]
async fn an_unknown_token_is_refused_at_once_even_while_the_database_is_busy_writing() {
    let (app, _fake) = app_with_cloud_api(vec![], 500).await;
    // Another writer holds the database's write turn.
    let writer = app.hold_write_turn().await;
    let started = std::time::Instant::now();
    let response = app
        .http
        .get(app.url("/api/v1/campaigns/1"))
        .bearer_auth("hov_made_up")
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    writer.rollback().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        took < Duration::from_secs(1),
        "an unknown token waited {took:?} for the write lock"
    );
}
