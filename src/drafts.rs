//! Drafts: what someone wrote in a chat and has not sent, kept in the
//! browser's local storage per person, per chat and per kind (a reply to
//! the customer or a private note), so switching chats, reloading or
//! restarting the browser loses nothing. A draft is removed when it is
//! sent or emptied.

use handover_core::{AgentId, WaId};

use crate::local_storage;

/// Which of a chat's two drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftKind {
    Reply,
    Note,
}

/// The storage key of one draft.
pub fn key(agent: AgentId, wa_id: &WaId, kind: DraftKind) -> String {
    let kind = match kind {
        DraftKind::Reply => "reply",
        DraftKind::Note => "note",
    };
    format!("handover.draft.{}.{wa_id}.{kind}", agent.0)
}

/// The draft kept under `key`, or nothing.
pub fn load(key: &str) -> String {
    local_storage::get(key).unwrap_or_default()
}

/// Keeps `text` under `key`; an empty or blank draft is removed.
pub fn save(key: &str, text: &str) {
    local_storage::set(key, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_chat_and_kind_has_a_draft_of_its_own() {
        let kavya = WaId::parse("919811111111").unwrap();
        let rohan = WaId::parse("919822222222").unwrap();
        let keys = [
            key(AgentId(1), &kavya, DraftKind::Reply),
            key(AgentId(1), &kavya, DraftKind::Note),
            key(AgentId(2), &kavya, DraftKind::Reply),
            key(AgentId(1), &rohan, DraftKind::Reply),
        ];
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len());
        assert_eq!(keys[0], "handover.draft.1.919811111111.reply");
    }
}
