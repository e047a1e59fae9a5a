//! The managers' reports: what the bot handled alone, how long customers
//! waited for a person, who answered how fast. The figures and the rules
//! they are computed by (medians and percentiles of durations) live here,
//! so the server and the app agree on them.

use std::collections::BTreeMap;

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
    /// How long the chats taken in the range had waited, in bands.
    pub wait_distribution: Vec<WaitBand>,
    /// Satisfaction surveys sent after resolves in the range.
    pub csat_asked: u64,
    /// Answers given in the range.
    pub csat_answers: u64,
    /// Share of those answers that were satisfied (4–5 of five, 👍), 0–100.
    pub csat_satisfied_pct: Option<f64>,
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
    /// Satisfaction answers about chats they resolved.
    pub csat_answers: u64,
    pub csat_satisfied_pct: Option<f64>,
}

/// One band of the wait distribution: waits of at least the previous
/// band's `up_to_s` and less than this one's (`null`: no upper end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WaitBand {
    /// `1–5 min`.
    pub label: String,
    pub up_to_s: Option<u64>,
    pub chats: u64,
}

/// The bands waits are counted in: upper ends in seconds and their names.
pub const WAIT_BANDS: [(Option<u64>, &str); 6] = [
    (Some(60), "Under 1 min"),
    (Some(300), "1–5 min"),
    (Some(900), "5–15 min"),
    (Some(3600), "15–60 min"),
    (Some(14_400), "1–4 h"),
    (None, "4 h or more"),
];

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

/// Durations in whole seconds, each with how many times it was measured:
/// what the reports keep of waits and response times, and the medians,
/// percentiles and bands taken of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Durations {
    counts: BTreeMap<i64, u64>,
    total: u64,
}

impl Durations {
    /// Notes `times` more durations of `seconds`.
    pub fn add(&mut self, seconds: i64, times: u64) {
        if times > 0 {
            *self.counts.entry(seconds).or_default() += times;
            self.total += times;
        }
    }

    /// How many durations there are.
    pub fn len(&self) -> u64 {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The middle value, or the mean of the two middle values; `None` for none.
    pub fn median(&self) -> Option<f64> {
        match self.total {
            0 => None,
            n if n % 2 == 1 => self.nth(n / 2),
            n => Some((self.nth(n / 2 - 1)? + self.nth(n / 2)?) / 2.0),
        }
    }

    /// The `p`th percentile by the nearest-rank rule: the smallest value at
    /// least `p`% of them do not exceed. `None` for none.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p / 100.0) * self.total as f64).ceil().max(1.0) as u64;
        self.nth(rank.min(self.total) - 1)
    }

    /// The `rank`th smallest (from 0).
    fn nth(&self, rank: u64) -> Option<f64> {
        let mut below = 0;
        for (seconds, times) in &self.counts {
            below += times;
            if rank < below {
                return Some(*seconds as f64);
            }
        }
        None
    }

    /// How many fall in each of [`WAIT_BANDS`].
    pub fn distribution(&self) -> Vec<WaitBand> {
        let mut bands: Vec<WaitBand> = WAIT_BANDS
            .iter()
            .map(|(up_to_s, label)| WaitBand {
                label: (*label).to_owned(),
                up_to_s: *up_to_s,
                chats: 0,
            })
            .collect();
        for (seconds, times) in &self.counts {
            let band = WAIT_BANDS
                .iter()
                .position(|(up_to, _)| up_to.is_none_or(|up_to| *seconds < up_to as i64))
                .unwrap_or(WAIT_BANDS.len() - 1);
            bands[band].chats += times;
        }
        bands
    }
}

/// `part` of `whole` as a percentage rounded to one decimal; `None` for a
/// whole of nothing.
pub fn share_pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn durations(seconds: &[i64]) -> Durations {
        let mut all = Durations::default();
        for value in seconds {
            all.add(*value, 1);
        }
        all
    }

    #[test]
    fn medians_take_the_middle_or_the_mean_of_the_two_middle_values() {
        assert_eq!(durations(&[]).median(), None);
        assert_eq!(durations(&[7]).median(), Some(7.0));
        assert_eq!(durations(&[30, 10, 20]).median(), Some(20.0));
        assert_eq!(durations(&[40, 10, 30, 20]).median(), Some(25.0));
        let mut repeated = durations(&[10]);
        repeated.add(50, 2);
        repeated.add(90, 0);
        assert_eq!((repeated.len(), repeated.median()), (3, Some(50.0)));
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(durations(&values).percentile(90.0), Some(9.0));
        assert_eq!(durations(&values).percentile(100.0), Some(10.0));
        assert_eq!(durations(&[5, 1]).percentile(90.0), Some(5.0));
        assert_eq!(durations(&[3]).percentile(90.0), Some(3.0));
        assert_eq!(durations(&[]).percentile(90.0), None);
    }

    #[test]
    fn waits_fall_in_the_band_below_their_upper_end() {
        let bands = durations(&[0, 59, 60, 299, 600, 3600, 20_000]).distribution();
        let chats: Vec<u64> = bands.iter().map(|band| band.chats).collect();
        assert_eq!(chats, [2, 2, 1, 0, 1, 1]);
    }

    #[test]
    fn shares_are_rounded_to_a_tenth_and_undefined_for_nobody() {
        assert_eq!(share_pct(2, 3), Some(66.7));
        assert_eq!(share_pct(0, 4), Some(0.0));
        assert_eq!(share_pct(4, 4), Some(100.0));
        assert_eq!(share_pct(0, 0), None);
    }
}
