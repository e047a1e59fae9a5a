//! Agents: everyone can list them (to transfer a chat); managers create,
//! disable, enable and reset them.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{Agent, AgentChanges, NewAgent, TeamMember};
use handover_core::AgentId;

use super::extract::JsonBody;
use crate::auth::{accounts, CurrentAgent, Manager};
use crate::error::ApiError;
use crate::peers::SignOut;
use crate::state::AppState;
use crate::store;

/// Everyone, with who is online now (a dashboard open).
pub async fn list(
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

pub async fn create(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(agent): JsonBody<NewAgent>,
) -> Result<(StatusCode, Json<Agent>), ApiError> {
    let created =
        accounts::create(&state.db, &state.passwords, &agent, state.clock.now_ms()).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

pub async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(changes): JsonBody<AgentChanges>,
) -> Result<Json<Agent>, ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::bad_request("invalid_agent_id", format!("{id:?} is not an agent id."))
    })?;
    if AgentId(id) == manager.id
        && (changes.disabled == Some(true) || changes.role.is_some_and(|r| r != manager.role))
    {
        return Err(ApiError::conflict(
            "cannot_demote_self",
            "You cannot disable your own account or change your own role; ask another manager.",
        ));
    }
    if AgentId(id) == manager.id && changes.password.is_some() {
        return Err(ApiError::conflict(
            "own_password",
            "To change your own password, give your current one: Team → Change password (PUT /api/me/password).",
        ));
    }
    let updated = accounts::update(&state.db, &state.passwords, AgentId(id), &changes).await?;
    // Disabled, or with a new password: their dashboards stop receiving at once.
    if changes.disabled == Some(true) || changes.password.is_some() {
        state.peers.sign_out(SignOut::Agent(updated.id)).await;
    }
    Ok(Json(updated))
}
