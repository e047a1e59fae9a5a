//! Files both ways against a fake WhatsApp Cloud API on loopback: a
//! customer's photo fetched in the background and served byte for byte to
//! signed-in people only; downloads WhatsApp refuses or that are too large
//! shown as failed and fetched again on request; an agent's photo uploaded
//! and sent as an image message.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::cloud_api::{FakeCloudApi, HeldFile};
use support::payloads::{inbound, text};
use support::{error_code, Session, TestApp, PNG};

const PRIYA: &str = "919876543210";

async fn app_with_cloud_api() -> (TestApp, FakeCloudApi, tempfile::TempDir) {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let media = tempfile::tempdir().unwrap();
    let folder = media.path().to_owned();
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.media_dir = Some(folder);
    })
    .await;
    (app, fake, media)
}

/// A customer's message carrying a file WhatsApp holds under `media_id`.
fn file_message(wamid: &str, kind: &str, file: Value) -> Value {
    inbound(
        PRIYA,
        "Priya Sharma",
        wamid,
        support::START_MS / 1000,
        json!({"type": kind, kind: file}),
    )
}

/// The file captioned `caption` once it has settled (ready or failed).
async fn settled_media(app: &TestApp, session: &Session, caption: &str) -> Value {
    for _ in 0..200 {
        let thread = app.thread(session, PRIYA).await;
        let media = thread
            .iter()
            .find(|m| m["media"]["caption"] == caption)
            .map(|m| m["media"].clone())
            .unwrap_or(Value::Null);
        if media["state"] == "ready" || media["state"] == "failed" {
            return media;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "the file {caption:?} never settled: {:?}",
        app.thread(session, PRIYA).await
    );
}

#[tokio::test]
async fn a_customers_photo_is_fetched_and_served_byte_for_byte_to_signed_in_people_only() {
    let (app, fake, media_dir) = app_with_cloud_api().await;
    let manager = app.manager().await;
    fake.hold(
        "1013859600285441",
        HeldFile {
            bytes: PNG.to_vec(),
            mime_type: "image/png".into(),
            stated_size: None,
        },
    );
    app.webhook_ok(&file_message(
        "wamid.photo",
        "image",
        json!({"id": "1013859600285441", "mime_type": "image/png", "caption": "Photo of the crushed box"}),
    ))
    .await;

    let media = settled_media(&app, &manager, "Photo of the crushed box").await;
    assert_eq!(media["state"], "ready", "{media}");
    assert_eq!(media["kind"], "image");
    assert_eq!(media["mime_type"], "image/png");
    assert_eq!(media["size"], PNG.len());
    assert_eq!(media["caption"], "Photo of the crushed box");
    let url = media["url"].as_str().unwrap();
    assert!(url.starts_with("/api/media/"), "{url}");

    let served = app.get(&manager, url).await;
    assert_eq!(served.status(), 200);
    let headers = served.headers().clone();
    assert_eq!(headers["content-type"], "image/png");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // Without a session: refused, and the bytes never leave.
    let anonymous = app.http.get(app.url(url)).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(!anonymous.bytes().await.unwrap().starts_with(&PNG[..8]));

    // Both calls to WhatsApp carried the token; the file is stored under
    // its content hash, never under a name the customer chose.
    let fetches: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v21.0/1013859600285441")
        .collect();
    assert_eq!(fetches.len(), 2, "the address, then the bytes");
    assert!(fetches
        .iter()
        .all(|r| r.authorization == "Bearer EAAG-test-token"));
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(PNG));
    let stored: Vec<String> = walk(media_dir.path());
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert!(stored[0].ends_with(&hash), "{stored:?}");

    // The same webhook again stores and fetches nothing more.
    app.webhook_ok(&file_message(
        "wamid.photo",
        "image",
        json!({"id": "1013859600285441", "mime_type": "image/png", "caption": "Photo of the crushed box"}),
    ))
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let photos = app
        .thread(&manager, PRIYA)
        .await
        .into_iter()
        .filter(|m| m["media"].is_object())
        .count();
    assert_eq!(photos, 1);
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.path == "/v21.0/1013859600285441")
            .count(),
        2
    );
}

fn walk(folder: &std::path::Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path.display().to_string());
        }
    }
    found
}

#[tokio::test]
async fn a_file_whatsapp_no_longer_has_or_too_large_is_shown_as_failed_and_can_be_fetched_again() {
    let (app, fake, _media_dir) = app_with_cloud_api().await;
    let manager = app.manager().await;
    fake.hold(
        "video-too-large",
        HeldFile {
            bytes: vec![0; 64],
            mime_type: "video/mp4".into(),
            stated_size: Some(20 * 1024 * 1024),
        },
    );
    app.webhook_ok(&file_message(
        "wamid.gone",
        "image",
        json!({"id": "photo-gone", "mime_type": "image/jpeg", "caption": "The label"}),
    ))
    .await;
    app.webhook_ok(&file_message(
        "wamid.video",
        "video",
        json!({"id": "video-too-large", "mime_type": "video/mp4", "caption": "Unboxing"}),
    ))
    .await;

    let gone = settled_media(&app, &manager, "The label").await;
    assert_eq!(gone["state"], "failed");
    assert!(
        gone["failure"]
            .as_str()
            .unwrap()
            .contains("no longer has it"),
        "{gone}"
    );
    let large = settled_media(&app, &manager, "Unboxing").await;
    assert_eq!(large["state"], "failed");
    assert!(
        large["failure"]
            .as_str()
            .unwrap()
            .contains("20 MB, more than the 16 MB"),
        "{large}"
    );
    // Nothing can be served for them.
    let served = app.get(&manager, gone["url"].as_str().unwrap()).await;
    assert_eq!(error_code(served).await.1, "media_not_ready");

    // WhatsApp has the photo after all: a retry fetches it.
    fake.hold(
        "photo-gone",
        HeldFile {
            bytes: PNG.to_vec(),
            mime_type: "image/jpeg".into(),
            stated_size: None,
        },
    );
    let retry = app
        .post(
            &manager,
            &format!("/api/media/{}/retry", gone["id"]),
            json!({}),
        )
        .await;
    assert_eq!(retry.status(), 200);
    let fetched = settled_media(&app, &manager, "The label").await;
    assert_eq!(fetched["state"], "ready", "{fetched}");
    let served = app.get(&manager, fetched["url"].as_str().unwrap()).await;
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);
    // A file that is ready cannot be asked for again.
    let again = app
        .post(
            &manager,
            &format!("/api/media/{}/retry", gone["id"]),
            json!({}),
        )
        .await;
    assert_eq!(error_code(again).await.1, "not_retryable");
}

#[tokio::test]
async fn documents_download_as_attachments_and_never_open_as_a_page() {
    let (app, fake, _media_dir) = app_with_cloud_api().await;
    let manager = app.manager().await;
    fake.hold(
        "doc-1",
        HeldFile {
            bytes: b"<script>alert(1)</script>".to_vec(),
            mime_type: "text/html".into(),
            stated_size: None,
        },
    );
    app.webhook_ok(&file_message(
        "wamid.doc",
        "document",
        json!({"id": "doc-1", "mime_type": "text/html", "filename": "../invoice.html", "caption": "My invoice"}),
    ))
    .await;
    let media = settled_media(&app, &manager, "My invoice").await;
    assert_eq!(media["state"], "ready", "{media}");
    let served = app.get(&manager, media["url"].as_str().unwrap()).await;
    assert_eq!(served.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        served.headers()["content-disposition"],
        "attachment; filename=\"..invoice.html\""
    );
}

/// Sends `bytes` as the holder's attachment.
async fn attach(
    app: &TestApp,
    session: &Session,
    query: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.post_file(
        session,
        &format!("/api/users/{PRIYA}/media?{query}"),
        content_type,
        bytes,
    )
    .await
}

#[tokio::test]
async fn an_agents_photo_is_uploaded_then_sent_as_an_image_message() {
    let (app, fake, _media_dir) = app_with_cloud_api().await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);

    let sent = attach(
        &app,
        &manager,
        "caption=Your%20replacement%20label&filename=label.png",
        "image/png",
        PNG.to_vec(),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let message: Value = sent.json().await.unwrap();
    assert_eq!(message["content_type"], "image");
    assert_eq!(message["text"], "Your replacement label");
    app.settle_outbound().await;

    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    let upload = &uploads[0];
    assert_eq!(upload.path, "/v21.0/106540352242922/media");
    assert!(upload.content_type.starts_with("multipart/form-data"));
    let body = &upload.body;
    assert!(
        body.windows(PNG.len()).any(|w| w == PNG),
        "the upload carries the file's bytes"
    );
    let form = String::from_utf8_lossy(body);
    assert!(form.contains("name=\"messaging_product\"\r\n\r\nwhatsapp"));
    assert!(form.contains("name=\"type\"\r\n\r\nimage/png"));

    let image = fake
        .requests()
        .into_iter()
        .find(|r| r.body["type"] == "image")
        .expect("an image message was sent");
    assert_eq!(image.body["to"], PRIYA);
    assert_eq!(
        image.body["image"],
        json!({"id": "media.up.1", "caption": "Your replacement label"})
    );

    // The thread shows it sent, and serves the same bytes back.
    let thread = app.thread(&manager, PRIYA).await;
    let ours = thread
        .iter()
        .find(|m| m["text"] == "Your replacement label")
        .unwrap();
    assert_eq!(ours["delivery"], "sent", "{ours}");
    let served = app
        .get(&manager, ours["media"]["url"].as_str().unwrap())
        .await;
    assert_eq!(served.bytes().await.unwrap().as_ref(), PNG);

    // A resend after a crash would not upload or send twice: nothing is due.
    app.settle_outbound().await;
    assert_eq!(fake.uploads().len(), 1);
}

#[tokio::test]
async fn files_whatsapp_would_refuse_are_refused_before_anything_leaves() {
    let (app, fake, _media_dir) = app_with_cloud_api().await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;

    // Not the holder yet: nobody may write in the bot's chat.
    let early = attach(&app, &manager, "", "image/png", PNG.to_vec()).await;
    assert!(early.status().is_client_error(), "{}", early.status());
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);

    let page = attach(&app, &manager, "", "text/html", b"<html>".to_vec()).await;
    let (status, code, message) = error_code(page).await;
    assert_eq!((status.as_u16(), code.as_str()), (422, "unsupported_file"));
    assert!(message.contains("JPEG or PNG"), "{message}");

    let empty = attach(&app, &manager, "", "image/png", vec![]).await;
    assert_eq!(error_code(empty).await.1, "empty_file");

    // Larger than WhatsApp's 5 MB for photos: refused by its length alone,
    // before the body is read (so only the headers are sent here).
    let answer = app
        .headers_only(
        &format!(
            "POST /api/users/{PRIYA}/media HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            app.addr,
            manager.cookie,
            6 * 1024 * 1024
        ),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("at most 5 MB"), "{answer}");

    // Outside the 24-hour window only templates may go.
    app.advance_hours(25);
    let late = attach(&app, &manager, "", "image/png", PNG.to_vec()).await;
    assert!(late.status().is_client_error(), "{}", late.status());

    app.settle_outbound().await;
    assert!(fake.uploads().is_empty());
    assert!(fake.requests().iter().all(|r| r.body["type"] != "image"));
}
