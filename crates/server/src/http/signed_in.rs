//! Extractors: `CurrentAgent` for any signed-in person, `Manager` for
//! manager-only routes, `ApiClient` for integrations with a bearer token.
//! Handlers that take one cannot run without it.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use handover_core::api::Agent;
use handover_core::{Actor, Role};

use crate::app::auth::api_tokens;
use crate::http::error::ApiError;
use crate::http::session;
use crate::state::AppState;
use crate::store;

/// Where a request comes from: the peer's address, or behind a trusted
/// proxy (`HANDOVER_TRUST_PROXY`) the last address of `X-Forwarded-For`.
pub struct ClientAddress(pub std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .trust_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|value| value.to_str().ok())
                    .flat_map(|value| value.split(','))
                    .filter_map(|hop| hop.trim().parse().ok())
                    .next_back()
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|info| info.0.ip());
        Ok(ClientAddress(forwarded.or(peer).unwrap_or(
            std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        )))
    }
}

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
            &crate::platform::secrets::token_hash(&token),
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

/// An integration calling with `Authorization: Bearer <API token>`; the
/// token's id. Its last use is recorded, to the minute.
pub struct ApiClient(pub i64);

impl FromRequestParts<AppState> for ApiClient {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "Send an API token as Authorization: Bearer <token>; managers create tokens in the dashboard.".into(),
                )
            })?;
        let (id, last_used_at) = store::api_tokens::find_live(
            &state.db.pool,
            &crate::platform::secrets::token_hash(token),
        )
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized("This API token is unknown or was revoked.".into())
        })?;
        api_tokens::used(state, id, last_used_at).await?;
        Ok(ApiClient(id))
    }
}
