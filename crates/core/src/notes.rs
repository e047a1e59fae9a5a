//! Private notes: lines in a chat only the team sees, never sent to
//! WhatsApp and never counted, with `@name` mentions that tell a colleague.

use serde::{Deserialize, Serialize};

use crate::api::AgentRef;
use crate::{AgentId, WaId};

/// The longest note: as long as a message to the customer may be.
pub const MAX_NOTE: usize = crate::whatsapp::MAX_TEXT_CHARS;

/// `POST /api/users/{wa_id}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    pub text: String,
}

/// Someone was mentioned in a note: the live event `mention`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mention {
    /// Who was mentioned.
    pub agent: AgentId,
    /// Who wrote the note.
    pub by: AgentRef,
    pub wa_id: WaId,
    /// The customer's name, to say whose chat it is.
    pub customer: String,
    pub message_id: i64,
    pub text: String,
}

/// A mention as the person mentioned finds it later (`GET
/// /api/me/mentions`): kept while they were away, read once they looked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MentionItem {
    pub id: i64,
    pub by: AgentRef,
    pub wa_id: WaId,
    pub customer: String,
    pub message_id: i64,
    pub text: String,
    /// When, RFC 3339.
    pub at: String,
    pub read: bool,
}

/// `GET /api/me/mentions`: the newest mentions of the signed-in person and
/// how many of all they have not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyMentions {
    pub items: Vec<MentionItem>,
    pub unread: u64,
}

/// A chat passed to someone by a colleague: the live event `handover`,
/// which alerts them as a new waiting customer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handover {
    /// Who the chat now belongs to.
    pub agent: AgentId,
    /// Who passed it on.
    pub by: AgentRef,
    pub wa_id: WaId,
    /// The customer's name (or number), to say whose chat it is.
    pub customer: String,
}

/// The names mentioned in `text` (`@asha`, `@Asha.Rao`), lowercase, each
/// once, in order.
pub fn mentioned_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        // An e-mail address (text right before the @) is no mention.
        let before = rest[..at].chars().next_back();
        rest = &rest[at + 1..];
        if before.is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
            .collect();
        let name = name.trim_end_matches(['.', '-', '_']).to_lowercase();
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Whether a mentioned `handle` names the person called `name` with the
/// e-mail `email`: their first name, their whole name without spaces or
/// with dots, or their e-mail before the @.
pub fn names_person(handle: &str, name: &str, email: &str) -> bool {
    let name = name.trim().to_lowercase();
    let words: Vec<&str> = name.split_whitespace().collect();
    let local = email.split('@').next().unwrap_or("").to_lowercase();
    words.first().is_some_and(|first| *first == handle)
        || words.concat() == handle
        || words.join(".") == handle
        || (!local.is_empty() && local == handle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_are_read_from_the_text_and_e_mails_are_not_mentions() {
        assert_eq!(
            mentioned_names("@Asha can you check? cc @ravi.k, write to meera@example.com. @asha"),
            ["asha", "ravi.k"]
        );
        assert!(mentioned_names("no one here @ all").is_empty());
    }

    #[test]
    fn a_handle_names_a_person_by_first_name_whole_name_or_e_mail() {
        assert!(names_person("asha", "Asha Rao", "asha.rao@example.com"));
        assert!(names_person("asharao", "Asha Rao", "x@example.com"));
        assert!(names_person("asha.rao", "Asha Rao", "x@example.com"));
        assert!(names_person("ar", "Someone", "ar@example.com"));
        assert!(!names_person("ravi", "Asha Rao", "asha@example.com"));
    }
}
