//! `GET /api/sections`: the counts on the dashboard's tabs.

use axum::extract::State;
use axum::Json;
use handover_core::SectionCounts;

use super::AppState;
use crate::error::ApiError;
use crate::{store, time};

pub async fn counts(State(state): State<AppState>) -> Result<Json<SectionCounts>, ApiError> {
    Ok(Json(
        store::sections::counts(&state.db, time::now_ms()).await?,
    ))
}
