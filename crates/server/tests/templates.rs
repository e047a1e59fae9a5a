//! Templates: written by managers within WhatsApp's limits, reviewed (by a
//! manager in sandbox mode, by WhatsApp otherwise), sent only when approved
//! with every parameter, counted in Template Messages.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::payloads::text;
use support::{error_code, refused_fields, TestApp};

const PRIYA: &str = "919876543210";

fn shipped() -> Value {
    json!({
        "name": "order_shipped", "language": "en", "category": "utility",
        "header": "Your order is on its way",
        "body": "Hi {{1}}, order {{2}} ships today.",
        "footer": "Bloom & Petal",
        "buttons": [{"type": "quick_reply", "text": "Track it"}, {"type": "quick_reply", "text": "Talk to us"}]
    })
}

async fn send_template(
    app: &TestApp,
    session: &support::Session,
    params: Value,
) -> reqwest::Response {
    app.post(
        session,
        &format!("/api/users/{PRIYA}/messages"),
        json!({"template": {"name": "order_shipped", "language": "en", "params": params}}),
    )
    .await
}

#[tokio::test]
async fn a_new_template_waits_for_review_and_is_sent_once_approved() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;

    let created = app.post(&manager, "/api/templates", shipped()).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["params"], 2);
    assert_eq!(created["buttons"][1]["text"], "Talk to us");

    let (status, code, _) =
        error_code(send_template(&app, &asha, json!(["Priya", "A-17"])).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "template_not_approved")
    );

    let path = format!("/api/templates/{}/status", created["id"]);
    let approved = app
        .put(&manager, &path, json!({"status": "approved"}))
        .await;
    assert_eq!(approved.status(), StatusCode::OK);

    // Every parameter must be given, and filled.
    let (_, code, _) = error_code(send_template(&app, &asha, json!(["Priya"])).await).await;
    assert_eq!(code, "wrong_parameter_count");
    let (_, code, message) =
        error_code(send_template(&app, &asha, json!(["Priya", " "])).await).await;
    assert_eq!(code, "empty_parameter");
    assert!(message.contains("{{2}}"), "{message}");
    // What WhatsApp would refuse is refused here, before anything is queued.
    let (_, code, message) =
        error_code(send_template(&app, &asha, json!(["Priya", "A-17\nFragile"])).await).await;
    assert_eq!(code, "invalid_parameter");
    assert!(message.contains("one line"), "{message}");
    let (_, code, _) =
        error_code(send_template(&app, &asha, json!(["Priya", "A".repeat(1100)])).await).await;
    assert_eq!(code, "parameters_too_long");
    assert_eq!(app.profile(&asha, PRIYA).await["template_messages"], 0);

    let sent = send_template(&app, &asha, json!(["Priya", "A-17"])).await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(app.profile(&asha, PRIYA).await["template_messages"], 1);
}

#[tokio::test]
async fn an_approved_template_is_copied_not_edited_and_a_rejected_one_is_fixed() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let approved = app.approved_template(&manager, shipped()).await;
    let path = format!("/api/templates/{}", approved["id"]);

    let mut changed = shipped();
    changed["body"] = json!("Hello {{1}}, order {{2}} left our shop.");
    let (status, code, message) = error_code(app.put(&manager, &path, changed.clone()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "template_approved")
    );
    assert!(message.contains("copy"), "{message}");

    let copy = app
        .post(
            &manager,
            &format!("{path}/copy"),
            json!({"name": "order_shipped_v2"}),
        )
        .await;
    assert_eq!(copy.status(), StatusCode::CREATED);
    let copy: Value = copy.json().await.unwrap();
    assert_eq!(
        (copy["status"].as_str(), copy["body"].clone()),
        (Some("pending"), approved["body"].clone())
    );

    // Rejected needs a reason; editing a rejected template sends it back to review.
    let review = format!("/api/templates/{}/status", copy["id"]);
    let (status, _, _) = error_code(
        app.put(&manager, &review, json!({"status": "rejected"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .put(
            &manager,
            &review,
            json!({"status": "rejected", "reason": "Too promotional for utility"}),
        )
        .await;
    let rejected: Value = rejected.json().await.unwrap();
    assert_eq!(rejected["rejection_reason"], "Too promotional for utility");
    changed["name"] = json!("order_shipped_v2");
    let fixed = app
        .put(&manager, &format!("/api/templates/{}", copy["id"]), changed)
        .await;
    assert_eq!(fixed.status(), StatusCode::OK);
    let fixed: Value = fixed.json().await.unwrap();
    assert_eq!(fixed["status"], "pending");
    assert_eq!(fixed["rejection_reason"], Value::Null);
    assert_eq!(fixed["body"], "Hello {{1}}, order {{2}} left our shop.");

    // A copy may not take a name already used in its language.
    let (status, code, _) = error_code(
        app.post(
            &manager,
            &format!("{path}/copy"),
            json!({"name": "order_shipped_v2"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "template_exists")
    );

    // A template that does not exist is named in a 404, whatever is asked of it.
    let missing = "/api/templates/999999";
    let (status, _, message) = error_code(app.put(&manager, missing, shipped()).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(message.contains("999999"), "{message}");
    let (status, _, _) = error_code(
        app.post(
            &manager,
            &format!("{missing}/copy"),
            json!({"name": "order_shipped_v3"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = error_code(
        app.put(
            &manager,
            &format!("{missing}/status"),
            json!({"status": "approved"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn templates_beyond_whatsapps_limits_are_refused_by_field() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let mut bad = shipped();
    bad["name"] = json!("Order Shipped");
    bad["footer"] = json!("f".repeat(61));
    bad["buttons"] = json!([
        {"type": "quick_reply", "text": "Yes"},
        {"type": "url", "text": "Shop", "url": "https://bloom.example"}
    ]);
    let response = app.post(&manager, "/api/templates", bad).await;
    let fields = refused_fields(response).await;
    assert_eq!(fields, ["name", "footer", "buttons"]);
    assert_eq!(app.get_json(&manager, "/api/templates").await, json!([]));

    let agent = app.agent("Asha").await;
    let (status, _, _) = error_code(app.post(&agent, "/api/templates", shipped()).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn with_the_cloud_api_whatsapp_reviews_templates_and_its_decision_is_read_back() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.wa_business_account_id = Some("102290129340398".into());
    })
    .await;
    let manager = app.manager().await;
    assert_eq!(
        app.get_json(&manager, "/api/templates/review").await,
        json!({"reviewed_by": "whatsapp"})
    );
    let created: Value = app
        .post(&manager, "/api/templates", shipped())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(created["status"], "pending");

    let submitted = fake.requests();
    assert_eq!(submitted.len(), 1);
    assert_eq!(
        submitted[0].path,
        "/v21.0/102290129340398/message_templates"
    );
    assert_eq!(submitted[0].authorization, "Bearer EAAG-test-token");
    assert_eq!(submitted[0].body["name"], "order_shipped");
    assert_eq!(submitted[0].body["category"], "UTILITY");
    assert_eq!(
        submitted[0].body["components"][3],
        json!({"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Track it"}, {"type": "QUICK_REPLY", "text": "Talk to us"}]})
    );

    // Managers cannot approve here; WhatsApp's decision is read back.
    let review = format!("/api/templates/{}/status", created["id"]);
    let (status, code, _) = error_code(
        app.put(&manager, &review, json!({"status": "approved"}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "reviewed_by_whatsapp")
    );
    *fake.template_reviews.lock().unwrap() = json!({"data": [
        {"name": "order_shipped", "language": "en", "status": "APPROVED", "id": "594425479261596"},
        {"name": "not_ours", "language": "en", "status": "REJECTED", "rejected_reason": "INVALID_FORMAT", "id": "1"}
    ]});
    let refreshed = app
        .post(&manager, "/api/templates/refresh", json!({}))
        .await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    assert_eq!(
        refreshed.json::<Value>().await.unwrap(),
        json!({"changed": 1})
    );
    let listed = app.get_json(&manager, "/api/templates").await;
    assert_eq!(listed[0]["status"], "approved");
}

#[tokio::test]
async fn a_template_whatsapp_refuses_to_take_is_marked_rejected_with_its_reason() {
    let (_fake, url) = FakeCloudApi::start(vec![400]).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.wa_business_account_id = Some("102290129340398".into());
    })
    .await;
    let manager = app.manager().await;
    let created = app.post(&manager, "/api/templates", shipped()).await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "kept, so it can be fixed"
    );
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "rejected");
    assert!(created["rejection_reason"]
        .as_str()
        .unwrap()
        .contains("Invalid parameter"));
}

#[tokio::test]
async fn in_sandbox_mode_there_is_nothing_to_refresh() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    assert_eq!(
        app.get_json(&manager, "/api/templates/review").await,
        json!({"reviewed_by": "managers"})
    );
    let (status, code, message) = error_code(
        app.post(&manager, "/api/templates/refresh", json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "sandbox_review")
    );
    assert!(
        message.contains("HANDOVER_WA_BUSINESS_ACCOUNT_ID"),
        "{message}"
    );
}
