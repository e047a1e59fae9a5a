//! Keyboard shortcuts: which key does what. The dashboard listens for keys
//! and acts on what `shortcut` says; the help overlay lists `ALL`.
//!
//! A single key acts only when nothing is being typed: not in a field, not
//! with text selected, and not after the agent clicked into the
//! conversation (what they type there goes to the reply box, see
//! `goes_to_reply_box`). No key acts destructively by itself: `r` asks
//! "Resolve this chat?" as the button does.

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    Next,
    Previous,
    Intervene,
    Resolve,
    Search,
    Help,
    Close,
}

/// Every shortcut with its key and description, for the help overlay.
pub const ALL: [(&str, &str); 7] = [
    ("j", "Next chat"),
    ("k", "Previous chat"),
    ("i", "Intervene"),
    ("r", "Resolve (asks first)"),
    ("/", "Search"),
    ("?", "Show or hide this help"),
    ("Esc", "Close dialogs"),
];

/// The shortcut for `key`, unless the agent is typing in a field (where
/// only Escape counts) or holds a modifier.
pub fn shortcut(key: &str, typing: bool, modifier: bool) -> Option<Shortcut> {
    if key == "Escape" {
        return Some(Shortcut::Close);
    }
    if typing || modifier {
        return None;
    }
    match key {
        "j" => Some(Shortcut::Next),
        "k" => Some(Shortcut::Previous),
        "i" => Some(Shortcut::Intervene),
        "r" => Some(Shortcut::Resolve),
        "/" => Some(Shortcut::Search),
        "?" => Some(Shortcut::Help),
        _ => None,
    }
}

/// Whether `key` writes a character: what an agent who clicked into the
/// conversation and types means for the reply box.
pub fn goes_to_reply_box(key: &str, modifier: bool) -> bool {
    !modifier && key.chars().count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_shortcuts_except_while_typing_or_with_modifiers() {
        assert_eq!(shortcut("j", false, false), Some(Shortcut::Next));
        assert_eq!(shortcut("k", false, false), Some(Shortcut::Previous));
        assert_eq!(shortcut("i", false, false), Some(Shortcut::Intervene));
        assert_eq!(shortcut("r", false, false), Some(Shortcut::Resolve));
        assert_eq!(shortcut("/", false, false), Some(Shortcut::Search));
        assert_eq!(shortcut("?", false, false), Some(Shortcut::Help));
        assert_eq!(
            shortcut("j", true, false),
            None,
            "typing a j in the composer is just a j"
        );
        assert_eq!(shortcut("r", false, true), None, "Ctrl+R still reloads");
        assert_eq!(shortcut("Escape", true, false), Some(Shortcut::Close));
        assert_eq!(shortcut("x", false, false), None);
    }

    #[test]
    fn only_characters_typed_go_to_the_reply_box() {
        assert!(goes_to_reply_box("S", false));
        assert!(goes_to_reply_box("r", false));
        assert!(goes_to_reply_box("é", false));
        assert!(!goes_to_reply_box("r", true), "Ctrl+R still reloads");
        assert!(!goes_to_reply_box("ArrowDown", false));
        assert!(!goes_to_reply_box("Escape", false));
    }

    #[test]
    fn the_help_lists_every_key_once() {
        let keys: std::collections::HashSet<_> = ALL.iter().map(|(key, _)| *key).collect();
        assert_eq!(keys.len(), ALL.len());
    }
}
