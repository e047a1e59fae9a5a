//! The bot's configuration, as managers edit, export and import it, with
//! validation against WhatsApp's limits that names the field at fault.

use serde::{Deserialize, Serialize};

/// The whole configuration of the bot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BotConfig {
    /// Sent to a new customer, and to a returning one after a Resolve.
    pub welcome: String,
    /// Sent when no intent is confident enough.
    pub fallback: String,
    /// The confidence an intent needs to answer (0 < threshold ≤ 1).
    #[serde(default = "default_threshold")]
    pub threshold: f64,
    #[serde(default)]
    pub intents: Vec<Intent>,
    pub escalation: Escalation,
    /// When agents work; `None` means always.
    #[serde(default)]
    pub business_hours: Option<BusinessHours>,
    /// While a customer waits for an agent, still answer what an intent
    /// recognises (otherwise the bot sends one holding message and waits).
    #[serde(default)]
    pub answer_while_waiting: bool,
}

fn default_threshold() -> f64 {
    0.80
}

/// The holding message of configurations saved before it existed.
pub fn default_holding_message() -> String {
    "Thanks for waiting: you are number {position} in the queue, and an agent will be with you shortly.".into()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Intent {
    /// Also the id of buttons and list rows that lead to this intent.
    pub id: String,
    #[serde(default)]
    pub examples: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub reply: Reply,
    /// Hand the chat to an agent whenever this intent answers (e.g. refunds).
    #[serde(default)]
    pub always_escalate: bool,
}

/// What the bot sends: text, quick reply buttons, or a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Reply {
    Text {
        text: String,
    },
    Buttons {
        text: String,
        buttons: Vec<Choice>,
    },
    List {
        text: String,
        button: String,
        rows: Vec<Choice>,
    },
}

impl Reply {
    /// The text part, for previews and the thread.
    pub fn text(&self) -> &str {
        match self {
            Reply::Text { text } | Reply::Buttons { text, .. } | Reply::List { text, .. } => text,
        }
    }

    /// The buttons or the list the customer is offered with it, as a
    /// thread shows them.
    pub fn offered(&self) -> Option<crate::api::Offered> {
        let options = |choices: &[Choice]| {
            choices
                .iter()
                .map(|choice| crate::api::OfferedOption {
                    title: choice.title.clone(),
                    description: choice.description.clone(),
                })
                .collect()
        };
        match self {
            Reply::Text { .. } => None,
            Reply::Buttons { buttons, .. } => Some(crate::api::Offered {
                list_button: None,
                options: options(buttons),
            }),
            Reply::List { button, rows, .. } => Some(crate::api::Offered {
                list_button: Some(button.clone()),
                options: options(rows),
            }),
        }
    }
}

/// A quick reply button or a list row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// When the bot hands a chat to the agents' queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// Escalate when the customer asks for a person.
    pub on_request: bool,
    /// Words or phrases that ask for a person.
    pub request_keywords: Vec<String>,
    /// The id of the "Talk to an agent" button.
    pub request_button_id: String,
    /// Escalate after this many fallbacks in a row; `None` switches it off.
    pub after_fallbacks: Option<u32>,
    /// Told to the customer on escalation.
    pub message: String,
    /// Told once to a waiting customer who writes again; `{position}`
    /// becomes their place in the queue.
    #[serde(default = "default_holding_message")]
    pub holding_message: String,
    /// Told instead outside business hours (the next opening is added).
    pub after_hours_message: String,
}

/// Opening hours in one fixed offset from UTC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// Minutes east of UTC, e.g. 330 for India.
    pub utc_offset_minutes: i32,
    /// Open days, 1 = Monday … 7 = Sunday.
    pub days: Vec<u8>,
    /// `HH:MM`, 24-hour clock.
    pub opens: String,
    pub closes: String,
}

pub use crate::error::FieldError;

/// WhatsApp's limits for interactive messages.
pub mod limits {
    pub const TEXT: usize = crate::whatsapp::MAX_TEXT_CHARS;
    pub const INTERACTIVE_BODY: usize = crate::whatsapp::MAX_INTERACTIVE_BODY_CHARS;
    pub const BUTTONS: usize = 3;
    pub const BUTTON_TITLE: usize = 20;
    pub const LIST_ROWS: usize = 10;
    pub const ROW_TITLE: usize = 24;
    pub const ROW_DESCRIPTION: usize = 72;
    pub const LIST_BUTTON: usize = 20;
    pub const ID: usize = 256;
}

impl BotConfig {
    /// Every problem at once, so a manager can fix an import in one go.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Errors::default();
        errors.text("welcome", &self.welcome, limits::TEXT);
        errors.text("fallback", &self.fallback, limits::TEXT);
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            errors.push("threshold", "must be above 0 and at most 1 (e.g. 0.8)");
        }
        let mut ids = std::collections::HashSet::new();
        for (n, intent) in self.intents.iter().enumerate() {
            let at = format!("intents[{n}]");
            errors.id(&format!("{at}.id"), &intent.id);
            if !ids.insert(intent.id.as_str()) {
                errors.push(
                    &format!("{at}.id"),
                    &format!("{:?} is used by another intent", intent.id),
                );
            }
            if intent
                .examples
                .iter()
                .chain(&intent.keywords)
                .all(|phrase| phrase.trim().is_empty())
            {
                errors.push(&at, "give at least one example phrase or keyword");
            }
            errors.reply(&format!("{at}.reply"), &intent.reply);
        }
        let escalation = &self.escalation;
        if escalation.on_request {
            errors.id(
                "escalation.request_button_id",
                &escalation.request_button_id,
            );
            if escalation
                .request_keywords
                .iter()
                .all(|k| k.trim().is_empty())
            {
                errors.push(
                    "escalation.request_keywords",
                    "give at least one word, such as agent",
                );
            }
        }
        if escalation.after_fallbacks == Some(0) {
            errors.push(
                "escalation.after_fallbacks",
                "must be at least 1, or null to switch it off",
            );
        }
        errors.text("escalation.message", &escalation.message, limits::TEXT);
        errors.text(
            "escalation.holding_message",
            &escalation.holding_message,
            limits::TEXT,
        );
        errors.text(
            "escalation.after_hours_message",
            &escalation.after_hours_message,
            limits::TEXT,
        );
        if let Some(hours) = &self.business_hours {
            if !(-720..=840).contains(&hours.utc_offset_minutes) {
                errors.push(
                    "business_hours.utc_offset_minutes",
                    "must be between -720 and 840",
                );
            }
            if hours.days.is_empty() || hours.days.iter().any(|day| !(1..=7).contains(day)) {
                errors.push(
                    "business_hours.days",
                    "list open days as 1 (Monday) to 7 (Sunday)",
                );
            }
            match (minutes_of(&hours.opens), minutes_of(&hours.closes)) {
                (Some(opens), Some(closes)) if opens < closes => {}
                (Some(_), Some(_)) => {
                    errors.push("business_hours.closes", "must be later than opens")
                }
                (None, _) => errors.push("business_hours.opens", "use HH:MM, e.g. 09:00"),
                (_, None) => errors.push("business_hours.closes", "use HH:MM, e.g. 18:00"),
            }
        }
        errors.finish()
    }
}

/// `"09:30"` → 570.
pub fn minutes_of(clock: &str) -> Option<u32> {
    let (hours, minutes) = clock.split_once(':')?;
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60 && clock.len() == 5).then_some(hours * 60 + minutes)
}

#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, message: &str) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message: message.to_owned(),
        });
    }

    fn text(&mut self, field: &str, text: &str, max: usize) {
        let length = text.trim().chars().count();
        if length == 0 {
            self.push(field, "must not be empty");
        } else if length > max {
            self.push(
                field,
                &format!("is {length} characters; WhatsApp allows {max}"),
            );
        }
    }

    fn id(&mut self, field: &str, id: &str) {
        let well_formed = !id.is_empty()
            && id.len() <= limits::ID
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !well_formed {
            self.push(
                field,
                "use lowercase letters, digits, _ and - (e.g. track_order)",
            );
        }
    }

    fn reply(&mut self, at: &str, reply: &Reply) {
        match reply {
            Reply::Text { text } => self.text(&format!("{at}.text"), text, limits::TEXT),
            Reply::Buttons { text, buttons } => {
                self.text(&format!("{at}.text"), text, limits::INTERACTIVE_BODY);
                if buttons.is_empty() || buttons.len() > limits::BUTTONS {
                    self.push(
                        &format!("{at}.buttons"),
                        &format!("give 1 to {} buttons", limits::BUTTONS),
                    );
                }
                self.choices(
                    &format!("{at}.buttons"),
                    buttons,
                    limits::BUTTON_TITLE,
                    None,
                );
            }
            Reply::List { text, button, rows } => {
                self.text(&format!("{at}.text"), text, limits::INTERACTIVE_BODY);
                self.text(&format!("{at}.button"), button, limits::LIST_BUTTON);
                if rows.is_empty() || rows.len() > limits::LIST_ROWS {
                    self.push(
                        &format!("{at}.rows"),
                        &format!("give 1 to {} rows", limits::LIST_ROWS),
                    );
                }
                self.choices(
                    &format!("{at}.rows"),
                    rows,
                    limits::ROW_TITLE,
                    Some(limits::ROW_DESCRIPTION),
                );
            }
        }
    }

    fn choices(
        &mut self,
        at: &str,
        choices: &[Choice],
        title_max: usize,
        description_max: Option<usize>,
    ) {
        let mut ids = std::collections::HashSet::new();
        for (n, choice) in choices.iter().enumerate() {
            let here = format!("{at}[{n}]");
            self.id(&format!("{here}.id"), &choice.id);
            if !ids.insert(choice.id.as_str()) {
                self.push(&format!("{here}.id"), "is used twice in this reply");
            }
            self.text(&format!("{here}.title"), &choice.title, title_max);
            match (description_max, &choice.description) {
                (Some(max), Some(description)) if description.chars().count() > max => {
                    self.push(
                        &format!("{here}.description"),
                        &format!("WhatsApp allows {max} characters"),
                    );
                }
                (None, Some(_)) => self.push(
                    &format!("{here}.description"),
                    "buttons have no description",
                ),
                _ => {}
            }
        }
    }

    fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}
