//! First-message tag rules (managers): list with how many customers each
//! tagged, create, change and delete. Invalid patterns are refused on save.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::tags::{TagRule, TagRuleDraft};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::tag_rules::{self, Change};
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(list, create))
            .routes(routes!(update, delete)),
    )
}

/// First-message tag rules in the order they are tried, each with how many customers it tagged (managers).
#[utoipa::path(
    get,
    path = "/tag-rules",
    operation_id = "list_tag_rules",
    tag = "tags",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Vec<TagRule>),
    )
)]
async fn list(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<TagRule>>, ApiError> {
    Ok(Json(store::tags::list(&state.db.pool).await?))
}

/// Create a tag rule (managers).
///
/// An invalid regular expression is refused with 422 naming the `pattern` field.
#[utoipa::path(
    post,
    path = "/tag-rules",
    operation_id = "create_tag_rule",
    tag = "tags",
    security(("session" = ["manager"])),
    request_body = TagRuleDraft,
    responses(
        (status = 201, body = TagRule),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<TagRuleDraft>,
) -> Result<(StatusCode, Json<TagRule>), ApiError> {
    let rule = tag_rules::change(&state, &manager, Change::Create(&draft)).await?;
    let rule = rule.ok_or_else(|| ApiError::NotFound("The new rule vanished.".into()))?;
    Ok((StatusCode::CREATED, Json(rule)))
}

/// Change a tag rule; customers already tagged keep their tag (managers).
#[utoipa::path(
    put,
    path = "/tag-rules/{id}",
    operation_id = "update_tag_rule",
    tag = "tags",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = TagRuleDraft,
    responses(
        (status = 200, body = TagRule),
        (status = 404, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(draft): JsonBody<TagRuleDraft>,
) -> Result<Json<TagRule>, ApiError> {
    let rule = tag_rules::change(&state, &manager, Change::Update(id, &draft)).await?;
    let rule =
        rule.ok_or_else(|| ApiError::NotFound(format!("There is no tag rule with id {id}.")))?;
    Ok(Json(rule))
}

/// Delete a tag rule; customers already tagged keep their tag (managers).
#[utoipa::path(
    delete,
    path = "/tag-rules/{id}",
    operation_id = "delete_tag_rule",
    tag = "tags",
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
    tag_rules::change(&state, &manager, Change::Delete(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
