//! The HTTP surface. One file per resource, each owning its `router()`
//! whose handlers carry their own description (`#[utoipa::path]`); they
//! are merged here into the server's routes and the OpenAPI document.

mod agents;
mod audit;
mod auth;
mod bot;
mod campaigns;
mod canned;
mod contacts;
mod csat;
mod customers;
mod demo;
mod events;
mod extract;
mod health;
mod labels;
mod media;
mod metrics;
mod notes;
mod openapi;
mod params;
mod reactions;
mod read_receipts;
mod reports;
mod resend;
mod sandbox;
mod search;
mod sections;
mod tags;
mod template_media;
mod templates;
pub mod webhook;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, OriginalUri, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{middleware, Router};
use tower_http::compression::CompressionLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::ApiError;
use crate::http::{request_id, security, web_assets};
pub use crate::state::AppState;

pub use openapi::document as openapi_document;

/// How long a request body may pause between two pieces.
pub const BODY_IDLE_TIMEOUT: Duration = Duration::from_secs(20);

/// The largest body an API route takes unless it says otherwise.
const API_BODY_BYTES: usize = 256 * 1024;

/// The whole application: API, webhook, health check and the web app.
pub fn router(state: AppState) -> Router {
    // The document is built when it is first asked for (`openapi.rs`).
    Router::from(routes())
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(web_assets::serve)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::same_origin_changes,
        ))
        .layer(CompressionLayer::new())
        // A client that stops sending its body mid-way is let go.
        .layer(RequestBodyTimeoutLayer::new(BODY_IDLE_TIMEOUT))
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
        .layer(middleware::from_fn(request_id::carry))
        .with_state(state)
}

/// Every route, each resource module adding its own with their
/// description: the one list both the server and the OpenAPI document
/// ([`openapi`]) are made from.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::BaseDocument::openapi())
        .merge(health::router())
        .merge(metrics::router())
        .merge(webhook::router())
        .nest("/api", api())
}

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(auth::router())
        .merge(sections::router())
        .merge(search::router())
        .merge(customers::router())
        .merge(media::router())
        .merge(notes::router())
        .merge(resend::router())
        .merge(read_receipts::router())
        .merge(reactions::router())
        .merge(labels::router())
        .merge(canned::router())
        .merge(contacts::router())
        .merge(agents::router())
        .merge(templates::router())
        .merge(template_media::router())
        .merge(campaigns::router())
        .merge(bot::router())
        .merge(tags::router())
        .merge(events::router())
        .merge(demo::router())
        .merge(reports::router())
        .merge(csat::router())
        .merge(audit::router())
        .merge(sandbox::router())
        .merge(openapi::router())
        .layer(DefaultBodyLimit::max(API_BODY_BYTES))
        .fallback(api_not_found)
}

/// Routes that answer within [`REQUEST_TIMEOUT`]. A module leaves out
/// only the answers that take as long as they take: a live stream, a
/// file streamed out or uploaded (each bounded by its own limits).
fn timed(routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    routes.layer(middleware::from_fn(in_time))
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

/// A known path asked with a method it does not take: a JSON error that
/// names the path.
async fn method_not_allowed(method: axum::http::Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{} does not take {method}; the API document (GET /api/openapi.json) lists what it takes.",
        uri.path()
    ))
}

/// Unknown API paths get a JSON error, never the web app's HTML.
async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint at {}.", uri.path()))
}
