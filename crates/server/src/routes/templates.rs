//! Message templates: everyone can list them; managers create them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;

use super::extract::JsonBody;
use crate::auth::{CurrentAgent, Manager};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::templates::{self, NewTemplate, Template};

pub async fn list(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(templates::list(&state.db.pool).await?))
}

pub async fn create(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(template): JsonBody<NewTemplate>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let created = templates::create(&state.db, &template, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
