//! Customer satisfaction (CSAT): after an agent resolves a chat the bot
//! asks the customer to rate it, once per resolve. The settings managers
//! keep, the question as WhatsApp shows it, the ids its answers carry, and
//! which answers count as satisfied.

use serde::{Deserialize, Serialize};

use crate::bot::{Choice, Reply};
use crate::error::FieldError;

/// The longest question and thank-you.
pub const MAX_QUESTION: usize = crate::bot::config::limits::INTERACTIVE_BODY;
pub const MAX_THANKS: usize = crate::bot::config::limits::TEXT;

/// How customers answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CsatScale {
    /// 1 (very poor) to 5 (excellent), as a list (WhatsApp allows only three buttons).
    OneToFive,
    /// 👍 (1) or 👎 (0), as two buttons.
    Thumbs,
}

impl CsatScale {
    pub const ALL: [CsatScale; 2] = [CsatScale::OneToFive, CsatScale::Thumbs];

    pub const fn as_str(self) -> &'static str {
        match self {
            CsatScale::OneToFive => "one_to_five",
            CsatScale::Thumbs => "thumbs",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scale| scale.as_str() == text)
    }

    pub const fn label(self) -> &'static str {
        match self {
            CsatScale::OneToFive => "1 to 5",
            CsatScale::Thumbs => "👍 or 👎",
        }
    }

    /// The scores a customer can give, best first, with what they read.
    pub const fn choices(self) -> &'static [(u8, &'static str)] {
        match self {
            CsatScale::OneToFive => &[
                (5, "5 · Excellent"),
                (4, "4 · Good"),
                (3, "3 · Okay"),
                (2, "2 · Poor"),
                (1, "1 · Very poor"),
            ],
            CsatScale::Thumbs => &[(1, "👍 Yes"), (0, "👎 No")],
        }
    }

    /// Whether `score` is one this scale gives.
    pub fn allows(self, score: u8) -> bool {
        self.choices().iter().any(|(given, _)| *given == score)
    }

    /// Whether the customer was satisfied: 4 or 5 of five, or 👍.
    pub const fn satisfied(self, score: u8) -> bool {
        match self {
            CsatScale::OneToFive => score >= 4,
            CsatScale::Thumbs => score == 1,
        }
    }

    /// How a score reads on the profile: `4/5`, `👍`.
    pub fn describe(self, score: u8) -> String {
        match self {
            CsatScale::OneToFive => format!("{score}/5"),
            CsatScale::Thumbs if score == 1 => "👍".to_owned(),
            CsatScale::Thumbs => "👎".to_owned(),
        }
    }
}

/// An approved template, by name and language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    pub name: String,
    pub language: String,
}

/// `GET|PUT /api/csat`: whether and how the bot asks after a Resolve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CsatSettings {
    pub enabled: bool,
    pub scale: CsatScale,
    /// Asked with the answers as buttons (or a list) while the window is open.
    pub question: String,
    /// Said after an answer.
    pub thanks: String,
    /// Sent instead when the window has closed: an approved template with
    /// quick reply buttons and no parameters. Tapping any of its buttons
    /// opens the window, and the question follows. `None`: outside the
    /// window nobody is asked.
    #[serde(default)]
    pub template: Option<TemplateRef>,
}

impl Default for CsatSettings {
    fn default() -> Self {
        CsatSettings {
            enabled: false,
            scale: CsatScale::OneToFive,
            question: "How did we do? Please rate the help you got today.".to_owned(),
            thanks: "Thank you for your feedback!".to_owned(),
            template: None,
        }
    }
}

impl CsatSettings {
    /// The settings tidied (trimmed), or every problem with its field.
    pub fn checked(&self) -> Result<CsatSettings, Vec<FieldError>> {
        let mut problems = Vec::new();
        let question = self.question.trim().to_owned();
        let thanks = self.thanks.trim().to_owned();
        let mut length = |field: &str, text: &str, max: usize| {
            let chars = text.chars().count();
            if chars == 0 || chars > max {
                problems.push(FieldError {
                    field: field.to_owned(),
                    message: format!("write 1 to {max} characters"),
                });
            }
        };
        length("question", &question, MAX_QUESTION);
        length("thanks", &thanks, MAX_THANKS);
        let template = self.template.as_ref().map(|template| TemplateRef {
            name: template.name.trim().to_owned(),
            language: template.language.trim().to_owned(),
        });
        if template
            .as_ref()
            .is_some_and(|t| t.name.is_empty() || t.language.is_empty())
        {
            problems.push(FieldError {
                field: "template".to_owned(),
                message: "name the template and its language, or leave it out".to_owned(),
            });
        }
        if problems.is_empty() {
            Ok(CsatSettings {
                enabled: self.enabled,
                scale: self.scale,
                question,
                thanks,
                template,
            })
        } else {
            Err(problems)
        }
    }

    /// The question of survey `survey` as the bot sends it: two buttons
    /// for 👍/👎, a list of five rows for 1 to 5.
    pub fn question_reply(&self, survey: i64) -> Reply {
        let choices = self
            .scale
            .choices()
            .iter()
            .map(|(score, title)| Choice {
                id: answer_id(survey, *score),
                title: (*title).to_owned(),
                description: None,
            })
            .collect();
        match self.scale {
            CsatScale::Thumbs => Reply::Buttons {
                text: self.question.clone(),
                buttons: choices,
            },
            CsatScale::OneToFive => Reply::List {
                text: self.question.clone(),
                button: "Rate".to_owned(),
                rows: choices,
            },
        }
    }
}

/// What a tap on a survey's button or list row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsatTap {
    /// A score for survey `survey`.
    Score { survey: i64, score: u8 },
    /// A button of the template sent outside the window: ask the question now.
    Open { survey: i64 },
}

const PREFIX: &str = "csat:";

/// The id a survey's answer carries back: `csat:12:5`.
pub fn answer_id(survey: i64, score: u8) -> String {
    format!("{PREFIX}{survey}:{score}")
}

/// The payload of the template's quick reply buttons: `csat:12:open`.
pub fn open_id(survey: i64) -> String {
    format!("{PREFIX}{survey}:open")
}

/// Reads a tapped reply id; `None` for anything that is not a survey's.
pub fn parse_tap(reply_id: &str) -> Option<CsatTap> {
    let (survey, answer) = reply_id.strip_prefix(PREFIX)?.split_once(':')?;
    let survey = survey.parse().ok().filter(|id: &i64| *id > 0)?;
    if answer == "open" {
        return Some(CsatTap::Open { survey });
    }
    let score = answer.parse().ok()?;
    Some(CsatTap::Score { survey, score })
}

/// A customer's latest rating, on their profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsatRating {
    pub score: u8,
    pub scale: CsatScale,
    /// Whether it counts as satisfied (4–5 of five, 👍).
    pub satisfied: bool,
    /// The agent whose resolve was rated.
    pub agent: Option<String>,
    /// RFC 3339, UTC.
    pub answered_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_carry_their_survey_and_score_and_nothing_else_is_taken_for_one() {
        assert_eq!(
            parse_tap(&answer_id(12, 5)),
            Some(CsatTap::Score {
                survey: 12,
                score: 5
            })
        );
        assert_eq!(parse_tap(&open_id(7)), Some(CsatTap::Open { survey: 7 }));
        for other in [
            "",
            "csat:",
            "csat:x:1",
            "csat:0:1",
            "csat:3",
            "csat:3:x",
            "track_order",
        ] {
            assert_eq!(parse_tap(other), None, "{other:?}");
        }
    }

    #[test]
    fn the_question_fits_whatsapp_and_satisfied_means_four_or_more_or_thumbs_up() {
        let mut settings = CsatSettings::default();
        let Reply::List { rows, .. } = settings.question_reply(3) else {
            panic!("five choices go out as a list");
        };
        assert_eq!(rows.len(), 5);
        assert!(rows
            .iter()
            .all(|row| row.title.chars().count() <= crate::bot::config::limits::ROW_TITLE));
        assert_eq!(rows[0].id, "csat:3:5");
        settings.scale = CsatScale::Thumbs;
        let Reply::Buttons { buttons, .. } = settings.question_reply(3) else {
            panic!("thumbs go out as buttons");
        };
        assert_eq!(buttons.len(), 2);
        assert!(buttons
            .iter()
            .all(|b| b.title.chars().count() <= crate::bot::config::limits::BUTTON_TITLE));
        assert!(CsatScale::OneToFive.satisfied(4) && !CsatScale::OneToFive.satisfied(3));
        assert!(CsatScale::Thumbs.satisfied(1) && !CsatScale::Thumbs.satisfied(0));
        assert!(!CsatScale::Thumbs.allows(5) && CsatScale::OneToFive.allows(1));
    }

    #[test]
    fn settings_are_trimmed_and_empty_texts_refused_by_field() {
        let mut settings = CsatSettings {
            question: "  Rate us  ".into(),
            ..CsatSettings::default()
        };
        assert_eq!(settings.checked().unwrap().question, "Rate us");
        settings.question = " ".into();
        settings.template = Some(TemplateRef {
            name: "".into(),
            language: "en".into(),
        });
        let fields: Vec<String> = settings
            .checked()
            .unwrap_err()
            .into_iter()
            .map(|problem| problem.field)
            .collect();
        assert_eq!(fields, ["question", "template"]);
    }
}
