//! `GET /metrics`: this server's measurements in Prometheus' text format,
//! for a scraper holding `HANDOVER_METRICS_TOKEN` (404 when it is not set,
//! so an unconfigured server shows nothing). Not part of the JSON API's
//! document: it is read by Prometheus, not by integrations.

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::IntoResponse;
use axum::routing::get;
use subtle::ConstantTimeEq;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/metrics", get(scrape))
}

async fn scrape(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    let Some(token) = state.metrics_token.as_deref() else {
        return Err(ApiError::NotFound(
            "Metrics are off on this server; set HANDOVER_METRICS_TOKEN to turn them on.".into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared in constant time: how long the answer takes tells nothing.
    if !bool::from(given.as_bytes().ct_eq(token.as_bytes())) {
        return Err(ApiError::Unauthorized(
            "Scrape with Authorization: Bearer <HANDOVER_METRICS_TOKEN>.".into(),
        ));
    }
    let backlog = store::backlog::read(&state.db.pool).await?;
    let text = state.metrics.render(state.events.open_streams(), &backlog);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    ))
}
