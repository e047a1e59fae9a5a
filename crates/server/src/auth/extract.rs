//! Extractors: `CurrentAgent` for any signed-in person, `Manager` for
//! manager-only routes. Handlers that take one cannot run without it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use handover_core::api::Agent;
use handover_core::{Actor, Role};

use super::session;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

/// The signed-in agent or manager.
pub struct CurrentAgent(pub Agent);

impl CurrentAgent {
    pub fn actor(&self) -> Actor {
        Actor {
            agent: self.0.id,
            role: self.0.role,
        }
    }
}

impl FromRequestParts<AppState> for CurrentAgent {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = session::token_from(&parts.headers)
            .ok_or_else(|| ApiError::Unauthorized("Please sign in.".into()))?;
        let agent = store::agents::by_session(
            &state.db.pool,
            &session::token_hash(&token),
            state.clock.now_ms(),
        )
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("Your session has ended; please sign in again.".into())
        })?;
        Ok(CurrentAgent(agent))
    }
}

/// A signed-in manager; agents get 403.
pub struct Manager(pub Agent);

impl FromRequestParts<AppState> for Manager {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let CurrentAgent(agent) = CurrentAgent::from_request_parts(parts, state).await?;
        match agent.role {
            Role::Manager => Ok(Manager(agent)),
            Role::Agent => Err(ApiError::Forbidden("Only managers can do this.".into())),
        }
    }
}
