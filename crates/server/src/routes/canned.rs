//! Canned replies: everyone reads them (to insert with `/`), managers keep
//! the list.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::canned::{CannedReply, CannedReplyDraft};

use super::extract::{JsonBody, PathParam};
use crate::auth::{CurrentAgent, Manager};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::canned;

/// The draft tidied, or every problem with its field.
fn checked(draft: &CannedReplyDraft) -> Result<CannedReplyDraft, ApiError> {
    draft.validate().map_err(|fields| ApiError::Invalid {
        code: "invalid_canned_reply",
        message: "The canned reply has problems; each is named by its field.".into(),
        fields,
    })?;
    Ok(draft.tidied())
}

fn taken(error: sqlx::Error, shortcut: &str) -> ApiError {
    match ApiError::from(error) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "shortcut_taken",
            format!("shortcut: /{shortcut} is already a canned reply; choose another."),
        ),
        other => other,
    }
}

/// `GET /api/canned-replies`.
pub async fn list(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<CannedReply>>, ApiError> {
    Ok(Json(canned::list(&state.db.pool).await?))
}

/// `POST /api/canned-replies` (managers).
pub async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<CannedReplyDraft>,
) -> Result<(StatusCode, Json<CannedReply>), ApiError> {
    let draft = checked(&draft)?;
    let mut write = state.db.begin_write().await?;
    let created = canned::create(&mut write.tx, &draft, manager.id, state.clock.now_ms())
        .await
        .map_err(|error| taken(error, &draft.shortcut))?;
    write.commit().await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// `PUT /api/canned-replies/{id}` (managers).
pub async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
    JsonBody(draft): JsonBody<CannedReplyDraft>,
) -> Result<Json<CannedReply>, ApiError> {
    let draft = checked(&draft)?;
    let mut write = state.db.begin_write().await?;
    let updated = canned::update(&mut write.tx, id, &draft, manager.id, state.clock.now_ms())
        .await
        .map_err(|error| taken(error, &draft.shortcut))?
        .ok_or_else(|| ApiError::NotFound(format!("There is no canned reply with id {id}.")))?;
    write.commit().await?;
    Ok(Json(updated))
}

/// `DELETE /api/canned-replies/{id}` (managers).
pub async fn delete(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<StatusCode, ApiError> {
    let mut write = state.db.begin_write().await?;
    if !canned::delete(&mut write.tx, id).await? {
        return Err(ApiError::NotFound(format!(
            "There is no canned reply with id {id}."
        )));
    }
    write.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
