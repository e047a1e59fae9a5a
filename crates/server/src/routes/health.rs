//! `GET /healthz`: 200 when the database answers, for load balancers and scripts.

use axum::extract::State;
use axum::http::StatusCode;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

pub async fn healthz(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    store::ping(&state.db.pool).await?;
    Ok(StatusCode::OK)
}
