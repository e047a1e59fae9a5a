//! The managers' reports: the figures of a range, its days and its
//! breakdowns; the satisfaction survey's settings; the audit trail.

use gloo_net::http::Request;
use handover_core::api::Page;
use handover_core::audit::{AuditAction, AuditEntry};
use handover_core::breakdowns::{Breakdown, BreakdownRow};
use handover_core::csat::CsatSettings;
use handover_core::reports::{ReportDay, ReportSummary};

use super::{encode, get_json, read, ApiError};

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

/// `GET /api/reports/breakdown?by=&from=&to=`.
pub async fn fetch_breakdown(
    by: Breakdown,
    from: String,
    to: String,
) -> Result<Vec<BreakdownRow>, ApiError> {
    get_json(&format!(
        "/api/reports/breakdown?by={}&{}",
        by.as_str(),
        range(&from, &to)
    ))
    .await
}

/// Where a breakdown downloads as CSV.
pub fn breakdown_csv(by: Breakdown, from: &str, to: &str) -> String {
    format!(
        "/api/reports/breakdown.csv?by={}&{}",
        by.as_str(),
        range(from, to)
    )
}

/// `GET /api/csat` (managers).
pub async fn fetch_csat_settings() -> Result<CsatSettings, ApiError> {
    get_json("/api/csat").await
}

/// `PUT /api/csat` (managers).
pub async fn save_csat_settings(settings: CsatSettings) -> Result<CsatSettings, ApiError> {
    let request = Request::put("/api/csat")
        .json(&settings)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// Which audit entries to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub agent: Option<i64>,
    pub action: Option<AuditAction>,
    /// RFC 3339 times, `from` included, `to` not.
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
}

/// `GET /api/audit` (managers).
pub async fn fetch_audit(query: AuditQuery) -> Result<Page<AuditEntry>, ApiError> {
    let mut url = "/api/audit?limit=50".to_owned();
    if let Some(agent) = query.agent {
        url.push_str(&format!("&agent_id={agent}"));
    }
    if let Some(action) = query.action {
        url.push_str(&format!("&action={}", action.as_str()));
    }
    for (name, value) in [
        ("from", &query.from),
        ("to", &query.to),
        ("cursor", &query.cursor),
    ] {
        if let Some(value) = value {
            url.push_str(&format!("&{name}={}", encode(value)));
        }
    }
    get_json(&url).await
}
