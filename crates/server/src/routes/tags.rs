//! First-message tag rules (managers): list with how many customers each
//! tagged, create, change and delete. Invalid patterns are refused on save.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::tags::{TagRule, TagRuleDraft};

use super::extract::{JsonBody, PathParam};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::tag_rules;

pub async fn list(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<TagRule>>, ApiError> {
    Ok(Json(store::tags::list(&state.db.pool).await?))
}

pub async fn create(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<TagRuleDraft>,
) -> Result<(StatusCode, Json<TagRule>), ApiError> {
    let draft = tag_rules::checked(&draft)?;
    let rule = store::tags::create(&state.db, &draft, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

pub async fn update(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
    JsonBody(draft): JsonBody<TagRuleDraft>,
) -> Result<Json<TagRule>, ApiError> {
    let draft = tag_rules::checked(&draft)?;
    store::tags::update(&state.db, id, &draft)
        .await?
        .map(Json)
        .ok_or_else(|| not_found(id))
}

pub async fn delete(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<StatusCode, ApiError> {
    if store::tags::delete(&state.db, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(not_found(id))
    }
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("There is no tag rule with id {id}."))
}
