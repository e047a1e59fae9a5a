//! The use cases: what people and WhatsApp can make happen. Each one opens
//! its write, applies its change through `store`, records its events and
//! audit row, and commits.

pub mod auth;
pub mod bot;
pub mod campaigns;
pub mod canned;
pub mod chats;
pub mod contacts;
pub mod csat;
pub mod demo;
pub mod error;
pub mod housekeeping;
pub mod inbound;
pub mod lifecycle;
pub mod reports;
pub mod setup;
pub mod tag_rules;
pub mod templates;
pub mod timers;

/// `text` with its first letter upper case, for words put together for
/// people (an audit row, a file's stand-in text).
pub(crate) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
