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

use crate::app::auth::session;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;

/// What the generated paths are added to: the title, the tags in the
/// order a reader meets them, the ways to sign in, the shared answers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Handover API",
        description = "Shared WhatsApp inbox: sections, profiles, threads, lifecycle actions, live events and the WhatsApp webhook. Errors are `{\"error\":{\"code\",\"message\"}}`. Every /api route except signing in needs the session cookie; the /api/v1 routes take an API token instead."
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

/// The document, built once from the routes.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    super::routes()
        .into_openapi()
        .to_pretty_json()
        .expect("the OpenAPI document serializes")
});

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
        (status = 401, response = Problem),
    )
)]
async fn serve(_agent: CurrentAgent) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}
