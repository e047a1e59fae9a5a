//! First-message tags (PRODUCT.md §2): rules that tag a customer from their
//! first inbound message, once and for good.

use serde::{Deserialize, Serialize};

/// How a rule matches the first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TagMatch {
    /// The whole text, after normalising case and spaces.
    Exact,
    /// The start of the text, after normalising case and spaces.
    Prefix,
    /// A regular expression anywhere in the text, as written.
    Regex,
    /// A click-to-WhatsApp ad's `referral.source_id`, exactly.
    Referral,
}

impl TagMatch {
    pub const ALL: [TagMatch; 4] = [
        TagMatch::Exact,
        TagMatch::Prefix,
        TagMatch::Regex,
        TagMatch::Referral,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            TagMatch::Exact => "exact",
            TagMatch::Prefix => "prefix",
            TagMatch::Regex => "regex",
            TagMatch::Referral => "referral",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// How managers read it.
    pub const fn label(self) -> &'static str {
        match self {
            TagMatch::Exact => "Text is exactly",
            TagMatch::Prefix => "Text starts with",
            TagMatch::Regex => "Text matches the pattern",
            TagMatch::Referral => "Ad source id is",
        }
    }
}

/// A rule as stored, with how many customers it has tagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagRule {
    pub id: i64,
    pub kind: TagMatch,
    pub pattern: String,
    pub tag: String,
    /// Lower numbers are tried first.
    pub priority: i64,
    pub tagged: u64,
}

/// `POST /api/tag-rules` and `PUT /api/tag-rules/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagRuleDraft {
    pub kind: TagMatch,
    pub pattern: String,
    pub tag: String,
    pub priority: i64,
}

/// Lower case, and runs of white space as one space, trimmed: how exact and
/// prefix rules compare texts.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether an exact or prefix rule's `pattern` matches `text`; `None` for
/// the kinds this cannot judge (patterns and referrals).
pub fn text_matches(kind: TagMatch, pattern: &str, text: &str) -> Option<bool> {
    let (pattern, text) = (normalise(pattern), normalise(text));
    match kind {
        TagMatch::Exact => Some(text == pattern),
        TagMatch::Prefix => Some(text.starts_with(&pattern)),
        TagMatch::Regex | TagMatch::Referral => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_prefix_rules_ignore_case_and_extra_spaces() {
        let cases = [
            (
                TagMatch::Exact,
                "Hi, I saw the Diwali offer",
                "hi,  i saw the DIWALI offer ",
                true,
            ),
            (
                TagMatch::Exact,
                "Hi, I saw the Diwali offer",
                "Hi, I saw the Diwali offer!",
                false,
            ),
            (
                TagMatch::Prefix,
                "I want to know more about",
                "i want to KNOW more about  roses",
                true,
            ),
            (
                TagMatch::Prefix,
                "I want to know more about",
                "Do I want to know more about",
                false,
            ),
        ];
        for (kind, pattern, text, expected) in cases {
            assert_eq!(
                text_matches(kind, pattern, text),
                Some(expected),
                "{kind:?} {pattern:?} {text:?}"
            );
        }
        assert_eq!(text_matches(TagMatch::Regex, "x", "x"), None);
    }

    #[test]
    fn kinds_read_back_from_their_names() {
        for kind in TagMatch::ALL {
            assert_eq!(TagMatch::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TagMatch::parse("fuzzy"), None);
    }
}
