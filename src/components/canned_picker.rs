//! The canned replies that match what follows `/` in the composer (offered
//! in a [`super::picker::Picker`]); a reply picked has its variables filled
//! from the chat, then is editable before sending.

use handover_core::canned::{pick, CannedReply};

/// What `/` started in the composer's text, if the text is a shortcut being
/// typed: the part after the slash.
pub fn typed_shortcut(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('/')?;
    (!rest.contains(char::is_whitespace)).then_some(rest)
}

/// The replies to offer for what was typed, at most eight.
pub fn offered(replies: &[CannedReply], typed: &str) -> Vec<CannedReply> {
    pick(replies, typed).into_iter().take(8).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_slash_at_the_start_of_one_word_opens_the_picker() {
        assert_eq!(typed_shortcut("/ref"), Some("ref"));
        assert_eq!(typed_shortcut("/"), Some(""));
        assert_eq!(typed_shortcut("/refund please"), None);
        assert_eq!(typed_shortcut("see /ref"), None);
    }
}
