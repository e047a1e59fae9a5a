//! `GET /webhook` (verification) and `POST /webhook` (deliveries).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::extract::{body_failure, QueryParams};
use super::openapi::Problem;
use crate::app::inbound::{payload, signature};
use crate::http::error::ApiError;
use crate::platform::metrics::DeliveryResult;
use crate::state::AppState;

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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Verification {
    /// `subscribe`.
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    /// `HANDOVER_VERIFY_TOKEN`.
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    /// Echoed when the token matches.
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(
        routes!(verify, receive)
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .layer(middleware::from_fn(large_in_turn)),
    )
}

/// WhatsApp's webhook verification: echoes `hub.challenge` when the token matches.
#[utoipa::path(
    get,
    path = "/webhook",
    operation_id = "verify_webhook",
    tag = "webhook",
    security(()),
    params(Verification),
    responses(
        (status = 200, description = "The challenge", content_type = "text/plain", body = String),
        (status = 403, response = Problem),
    )
)]
async fn verify(
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

/// WhatsApp Cloud API deliveries, signed with `X-Hub-Signature-256`; 200 only after commit.
///
/// Checks the signature, parses, applies (in a batch's transaction), and only
/// after the commit answers 200. Any failure before the commit leaves nothing
/// behind, and WhatsApp retries; a delivery sent again is applied once.
#[utoipa::path(
    post,
    path = "/webhook",
    operation_id = "receive_webhook",
    tag = "webhook",
    security(()),
    params(("X-Hub-Signature-256" = String, Header, description = "`sha256=` and the HMAC of the body with the app secret")),
    request_body(content = Object, description = "The Cloud API's webhook payload"),
    responses(
        (status = 200, description = "Committed"),
        (status = 401, response = Problem),
        (status = 408, response = Problem),
        (status = 503, response = Problem),
    )
)]
async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let arrived = Instant::now();
    let answer = take_delivery(&state, &headers, body).await.into_response();
    state.metrics.delivery(
        DeliveryResult::of_status(answer.status().as_u16()),
        arrived.elapsed(),
    );
    answer
}

/// A delivery checked, parsed and applied; 200 only after its commit.
async fn take_delivery(
    state: &AppState,
    headers: &HeaderMap,
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
    state.ingest.submit(delivery, state.clock.now_ms()).await?;
    Ok(StatusCode::OK)
}
