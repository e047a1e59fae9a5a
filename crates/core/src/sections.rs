//! How many chats each section holds: the counts behind the dashboard's tabs.

use serde::{Deserialize, Serialize};

use crate::Status;

/// The body of `GET /api/sections`.
///
/// The four status counts include only users whose customer-service window
/// is open; everyone else (window closed, or never wrote) is in `history`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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
