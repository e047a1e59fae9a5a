//! Labels on chats, and the team's closing reasons.

use axum::extract::State;
use axum::Json;
use handover_core::api::CustomerProfile;
use handover_core::labels::ClosingReasons;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::{wa_id_from, CustomerPath};
use crate::app::chats::labels as chat_labels;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::labels;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(set))
            .routes(routes!(in_use))
            .routes(routes!(closing_reasons, save_closing_reasons)),
    )
}

/// Set the chat's labels, all of them: at most 20, each at most 40 characters.
#[utoipa::path(
    put,
    path = "/users/{wa_id}/labels",
    operation_id = "set_labels",
    tag = "chats",
    params(CustomerPath),
    request_body = Vec<String>,
    responses(
        (status = 200, description = "The profile with its labels", body = CustomerProfile),
        (status = 404, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn set(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    JsonBody(given): JsonBody<Vec<String>>,
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    Ok(Json(
        chat_labels::set(&state, &agent, &wa_id, &given).await?,
    ))
}

/// Every label in use, to suggest and filter by.
#[utoipa::path(
    get,
    path = "/labels",
    operation_id = "list_labels",
    tag = "chats",
    responses(
        (status = 200, body = Vec<String>),
    )
)]
async fn in_use(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(labels::in_use(&state.db.pool).await?))
}

/// The team's closing reasons, and whether Resolve must give one.
#[utoipa::path(
    get,
    path = "/closing-reasons",
    operation_id = "get_closing_reasons",
    tag = "chats",
    responses(
        (status = 200, body = ClosingReasons),
    )
)]
async fn closing_reasons(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<ClosingReasons>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(labels::closing_reasons(&mut conn).await?))
}

/// Set the closing reasons and whether Resolve must give one (managers).
#[utoipa::path(
    put,
    path = "/closing-reasons",
    operation_id = "set_closing_reasons",
    tag = "chats",
    security(("session" = ["manager"])),
    request_body = ClosingReasons,
    responses(
        (status = 200, body = ClosingReasons),
        (status = 422, response = Problem),
    )
)]
async fn save_closing_reasons(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(given): JsonBody<ClosingReasons>,
) -> Result<Json<ClosingReasons>, ApiError> {
    Ok(Json(
        chat_labels::save_closing_reasons(&state, &manager, &given).await?,
    ))
}
