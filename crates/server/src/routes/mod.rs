//! The HTTP surface: which path goes to which handler. One file per resource.

mod health;
mod sections;

use axum::extract::OriginalUri;
use axum::routing::get;
use axum::Router;
use sqlx::SqlitePool;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::error::ApiError;
use crate::web_assets;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: SqlitePool,
}

/// The whole application: API, health check and the web app.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .nest("/api", api_router())
        .fallback(web_assets::serve)
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

fn api_router() -> Router<AppState> {
    Router::new()
        .route("/sections", get(sections::counts))
        .fallback(api_not_found)
}

/// Unknown API paths get a JSON error, never the web app's HTML.
async fn api_not_found(OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::NotFound(format!("There is no API endpoint at {}.", uri.path()))
}
