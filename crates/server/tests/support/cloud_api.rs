//! A fake WhatsApp Cloud API on loopback: records each request and answers
//! from a script (a status code per call; 200 once the script runs out).

use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
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
}

impl FakeCloudApi {
    /// Starts the server; `script` lists the status of the first answers.
    pub async fn start(script: Vec<u16>) -> (Self, String) {
        let fake = FakeCloudApi {
            requests: Arc::default(),
            script: Arc::new(Mutex::new(script.into_iter().rev().collect())),
            template_reviews: Arc::new(Mutex::new(json!({"data": []}))),
            latency: Arc::default(),
        };
        let app = Router::new()
            .route("/{version}/{phone}/messages", post(answer))
            .route(
                "/{version}/{account}/message_templates",
                post(submit_template).get(list_templates),
            )
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
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
