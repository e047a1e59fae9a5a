//! The HTTP surface: which path goes to which handler. One file per resource.

mod agents;
mod auth;
mod bot;
mod campaigns;
mod canned;
mod contacts;
mod demo;
mod events;
mod extract;
mod health;
mod labels;
mod media;
mod notes;
mod openapi;
mod sandbox;
mod search;
mod sections;
mod tags;
mod template_media;
mod templates;
mod users;
pub mod webhook;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, OriginalUri, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post, put};
use axum::{middleware, Router};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
pub use crate::state::AppState;
use crate::{security, web_assets};

/// Every API route as (method, path), in the OpenAPI document's notation.
/// A test checks that the document describes each one.
pub const API_ROUTES: &[(&str, &str)] = &[
    ("post", "/api/auth/login"),
    ("post", "/api/auth/logout"),
    ("get", "/api/auth/session"),
    ("get", "/api/me"),
    ("put", "/api/me/password"),
    ("get", "/api/sections"),
    ("get", "/api/search"),
    ("get", "/api/users"),
    ("get", "/api/users/table"),
    ("get", "/api/users/facets"),
    ("get", "/api/users/export"),
    ("post", "/api/imports"),
    ("get", "/api/imports/{id}"),
    ("get", "/api/imports/{id}/report.csv"),
    ("get", "/api/users/{wa_id}"),
    ("get", "/api/users/{wa_id}/messages"),
    ("post", "/api/users/{wa_id}/messages"),
    ("post", "/api/users/{wa_id}/intervene"),
    ("post", "/api/users/{wa_id}/resolve"),
    ("post", "/api/users/{wa_id}/release"),
    ("post", "/api/users/{wa_id}/transfer"),
    ("post", "/api/users/{wa_id}/media"),
    ("get", "/api/media/{id}"),
    ("post", "/api/media/{id}/retry"),
    ("post", "/api/users/{wa_id}/notes"),
    ("put", "/api/users/{wa_id}/labels"),
    ("get", "/api/labels"),
    ("get", "/api/closing-reasons"),
    ("put", "/api/closing-reasons"),
    ("get", "/api/canned-replies"),
    ("post", "/api/canned-replies"),
    ("put", "/api/canned-replies/{id}"),
    ("delete", "/api/canned-replies/{id}"),
    ("get", "/api/agents"),
    ("post", "/api/agents"),
    ("patch", "/api/agents/{id}"),
    ("get", "/api/templates"),
    ("post", "/api/templates"),
    ("put", "/api/templates/{id}"),
    ("post", "/api/templates/{id}/copy"),
    ("put", "/api/templates/{id}/status"),
    ("post", "/api/templates/refresh"),
    ("get", "/api/templates/review"),
    ("post", "/api/templates/media"),
    ("get", "/api/templates/media/{id}"),
    ("get", "/api/bot"),
    ("put", "/api/bot"),
    ("get", "/api/bot/versions"),
    ("post", "/api/bot/versions/{id}/rollback"),
    ("get", "/api/bot/export"),
    ("post", "/api/bot/import"),
    ("post", "/api/bot/simulate"),
    ("get", "/api/demo"),
    ("post", "/api/demo/messages"),
    ("get", "/api/tag-rules"),
    ("post", "/api/tag-rules"),
    ("put", "/api/tag-rules/{id}"),
    ("delete", "/api/tag-rules/{id}"),
    ("post", "/api/v1/campaigns"),
    ("get", "/api/v1/campaigns/{id}"),
    ("get", "/api/campaigns"),
    ("get", "/api/campaigns/{id}"),
    ("get", "/api/tokens"),
    ("post", "/api/tokens"),
    ("delete", "/api/tokens/{id}"),
    ("get", "/api/events"),
    ("get", "/api/sandbox/outbox"),
    ("get", "/api/openapi.json"),
    ("get", "/webhook"),
    ("post", "/webhook"),
    ("get", "/healthz"),
];

/// How long a request body may pause between two pieces.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// The whole application: API, webhook, health check and the web app.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route(
            "/webhook",
            get(webhook::verify)
                .post(webhook::receive)
                .layer(DefaultBodyLimit::max(webhook::MAX_BODY_BYTES))
                .layer(middleware::from_fn(webhook::large_in_turn)),
        )
        .nest("/api", api_router())
        .fallback(web_assets::serve)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin_changes,
        ))
        .layer(CompressionLayer::new())
        // A client that stops sending its body mid-way is let go.
        .layer(RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn api_router() -> Router<AppState> {
    // Answers that take as long as they take: a live stream, a file
    // streamed out, a file uploaded (each bounded by its own limits).
    let long = Router::new()
        .route("/events", get(events::stream))
        .route("/users/export", get(contacts::export))
        // The import reads its body itself, up to HANDOVER_IMPORT_MAX_MB.
        .route(
            "/imports",
            post(contacts::start).layer(DefaultBodyLimit::disable()),
        )
        // A file to send is read up to WhatsApp's limit for its kind.
        .route(
            "/users/{wa_id}/media",
            post(media::send).layer(DefaultBodyLimit::disable()),
        )
        .route("/media/{id}", get(media::serve))
        // A template's header file, read up to WhatsApp's limit for its kind.
        .route(
            "/templates/media",
            post(template_media::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/templates/media/{id}", get(template_media::serve));
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/session", get(auth::session))
        .route("/me", get(auth::me))
        .route("/me/password", put(auth::change_password))
        .route("/sections", get(sections::counts))
        .route("/search", get(search::search))
        .route("/users", get(users::list))
        .route("/users/table", get(contacts::table))
        .route("/users/facets", get(contacts::facets))
        .route("/imports/{id}", get(contacts::report))
        .route("/imports/{id}/report.csv", get(contacts::report_csv))
        .route("/users/{wa_id}", get(users::profile))
        .route(
            "/users/{wa_id}/messages",
            get(users::thread).post(users::send),
        )
        .route("/users/{wa_id}/intervene", post(users::intervene))
        .route("/users/{wa_id}/resolve", post(users::resolve))
        .route("/users/{wa_id}/release", post(users::release))
        .route("/users/{wa_id}/transfer", post(users::transfer))
        .route("/media/{id}/retry", post(media::retry))
        .route("/users/{wa_id}/notes", post(notes::create))
        .route("/users/{wa_id}/labels", put(labels::set))
        .route("/labels", get(labels::in_use))
        .route(
            "/closing-reasons",
            get(labels::closing_reasons).put(labels::save_closing_reasons),
        )
        .route("/canned-replies", get(canned::list).post(canned::create))
        .route(
            "/canned-replies/{id}",
            put(canned::update).delete(canned::delete),
        )
        .route("/agents", get(agents::list).post(agents::create))
        .route("/agents/{id}", patch(agents::update))
        .route("/templates", get(templates::list).post(templates::create))
        .route("/templates/refresh", post(templates::refresh))
        .route("/templates/review", get(templates::review_mode))
        .route("/templates/{id}", put(templates::update))
        .route("/templates/{id}/copy", post(templates::copy))
        .route("/templates/{id}/status", put(templates::review))
        .route("/bot", get(bot::current).put(bot::save))
        .route("/bot/versions", get(bot::versions))
        .route("/bot/versions/{id}/rollback", post(bot::rollback))
        .route("/bot/export", get(bot::export))
        .route("/bot/import", post(bot::import))
        .route("/bot/simulate", post(bot::simulate))
        .route("/demo", get(demo::status))
        .route("/demo/messages", post(demo::write))
        .route("/tag-rules", get(tags::list).post(tags::create))
        .route("/tag-rules/{id}", put(tags::update).delete(tags::delete))
        // A campaign names up to HANDOVER_CAMPAIGN_MAX_RECIPIENTS recipients.
        .route(
            "/v1/campaigns",
            post(campaigns::start).layer(DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route("/v1/campaigns/{id}", get(campaigns::progress))
        .route("/campaigns", get(campaigns::list))
        .route("/campaigns/{id}", get(campaigns::get))
        .route(
            "/tokens",
            get(campaigns::tokens).post(campaigns::create_token),
        )
        .route("/tokens/{id}", delete(campaigns::revoke_token))
        .route("/sandbox/outbox", get(sandbox::outbox))
        .route("/openapi.json", get(openapi::document))
        .layer(middleware::from_fn(in_time))
        .merge(long)
        .layer(DefaultBodyLimit::max(256 * 1024))
        .fallback(api_not_found)
}

/// The longest an ordinary API request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers a request that takes longer than [`REQUEST_TIMEOUT`] with a
/// JSON error (what it was doing is dropped: an unfinished change is
/// rolled back).
async fn in_time(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable(
            "The server took too long to answer and stopped; check whether the change was made, then try again."
                .into(),
        )
        .into_response(),
    }
}

/// Unknown API paths get a JSON error, never the web app's HTML.
async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint at {}.", uri.path()))
}
