//! The managers' audit trail: who took, passed on or resolved chats, and
//! who changed the bot, templates, tag rules, the team, API tokens or the
//! team's settings; when, and what.

use serde::{Deserialize, Serialize};

use crate::api::AgentRef;

/// What kind of change an entry records (the filter of the audit view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Intervene,
    Transfer,
    Release,
    Resolve,
    Bot,
    Template,
    TagRule,
    Agent,
    ApiToken,
    Settings,
}

impl AuditAction {
    pub const ALL: [AuditAction; 10] = [
        AuditAction::Intervene,
        AuditAction::Transfer,
        AuditAction::Release,
        AuditAction::Resolve,
        AuditAction::Bot,
        AuditAction::Template,
        AuditAction::TagRule,
        AuditAction::Agent,
        AuditAction::ApiToken,
        AuditAction::Settings,
    ];

    /// The stored name; lifecycle entries use the command's own name.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditAction::Intervene => "intervene",
            AuditAction::Transfer => "transfer",
            AuditAction::Release => "release",
            AuditAction::Resolve => "resolve",
            AuditAction::Bot => "bot",
            AuditAction::Template => "template",
            AuditAction::TagRule => "tag_rule",
            AuditAction::Agent => "agent",
            AuditAction::ApiToken => "api_token",
            AuditAction::Settings => "settings",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|action| action.as_str() == text)
    }

    /// For people: the filter's options and the table's column.
    pub const fn label(self) -> &'static str {
        match self {
            AuditAction::Intervene => "Intervened",
            AuditAction::Transfer => "Transferred",
            AuditAction::Release => "Released",
            AuditAction::Resolve => "Resolved",
            AuditAction::Bot => "Bot",
            AuditAction::Template => "Templates",
            AuditAction::TagRule => "Tag rules",
            AuditAction::Agent => "Team",
            AuditAction::ApiToken => "API tokens",
            AuditAction::Settings => "Settings",
        }
    }

    /// Whether the entry's subject is a customer's number (a chat).
    pub const fn is_chat(self) -> bool {
        matches!(
            self,
            AuditAction::Intervene
                | AuditAction::Transfer
                | AuditAction::Release
                | AuditAction::Resolve
        )
    }
}

/// One entry of `GET /api/audit`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// Who did it; `None` for a manager account since removed.
    pub agent: Option<AgentRef>,
    pub action: AuditAction,
    /// What it was done to: a customer's number, a template's name, …
    pub subject: String,
    /// What changed, in a sentence.
    pub detail: String,
    /// For a chat, the customer's name (when they have one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_stored_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(AuditAction::parse("escalate"), None);
    }
}
