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

    // Files are bytes, not lists of numbers.
    let file = &document["paths"]["/api/users/{wa_id}/media"]["post"]["requestBody"]["content"]
        ["application/octet-stream"]["schema"];
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
