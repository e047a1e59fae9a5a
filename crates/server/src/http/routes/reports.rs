//! The managers' reports of a range of time: `GET /api/reports/summary`
//! (the figures) and `GET /api/reports/daily` (day by day, also as CSV).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use handover_core::breakdowns::{Breakdown, BreakdownRow};
use handover_core::reports::{ReportDay, ReportSummary};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::QueryParams;
use crate::app::reports::breakdowns;
use crate::app::reports::{self, MAX_RANGE_MS};
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::platform::time::parse_written;
use crate::state::AppState;
use crate::store::rollups::QUARTER_HOUR_MS;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(summary))
            .routes(routes!(daily))
            .routes(routes!(daily_csv))
            .routes(routes!(breakdown))
            .routes(routes!(breakdown_csv)),
    )
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Range {
    /// The start, included: RFC 3339 with its offset, on a quarter hour, e.g. `2026-11-25T00:00:00+05:30`.
    from: Option<String>,
    /// The end, not included, on a quarter hour; at most 366 days after `from`.
    to: Option<String>,
}

/// A range that made sense: `[from, to)` in ms, the offset `from` was
/// written in and its date (the first day of a daily report).
struct Checked {
    from: i64,
    to: i64,
    offset_ms: i64,
    first_day: (i64, i64, i64),
}

impl Range {
    /// The range, or a 400 naming what is wrong.
    fn checked(&self) -> Result<Checked, ApiError> {
        let time = |name: &str, given: &Option<String>| {
            let text = given.as_deref().unwrap_or_default();
            parse_written(text).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_range",
                    format!("{name}: {text:?} is not an RFC 3339 time with its offset, e.g. 2026-11-25T00:00:00Z."),
                )
            })
        };
        let (from, to) = (time("from", &self.from)?, time("to", &self.to)?);
        if to.at_ms <= from.at_ms {
            return Err(ApiError::bad_request(
                "invalid_range",
                "to: must be after from.",
            ));
        }
        if from.at_ms % QUARTER_HOUR_MS != 0 || to.at_ms % QUARTER_HOUR_MS != 0 {
            return Err(ApiError::bad_request(
                "invalid_range",
                "Reports count whole quarter hours: give from and to at :00, :15, :30 or :45, without seconds (midnight in your time zone is one).",
            ));
        }
        if to.at_ms - from.at_ms > MAX_RANGE_MS {
            return Err(ApiError::bad_request(
                "invalid_range",
                "A report covers at most 366 days; choose a shorter range.",
            ));
        }
        Ok(Checked {
            from: from.at_ms,
            to: to.at_ms,
            offset_ms: from.offset_ms,
            first_day: from.date,
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
    security(("session" = ["manager"])),
    params(Range),
    responses(
        (status = 200, body = ReportSummary),
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
    security(("session" = ["manager"])),
    params(Range),
    responses(
        (status = 200, body = Vec<ReportDay>),
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
    security(("session" = ["manager"])),
    params(Range),
    responses(
        (status = 200, description = "`handover-daily.csv`, as an attachment", content_type = "text/csv", body = String),
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

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct By {
    /// `hour`, `weekday_hour`, `tag`, `source`, `label`, `closing_reason` or `intent`.
    by: Option<String>,
}

impl By {
    fn checked(&self) -> Result<Breakdown, ApiError> {
        let given = self.by.as_deref().unwrap_or_default();
        Breakdown::parse(given).ok_or_else(|| {
            let known: Vec<&str> = Breakdown::ALL.iter().map(|by| by.as_str()).collect();
            ApiError::bad_request(
                "invalid_breakdown",
                format!("by: {given:?} is not one of {}.", known.join(", ")),
            )
        })
    }
}

/// A range broken down by hour, weekday and hour, tag, source, label, closing reason or escalation cause (managers).
///
/// Hours are those of the offset `from` is written in. Columns a breakdown
/// does not count are `null`: customers and containment for closing
/// reasons and causes, resolves for hours and causes, requests for closing
/// reasons.
#[utoipa::path(
    get,
    path = "/reports/breakdown",
    operation_id = "get_report_breakdown",
    tag = "reports",
    security(("session" = ["manager"])),
    params(Range, By),
    responses(
        (status = 200, body = Vec<BreakdownRow>),
    )
)]
async fn breakdown(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(range): QueryParams<Range>,
    QueryParams(by): QueryParams<By>,
) -> Result<Json<Vec<BreakdownRow>>, ApiError> {
    let (range, by) = (range.checked()?, by.checked()?);
    Ok(Json(
        breakdowns::breakdown(&state.db.pool, by, range.from, range.to, range.offset_ms).await?,
    ))
}

/// A breakdown as a CSV file, with only the columns it counts (managers).
#[utoipa::path(
    get,
    path = "/reports/breakdown.csv",
    operation_id = "export_report_breakdown",
    tag = "reports",
    security(("session" = ["manager"])),
    params(Range, By),
    responses(
        (status = 200, description = "`handover-by-<breakdown>.csv`, as an attachment", content_type = "text/csv", body = String),
    )
)]
async fn breakdown_csv(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(range): QueryParams<Range>,
    QueryParams(by): QueryParams<By>,
) -> Result<impl IntoResponse, ApiError> {
    let (range, by) = (range.checked()?, by.checked()?);
    let rows =
        breakdowns::breakdown(&state.db.pool, by, range.from, range.to, range.offset_ms).await?;
    let disposition = format!("attachment; filename=\"{}\"", by.file_name());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        breakdowns::csv(by, &rows),
    ))
}
