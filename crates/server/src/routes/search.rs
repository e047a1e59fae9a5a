//! `GET /api/search?q=`: customers across every section and History, by
//! name, by any run of digits of their number, or by what they wrote.

use axum::extract::State;
use axum::Json;
use handover_core::api::SearchResults;
use serde::Deserialize;

use super::extract::QueryParams;
use crate::auth::CurrentAgent;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::search::{self, SearchTerms};

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    limit: Option<usize>,
}

pub async fn search(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    let terms = SearchTerms::parse(query.q.as_deref().unwrap_or_default()).ok_or_else(|| {
        ApiError::unprocessable(
            "query_too_short",
            "q: type at least 3 letters or digits of a name, a number or a message.",
        )
    })?;
    let limit = query.limit.unwrap_or(20).clamp(1, 50);
    Ok(Json(
        search::search(&state.db.pool, &terms, limit, state.clock.now_ms()).await?,
    ))
}
