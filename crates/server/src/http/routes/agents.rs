//! Agents: everyone can list them (to transfer a chat); managers create,
//! disable, enable and reset them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{Agent, AgentChanges, NewAgent, TeamMember};
use handover_core::AgentId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::auth::accounts;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::platform::peers::SignOut;
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(list, create))
            .routes(routes!(update)),
    )
}

/// All agents, each with `online` (a dashboard open now).
#[utoipa::path(
    get,
    path = "/agents",
    operation_id = "list_agents",
    tag = "agents",
    responses(
        (status = 200, body = Vec<TeamMember>),
    )
)]
async fn list(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<TeamMember>>, ApiError> {
    let agents = store::agents::list(&state.db.pool).await?;
    Ok(Json(
        agents
            .into_iter()
            .map(|agent| TeamMember {
                online: state.events.is_online(agent.id),
                agent,
            })
            .collect(),
    ))
}

/// Create an agent or a manager (managers).
#[utoipa::path(
    post,
    path = "/agents",
    operation_id = "create_agent",
    tag = "agents",
    security(("session" = ["manager"])),
    request_body = NewAgent,
    responses(
        (status = 201, body = Agent),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(agent): JsonBody<NewAgent>,
) -> Result<(StatusCode, Json<Agent>), ApiError> {
    let now = state.clock.now_ms();
    let created =
        accounts::create(&state.db, &state.passwords, &agent, Some(&manager), now).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Rename, change the role, disable or enable, or reset someone else's password (managers).
///
/// A disabled agent, or one whose password was reset, is signed out
/// everywhere at once.
#[utoipa::path(
    patch,
    path = "/agents/{id}",
    operation_id = "update_agent",
    tag = "agents",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = AgentChanges,
    responses(
        (status = 200, body = Agent),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(changes): JsonBody<AgentChanges>,
) -> Result<Json<Agent>, ApiError> {
    let now = state.clock.now_ms();
    let updated = accounts::update(
        &state.db,
        &state.passwords,
        &manager,
        AgentId(id),
        &changes,
        now,
    )
    .await?;
    // Disabled, or with a new password: their dashboards stop receiving at once.
    if changes.disabled == Some(true) || changes.password.is_some() {
        state.peers.sign_out(SignOut::Agent(updated.id)).await;
    }
    Ok(Json(updated))
}
