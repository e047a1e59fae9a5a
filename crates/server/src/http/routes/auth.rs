//! Signing in and out, and who am I.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{AppendHeaders, IntoResponse};
use axum::Json;
use handover_core::api::{Agent, LoginRequest, PasswordChange, SessionInfo};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::JsonBody;
use super::openapi::Problem;
use crate::app::auth::{accounts, password};
use crate::http::error::ApiError;
use crate::http::session;
use crate::http::signed_in::{ClientAddress, CurrentAgent};
use crate::platform::peers::SignOut;
use crate::platform::throttle::Refusal;
use crate::state::AppState;
use crate::store;

/// The longest e-mail address there is.
const MAX_EMAIL: usize = 254;
const MAX_PASSWORD: usize = password::MAX_BYTES;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(login))
            .routes(routes!(logout))
            .routes(routes!(session))
            .routes(routes!(me))
            .routes(routes!(change_password)),
    )
}

/// Sign in; sets the session cookie.
///
/// Failed attempts are throttled per account and address (429 with
/// `Retry-After`); a disabled account gets 403.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "sign_in",
    tag = "auth",
    security(()),
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the `handover_session` cookie is set", body = Agent),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 422, response = Problem),
        (status = 429, response = Problem),
    )
)]
async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    JsonBody(request): JsonBody<LoginRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let now = state.clock.now_ms();
    let email = request.email.trim().to_owned();
    if email.len() > MAX_EMAIL || request.password.len() > MAX_PASSWORD {
        return Err(ApiError::unprocessable(
            "too_long",
            format!(
                "email: at most {MAX_EMAIL} characters, password: at most {MAX_PASSWORD} bytes."
            ),
        ));
    }
    let attempt = state
        .throttle
        .begin(&email, address, now)
        .map_err(refused)?;
    let found = store::agents::with_password(&state.db.pool, &email).await?;
    let password = request.password;
    // Verify even when the account does not exist, so timing tells nothing.
    let (agent, stored) = match found {
        Some((agent, hash)) => (Some(agent), hash),
        None => (None, password::decoy().to_owned()),
    };
    let matches = state
        .passwords
        .check(password, stored)
        .await
        .map_err(|_busy| refused(Refusal::Busy))?;
    let agent = match agent {
        Some(agent) if matches => agent,
        _ => {
            attempt.failed(state.clock.now_ms());
            state.metrics.sign_in_failed();
            state.peers.sign_in_failed(&email, address).await;
            return Err(ApiError::Unauthorized("Wrong e-mail or password.".into()));
        }
    };
    attempt.succeeded();
    if agent.disabled {
        return Err(ApiError::Forbidden(
            "This account is disabled. Ask a manager to enable it.".into(),
        ));
    }
    let token = accounts::start_session(&state.db, agent.id, now).await?;
    Ok((
        AppendHeaders([(
            header::SET_COOKIE,
            session::set_cookie(&token, state.secure_cookies),
        )]),
        Json(agent),
    ))
}

/// A sign-in the throttle holds back: 429 with when to try again.
fn refused(refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Wait { ms } => ApiError::TooManyRequests {
            message: format!(
                "Too many failed sign-ins from here for this account. Try again in {}.",
                wait_in_words(ms)
            ),
            retry_after_s: (ms + 999) / 1000,
        },
        Refusal::Busy => ApiError::TooManyRequests {
            message: "Many people are signing in right now; try again in a moment.".into(),
            retry_after_s: 1,
        },
    }
}

fn wait_in_words(ms: i64) -> String {
    match (ms + 999) / 1000 {
        seconds @ 0..=59 => format!("{seconds} second(s)"),
        seconds => format!("{} minute(s)", (seconds + 59) / 60),
    }
}

/// Sign out: this session ends and its dashboards stop receiving.
#[utoipa::path(
    post,
    path = "/auth/logout",
    operation_id = "sign_out",
    tag = "auth",
    security(()),
    responses((status = 204, description = "Signed out; the cookie is cleared"))
)]
async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    if let Some(token) = session::token_from(&headers) {
        let hash = crate::platform::secrets::token_hash(&token);
        accounts::end_session(&state.db, &hash).await?;
        // The dashboards of this session stop receiving at once.
        state.peers.sign_out(SignOut::Session(hash)).await;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([(
            header::SET_COOKIE,
            session::clear_cookie(state.secure_cookies),
        )]),
    ))
}

/// Change one's own password, giving the current one; the other sessions end.
///
/// A session left open on a shared computer is not enough to change it.
/// Guesses of the current password are throttled like sign-ins; this
/// session stays signed in.
#[utoipa::path(
    put,
    path = "/me/password",
    operation_id = "change_own_password",
    tag = "auth",
    request_body = PasswordChange,
    responses(
        (status = 200, body = Agent),
        (status = 422, response = Problem),
        (status = 429, response = Problem),
    )
)]
async fn change_password(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: axum::http::HeaderMap,
    CurrentAgent(agent): CurrentAgent,
    JsonBody(change): JsonBody<PasswordChange>,
) -> Result<Json<Agent>, ApiError> {
    if change.current_password.len() > MAX_PASSWORD {
        return Err(ApiError::unprocessable(
            "wrong_current_password",
            "current_password: that is not your current password.",
        ));
    }
    let attempt = state
        .throttle
        .begin(&agent.email, address, state.clock.now_ms())
        .map_err(refused)?;
    let stored = store::agents::with_password(&state.db.pool, &agent.email)
        .await?
        .map_or_else(|| password::decoy().to_owned(), |(_, hash)| hash);
    let matches = state
        .passwords
        .check(change.current_password, stored)
        .await
        .map_err(|_busy| refused(Refusal::Busy))?;
    if !matches {
        attempt.failed(state.clock.now_ms());
        state.metrics.sign_in_failed();
        state.peers.sign_in_failed(&agent.email, address).await;
        return Err(ApiError::unprocessable(
            "wrong_current_password",
            "current_password: that is not your current password.",
        ));
    }
    attempt.succeeded();
    let session = session::token_from(&headers)
        .map(|token| crate::platform::secrets::token_hash(&token))
        .unwrap_or_default();
    accounts::set_own_password(
        &state.db,
        &state.passwords,
        agent.id,
        &change.new_password,
        &session,
    )
    .await?;
    state
        .peers
        .sign_out(SignOut::AgentExcept(agent.id, session))
        .await;
    Ok(Json(agent))
}

/// The signed-in agent.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "get_me",
    tag = "auth",
    responses(
        (status = 200, body = Agent),
    )
)]
async fn me(CurrentAgent(agent): CurrentAgent) -> Json<Agent> {
    Json(agent)
}

/// Who is signed in: the agent, or null when nobody is (never 401).
///
/// The app asks this at start, so a visitor who is not signed in gets an
/// answer rather than an error.
#[utoipa::path(
    get,
    path = "/auth/session",
    operation_id = "get_session",
    tag = "auth",
    security(()),
    responses((status = 200, body = SessionInfo))
)]
async fn session(signed_in: Result<CurrentAgent, ApiError>) -> Result<Json<SessionInfo>, ApiError> {
    match signed_in {
        Ok(CurrentAgent(agent)) => Ok(Json(SessionInfo { agent: Some(agent) })),
        Err(ApiError::Unauthorized(_)) => Ok(Json(SessionInfo { agent: None })),
        Err(other) => Err(other),
    }
}
