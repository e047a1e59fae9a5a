//! `GET /api/search?q=`: customers across every section and History, by
//! name, by any run of digits of their number, or by what they wrote.

use axum::extract::State;
use axum::Json;
use handover_core::api::SearchResults;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::QueryParams;
use super::openapi::Problem;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store::search::{self, SearchTerms};

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(search)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// At least 3 letters or digits: part of a name, any run of digits of
    /// a number, or words the customer wrote.
    q: Option<String>,
    /// 1–50, default 20.
    limit: Option<usize>,
}

/// Customers found by name, number or what they wrote, in every section and History.
#[utoipa::path(
    get,
    path = "/search",
    operation_id = "search_customers",
    tag = "chats",
    params(SearchQuery),
    responses(
        (status = 200, body = SearchResults),
        (status = 422, response = Problem),
    )
)]
async fn search(
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
