//! Labels on chats, and the team's closing reasons.

use axum::extract::State;
use axum::Json;
use handover_core::api::UserProfile;
use handover_core::labels::{normalise, ClosingReasons};

use super::extract::{JsonBody, PathParam};
use super::users::{require_profile, wa_id_from};
use crate::auth::{CurrentAgent, Manager};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::labels;

/// `PUT /api/users/{wa_id}/labels`: the chat's labels, all of them.
pub async fn set(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(wa_id): PathParam<String>,
    JsonBody(given): JsonBody<Vec<String>>,
) -> Result<Json<UserProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let tidy = normalise(&given).map_err(|problem| {
        ApiError::unprocessable("invalid_labels", format!("labels: {problem}."))
    })?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let changed = labels::set(&mut write.tx, &wa_id, &tidy, agent.id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let profile = require_profile(&mut write.tx, &wa_id, now).await?;
    if changed {
        let mut batch = EventBatch::default();
        batch.user(&wa_id);
        batch.record(&mut write.tx, now).await?;
    }
    write.commit().await?;
    if changed {
        state.events.notify();
    }
    Ok(Json(profile))
}

/// `GET /api/labels`: every label in use, to suggest and filter by.
pub async fn in_use(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(labels::in_use(&state.db.pool).await?))
}

/// `GET /api/closing-reasons`.
pub async fn closing_reasons(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<ClosingReasons>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(labels::closing_reasons(&mut conn).await?))
}

/// `PUT /api/closing-reasons` (managers): the list, and whether Resolve
/// must give one.
pub async fn save_closing_reasons(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(given): JsonBody<ClosingReasons>,
) -> Result<Json<ClosingReasons>, ApiError> {
    let tidy = given
        .tidied()
        .map_err(|problem| ApiError::unprocessable("invalid_reasons", format!("{problem}.")))?;
    let mut write = state.db.begin_write().await?;
    labels::save_closing_reasons(&mut write.tx, &tidy).await?;
    write.commit().await?;
    Ok(Json(tidy))
}
