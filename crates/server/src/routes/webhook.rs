//! `GET /webhook` (verification) and `POST /webhook` (deliveries).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::error::ApiError;
use crate::state::AppState;
use crate::webhook::{payload, process, signature};

/// Deliveries larger than this are refused with 413 (Meta's are a few KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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
    Query(query): Query<Verification>,
) -> Result<String, ApiError> {
    let configured = state.webhook.verify_token.as_deref();
    let matches = query.mode.as_deref() == Some("subscribe")
        && configured.is_some()
        && query.verify_token.as_deref() == configured;
    match (matches, query.challenge) {
        (true, Some(challenge)) => Ok(challenge),
        _ => Err(ApiError::Forbidden(
            "Webhook verification failed: hub.mode must be subscribe and hub.verify_token must match HANDOVER_VERIFY_TOKEN.".into(),
        )),
    }
}

/// Checks the signature, parses, applies in one transaction, and only then
/// answers 200. Any failure before the commit leaves nothing behind, and
/// WhatsApp retries.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|rejection| match rejection {
        BytesRejection::FailedToBufferBody(_) => ApiError::PayloadTooLarge(format!(
            "The delivery is larger than {} KB and was refused.",
            MAX_BODY_BYTES / 1024
        )),
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
    let delivery = payload::parse(&body)
        .map_err(|error| ApiError::bad_request("invalid_webhook", error.to_string()))?;
    let processed = process::apply(&state.db, &delivery, state.clock.now_ms()).await?;
    if processed.events {
        state.events.notify();
    }
    if processed.outbound {
        state.outbox.wake();
    }
    Ok(StatusCode::OK)
}
