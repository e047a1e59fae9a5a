//! Templates with a photo, video or document at the top: the manager
//! uploads the file, the template names it, WhatsApp reviews it with the
//! file as its sample (uploaded through the Resumable Upload API), and
//! each send carries the file: uploaded once, then named by WhatsApp's id
//! in the template's header.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::payloads::text;
use support::{error_code, refused_fields, Session, TestApp, PNG};

const PRIYA: &str = "919876543210";
const ACCOUNT: &str = "102290129340398";
const APP: &str = "829163058721544";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

async fn upload_header(
    app: &TestApp,
    session: &Session,
    filename: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.post_file(
        session,
        &format!("/api/templates/media?filename={filename}"),
        content_type,
        bytes,
    )
    .await
}

async fn uploaded(
    app: &TestApp,
    manager: &Session,
    filename: &str,
    kind: &str,
    bytes: &[u8],
) -> Value {
    let response = upload_header(app, manager, filename, kind, bytes.to_vec()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

fn offer(header_media_id: &Value) -> Value {
    json!({"name": "diwali_hampers", "language": "en", "category": "marketing",
           "header_media_id": header_media_id,
           "body": "Hi {{1}}, our Diwali hampers are here.", "footer": "Bloom & Petal"})
}

/// Priya writes, so she is a customer with an open window.
async fn priya_writes(app: &TestApp) {
    app.webhook_ok(&text(
        PRIYA,
        "wamid.hello",
        support::START_MS / 1000,
        "Hello",
    ))
    .await;
}

fn send(name: &str, params: &[&str], header_media_id: Option<&Value>) -> Value {
    let mut template = json!({"name": name, "language": "en", "params": params});
    if let Some(id) = header_media_id {
        template["header_media_id"] = id.clone();
    }
    json!({"template": template})
}

#[tokio::test]
async fn a_photo_header_is_uploaded_checked_and_sent_with_the_template_in_sandbox_mode() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;

    // Only what WhatsApp takes at the top of a template, within its limits.
    let (status, code, message) = error_code(
        upload_header(&app, &manager, "page.html", "text/html", b"<html>".to_vec()).await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "unsupported_file")
    );
    assert!(
        message.contains("JPEG or PNG photo, an MP4 or 3GPP video, or a PDF"),
        "{message}"
    );
    // Over WhatsApp's 5 MB for photos: refused from the headers alone.
    let answer = app
        .headers_only(&format!(
            "POST /api/templates/media HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: image/png\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            manager.cookie,
            5 * 1024 * 1024 + 1
        ))
        .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("at most 5 MB"), "{answer}");
    let (status, code, _) =
        error_code(upload_header(&app, &manager, "empty.png", "image/png", Vec::new()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "empty_file")
    );
    let refused = upload_header(&app, &asha, "offer.png", "image/png", PNG.to_vec()).await;
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "managers keep templates"
    );

    let photo = uploaded(&app, &manager, "hampers.png", "image/png", PNG).await;
    assert_eq!(photo["kind"], "image");
    assert_eq!(photo["mime_type"], "image/png");
    assert_eq!(photo["size"], PNG.len());
    assert_eq!(photo["filename"], "hampers.png");
    let served = app.get(&asha, photo["url"].as_str().unwrap()).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    let anonymous = app
        .http
        .get(app.url(photo["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // A header is text or a file, not both; and the file must exist.
    let mut both = offer(&photo["id"]);
    both["header"] = json!("Diwali hampers");
    let fields = refused_fields(app.post(&manager, "/api/templates", both).await).await;
    assert_eq!(fields, ["header"]);
    let fields = refused_fields(
        app.post(&manager, "/api/templates", offer(&json!(999)))
            .await,
    )
    .await;
    assert_eq!(fields, ["header_media_id"]);

    let template = app.approved_template(&manager, offer(&photo["id"])).await;
    assert_eq!(template["header_media"]["kind"], "image");
    assert_eq!(template["header_media"]["url"], photo["url"]);
    let copy = app
        .post(
            &manager,
            &format!("/api/templates/{}/copy", template["id"]),
            json!({"name": "diwali_hampers_2"}),
        )
        .await;
    let copy: Value = copy.json().await.unwrap();
    assert_eq!(
        copy["header_media"]["id"], photo["id"],
        "a copy keeps the header"
    );

    // Sent to Priya: the thread shows the photo with the template, and the
    // sandbox records a template whose header carries the uploaded file.
    priya_writes(&app).await;
    let sent = app
        .post(
            &asha,
            &format!("/api/users/{PRIYA}/messages"),
            send("diwali_hampers", &["Priya"], None),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["kind"], "template");
    assert_eq!(sent["media"]["kind"], "image");
    let shown = app.get(&asha, sent["media"]["url"].as_str().unwrap()).await;
    assert_eq!(shown.bytes().await.unwrap().as_ref(), PNG);
    app.settle_outbound().await;
    let outbox = app.get_json(&manager, "/api/sandbox/outbox").await;
    let header = &outbox[0]["payload"]["template"]["components"][0];
    assert_eq!(header["type"], "header");
    assert!(
        header["parameters"][0]["image"]["id"]
            .as_str()
            .unwrap()
            .starts_with("media.sandbox."),
        "{header}"
    );
    assert_eq!(
        outbox[0]["payload"]["template"]["components"][1]["parameters"][0]["text"],
        "Priya"
    );

    // Another photo may replace the header for one send; a PDF may not.
    let pdf = uploaded(&app, &manager, "catalogue.pdf", "application/pdf", PDF).await;
    assert_eq!(pdf["kind"], "document");
    let (status, code, message) = error_code(
        app.post(
            &asha,
            &format!("/api/users/{PRIYA}/messages"),
            send("diwali_hampers", &["Priya"], Some(&pdf["id"])),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "wrong_header_media")
    );
    assert!(message.contains("starts with a photo"), "{message}");
    let plain = app
        .approved_template(&manager, json!({"name": "thanks", "language": "en", "category": "utility", "body": "Thank you!"}))
        .await;
    assert!(plain["header_media"].is_null());
    let (status, code, _) = error_code(
        app.post(
            &asha,
            &format!("/api/users/{PRIYA}/messages"),
            send("thanks", &[], Some(&photo["id"])),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "no_media_header")
    );
    let thread = app.thread(&asha, PRIYA).await;
    assert_eq!(
        thread.iter().filter(|m| m["kind"] == "template").count(),
        1,
        "refused sends leave nothing"
    );
}

#[tokio::test]
async fn whatsapp_reviews_a_document_header_from_its_sample_and_a_campaign_uploads_it_once() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let media = tempfile::tempdir().unwrap();
    let folder = media.path().to_owned();
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.wa_business_account_id = Some(ACCOUNT.into());
        config.wa_app_id = Some(APP.into());
        config.media_dir = Some(folder);
    })
    .await;
    let manager = app.manager().await;
    let pdf = uploaded(&app, &manager, "invoice.pdf", "application/pdf", PDF).await;
    let created = app
        .post(
            &manager,
            "/api/templates",
            json!({"name": "invoice_ready", "language": "en", "category": "utility",
                   "header_media_id": pdf["id"], "body": "Hi {{1}}, your invoice is attached."}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "pending", "{created}");

    // The sample went through the app's upload session, then the template
    // named the handle WhatsApp gave for it.
    let samples = fake.samples();
    assert_eq!(samples.len(), 1);
    let session = &samples[0].session;
    assert!(
        session.starts_with(&format!("/v21.0/{APP}/uploads?")),
        "{session}"
    );
    assert!(
        session.contains(&format!("file_length={}", PDF.len())),
        "{session}"
    );
    assert!(session.contains("file_type=application%2Fpdf"), "{session}");
    assert!(session.contains("file_name=invoice.pdf"), "{session}");
    assert_eq!(samples[0].session_authorization, "Bearer EAAG-test-token");
    assert_eq!(samples[0].bytes, PDF);
    assert_eq!(samples[0].bytes_authorization, "OAuth EAAG-test-token");
    assert_eq!(samples[0].file_offset, "0");
    let submitted = fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/message_templates"))
        .expect("the template was submitted");
    assert_eq!(
        submitted.body["components"][0],
        json!({"type": "HEADER", "format": "DOCUMENT", "example": {"header_handle": ["4::aW1hZ2UvcG5n:upload:MTphdHRhY2htZW501"]}})
    );
    *fake.template_reviews.lock().unwrap() = json!({"data": [{"name": "invoice_ready", "language": "en", "status": "APPROVED", "id": "1"}]});
    let refreshed = app
        .post(&manager, "/api/templates/refresh", json!({}))
        .await;
    assert_eq!(
        refreshed.json::<Value>().await.unwrap(),
        json!({"changed": 1})
    );

    // An agent sends it: the file is uploaded, then the template names it.
    priya_writes(&app).await;
    let sent = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/messages"),
            send("invoice_ready", &["Priya"], None),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    app.settle_outbound().await;
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert!(
        uploads[0].body.windows(PDF.len()).any(|w| w == PDF),
        "the PDF itself was uploaded"
    );
    let sends: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages") && r.body["type"] == "template")
        .map(|r| r.body)
        .collect();
    assert_eq!(
        sends[0]["template"]["components"],
        json!([
            {"type": "header", "parameters": [{"type": "document", "document": {"filename": "invoice.pdf", "id": "media.up.1"}}]},
            {"type": "body", "parameters": [{"type": "text", "text": "Priya"}]}
        ])
    );

    // A campaign of three reuses WhatsApp's id for the same file.
    let token: Value = app
        .post(&manager, "/api/tokens", json!({"name": "Billing"}))
        .await
        .json()
        .await
        .unwrap();
    let recipients: Vec<Value> = (1..=3)
        .map(|n| json!({"phone": format!("+91982001234{n}"), "params": [format!("Customer {n}")]}))
        .collect();
    let campaign = app
        .http
        .post(app.url("/api/v1/campaigns"))
        .bearer_auth(token["secret"].as_str().unwrap())
        .json(&json!({"idempotency_key": "invoices-1", "template": "invoice_ready", "language": "en", "recipients": recipients}))
        .send()
        .await
        .unwrap();
    assert_eq!(campaign.status(), StatusCode::CREATED);
    app.settle_outbound().await;
    let sends: Vec<Value> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages") && r.body["type"] == "template")
        .map(|r| r.body)
        .collect();
    assert_eq!(sends.len(), 4);
    for sent in &sends {
        assert_eq!(
            sent["template"]["components"][0]["parameters"][0]["document"]["id"], "media.up.1",
            "{sent}"
        );
    }
    assert_eq!(fake.uploads().len(), 1, "uploaded once for all four sends");
}

#[tokio::test]
async fn without_the_apps_id_a_media_header_cannot_be_reviewed_and_says_what_to_set() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.wa_business_account_id = Some(ACCOUNT.into());
    })
    .await;
    let manager = app.manager().await;
    let photo = uploaded(&app, &manager, "hampers.png", "image/png", PNG).await;
    let created = app
        .post(&manager, "/api/templates", offer(&photo["id"]))
        .await;
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "kept, so it can be submitted again"
    );
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["status"], "rejected");
    let reason = created["rejection_reason"].as_str().unwrap();
    assert!(reason.contains("HANDOVER_WA_APP_ID"), "{reason}");
    assert!(
        fake.requests()
            .iter()
            .all(|r| !r.path.ends_with("/message_templates")),
        "nothing half-made reached WhatsApp"
    );
}
