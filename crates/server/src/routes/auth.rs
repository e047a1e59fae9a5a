//! Signing in and out, and who am I.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use axum::Json;
use handover_core::api::{Agent, LoginRequest, SessionInfo};

use super::extract::JsonBody;
use crate::auth::{password, session, CurrentAgent};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

pub async fn login(
    State(state): State<AppState>,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.clock.now_ms();
    let email = request.email.trim().to_owned();
    if let Some(wait_ms) = state.throttle.locked_for(&email, now) {
        let minutes = (wait_ms + 59_999) / 60_000;
        return Err(ApiError::TooManyRequests {
            message: format!(
                "Too many failed sign-ins for this account. Try again in {minutes} minute(s)."
            ),
            retry_after_s: wait_ms / 1000,
        });
    }
    let found = store::agents::with_password(&state.db.pool, &email).await?;
    let password = request.password;
    // Verify even when the account does not exist, so timing tells nothing.
    let (agent, stored) = match found {
        Some((agent, hash)) => (Some(agent), hash),
        None => (None, password::decoy().to_owned()),
    };
    let matches = tokio::task::spawn_blocking(move || password::verify(&password, &stored))
        .await
        .unwrap_or(false);
    let agent = match agent {
        Some(agent) if matches => agent,
        _ => {
            state.throttle.failed(&email, now);
            return Err(ApiError::Unauthorized("Wrong e-mail or password.".into()));
        }
    };
    if agent.disabled {
        return Err(ApiError::Forbidden(
            "This account is disabled. Ask a manager to enable it.".into(),
        ));
    }
    state.throttle.succeeded(&email);
    let token = store::agents::start_session(&state.db, agent.id, now).await?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, session::set_cookie(&token))]),
        Json(agent),
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = session::token_from(&headers) {
        store::agents::end_session(&state.db, &session::token_hash(&token)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(header::SET_COOKIE, session::clear_cookie())]),
    ))
}

pub async fn me(CurrentAgent(agent): CurrentAgent) -> Json<Agent> {
    Json(agent)
}

/// Who is signed in, if anyone: the app asks this at start, so a visitor
/// who is not signed in gets an answer rather than an error.
pub async fn session(
    signed_in: Result<CurrentAgent, ApiError>,
) -> Result<Json<SessionInfo>, ApiError> {
    match signed_in {
        Ok(CurrentAgent(agent)) => Ok(Json(SessionInfo { agent: Some(agent) })),
        Err(ApiError::Unauthorized(_)) => Ok(Json(SessionInfo { agent: None })),
        Err(other) => Err(other),
    }
}
