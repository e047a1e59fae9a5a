//! The managers' reports: the figures of a range and its days.

use handover_core::reports::{ReportDay, ReportSummary};

use super::{encode, get_json, ApiError};

/// The query of a range, `from` and `to` as RFC 3339 with their offsets.
fn range(from: &str, to: &str) -> String {
    format!("from={}&to={}", encode(from), encode(to))
}

/// `GET /api/reports/summary?from=&to=`.
pub async fn fetch_report(from: String, to: String) -> Result<ReportSummary, ApiError> {
    get_json(&format!("/api/reports/summary?{}", range(&from, &to))).await
}

/// `GET /api/reports/daily?from=&to=`.
pub async fn fetch_report_days(from: String, to: String) -> Result<Vec<ReportDay>, ApiError> {
    get_json(&format!("/api/reports/daily?{}", range(&from, &to))).await
}

/// Where the daily report downloads as CSV.
pub fn report_days_csv(from: &str, to: &str) -> String {
    format!("/api/reports/daily.csv?{}", range(from, to))
}
