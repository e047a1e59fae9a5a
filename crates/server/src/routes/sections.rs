//! `GET /api/sections`: the counts on the dashboard's tabs.

use axum::extract::State;
use axum::Json;
use handover_core::SectionCounts;

use crate::auth::CurrentAgent;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

pub async fn counts(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<SectionCounts>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        store::sections::counts(&mut conn, state.clock.now_ms()).await?,
    ))
}
