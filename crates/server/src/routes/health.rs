//! `GET /healthz`: 200 when the database answers, for load balancers and scripts.

use axum::extract::State;
use axum::http::StatusCode;

use super::AppState;
use crate::error::ApiError;

pub async fn healthz(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    Ok(StatusCode::OK)
}
