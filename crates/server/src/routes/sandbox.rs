//! `GET /api/sandbox/outbox` (managers): what the sandbox transport would
//! have sent to WhatsApp, newest first.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::time::rfc3339;

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
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT wamid, payload, at FROM sandbox_outbox ORDER BY id DESC LIMIT 200")
            .fetch_all(&state.db.pool)
            .await?;
    Ok(Json(
        rows.into_iter()
            .map(|(wamid, payload, at)| SandboxMessage {
                wamid,
                payload: serde_json::from_str(&payload).unwrap_or_default(),
                at: rfc3339(at),
            })
            .collect(),
    ))
}
