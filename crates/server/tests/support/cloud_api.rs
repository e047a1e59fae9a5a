//! A fake WhatsApp Cloud API on loopback: records each request and answers
//! from a script (a status code per call; 200 once the script runs out).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub authorization: String,
    pub body: Value,
    /// The status this fake answered with.
    pub answered: u16,
}

#[derive(Clone, Default)]
pub struct FakeCloudApi {
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<Vec<u16>>>,
    /// What `GET …/message_templates` answers: WhatsApp's review outcomes.
    pub template_reviews: Arc<Mutex<Value>>,
    /// How long each answer to `/messages` takes, as over a real network.
    latency: Arc<Mutex<std::time::Duration>>,
    /// Customers' files WhatsApp holds, by media id.
    media: Arc<Mutex<HashMap<String, HeldFile>>>,
    /// Files uploaded to `POST /{phone}/media`, as received (multipart).
    pub uploads: Arc<Mutex<Vec<Upload>>>,
    /// Where this fake listens, for the download addresses it gives.
    origin: Arc<Mutex<String>>,
    /// Samples of template headers sent through the Resumable Upload API.
    pub samples: Arc<Mutex<Vec<Sample>>>,
}

/// A header sample: the session it was opened with, and its bytes.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// `POST /{app-id}/uploads`'s path and query.
    pub session: String,
    pub session_authorization: String,
    pub bytes: Vec<u8>,
    pub bytes_authorization: String,
    pub file_offset: String,
}

/// A customer's file as WhatsApp keeps it.
#[derive(Clone, Debug)]
pub struct HeldFile {
    pub bytes: Vec<u8>,
    pub mime_type: String,
    /// The size WhatsApp states (the real one unless set).
    pub stated_size: Option<u64>,
}

/// One upload: its raw multipart body and its content type.
#[derive(Clone, Debug)]
pub struct Upload {
    pub path: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl FakeCloudApi {
    /// Starts the server; `script` lists the status of the first answers.
    pub async fn start(script: Vec<u16>) -> (Self, String) {
        let fake = FakeCloudApi {
            requests: Arc::default(),
            script: Arc::new(Mutex::new(script.into_iter().rev().collect())),
            template_reviews: Arc::new(Mutex::new(json!({"data": []}))),
            latency: Arc::default(),
            media: Arc::default(),
            uploads: Arc::default(),
            origin: Arc::default(),
            samples: Arc::default(),
        };
        let app = Router::new()
            .route("/{version}/{phone}/messages", post(answer))
            .route(
                "/{version}/{account}/message_templates",
                post(submit_template).get(list_templates),
            )
            .route("/{version}/{phone}/media", post(upload))
            .route("/{version}/{app}/uploads", post(open_upload))
            .route(
                "/{version}/{media_id}",
                get(media_about).post(upload_sample),
            )
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        *fake.origin.lock().unwrap() = format!("http://{}", listener.local_addr().unwrap());
        let url = format!("http://{}/v21.0", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        (fake, url)
    }

    /// Makes every later answer to `/messages` take `latency`.
    pub fn answer_after(&self, latency: std::time::Duration) {
        *self.latency.lock().unwrap() = latency;
    }

    /// Keeps a request as received; returns how many there are now.
    fn record(&self, path: String, headers: &HeaderMap, body: &Value, answered: u16) -> usize {
        let mut requests = self.requests.lock().unwrap();
        requests.push(Recorded {
            path,
            authorization: headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            body: body.clone(),
            answered,
        });
        requests.len()
    }

    /// Makes WhatsApp hold a customer's file under `media_id`.
    pub fn hold(&self, media_id: &str, file: HeldFile) {
        self.media.lock().unwrap().insert(media_id.to_owned(), file);
    }

    pub fn samples(&self) -> Vec<Sample> {
        self.samples.lock().unwrap().clone()
    }

    pub fn uploads(&self) -> Vec<Upload> {
        self.uploads.lock().unwrap().clone()
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

async fn answer(
    State(fake): State<FakeCloudApi>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let status = fake.script.lock().unwrap().pop().unwrap_or(200);
    let count = fake.record(
        format!("/{version}/{phone}/messages"),
        &headers,
        &body,
        status,
    );
    // Taken as received, like WhatsApp: a client that gives up while
    // waiting for the answer has still sent the message.
    let latency = *fake.latency.lock().unwrap();
    tokio::time::sleep(latency).await;
    match status {
        200 => (
            StatusCode::OK,
            Json(
                json!({"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                        "messages": [{"id": format!("wamid.fake.{count}")}]}),
            ),
        ),
        code => (
            StatusCode::from_u16(code).unwrap(),
            Json(
                json!({"error": {"message": format!("Scripted failure {code}"), "type": "OAuthException", "code": 131000}}),
            ),
        ),
    }
}

/// Records a template submission; answers as WhatsApp does (or as scripted).
async fn submit_template(
    State(fake): State<FakeCloudApi>,
    Path((version, account)): Path<(String, String)>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let status = fake.script.lock().unwrap().pop().unwrap_or(200);
    fake.record(
        format!("/{version}/{account}/message_templates"),
        &headers,
        &body,
        status,
    );
    match status {
        200 => (
            StatusCode::OK,
            Json(
                json!({"id": "594425479261596", "status": "PENDING", "category": body["category"]}),
            ),
        ),
        code => (
            StatusCode::from_u16(code).unwrap(),
            Json(
                json!({"error": {"message": "Invalid parameter", "type": "OAuthException", "code": 100}}),
            ),
        ),
    }
}

async fn list_templates(State(fake): State<FakeCloudApi>) -> Json<Value> {
    Json(fake.template_reviews.lock().unwrap().clone())
}

#[derive(serde::Deserialize)]
struct Download {
    download: Option<String>,
}

/// `GET /{media_id}`: the file's short-lived address, type, size and
/// SHA-256, as WhatsApp answers; with `?download=1` (the address this fake
/// gives) the bytes themselves. Both need the bearer token.
async fn media_about(
    State(fake): State<FakeCloudApi>,
    Path((version, media_id)): Path<(String, String)>,
    Query(download): Query<Download>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/{version}/{media_id}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer EAAG-test-token")
    {
        fake.record(path, &headers, &Value::Null, 401);
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"message": "Invalid OAuth access token", "code": 190}})),
        )
            .into_response();
    }
    let held = fake.media.lock().unwrap().get(&media_id).cloned();
    let Some(file) = held else {
        fake.record(path, &headers, &Value::Null, 404);
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {"message": "Unsupported get request.", "code": 100}})),
        )
            .into_response();
    };
    fake.record(path, &headers, &Value::Null, 200);
    if download.download.is_some() {
        return ([(header::CONTENT_TYPE, file.mime_type.clone())], file.bytes).into_response();
    }
    use sha2::Digest;
    let sha256 = hex::encode(sha2::Sha256::digest(&file.bytes));
    let origin = fake.origin.lock().unwrap().clone();
    Json(json!({
        "messaging_product": "whatsapp",
        "url": format!("{origin}/{version}/{media_id}?download=1"),
        "mime_type": file.mime_type,
        "sha256": sha256,
        "file_size": file.stated_size.unwrap_or(file.bytes.len() as u64),
        "id": media_id,
    }))
    .into_response()
}

/// `POST /{phone}/media`: keeps the multipart upload, answers with an id.
async fn upload(
    State(fake): State<FakeCloudApi>,
    Path((version, phone)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let path = format!("/{version}/{phone}/media");
    let status = fake.script.lock().unwrap().pop().unwrap_or(200);
    fake.record(path.clone(), &headers, &Value::Null, status);
    if status != 200 {
        return (
            StatusCode::from_u16(status).unwrap(),
            Json(
                json!({"error": {"message": format!("Scripted failure {status}"), "code": 131053}}),
            ),
        );
    }
    let mut uploads = fake.uploads.lock().unwrap();
    uploads.push(Upload {
        path,
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        body: body.to_vec(),
    });
    (
        StatusCode::OK,
        Json(json!({"id": format!("media.up.{}", uploads.len())})),
    )
}

/// `POST /{app-id}/uploads?file_name&file_length&file_type`: opens an
/// upload session, as the Resumable Upload API does.
async fn open_upload(
    State(fake): State<FakeCloudApi>,
    Path((version, app)): Path<(String, String)>,
    uri: axum::http::Uri,
    headers: HeaderMap,
) -> Json<Value> {
    let path = format!("/{version}/{app}/uploads");
    fake.record(path, &headers, &Value::Null, 200);
    let mut samples = fake.samples.lock().unwrap();
    samples.push(Sample {
        session: uri.to_string(),
        session_authorization: authorization(&headers),
        ..Sample::default()
    });
    Json(json!({"id": format!("upload:MTphdHRhY2htZW50{}", samples.len())}))
}

/// `POST /upload:{session}` with `file_offset: 0`: takes the bytes and
/// answers the handle a template submission names.
async fn upload_sample(
    State(fake): State<FakeCloudApi>,
    Path((version, session)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    fake.record(format!("/{version}/{session}"), &headers, &Value::Null, 200);
    let mut samples = fake.samples.lock().unwrap();
    let Some(sample) = samples.last_mut() else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"message": "No upload session", "code": 100}})),
        );
    };
    sample.bytes = body.to_vec();
    sample.bytes_authorization = authorization(&headers);
    sample.file_offset = headers
        .get("file_offset")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (
        StatusCode::OK,
        Json(json!({"h": format!("4::aW1hZ2UvcG5n:{session}")})),
    )
}

fn authorization(headers: &HeaderMap) -> String {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}
