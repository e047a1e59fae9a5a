//! The four statuses a customer's chat can be in (PRODUCT.md §1).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Who is handling a customer's chat right now.
///
/// Serialised in lowercase (`"active"`, `"requesting"`, …), which is also how
/// it is stored in the database and named in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The chatbot is handling the chat.
    Active,
    /// The bot could not help; the chat waits in the queue for an agent.
    Requesting,
    /// An agent took the chat and is answering live.
    Intervened,
    /// An agent resolved the chat; it is back with the bot.
    Closed,
}

impl Status {
    /// Every status, in the order the dashboard shows its sections.
    pub const ALL: [Status; 4] = [
        Status::Active,
        Status::Requesting,
        Status::Intervened,
        Status::Closed,
    ];

    /// The stable lowercase name used in JSON, SQL and URLs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Requesting => "requesting",
            Status::Intervened => "intervened",
            Status::Closed => "closed",
        }
    }

    /// The name people read in the dashboard.
    pub const fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Requesting => "Requesting",
            Status::Intervened => "Intervened",
            Status::Closed => "Closed",
        }
    }

    /// One sentence saying who handles chats in this status.
    pub const fn description(self) -> &'static str {
        match self {
            Status::Active => "The chatbot is answering these customers.",
            Status::Requesting => "These customers are waiting for an agent.",
            Status::Intervened => "An agent is chatting with these customers live.",
            Status::Closed => "Resolved by an agent and handed back to the bot.",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The text given was not one of the four status names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown status {0:?}: expected one of active, requesting, intervened, closed")]
pub struct ParseStatusError(pub String);

impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == text)
            .ok_or_else(|| ParseStatusError(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_name_and_json() {
        for status in Status::ALL {
            assert_eq!(status.as_str().parse::<Status>(), Ok(status));
            let json = serde_json::to_string(&status).unwrap();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
            assert_eq!(serde_json::from_str::<Status>(&json).unwrap(), status);
        }
    }

    #[test]
    fn unknown_or_differently_cased_names_are_refused_with_the_valid_ones_listed() {
        for text in ["", "Active", "open", "intervene"] {
            let error = text.parse::<Status>().unwrap_err();
            assert!(error
                .to_string()
                .contains("active, requesting, intervened, closed"));
        }
    }

    #[test]
    fn sections_are_listed_in_the_order_agents_read_them() {
        let labels: Vec<_> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["Active", "Requesting", "Intervened", "Closed"]);
    }
}
