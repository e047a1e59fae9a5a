//! Canned replies: the team's shared answers to common questions, picked in
//! the composer by typing `/` and a few letters, with `{{name}}`,
//! `{{agent}}` and `{{wa_id}}` filled in from the chat.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The longest shortcut and text.
pub const MAX_SHORTCUT: usize = 30;
pub const MAX_TEXT: usize = crate::whatsapp::MAX_TEXT_CHARS;

/// The variables a reply may use.
pub const VARIABLES: [&str; 3] = ["name", "agent", "wa_id"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReply {
    pub id: i64,
    pub shortcut: String,
    pub text: String,
    pub updated_at: String,
}

/// `POST /api/canned-replies`, `PUT /api/canned-replies/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CannedReplyDraft {
    pub shortcut: String,
    pub text: String,
}

impl CannedReplyDraft {
    /// The draft as stored: the shortcut trimmed and without a leading `/`.
    pub fn tidied(&self) -> CannedReplyDraft {
        CannedReplyDraft {
            shortcut: self.shortcut.trim().trim_start_matches('/').to_owned(),
            text: self.text.trim().to_owned(),
        }
    }

    /// Every problem, each with its field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let draft = self.tidied();
        let mut problems = Vec::new();
        let mut problem = |field: &str, message: String| {
            problems.push(FieldError {
                field: field.into(),
                message,
            })
        };
        let shortcut_chars = draft.shortcut.chars().count();
        if shortcut_chars == 0 || shortcut_chars > MAX_SHORTCUT {
            problem(
                "shortcut",
                format!("give 1 to {MAX_SHORTCUT} characters, e.g. \"refund\""),
            );
        } else if !draft
            .shortcut
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
        {
            problem(
                "shortcut",
                "use letters, digits, - and _ only (it is typed after /)".into(),
            );
        }
        let text_chars = draft.text.chars().count();
        if text_chars == 0 || text_chars > MAX_TEXT {
            problem("text", format!("write 1 to {MAX_TEXT} characters"));
        }
        for variable in variables_in(&draft.text) {
            if !VARIABLES.contains(&variable.as_str()) {
                problem(
                    "text",
                    format!("{{{{{variable}}}}} is not a variable; use {{{{name}}}}, {{{{agent}}}} or {{{{wa_id}}}}"),
                );
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// The `{{…}}` variables a text uses.
fn variables_in(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        found.push(after[..end].trim().to_owned());
        rest = &after[end + 2..];
    }
    found
}

/// What the variables stand for in one chat.
pub struct Filling<'a> {
    /// The customer's name (their number when they have none).
    pub name: &'a str,
    pub agent: &'a str,
    pub wa_id: &'a str,
}

/// The reply's text with its variables filled in.
pub fn fill(text: &str, with: &Filling<'_>) -> String {
    text.replace("{{name}}", with.name)
        .replace("{{agent}}", with.agent)
        .replace("{{wa_id}}", with.wa_id)
}

/// The replies that match what was typed after `/`, best first: shortcuts
/// that start with it, then shortcuts that contain it, then texts with a
/// word starting with each word of it, then shortcuts close to it (a
/// typo). Nothing typed: all, by shortcut.
pub fn pick<'a>(replies: &'a [CannedReply], typed: &str) -> Vec<&'a CannedReply> {
    let typed = typed.trim().to_lowercase();
    let mut scored: Vec<(u8, &CannedReply)> = replies
        .iter()
        .filter_map(|reply| {
            let shortcut = reply.shortcut.to_lowercase();
            let text = reply.text.to_lowercase();
            let rank = if typed.is_empty() || shortcut.starts_with(&typed) {
                0
            } else if shortcut.contains(&typed) {
                1
            } else if typed.split_whitespace().all(|typed_word| {
                text.split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.starts_with(typed_word))
            }) {
                2
            } else if strsim::jaro_winkler(&shortcut, &typed) >= 0.85 {
                3
            } else {
                return None;
            };
            Some((rank, reply))
        })
        .collect();
    scored.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.shortcut.cmp(&y.shortcut)));
    scored.into_iter().map(|(_, reply)| reply).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(shortcut: &str, text: &str) -> CannedReply {
        CannedReply {
            id: 0,
            shortcut: shortcut.into(),
            text: text.into(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn variables_are_filled_from_the_chat() {
        let with = Filling {
            name: "Priya",
            agent: "Asha",
            wa_id: "919876543210",
        };
        assert_eq!(
            fill("Hi {{name}}, {{agent}} here. Is +{{wa_id}} right?", &with),
            "Hi Priya, Asha here. Is +919876543210 right?"
        );
    }

    #[test]
    fn a_draft_is_checked_field_by_field() {
        let fields = |shortcut: &str, text: &str| {
            CannedReplyDraft {
                shortcut: shortcut.into(),
                text: text.into(),
            }
            .validate()
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|problem| problem.field)
            .collect::<Vec<_>>()
        };
        assert!(fields("/refund", "Hi {{name}}").is_empty());
        assert_eq!(fields("", "x"), ["shortcut"]);
        assert_eq!(fields("two words", "x"), ["shortcut"]);
        assert_eq!(fields("ok", "Hi {{customer}}"), ["text"]);
        assert_eq!(fields("ok", " "), ["text"]);
    }

    #[test]
    fn typing_after_the_slash_picks_by_shortcut_text_or_a_near_miss() {
        let replies = [
            reply("refund", "Your refund is on its way."),
            reply("hours", "We are open 9 to 6."),
            reply("thanks", "Thank you for writing to us."),
        ];
        let shortcuts = |typed: &str| -> Vec<&str> {
            pick(&replies, typed)
                .into_iter()
                .map(|reply| reply.shortcut.as_str())
                .collect()
        };
        assert_eq!(shortcuts(""), ["hours", "refund", "thanks"]);
        assert_eq!(shortcuts("re"), ["refund"]);
        assert_eq!(shortcuts("open"), ["hours"]);
        assert_eq!(shortcuts("refnud"), ["refund"]);
        assert!(shortcuts("zzz").is_empty());
    }
}
