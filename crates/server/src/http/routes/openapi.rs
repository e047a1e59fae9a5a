//! The OpenAPI document, generated from the code: each handler's
//! `#[utoipa::path]` (method, path, parameters, answers) and the JSON
//! shapes' `ToSchema`. The routes that serve the API and the document
//! that describes it come from the same `routes!` lists, so they cannot
//! drift apart. Served at `GET /api/openapi.json`, printed by
//! `handover-server openapi`.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use handover_core::ErrorBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::session;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;

/// What the generated paths are added to: the title, the tags in the
/// order a reader meets them, the ways to sign in, the shared answers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Handover API",
        description = "Shared WhatsApp inbox: sections, profiles, threads, lifecycle actions, live events and the WhatsApp webhook. Every error is `{\"error\":{\"code\",\"message\"}}` (JSON), whatever the status: each operation lists its own, and any path answers 405 to a method it does not take and 431 to headers too large (components.responses). Every /api route except signing in needs the session cookie; the managers' routes say so in their security (`session: [manager]`); the /api/v1 routes take an API token instead."
    ),
    modifiers(&SignInMethods),
    security(("session" = [])),
    components(schemas(ErrorBody), responses(Problem)),
    tags(
        (name = "auth", description = "Signing in and out, one's own account"),
        (name = "chats", description = "Sections, customers, threads, sending, notes and labels"),
        (name = "lifecycle", description = "Intervene, resolve, release, transfer"),
        (name = "users", description = "The managers' users table, export and import"),
        (name = "agents", description = "The team"),
        (name = "templates", description = "Message templates and their review"),
        (name = "campaigns", description = "Campaigns and the API tokens that start them"),
        (name = "bot", description = "The bot's configuration, versions and simulator"),
        (name = "tags", description = "First-message tag rules"),
        (name = "reports", description = "What managers measure"),
        (name = "live", description = "The dashboard's event stream"),
        (name = "demo", description = "Demo mode"),
        (name = "sandbox", description = "What the sandbox transport would have sent"),
        (name = "webhook", description = "WhatsApp Cloud API deliveries"),
        (name = "meta", description = "Health and this document"),
    )
)]
pub struct BaseDocument;

/// The session cookie the dashboard signs in with, and the bearer API
/// tokens integrations use.
struct SignInMethods;

impl Modify for SignInMethods {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                session::COOKIE,
                "set by POST /api/auth/login",
            ))),
        );
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("an API token created by a manager (POST /api/tokens)"))
                    .build(),
            ),
        );
    }
}

/// Every failing call's answer: a stable code and a sentence a person can
/// act on (and, for a document, each problem with its field).
#[derive(ToResponse)]
#[response(description = "An error with a code and a message a person can act on")]
pub struct Problem(#[allow(dead_code)] ErrorBody);

/// A file's bytes, as a body or an answer (its `Content-Type` says what
/// it is).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(#[allow(dead_code)] Vec<u8>);

/// The document, built once from the routes, with the error answers every
/// kind of route shares declared once ([`declare_error_answers`]).
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    let mut document = serde_json::to_value(super::routes().into_openapi())
        .expect("the OpenAPI document serializes");
    declare_error_answers(&mut document);
    serde_json::to_string_pretty(&document).expect("the OpenAPI document serializes")
});

/// The answers the server gives for a whole kind of request, whatever the
/// operation: (status, name, description).
const SHARED_ANSWERS: [(&str, &str, &str); 6] = [
    ("400", "BadRequest", "The request cannot be read: a malformed address, parameter or query, or a body that is missing, not JSON or malformed"),
    ("401", "Unauthorized", "Not signed in, the session has ended, or the API token is unknown or revoked"),
    ("403", "Forbidden", "For managers only, or a change sent with the session cookie from another site"),
    ("405", "MethodNotAllowed", "The path does not take this method (any path of the API)"),
    ("413", "PayloadTooLarge", "The body is larger than this operation accepts"),
    ("431", "HeadersTooLarge", "The request's headers are too large (any request)"),
];

/// Declares, on every operation, the error answers of its kind (the rest,
/// such as 404, 409 and 422, each operation declares itself):
/// every operation can answer 400; every one but the public ones 401;
/// the managers' operations, and changes made with the session cookie,
/// 403; every one that takes a body 413. 405 and 431 are answered to any
/// request and are declared once, under `components.responses`.
fn declare_error_answers(document: &mut serde_json::Value) {
    use serde_json::{json, Value};
    let responses = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
        .expect("the base document declares responses");
    for (_, name, description) in SHARED_ANSWERS {
        responses.insert(
            name.to_owned(),
            json!({
                "description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            }),
        );
    }
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in item.iter_mut() {
            let security = operation["security"].as_array().cloned();
            let public = security
                .as_ref()
                .is_some_and(|schemes| schemes.iter().all(|scheme| scheme == &json!({})));
            let managers = security.as_ref().is_some_and(|schemes| {
                schemes
                    .iter()
                    .any(|scheme| scheme["session"] == json!(["manager"]))
            });
            let with_cookie = !public
                && security.as_ref().is_none_or(|schemes| {
                    schemes.iter().any(|scheme| scheme.get("session").is_some())
                });
            let changes = !matches!(method.as_str(), "get" | "head" | "options");
            let has_body = operation.get("requestBody").is_some();
            let mut shared = vec!["400"];
            if !public {
                shared.push("401");
            }
            if managers || (with_cookie && changes) {
                shared.push("403");
            }
            if has_body {
                shared.push("413");
            }
            let Some(answers) = operation["responses"].as_object_mut() else {
                continue;
            };
            for status in shared {
                let (_, name, _) = SHARED_ANSWERS
                    .iter()
                    .find(|(code, _, _)| *code == status)
                    .expect("a shared answer");
                answers
                    .entry(status)
                    .or_insert_with(|| json!({"$ref": format!("#/components/responses/{name}")}));
            }
        }
    }
}

/// The document as JSON.
pub fn document() -> &'static str {
    &DOCUMENT
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(serve))
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "get_openapi_document",
    tag = "meta",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object),
    )
)]
async fn serve(_agent: CurrentAgent) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}
