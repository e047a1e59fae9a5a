//! The reports broken down: by hour of the day, weekday and hour, the
//! customer's first-message tag, source or labels, the closing reason, or
//! what made the bot escalate. Each breakdown counts only what has a
//! meaning for it; the other columns are `null`.

use serde::{Deserialize, Serialize};

/// What a breakdown groups by (`GET /api/reports/breakdown?by=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    /// Hour of the day in the offset `from` is written with: 24 rows.
    Hour,
    /// Weekday and hour, Monday 00 first: 168 rows (the heatmap).
    WeekdayHour,
    /// The customer's first-message tag.
    Tag,
    /// Where the customer came from.
    Source,
    /// The chat's labels (a chat with two labels counts under each).
    Label,
    /// The reason given at Resolve.
    ClosingReason,
    /// What made the chat enter Requesting: an intent that always
    /// escalates, a request for a person, fallbacks, or an agent's release.
    Intent,
}

impl Breakdown {
    pub const ALL: [Breakdown; 7] = [
        Breakdown::Hour,
        Breakdown::WeekdayHour,
        Breakdown::Tag,
        Breakdown::Source,
        Breakdown::Label,
        Breakdown::ClosingReason,
        Breakdown::Intent,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Breakdown::Hour => "hour",
            Breakdown::WeekdayHour => "weekday_hour",
            Breakdown::Tag => "tag",
            Breakdown::Source => "source",
            Breakdown::Label => "label",
            Breakdown::ClosingReason => "closing_reason",
            Breakdown::Intent => "intent",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|by| by.as_str() == text)
    }

    /// For people: the breakdown's name and its first column.
    pub const fn label(self) -> &'static str {
        match self {
            Breakdown::Hour => "Hour of day",
            Breakdown::WeekdayHour => "Weekday and hour",
            Breakdown::Tag => "First-message tag",
            Breakdown::Source => "Source",
            Breakdown::Label => "Label",
            Breakdown::ClosingReason => "Closing reason",
            Breakdown::Intent => "Why it escalated",
        }
    }

    /// Whether rows count customers who wrote (and so containment).
    pub const fn counts_customers(self) -> bool {
        !matches!(self, Breakdown::ClosingReason | Breakdown::Intent)
    }

    /// Whether rows count requests (escalations, missed, waits).
    pub const fn counts_requests(self) -> bool {
        !matches!(self, Breakdown::ClosingReason)
    }

    /// Whether rows take the median wait of their requests (by hour, only
    /// how many: the rollups keep waits per day, not per hour).
    pub const fn times_waits(self) -> bool {
        !matches!(
            self,
            Breakdown::ClosingReason | Breakdown::Hour | Breakdown::WeekdayHour
        )
    }

    /// Whether rows count resolves.
    pub const fn counts_resolves(self) -> bool {
        matches!(
            self,
            Breakdown::Tag | Breakdown::Source | Breakdown::Label | Breakdown::ClosingReason
        )
    }

    /// The file name of its CSV export.
    pub fn file_name(self) -> String {
        format!("handover-by-{}.csv", self.as_str().replace('_', "-"))
    }
}

/// One row of a breakdown; a column the breakdown does not count is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    /// `09`, `Mon 09`, a tag, a source, a label, a reason, an intent's id.
    pub key: String,
    /// Distinct customers who wrote in the range.
    pub customers: Option<u64>,
    /// Share of `customers` who never entered Requesting in the range.
    pub contained_pct: Option<f64>,
    /// Moves into Requesting.
    pub escalations: Option<u64>,
    /// Of those, requests the window closed before an agent came.
    pub missed_requests: Option<u64>,
    /// Of those, from entering Requesting to an agent's taking the chat.
    pub median_wait_s: Option<f64>,
    /// Chats resolved by a person.
    pub resolved: Option<u64>,
}

/// Weekday names, Monday first.
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The key of an hour `0..24`.
pub fn hour_key(hour: u32) -> String {
    format!("{hour:02}")
}

/// The key of weekday `0..7` (Monday 0) and hour `0..24`.
pub fn weekday_hour_key(weekday: usize, hour: u32) -> String {
    format!("{} {hour:02}", WEEKDAYS[weekday % 7])
}

/// How a stored escalation cause reads (`asked_for_person`, `fallbacks`,
/// `intent:<id>`; `None`: an agent released the chat, or it predates causes).
pub fn cause_key(cause: Option<&str>, by_agent: bool) -> String {
    match cause {
        Some("asked_for_person") => "Asked for a person".to_owned(),
        Some("fallbacks") => "Bot could not answer".to_owned(),
        Some(other) => match other.strip_prefix("intent:") {
            Some(intent) => format!("Intent: {intent}"),
            None => other.to_owned(),
        },
        None if by_agent => "Released by an agent".to_owned(),
        None => "Not recorded".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_breakdown_reads_back_and_names_its_file() {
        for by in Breakdown::ALL {
            assert_eq!(Breakdown::parse(by.as_str()), Some(by));
        }
        assert_eq!(
            Breakdown::WeekdayHour.file_name(),
            "handover-by-weekday-hour.csv"
        );
        assert_eq!(weekday_hour_key(6, 9), "Sun 09");
        assert_eq!(cause_key(Some("intent:refund"), false), "Intent: refund");
        assert_eq!(cause_key(None, true), "Released by an agent");
    }
}
