//! `GET /api/sandbox/outbox` (managers): what the sandbox transport would
//! have sent to WhatsApp, newest first.

use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::platform::time::rfc3339;
use crate::state::AppState;
use crate::store;

/// How many of the newest messages are shown.
const SHOWN: i64 = 200;

/// A message as the Cloud API would have received it.
#[derive(Serialize, ToSchema)]
pub struct SandboxMessage {
    wamid: String,
    /// The request body that would have been sent.
    payload: serde_json::Value,
    at: String,
}

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(outbox)))
}

/// What the sandbox transport would have sent to WhatsApp, newest first (managers).
#[utoipa::path(
    get,
    path = "/sandbox/outbox",
    operation_id = "get_sandbox_outbox",
    tag = "sandbox",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Vec<SandboxMessage>),
    )
)]
async fn outbox(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<SandboxMessage>>, ApiError> {
    let recorded = store::sandbox::newest(&state.db.pool, SHOWN).await?;
    Ok(Json(
        recorded
            .into_iter()
            .map(|message| SandboxMessage {
                wamid: message.wamid,
                payload: serde_json::from_str(&message.payload).unwrap_or_default(),
                at: rfc3339(message.at),
            })
            .collect(),
    ))
}
