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
use crate::app;
use crate::app::canned::Change;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::canned;

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
    security(("session" = ["manager"])),
    request_body = CannedReplyDraft,
    responses(
        (status = 201, body = CannedReply),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<CannedReplyDraft>,
) -> Result<(StatusCode, Json<CannedReply>), ApiError> {
    let created = app::canned::change(&state, &manager, Change::Create(&draft)).await?;
    let created = created.ok_or_else(|| ApiError::NotFound("The new reply vanished.".into()))?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Change a canned reply (managers).
#[utoipa::path(
    put,
    path = "/canned-replies/{id}",
    operation_id = "update_canned_reply",
    tag = "chats",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = CannedReplyDraft,
    responses(
        (status = 200, body = CannedReply),
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
    let updated = app::canned::change(&state, &manager, Change::Update(id, &draft)).await?;
    let updated = updated
        .ok_or_else(|| ApiError::NotFound(format!("There is no canned reply with id {id}.")))?;
    Ok(Json(updated))
}

/// Delete a canned reply (managers).
#[utoipa::path(
    delete,
    path = "/canned-replies/{id}",
    operation_id = "delete_canned_reply",
    tag = "chats",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, response = Problem),
    )
)]
async fn delete(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<StatusCode, ApiError> {
    app::canned::change(&state, &manager, Change::Delete(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
