//! `GET /api/sections`: the counts on the dashboard's tabs.

use axum::extract::State;
use axum::Json;
use handover_core::SectionCounts;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(counts)))
}

/// Counts per section and History.
#[utoipa::path(
    get,
    path = "/sections",
    operation_id = "get_section_counts",
    tag = "chats",
    responses(
        (status = 200, body = SectionCounts),
    )
)]
async fn counts(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<SectionCounts>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        store::sections::counts(&mut conn, state.clock.now_ms()).await?,
    ))
}
