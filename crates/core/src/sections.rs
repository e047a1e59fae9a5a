//! The dashboard's sections (the four statuses with an open window, and
//! History) and how many chats each holds: the counts behind its tabs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::Status;

/// Where a customer is listed: their status' section while the window is
/// open, History otherwise (window closed, or they never wrote).
///
/// Serialised in lowercase; the same names appear in the app's URLs
/// (`/sections/requesting`) and in `GET /api/users?status=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Section {
    Active,
    Requesting,
    Intervened,
    Closed,
    /// Customers outside the 24-hour window: read-only.
    History,
}

impl Section {
    /// The sections in the order of the dashboard's tabs.
    pub const ALL: [Section; 5] = [
        Section::Active,
        Section::Requesting,
        Section::Intervened,
        Section::Closed,
        Section::History,
    ];

    /// The section of a customer in `status` with the window open or not.
    pub const fn of(status: Status, window_open: bool) -> Self {
        if !window_open {
            return Section::History;
        }
        match status {
            Status::Active => Section::Active,
            Status::Requesting => Section::Requesting,
            Status::Intervened => Section::Intervened,
            Status::Closed => Section::Closed,
        }
    }

    /// The status this section lists; `None` for History.
    pub const fn status(self) -> Option<Status> {
        match self {
            Section::Active => Some(Status::Active),
            Section::Requesting => Some(Status::Requesting),
            Section::Intervened => Some(Status::Intervened),
            Section::Closed => Some(Status::Closed),
            Section::History => None,
        }
    }

    /// The lowercase name of JSON, URLs and `GET /api/users?status=`.
    pub const fn as_str(self) -> &'static str {
        match self.status() {
            Some(status) => status.as_str(),
            None => "history",
        }
    }

    /// The name people read on the tab.
    pub const fn label(self) -> &'static str {
        match self.status() {
            Some(status) => status.label(),
            None => "History",
        }
    }

    /// One sentence saying who is listed here.
    pub const fn description(self) -> &'static str {
        match self.status() {
            Some(status) => status.description(),
            None => "Customers outside the 24-hour window (read-only).",
        }
    }

    /// This section's count.
    pub const fn count(self, counts: &SectionCounts) -> u64 {
        match self.status() {
            Some(status) => counts.for_status(status),
            None => counts.history,
        }
    }

    /// Whether a customer in `status`, with the window open or not, is listed here.
    pub fn shows(self, status: Status, window_open: bool) -> bool {
        Section::of(status, window_open) == self
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The text given was not the name of a section.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown section {0:?}: expected one of active, requesting, intervened, closed, history")]
pub struct ParseSectionError(pub String);

impl FromStr for Section {
    type Err = ParseSectionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Section::ALL
            .into_iter()
            .find(|section| section.as_str() == text)
            .ok_or_else(|| ParseSectionError(text.to_owned()))
    }
}

/// The body of `GET /api/sections`.
///
/// The four status counts include only users whose customer-service window
/// is open; everyone else (window closed, or never wrote) is in `history`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionCounts {
    pub active: u64,
    pub requesting: u64,
    pub intervened: u64,
    pub closed: u64,
    pub history: u64,
}

impl SectionCounts {
    /// The count shown on the tab of `status`.
    pub const fn for_status(&self, status: Status) -> u64 {
        match status {
            Status::Active => self.active,
            Status::Requesting => self.requesting,
            Status::Intervened => self.intervened,
            Status::Closed => self.closed,
        }
    }

    /// Sets the count of one status' section.
    pub fn set(&mut self, status: Status, count: u64) {
        match status {
            Status::Active => self.active = count,
            Status::Requesting => self.requesting = count,
            Status::Intervened => self.intervened = count,
            Status::Closed => self.closed = count,
        }
    }

    /// Users whose window is open, across all four sections.
    pub const fn in_window(&self) -> u64 {
        self.active + self.requesting + self.intervened + self.closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_is_in_their_status_section_while_the_window_is_open_else_history() {
        for status in Status::ALL {
            let section = Section::of(status, true);
            assert_eq!(section.status(), Some(status));
            assert_eq!(section.as_str(), status.as_str());
            assert!(section.shows(status, true));
            assert!(!section.shows(status, false));
            assert_eq!(Section::of(status, false), Section::History);
        }
        for section in Section::ALL {
            assert_eq!(section.as_str().parse::<Section>(), Ok(section));
            let json = serde_json::to_value(section).unwrap();
            assert_eq!(json, section.as_str());
        }
        assert!("inbox".parse::<Section>().is_err());
    }

    #[test]
    fn each_status_reads_back_the_count_it_was_given() {
        let mut counts = SectionCounts::default();
        for (n, status) in Status::ALL.into_iter().enumerate() {
            counts.set(status, n as u64 + 10);
        }
        for (n, status) in Status::ALL.into_iter().enumerate() {
            assert_eq!(counts.for_status(status), n as u64 + 10);
        }
        assert_eq!(counts.in_window(), 10 + 11 + 12 + 13);
        assert_eq!(counts.history, 0);
    }

    #[test]
    fn json_uses_the_field_names_of_the_public_contract() {
        let counts = SectionCounts {
            active: 1,
            requesting: 2,
            intervened: 3,
            closed: 4,
            history: 5,
        };
        let json = serde_json::to_value(counts).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"active":1,"requesting":2,"intervened":3,"closed":4,"history":5})
        );
    }
}
