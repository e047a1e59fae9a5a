//! The managers' reports of a range of time: `GET /api/reports/summary`
//! (the figures) and `GET /api/reports/daily` (day by day, also as CSV).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use handover_core::reports::{ReportDay, ReportSummary};
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
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(summary))
            .routes(routes!(daily))
            .routes(routes!(daily_csv)),
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// The start, included: RFC 3339 with its offset, e.g. `2026-11-25T00:00:00+05:30`.
    from: Option<String>,
    /// The end, not included; at most 366 days after `from`.
    to: Option<String>,
}

/// A range that made sense: `[from, to)` in ms, and the date `from` was
/// written with (the first day of a daily report).
struct Checked {
    from: i64,
    to: i64,
    first_day: (i64, i64, i64),
}

impl Range {
    /// The range, or a 400 naming what is wrong.
    fn checked(&self) -> Result<Checked, ApiError> {
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
        let text = self.from.as_deref().unwrap_or_default();
        // `from` parsed, so its first ten characters are digits and dashes.
        let part = |range: std::ops::Range<usize>| {
            text.get(range)
                .and_then(|digits| digits.parse::<i64>().ok())
                .unwrap_or(1)
        };
        Ok(Checked {
            from,
            to,
            first_day: (part(0..4), part(5..7), part(8..10)),
        })
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
    let range = range.checked()?;
    Ok(Json(
        reports::summary(&state.db.pool, range.from, range.to).await?,
    ))
}

/// Day by day: customers, escalations, missed requests and resolves (managers).
///
/// Days are whole 24 hours from `from`, named by the date `from` is written
/// with: give `from` at midnight in the viewer's offset for the viewer's days.
#[utoipa::path(
    get,
    path = "/reports/daily",
    operation_id = "get_daily_report",
    tag = "reports",
    params(Range),
    responses(
        (status = 200, body = Vec<ReportDay>),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
    )
)]
async fn daily(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(range): QueryParams<Range>,
) -> Result<Json<Vec<ReportDay>>, ApiError> {
    let range = range.checked()?;
    Ok(Json(
        reports::daily(&state.db.pool, range.from, range.to, range.first_day).await?,
    ))
}

/// The daily report as a CSV file (managers).
#[utoipa::path(
    get,
    path = "/reports/daily.csv",
    operation_id = "export_daily_report",
    tag = "reports",
    params(Range),
    responses(
        (status = 200, description = "`handover-daily.csv`, as an attachment", content_type = "text/csv", body = String),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
    )
)]
async fn daily_csv(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(range): QueryParams<Range>,
) -> Result<impl IntoResponse, ApiError> {
    let range = range.checked()?;
    let days = reports::daily(&state.db.pool, range.from, range.to, range.first_day).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"handover-daily.csv\"",
            ),
        ],
        reports::daily_csv(&days),
    ))
}
