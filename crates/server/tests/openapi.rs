//! The OpenAPI document is made from the same route lists as the server:
//! every operation it describes is served and guarded as it says, and what
//! the server answers has the shape the document gives.

mod support;

use reqwest::{Method, RequestBuilder, StatusCode};
use serde_json::{json, Value};
use support::events::{read_events_until, subscribe};
use support::payloads::text;
use support::schema::problems;
use support::{Session, TestApp};

const PRIYA: &str = "919876543210";

/// Every operation as (method, path) with its description.
fn operations(document: &Value) -> Vec<(String, String, Value)> {
    let mut found = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            found.push((method.clone(), path.clone(), operation.clone()));
        }
    }
    found
}

/// A path with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace("{wa_id}", PRIYA).replace("{id}", "1")
}

#[tokio::test]
async fn the_document_is_served_to_signed_in_people_and_printed_by_the_binary_alike() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let served = app.get_json(&manager, "/api/openapi.json").await;
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(served["info"]["title"], "Handover API");

    let printed = std::process::Command::new(env!("CARGO_BIN_EXE_handover-server"))
        .arg("openapi")
        .output()
        .expect("the binary runs");
    assert!(printed.status.success());
    let printed: Value = serde_json::from_slice(&printed.stdout).expect("JSON on stdout");
    assert_eq!(printed, served);
}

#[tokio::test]
async fn every_operation_the_document_describes_is_served_and_guarded_as_it_says() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let document = app.get_json(&manager, "/api/openapi.json").await;
    let operations = operations(&document);
    assert!(operations.len() >= 70, "{} operations", operations.len());

    for (method, path, operation) in operations {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        // No cookie, no token: as someone who is not signed in.
        let response = app
            .http
            .request(method.clone(), app.url(&concrete(&path)))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(
            !body.contains("There is no API endpoint") && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path} is described but not served: {status} {body}"
        );
        let public = operation["security"]
            .as_array()
            .is_some_and(|schemes| schemes.iter().all(|scheme| scheme == &json!({})));
        if public {
            // The webhook's 401 is for a missing signature, not a sign-in.
            assert!(
                !body.contains("Please sign in") && !body.contains("API token"),
                "{method} {path} is public, says the document: {status} {body}"
            );
        } else {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} needs a sign-in, says the document: {body}"
            );
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} does not describe its 401"
            );
        }
        assert!(
            operation["summary"].as_str().is_some_and(|s| !s.is_empty()),
            "{method} {path} has no summary"
        );
    }
}

#[test]
fn the_document_names_each_operation_once_and_every_reference_resolves() {
    let document: Value =
        serde_json::from_str(handover_server::http::routes::openapi_document()).unwrap();
    let mut ids: Vec<String> = operations(&document)
        .into_iter()
        .map(|(method, path, operation)| {
            operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"))
                .to_owned()
        })
        .collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "operationIds repeat: {ids:?}");

    // Files are bytes, not lists of numbers, of the types they are.
    let sent = &document["paths"]["/api/users/{wa_id}/media"]["post"]["requestBody"]["content"];
    for kind in ["image/jpeg", "image/png", "application/pdf", "text/plain"] {
        assert!(
            sent[kind].is_object(),
            "a {kind} file can be sent, says the server"
        );
    }
    assert!(sent["application/octet-stream"].is_null());
    let served = &document["paths"]["/api/media/{id}"]["get"]["responses"]["200"]["content"];
    for kind in ["image/*", "video/*", "audio/*", "application/*"] {
        assert!(served[kind].is_object(), "files served include {kind}");
    }
    let file = &sent["image/jpeg"]["schema"];
    let file = document
        .pointer(file["$ref"].as_str().unwrap().trim_start_matches('#'))
        .unwrap();
    assert_eq!(
        (file["type"].as_str(), file["format"].as_str()),
        (Some("string"), Some("binary"))
    );

    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(references.len() > 100);
    for reference in references {
        assert!(
            document
                .pointer(reference.trim_start_matches('#'))
                .is_some(),
            "{reference} names nothing in the document"
        );
    }
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                found.push(reference.clone());
            }
            object
                .values()
                .for_each(|value| collect_references(value, found));
        }
        Value::Array(items) => items
            .iter()
            .for_each(|value| collect_references(value, found)),
        _ => {}
    }
}

/// Sends `request`, and checks its answer against what the document says
/// `method path` answers with that status. Returns the answer.
async fn conforms(document: &Value, method: &str, path: &str, request: RequestBuilder) -> Value {
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let described = &document["paths"][path][method]["responses"][status.as_str()];
    assert!(
        described.is_object(),
        "{method} {path} answered {status}, which the document does not describe: {body}"
    );
    let described = match described["$ref"].as_str() {
        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap(),
        None => described,
    };
    let schema = &described["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} {status}: no JSON schema"
    );
    let found = problems(document, schema, &body);
    assert!(
        found.is_empty(),
        "{method} {path} {status} differs from the document:\n{}\n{body:#}",
        found.join("\n")
    );
    body
}

struct Caller<'a> {
    app: &'a TestApp,
    document: Value,
    session: &'a Session,
}

impl Caller<'_> {
    fn request(&self, method: &str, path: &str) -> RequestBuilder {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        self.app
            .http
            .request(method, self.app.url(&path.replace("{wa_id}", PRIYA)))
            .header(reqwest::header::COOKIE, &self.session.cookie)
    }

    /// `method path` (`{wa_id}` filled in; `concrete` for other ids) checked
    /// against the document.
    async fn call(&self, method: &str, path: &str, concrete: &str, body: Option<Value>) -> Value {
        let mut request = self.request(method, if concrete.is_empty() { path } else { concrete });
        if let Some(body) = body {
            request = request.json(&body);
        }
        conforms(&self.document, method, path, request).await
    }
}

#[tokio::test]
async fn what_the_server_answers_has_the_shape_the_document_gives() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    let document = app.get_json(&manager, "/api/openapi.json").await;
    let caller = Caller {
        app: &app,
        document,
        session: &manager,
    };
    app.webhook_ok(&text(
        PRIYA,
        "wamid.openapi.1",
        app.now_s(),
        "Where is my order?",
    ))
    .await;

    // The inbox: a customer, their chat taken, written to, labelled.
    caller.call("get", "/api/sections", "", None).await;
    caller.call("get", "/api/users", "", None).await;
    caller
        .call("get", "/api/search", "/api/search?q=Priya", None)
        .await;
    caller
        .call("get", "/api/search", "/api/search?q=order", None)
        .await;
    caller.call("get", "/api/users/{wa_id}", "", None).await;
    caller
        .call("post", "/api/users/{wa_id}/intervene", "", None)
        .await;
    caller
        .call(
            "post",
            "/api/users/{wa_id}/messages",
            "",
            Some(json!({"text": "It leaves today."})),
        )
        .await;
    caller
        .call(
            "post",
            "/api/users/{wa_id}/notes",
            "",
            Some(json!({"text": "@Ravi please follow up"})),
        )
        .await;
    caller
        .call("put", "/api/users/{wa_id}/labels", "", Some(json!(["vip"])))
        .await;
    caller
        .call("get", "/api/users/{wa_id}/messages", "", None)
        .await;
    caller
        .call(
            "post",
            "/api/users/{wa_id}/transfer",
            "",
            Some(json!({"agent_id": ravi.agent.id})),
        )
        .await;
    // Refusals have the document's error shape too.
    caller
        .call("post", "/api/users/{wa_id}/release", "", None)
        .await;
    caller
        .call("get", "/api/users/{wa_id}", "/api/users/12-34", None)
        .await;
    caller
        .call("post", "/api/users/{wa_id}/resolve", "", None)
        .await;

    // The team's tools.
    caller.call("get", "/api/labels", "", None).await;
    caller.call("get", "/api/closing-reasons", "", None).await;
    caller
        .call(
            "post",
            "/api/canned-replies",
            "",
            Some(json!({"shortcut": "thanks", "text": "Thank you, {{name}}!"})),
        )
        .await;
    caller.call("get", "/api/canned-replies", "", None).await;
    caller
        .call(
            "post",
            "/api/tag-rules",
            "",
            Some(json!({"kind": "prefix", "pattern": "Where", "tag": "Orders", "priority": 1})),
        )
        .await;
    caller.call("get", "/api/tag-rules", "", None).await;
    caller.call("get", "/api/agents", "", None).await;
    caller.call("get", "/api/me", "", None).await;
    caller.call("get", "/api/auth/session", "", None).await;

    // Templates, campaigns and tokens.
    let template = caller
        .call(
            "post",
            "/api/templates",
            "",
            Some(
                json!({"name": "diwali_offer", "language": "en", "category": "marketing",
                        "body": "Hi {{1}}, hampers are 15% off until {{2}}."}),
            ),
        )
        .await;
    caller
        .call(
            "put",
            "/api/templates/{id}/status",
            &format!("/api/templates/{}/status", template["id"]),
            Some(json!({"status": "approved"})),
        )
        .await;
    caller.call("get", "/api/templates", "", None).await;
    caller.call("get", "/api/templates/review", "", None).await;
    let token = caller
        .call(
            "post",
            "/api/tokens",
            "",
            Some(json!({"name": "Shop orders"})),
        )
        .await;
    let campaign = conforms(
        &caller.document,
        "post",
        "/api/v1/campaigns",
        app.http
            .post(app.url("/api/v1/campaigns"))
            .bearer_auth(token["secret"].as_str().unwrap())
            .json(&json!({"idempotency_key": "d1", "name": "Diwali", "template": "diwali_offer",
                          "language": "en", "recipients": [
                              {"phone": "+919811112222", "name": "Asha", "params": ["Asha", "Sunday"]},
                              {"phone": "12", "name": "Nobody", "params": ["x", "y"]}]})),
    )
    .await;
    caller
        .call(
            "get",
            "/api/campaigns/{id}",
            &format!("/api/campaigns/{}", campaign["id"]),
            None,
        )
        .await;
    caller.call("get", "/api/campaigns", "", None).await;
    caller.call("get", "/api/tokens", "", None).await;

    // The users table, the bot, the sandbox, demo mode.
    caller.call("get", "/api/users/table", "", None).await;
    caller.call("get", "/api/users/facets", "", None).await;
    caller.call("get", "/api/bot", "", None).await;
    caller.call("get", "/api/bot/versions", "", None).await;
    caller
        .call(
            "post",
            "/api/bot/simulate",
            "",
            Some(json!({"messages": [{"text": "Where is my order?"}, {"text": "agent"}]})),
        )
        .await;
    caller
        .call(
            "get",
            "/api/reports/summary",
            "/api/reports/summary?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z",
            None,
        )
        .await;
    caller.call("get", "/api/sandbox/outbox", "", None).await;
    caller.call("get", "/api/demo", "", None).await;

    // The live stream, read from its start: every kind of event.
    let stream = subscribe(&app, &manager, Some(0)).await;
    let events = read_events_until(stream, |events| {
        [
            "sections", "user", "message", "mention", "setup", "handover",
        ]
        .iter()
        .all(|kind| events.iter().any(|(_, name, _)| name == kind))
    })
    .await;
    let schema = &caller.document["paths"]["/api/events"]["get"]["responses"]["200"]["content"]
        ["text/event-stream"]["schema"];
    for (id, name, data) in events {
        assert_eq!(data["type"], name.as_str(), "event {id}");
        let found = problems(&caller.document, schema, &data);
        assert!(found.is_empty(), "event {id} {name}: {}", found.join("\n"));
    }
}

/// The error body every failing answer has.
fn is_error_body(body: &Value) -> bool {
    body["error"]["code"]
        .as_str()
        .is_some_and(|code| !code.is_empty())
        && body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
}

/// Whether `operation` lists `status` among its answers.
fn documents(operation: &Value, status: StatusCode) -> bool {
    operation["responses"][status.as_str()].is_object()
}

#[tokio::test]
async fn a_missing_or_malformed_body_and_a_wrong_method_get_a_documented_status_with_the_json_error_body(
) {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let created = app
        .post(&manager, "/api/tokens", json!({"name": "Checks"}))
        .await;
    let created: Value = created.json().await.unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    let document = app.get_json(&manager, "/api/openapi.json").await;
    let shared = &document["components"]["responses"];
    for name in [
        "BadRequest",
        "Unauthorized",
        "Forbidden",
        "MethodNotAllowed",
        "PayloadTooLarge",
        "HeadersTooLarge",
    ] {
        assert!(
            shared[name]["content"]["application/json"].is_object(),
            "{name} is not declared"
        );
    }
    let signed_in = |method: Method, path: &str, operation: &Value| {
        let request = app.http.request(method, app.url(&concrete(path)));
        let bearer = operation["security"].as_array().is_some_and(|schemes| {
            schemes
                .iter()
                .any(|scheme| scheme.get("bearerAuth").is_some())
        });
        if bearer {
            request.bearer_auth(&secret)
        } else {
            request.header(reqwest::header::COOKIE, &manager.cookie)
        }
    };
    let mut checked_bodies = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let item = item.as_object().unwrap();
        for (method, operation) in item {
            if operation.get("requestBody").is_none() {
                continue;
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let attempts = [
                ("a missing body", signed_in(method.clone(), path, operation)),
                (
                    "a malformed body",
                    signed_in(method.clone(), path, operation)
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body("{\"unclosed\": "),
                ),
            ];
            for (what, request) in attempts {
                let response = request.send().await.unwrap();
                let status = response.status();
                let json = response
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .is_some_and(|value| {
                        value.to_str().unwrap_or("").starts_with("application/json")
                    });
                let body: Value = response.json().await.unwrap_or(Value::Null);
                assert!(
                    documents(operation, status),
                    "{method} {path} with {what} answered {status}, which the document does not list: {body}"
                );
                assert!(json, "{method} {path} with {what}: {status} is not JSON");
                if !status.is_success() {
                    assert!(
                        is_error_body(&body),
                        "{method} {path} with {what}: {status} {body}"
                    );
                }
            }
            checked_bodies += 1;
        }
        let taken: Vec<&str> = item.keys().map(String::as_str).collect();
        let wrong = ["patch", "put", "delete", "post", "get"]
            .into_iter()
            .find(|method| !taken.contains(method))
            .unwrap();
        let (_, operation) = item.iter().next().unwrap();
        let method = Method::from_bytes(wrong.to_uppercase().as_bytes()).unwrap();
        let response = signed_in(method, path, operation).send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{wrong} {path} is no operation of the document"
        );
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert!(is_error_body(&body), "{wrong} {path}: {body}");
    }
    assert!(
        checked_bodies >= 30,
        "{checked_bodies} operations take a body"
    );
}

/// Sends `request` as raw bytes and reads the whole answer.
async fn raw_exchange(app: &TestApp, request: &[u8]) -> (u16, Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut socket = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    // The server may answer before it has read all of a head it refuses.
    let _ = socket.write_all(request).await;
    let mut answer = Vec::new();
    let _ = socket.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer[9..12].parse().unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn requests_the_server_cannot_read_get_the_json_error_body_too() {
    let app = TestApp::start().await;
    let manager = app.manager().await;

    // Bytes an address may not hold, in the path and in the query.
    for target in [&b"/api/users/\xff\xfe"[..], &b"/api/search?q=\xff\xfe"[..]] {
        let request = [
            &b"GET "[..],
            target,
            b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        ]
        .concat();
        let (status, body) = raw_exchange(&app, &request).await;
        assert_eq!(status, 400);
        assert_eq!(body["error"]["code"], "unreadable_request");
    }
    // Percent-encoded bytes that are no UTF-8.
    let response = app
        .http
        .get(app.url("/api/users/%FF%FE"))
        .header(reqwest::header::COOKIE, &manager.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(is_error_body(&response.json().await.unwrap()));

    // Headers larger than the server reads.
    let big = format!(
        "GET /api/sections HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(80_000)
    );
    let (status, body) = raw_exchange(&app, big.as_bytes()).await;
    assert_eq!(status, 431);
    assert_eq!(body["error"]["code"], "headers_too_large");

    // A method a path does not take, outside /api as well.
    let response = app.http.put(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(is_error_body(&response.json().await.unwrap()));

    // Bodies over the limit (256 KB) of routes that read them as they
    // come: a little over, so that the whole body is sent before the answer
    // (a client still sending when the server answers and closes may not
    // read the answer).
    for path in ["/api/bot/import", &format!("/api/users/{PRIYA}/resolve")] {
        let response = app
            .http
            .post(app.url(path))
            .header(reqwest::header::COOKIE, &manager.cookie)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(vec![b' '; 257 * 1024])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE, "{path}");
        assert!(is_error_body(&response.json().await.unwrap()), "{path}");
    }
}
