//! The WhatsApp webhook with realistic Cloud API payloads: verification,
//! signatures, bad bodies, every message type, retries and ordering.

mod support;

use serde_json::json;
use support::payloads::{self, envelope, inbound, text};
use support::{error_code, TestApp, APP_SECRET, VERIFY_TOKEN};

const PRIYA: &str = "919876543210";

#[tokio::test]
async fn verification_echoes_the_challenge_only_for_the_right_token() {
    let app = TestApp::start().await;
    let ok = app
        .http
        .get(app.url(&format!(
            "/webhook?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    for query in [
        "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1",
        "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1",
        "",
    ] {
        let response = app
            .http
            .get(app.url(&format!("/webhook?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{query}");
    }
}

#[tokio::test]
async fn missing_or_wrong_signatures_are_refused_with_401_and_nothing_is_stored() {
    let app = TestApp::start().await;
    let body = text(PRIYA, "wamid.sig", app.now_s(), "hello").to_string();
    let unsigned = app
        .http
        .post(app.url("/webhook"))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
    let wrong = handover_server::app::inbound::signature::sign("not-the-secret", body.as_bytes());
    let forged = app
        .http
        .post(app.url("/webhook"))
        .header("x-hub-signature-256", wrong)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    let tampered_signature =
        handover_server::app::inbound::signature::sign(APP_SECRET, b"another body");
    let tampered = app
        .http
        .post(app.url("/webhook"))
        .header("x-hub-signature-256", tampered_signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(tampered.status(), 401);
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn malformed_and_oversized_bodies_get_clear_errors_never_500() {
    let app = TestApp::start().await;
    let sign = |body: &[u8]| handover_server::app::inbound::signature::sign(APP_SECRET, body);
    let cases: Vec<(Vec<u8>, u16)> = vec![
        (b"{not json".to_vec(), 400),
        (b"[1,2,3]".to_vec(), 400),
        (br#"{"object":"whatsapp_business_account","entry":"nope"}"#.to_vec(), 400),
        (vec![0xff, 0xfe, 0x00], 400),
        (br#"{"object":"whatsapp_business_account","entry":[{"changes":[{"value":{"messages":[{"from":"x"}]}}]}]}"#.to_vec(), 200),
        (format!(r#"{{"object":"x","entry":[],"pad":"{}"}}"#, "a".repeat(9_000_000)).into_bytes(), 413),
    ];
    for (body, expected) in cases {
        let response = app
            .http
            .post(app.url("/webhook"))
            .header("x-hub-signature-256", sign(&body))
            .body(body.clone())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        assert_eq!(
            status,
            expected,
            "{}: {text}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
        if status != 200 {
            let error: serde_json::Value = serde_json::from_str(&text).expect("JSON error body");
            assert!(error["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()));
        }
    }
}

#[tokio::test]
async fn every_message_type_is_stored_and_none_is_dropped() {
    let app = TestApp::start().await;
    let t = app.now_s();
    let contents = [
        json!({"type": "text", "text": {"body": "Hi"}}),
        json!({"type": "image", "image": {"id": "1", "mime_type": "image/jpeg", "sha256": "x", "caption": "Damaged box"}}),
        json!({"type": "audio", "audio": {"id": "2", "mime_type": "audio/ogg", "voice": true}}),
        json!({"type": "video", "video": {"id": "3", "mime_type": "video/mp4"}}),
        json!({"type": "document", "document": {"id": "4", "filename": "invoice.pdf", "mime_type": "application/pdf"}}),
        json!({"type": "sticker", "sticker": {"id": "5", "animated": false, "mime_type": "image/webp"}}),
        json!({"type": "location", "location": {"latitude": 12.9716, "longitude": 77.5946, "name": "Store", "address": "MG Road"}}),
        json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Ravi Kumar", "first_name": "Ravi"}, "phones": [{"phone": "+91 98450 00000"}]}]}),
        json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "track", "title": "Track my order"}}}),
        json!({"type": "button", "button": {"payload": "YES", "text": "Yes"}, "context": {"from": "15550783881", "id": "wamid.t"}}),
        json!({"type": "reaction", "reaction": {"message_id": "wamid.t", "emoji": "❤️"}}),
        json!({"type": "order", "order": {"catalog_id": "1", "product_items": []}}),
        json!({"type": "unsupported", "errors": [{"code": 131051, "title": "Message type unknown"}]}),
    ];
    for (n, content) in contents.iter().enumerate() {
        app.webhook_ok(&inbound(
            PRIYA,
            "Priya",
            &format!("wamid.type{n}"),
            t + n as i64,
            content.clone(),
        ))
        .await;
    }
    let manager = app.manager().await;
    let customer_lines: Vec<(String, String)> = app
        .thread(&manager, PRIYA)
        .await
        .into_iter()
        .filter(|m| m["author"] == "user")
        .map(|m| {
            (
                m["content_type"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected = [
        ("text", "Hi"),
        ("image", "[Image] Damaged box"),
        ("audio", "[Voice message]"),
        ("video", "[Video]"),
        ("document", "[Document] invoice.pdf"),
        ("sticker", "[Sticker]"),
        ("location", "[Location] Store MG Road (12.97160, 77.59460)"),
        ("contacts", "[Contact] Ravi Kumar"),
        ("interactive", "Track my order"),
        ("button", "Yes"),
        ("order", "[Order] 0 item(s), 0.00"),
        ("unsupported", "Unsupported message type: unsupported"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(customer_lines, expected);
    let profile = app.profile(&manager, PRIYA).await;
    // 12 inbound messages (a reaction is none), and four bot replies: the
    // greeting, a fallback for the photo, the escalation at the voice
    // note's second fallback, then one holding message while the customer
    // waits (nothing for the media or later words).
    assert_eq!(profile["session_messages"], 16);
    assert_eq!(profile["name"], "Priya");
}

#[tokio::test]
async fn the_same_delivery_three_times_counts_once() {
    let app = TestApp::start().await;
    let delivery = text(PRIYA, "wamid.once", app.now_s(), "Where is my order?");
    for _ in 0..3 {
        app.webhook_ok(&delivery).await;
    }
    app.settle_outbound().await;
    let manager = app.manager().await;
    let profile = app.profile(&manager, PRIYA).await;
    // One inbound message and one greeting from the bot.
    assert_eq!(profile["session_messages"], 2);
    let thread = app.thread(&manager, PRIYA).await;
    assert_eq!(thread.iter().filter(|m| m["author"] == "user").count(), 1);
    assert_eq!(thread.iter().filter(|m| m["author"] == "bot").count(), 1);
    let (bot_sends,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sandbox_outbox")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(bot_sends, 1, "the greeting went out once");
}

#[tokio::test]
async fn deliveries_out_of_order_never_move_last_active_or_the_window_backwards() {
    let app = TestApp::start().await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.new", t, "second")).await;
    app.webhook_ok(&text(PRIYA, "wamid.old", t - 600, "first"))
        .await;
    let manager = app.manager().await;
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(
        profile["last_active_at"],
        handover_server::platform::time::rfc3339(t * 1000)
    );
    assert_eq!(
        profile["window_expires_at"],
        handover_server::platform::time::rfc3339(t * 1000 + 86_400_000)
    );
    assert_eq!(
        profile["session_messages"], 4,
        "two inbound, two bot replies"
    );
    let list = app.get_json(&manager, "/api/users?status=active").await;
    // The late, older message never becomes the preview.
    assert_ne!(list["items"][0]["last_message_preview"], "first");
}

#[tokio::test]
async fn status_callbacks_apply_out_of_order_and_read_is_never_downgraded() {
    let app = TestApp::start().await;
    app.webhook_ok(&text(PRIYA, "wamid.in", app.now_s(), "hello"))
        .await;
    app.settle_outbound().await;
    let (wamid,): (String,) = sqlx::query_as("SELECT wamid FROM messages WHERE author = 'bot'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let t = app.now_s();
    app.webhook_ok(&payloads::status(&wamid, "read", t + 5, PRIYA))
        .await;
    app.webhook_ok(&payloads::status(&wamid, "delivered", t + 2, PRIYA))
        .await;
    app.webhook_ok(&payloads::status(&wamid, "sent", t + 1, PRIYA))
        .await;
    let manager = app.manager().await;
    let bot = app.first_by(&manager, PRIYA, "bot").await;
    assert_eq!(bot["delivery"], "read");

    let failed = envelope(
        json!({"statuses": [{"id": "wamid.unknown.yet", "status": "failed", "timestamp": t.to_string(),
        "recipient_id": PRIYA, "errors": [{"code": 131026, "title": "Message undeliverable"}]}]}),
    );
    app.webhook_ok(&failed).await;
    let (early,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM early_statuses")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        early, 1,
        "a status for a wamid not known yet is kept, not dropped"
    );
}

#[tokio::test]
async fn without_an_app_secret_the_webhook_says_it_is_not_configured() {
    let app = TestApp::start_with(|config| config.app_secret = None).await;
    let (status, _, message) = error_code(app.webhook(&text(PRIYA, "w", 1, "x")).await).await;
    assert_eq!(status, 503);
    assert!(message.contains("HANDOVER_APP_SECRET"));
}

#[tokio::test]
async fn a_message_delivered_after_its_window_closed_is_stored_but_gets_no_bot_reply() {
    let app = TestApp::start().await;
    let day_old = app.now_s() - 25 * 3600;
    app.webhook_ok(&text(PRIYA, "wamid.late", day_old, "I need an agent"))
        .await;
    let manager = app.manager().await;
    let thread = app.thread(&manager, PRIYA).await;
    assert_eq!(thread.len(), 1, "only the customer's message: {thread:?}");
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(
        (profile["status"].as_str(), profile["window_open"].as_bool()),
        (Some("active"), Some(false))
    );
    assert_eq!(profile["unresolved_queries"], 0);
    let sections = app.get_json(&manager, "/api/sections").await;
    assert_eq!(sections["history"], 1);
}

#[tokio::test]
async fn a_batch_of_ten_thousand_statuses_over_a_megabyte_is_taken_whole() {
    let app = TestApp::start().await;
    let statuses: Vec<serde_json::Value> = (0..10_000)
        .map(|n| {
            serde_json::json!({"id": format!("wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzY2{n:08}"), "status": "delivered",
                "timestamp": app.now_s().to_string(), "recipient_id": PRIYA,
                "conversation": {"id": "c1", "origin": {"type": "service"}}})
        })
        .collect();
    let body = support::payloads::envelope(serde_json::json!({ "statuses": statuses }));
    assert!(body.to_string().len() > 1_200_000, "a real batch's size");
    app.webhook_ok(&body).await;
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM early_statuses")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(kept, 10_000, "every status of the batch was taken");
}
