//! `GET /api/sandbox/outbox` (managers): what the sandbox transport would
//! have sent to WhatsApp, newest first.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;
use crate::time::rfc3339;

/// How many of the newest messages are shown.
const SHOWN: i64 = 200;

#[derive(Serialize)]
pub struct SandboxMessage {
    wamid: String,
    payload: serde_json::Value,
    at: String,
}

pub async fn outbox(
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
