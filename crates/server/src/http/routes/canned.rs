//! Canned replies: everyone reads them (to insert with `/`), managers keep
//! the list.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::canned::{CannedReply, CannedReplyDraft};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::canned;
use handover_core::api::SetupPart;

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

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(list, create))
            .routes(routes!(update, delete)),
    )
}

/// The team's canned replies.
#[utoipa::path(
    get,
    path = "/canned-replies",
    operation_id = "list_canned_replies",
    tag = "chats",
    responses(
        (status = 200, body = Vec<CannedReply>),
        (status = 401, response = Problem),
    )
)]
async fn list(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<CannedReply>>, ApiError> {
    Ok(Json(canned::list(&state.db.pool).await?))
}

/// Add a canned reply (managers).
#[utoipa::path(
    post,
    path = "/canned-replies",
    operation_id = "create_canned_reply",
    tag = "chats",
    request_body = CannedReplyDraft,
    responses(
        (status = 201, body = CannedReply),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<CannedReplyDraft>,
) -> Result<(StatusCode, Json<CannedReply>), ApiError> {
    let draft = checked(&draft)?;
    let mut write = state.db.begin_write().await?;
    let created = canned::create(&mut write.tx, &draft, manager.id, state.clock.now_ms())
        .await
        .map_err(|error| taken(error, &draft.shortcut))?;
    super::setup_changed(&state, write, SetupPart::CannedReplies).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Change a canned reply (managers).
#[utoipa::path(
    put,
    path = "/canned-replies/{id}",
    operation_id = "update_canned_reply",
    tag = "chats",
    params(IdPath),
    request_body = CannedReplyDraft,
    responses(
        (status = 200, body = CannedReply),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(draft): JsonBody<CannedReplyDraft>,
) -> Result<Json<CannedReply>, ApiError> {
    let draft = checked(&draft)?;
    let mut write = state.db.begin_write().await?;
    let updated = canned::update(&mut write.tx, id, &draft, manager.id, state.clock.now_ms())
        .await
        .map_err(|error| taken(error, &draft.shortcut))?
        .ok_or_else(|| ApiError::NotFound(format!("There is no canned reply with id {id}.")))?;
    super::setup_changed(&state, write, SetupPart::CannedReplies).await?;
    Ok(Json(updated))
}

/// Delete a canned reply (managers).
#[utoipa::path(
    delete,
    path = "/canned-replies/{id}",
    operation_id = "delete_canned_reply",
    tag = "chats",
    params(IdPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 404, response = Problem),
    )
)]
async fn delete(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<StatusCode, ApiError> {
    let mut write = state.db.begin_write().await?;
    if !canned::delete(&mut write.tx, id).await? {
        return Err(ApiError::NotFound(format!(
            "There is no canned reply with id {id}."
        )));
    }
    super::setup_changed(&state, write, SetupPart::CannedReplies).await?;
    Ok(StatusCode::NO_CONTENT)
}
