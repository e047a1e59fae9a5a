//! `GET /webhook` (verification) and `POST /webhook` (deliveries).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;

use super::extract::{body_failure, QueryParams};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhook::{payload, signature};

/// Deliveries larger than this are refused with 413. Meta's are usually a
/// few KB, but a batch of thousands of statuses runs into megabytes.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// Deliveries larger than this (or of no declared length) take one of
/// [`LARGE_AT_ONCE`] turns, so that however many arrive at once, the
/// memory their bodies take stays bounded.
const LARGE_BYTES: usize = 256 * 1024;
const LARGE_AT_ONCE: usize = 4;
static LARGE_TURNS: Semaphore = Semaphore::const_new(LARGE_AT_ONCE);

/// Lets a large delivery in when it has a turn.
pub async fn large_in_turn(request: Request, next: Next) -> Response {
    let length = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let _turn = match length {
        Some(length) if length <= LARGE_BYTES => None,
        _ => LARGE_TURNS.acquire().await.ok(),
    };
    next.run(request).await
}

#[derive(Deserialize)]
pub struct Verification {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

/// Echoes the challenge when the token matches; 403 otherwise.
pub async fn verify(
    State(state): State<AppState>,
    QueryParams(query): QueryParams<Verification>,
) -> Result<String, ApiError> {
    // Compared in constant time: how long the answer takes tells nothing
    // about how much of a guess was right.
    let token_matches = match (&state.webhook.verify_token, &query.verify_token) {
        (Some(configured), Some(given)) => {
            bool::from(configured.as_bytes().ct_eq(given.as_bytes()))
        }
        _ => false,
    };
    let matches = query.mode.as_deref() == Some("subscribe") && token_matches;
    match (matches, query.challenge) {
        (true, Some(challenge)) => Ok(challenge),
        _ => Err(ApiError::Forbidden(
            "Webhook verification failed: hub.mode must be subscribe and hub.verify_token must match HANDOVER_VERIFY_TOKEN.".into(),
        )),
    }
}

/// Checks the signature, parses, applies (in a batch's transaction), and
/// only after the commit answers 200. Any failure before the commit leaves
/// nothing behind, and WhatsApp retries.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(failure) => body_failure(&failure, || {
            format!(
                "The delivery is larger than {} KB and was refused.",
                MAX_BODY_BYTES / 1024
            )
        }),
        other => ApiError::bad_request("unreadable_body", other.body_text()),
    })?;
    let Some(secret) = state.webhook.app_secret.as_deref() else {
        return Err(ApiError::Unavailable(
            "The webhook is not configured: set HANDOVER_APP_SECRET to the WhatsApp app secret."
                .into(),
        ));
    };
    let header = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| {
            ApiError::Unauthorized("The X-Hub-Signature-256 header is missing.".into())
        })?;
    if !signature::is_valid(secret, &body, header) {
        return Err(ApiError::Unauthorized(
            "The X-Hub-Signature-256 signature does not match the body and the app secret.".into(),
        ));
    }
    let delivery = payload::parse(&body).map_err(|error| {
        tracing::error!(%error, "refused a signed webhook delivery");
        ApiError::bad_request("invalid_webhook", error.to_string())
    })?;
    state.ingest.apply(delivery, state.clock.now_ms()).await?;
    Ok(StatusCode::OK)
}
