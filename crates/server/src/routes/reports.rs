//! `GET /api/reports/summary` (managers): the figures of a range of time.

use axum::extract::State;
use axum::Json;
use handover_core::reports::ReportSummary;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::QueryParams;
use super::openapi::Problem;
use crate::auth::Manager;
use crate::error::ApiError;
use crate::reports::{self, MAX_RANGE_MS};
use crate::state::AppState;
use crate::time::parse_rfc3339;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(summary)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// The start, included: RFC 3339 with its offset, e.g. `2026-11-25T00:00:00+05:30`.
    from: Option<String>,
    /// The end, not included; at most 366 days after `from`.
    to: Option<String>,
}

impl Range {
    /// `[from, to)` in ms, or a 400 naming what is wrong.
    fn checked(&self) -> Result<(i64, i64), ApiError> {
        let time = |name: &str, given: &Option<String>| {
            let text = given.as_deref().unwrap_or_default();
            parse_rfc3339(text).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_range",
                    format!("{name}: {text:?} is not an RFC 3339 time with its offset, e.g. 2026-11-25T00:00:00Z."),
                )
            })
        };
        let (from, to) = (time("from", &self.from)?, time("to", &self.to)?);
        if to <= from {
            return Err(ApiError::bad_request(
                "invalid_range",
                "to: must be after from.",
            ));
        }
        if to - from > MAX_RANGE_MS {
            return Err(ApiError::bad_request(
                "invalid_range",
                "A report covers at most 366 days; choose a shorter range.",
            ));
        }
        Ok((from, to))
    }
}

/// The figures of a range: customers, escalations, containment, waits, responses, agents (managers).
///
/// Computed from the stored transitions and messages. Waits run from a
/// chat's entering Requesting to an agent's taking it; time the chat spent
/// with the bot before it asked for a person is not counted.
#[utoipa::path(
    get,
    path = "/reports/summary",
    operation_id = "get_report_summary",
    tag = "reports",
    params(Range),
    responses(
        (status = 200, body = ReportSummary),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
    )
)]
async fn summary(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(range): QueryParams<Range>,
) -> Result<Json<ReportSummary>, ApiError> {
    let (from, to) = range.checked()?;
    Ok(Json(reports::summary(&state.db.pool, from, to).await?))
}
