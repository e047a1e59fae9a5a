//! `GET /healthz`: 200 when the database answers, for scripts and liveness
//! probes. `GET /readyz`: 200 when this server should be sent traffic, for
//! load balancers and readiness probes.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::openapi::Problem;
use crate::http::error::ApiError;
use crate::state::AppState;
use crate::store;

/// The longest each readiness check may take before it counts as failed.
const CHECK_WITHIN: Duration = Duration::from_secs(2);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// 200 when the database answers.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health_check",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "Healthy"),
        (status = 503, response = Problem),
    )
)]
async fn healthz(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    store::ping(&state.db.pool).await?;
    Ok(StatusCode::OK)
}

/// What a ready server checked.
#[derive(Serialize, ToSchema)]
pub struct Readiness {
    /// The database answers and takes writes.
    database: &'static str,
    /// The sender of queued messages runs.
    sender: &'static str,
}

/// 200 when this server should be sent traffic.
///
/// It answers only once its migrations are applied; then it is ready while
/// the database answers and takes writes (each within 2 s), the sender of
/// queued messages runs, and the server is not stopping. Otherwise 503
/// says which of these failed.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readiness_check",
    tag = "meta",
    security(()),
    responses(
        (status = 200, body = Readiness),
        (status = 503, response = Problem),
    )
)]
async fn readyz(State(state): State<AppState>) -> Result<Json<Readiness>, ApiError> {
    let not_ready = |why: &str| ApiError::Unavailable(format!("Not ready: {why}"));
    if state.events.is_stopping() {
        return Err(not_ready("the server is stopping."));
    }
    if !state.outbox.sender_running() {
        return Err(not_ready(
            "the sender of queued messages is not running; the server's log says why.",
        ));
    }
    match tokio::time::timeout(CHECK_WITHIN, store::ping(&state.db.pool)).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            return Err(not_ready("the database does not answer."));
        }
        Err(_) => return Err(not_ready("the database did not answer within 2 s.")),
    }
    // A write turn taken and given back at once (rolled back): the
    // database is not held by another writer for longer than a moment.
    match tokio::time::timeout(CHECK_WITHIN, state.db.takes_writes()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not take writes");
            return Err(not_ready("the database does not take writes."));
        }
        Err(_) => {
            return Err(not_ready(
                "the database did not take a write within 2 s (another writer holds it).",
            ))
        }
    }
    Ok(Json(Readiness {
        database: "ok",
        sender: "running",
    }))
}
