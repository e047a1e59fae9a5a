//! The managers' reports: what the bot handled alone, how long customers
//! waited for a person, who answered how fast. The figures and the rules
//! they are computed by (medians and percentiles of durations) live here,
//! so the server and the app agree on them.

use serde::{Deserialize, Serialize};

use crate::AgentId;

/// `GET /api/reports/summary?from=&to=`: one range of time, from the
/// stored transitions and messages. Durations are in seconds; a median of
/// nothing is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportSummary {
    /// The range, as RFC 3339 times: `from` included, `to` not.
    pub from: String,
    pub to: String,
    /// Distinct customers who wrote in the range.
    pub customers: u64,
    /// Moves into Requesting (the bot escalated, or an agent released).
    pub escalations: u64,
    /// Share of `customers` who never moved into Requesting in the range
    /// (0–100); `null` when nobody wrote.
    pub contained_pct: Option<f64>,
    /// Requests closed by the customer's window ending before an agent came.
    pub missed_requests: u64,
    /// Chats resolved by a person.
    pub resolved: u64,
    /// Live chats resolved automatically after going quiet.
    pub auto_resolved: u64,
    /// Entering Requesting → Intervened.
    pub median_wait_s: Option<f64>,
    pub p90_wait_s: Option<f64>,
    /// Intervened → the agent's first message.
    pub median_first_response_s: Option<f64>,
    /// Entering Requesting → resolved.
    pub median_resolution_s: Option<f64>,
    /// One row per agent who did anything in the range, or can.
    pub agents: Vec<AgentReport>,
}

/// One agent's part of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentReport {
    pub id: AgentId,
    pub name: String,
    /// Chats they took.
    pub intervened: u64,
    /// Chats they resolved.
    pub resolved: u64,
    /// From their taking a chat to their first message in it.
    pub median_first_response_s: Option<f64>,
    /// Messages they sent to customers (notes are not counted).
    pub messages: u64,
}

/// One day of `GET /api/reports/daily`: the day as the range's `from`
/// counts days (in its offset), and what happened in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDay {
    /// `2026-11-25`.
    pub day: String,
    /// Distinct customers who wrote that day.
    pub customers: u64,
    pub escalations: u64,
    pub missed_requests: u64,
    pub resolved: u64,
}

/// The median of `values` (the mean of the two middle ones for an even
/// count), or `None` for none.
pub fn median(values: &[f64]) -> Option<f64> {
    let sorted = sorted(values);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

/// The `p`th percentile of `values` by the nearest-rank rule: the smallest
/// value at least `p`% of them do not exceed. `None` for none.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    let sorted = sorted(values);
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted
}

/// `part` of `whole` as a percentage rounded to one decimal; `None` for a
/// whole of nothing.
pub fn share_pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_take_the_middle_or_the_mean_of_the_two_middle_values() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[7.0]), Some(7.0));
        assert_eq!(median(&[30.0, 10.0, 20.0]), Some(20.0));
        assert_eq!(median(&[40.0, 10.0, 30.0, 20.0]), Some(25.0));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&values, 90.0), Some(9.0));
        assert_eq!(percentile(&values, 100.0), Some(10.0));
        assert_eq!(percentile(&[5.0, 1.0], 90.0), Some(5.0));
        assert_eq!(percentile(&[3.0], 90.0), Some(3.0));
        assert_eq!(percentile(&[], 90.0), None);
    }

    #[test]
    fn shares_are_rounded_to_a_tenth_and_undefined_for_nobody() {
        assert_eq!(share_pct(2, 3), Some(66.7));
        assert_eq!(share_pct(0, 4), Some(0.0));
        assert_eq!(share_pct(4, 4), Some(100.0));
        assert_eq!(share_pct(0, 0), None);
    }
}
