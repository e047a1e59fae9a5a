//! The chatbot's brain, as pure functions: given the configuration, the
//! chat's state and one customer message, what does the bot reply, and does
//! it hand the chat to an agent? Pure so that the server and the Bot page's
//! simulator (running unsaved drafts in the browser) decide identically.

pub mod config;
pub mod matching;

pub use config::{BotConfig, BusinessHours, Choice, Escalation, FieldError, Intent, Reply};

use crate::Status;

/// What the bot knows of the chat when a message arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatContext {
    /// The status after the message was recorded (Closed already reopened).
    pub status: Status,
    /// A first message ever, or the first after a Resolve: greet.
    pub greet: bool,
    /// Fallback replies sent in a row before this message.
    pub fallbacks_in_row: u32,
    /// Now, in Unix milliseconds, for business hours.
    pub now_ms: i64,
    /// While Requesting: the customer's place in the queue (1 = next).
    pub queue_position: u32,
    /// While Requesting: the holding message was already sent in this wait.
    pub holding_sent: bool,
}

/// One customer message as the bot reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerMessage<'a> {
    pub text: Option<&'a str>,
    /// The id of a tapped button or list row.
    pub reply_id: Option<&'a str>,
    /// A photo, voice note, video, document, sticker, location or contact:
    /// nothing the bot can read as words (its `text` is only a summary).
    pub media: bool,
}

impl CustomerMessage<'_> {
    /// Whether WhatsApp's message type carries no words of the customer's
    /// own (everything but text and taps on buttons or list rows).
    pub fn is_media_type(content_type: &str) -> bool {
        !matches!(content_type, "text" | "interactive" | "button")
    }
}

/// Why the bot handed the chat over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationReason {
    AskedForPerson,
    Fallbacks(u32),
    Intent(String),
}

impl EscalationReason {
    /// A stable name the reports group escalations by: `asked_for_person`,
    /// `fallbacks`, or `intent:<id>`.
    pub fn cause(&self) -> String {
        match self {
            EscalationReason::AskedForPerson => "asked_for_person".to_owned(),
            EscalationReason::Fallbacks(_) => "fallbacks".to_owned(),
            EscalationReason::Intent(id) => format!("intent:{id}"),
        }
    }

    /// For the audit trail.
    pub fn describe(&self) -> String {
        match self {
            EscalationReason::AskedForPerson => "The customer asked for an agent".to_owned(),
            EscalationReason::Fallbacks(n) => {
                format!("The bot could not answer {n} times in a row")
            }
            EscalationReason::Intent(id) => format!("Intent {id} always goes to an agent"),
        }
    }
}

/// The bot's answer to one message.
#[derive(Debug, Clone, PartialEq)]
pub struct BotTurn {
    pub replies: Vec<Reply>,
    /// The intent that answered, with its confidence.
    pub matched: Option<(String, f64)>,
    /// `Some` when the chat goes to the agents' queue.
    pub escalate: Option<EscalationReason>,
    /// Fallbacks in a row after this message, to store for the next one.
    pub fallbacks_in_row: u32,
    /// This turn sent the one holding message of a wait.
    pub held: bool,
}

impl BotTurn {
    fn silent(chat: &ChatContext) -> Self {
        BotTurn {
            replies: Vec::new(),
            matched: None,
            escalate: None,
            fallbacks_in_row: chat.fallbacks_in_row,
            held: false,
        }
    }
}

/// Decides the bot's turn. Silent while an agent holds the chat; quiet
/// while the customer waits in Requesting (see [`while_waiting`]).
pub fn respond(config: &BotConfig, chat: ChatContext, message: CustomerMessage<'_>) -> BotTurn {
    match chat.status {
        Status::Intervened => return BotTurn::silent(&chat),
        Status::Requesting => return while_waiting(config, &chat, message),
        Status::Active | Status::Closed => {}
    }
    let text = message.text.map(matching::normalise).unwrap_or_default();
    let mut replies = Vec::new();
    if chat.greet {
        replies.push(Reply::Text {
            text: config.welcome.clone(),
        });
    }
    let escalation = &config.escalation;
    let asks_for_person = escalation.on_request
        && (message.reply_id == Some(escalation.request_button_id.as_str())
            || escalation
                .request_keywords
                .iter()
                .any(|k| matching::contains_keyword(&text, &matching::normalise(k))));
    if asks_for_person {
        replies.push(escalation_reply(config, chat.now_ms));
        return BotTurn {
            replies,
            matched: None,
            escalate: Some(EscalationReason::AskedForPerson),
            fallbacks_in_row: 0,
            held: false,
        };
    }

    match best_intent(config, &text, message.reply_id) {
        Some((intent, confidence)) => {
            replies.push(intent.reply.clone());
            let escalate = intent
                .always_escalate
                .then(|| EscalationReason::Intent(intent.id.clone()));
            if escalate.is_some() {
                replies.push(escalation_reply(config, chat.now_ms));
            }
            BotTurn {
                replies,
                matched: Some((intent.id.clone(), confidence)),
                escalate,
                fallbacks_in_row: 0,
                held: false,
            }
        }
        // A greeting alone answers a hello; it is not a failure to understand.
        None if chat.greet => BotTurn {
            replies,
            matched: None,
            escalate: None,
            fallbacks_in_row: 0,
            held: false,
        },
        None => {
            let fallbacks = chat.fallbacks_in_row + 1;
            let limit_reached = escalation
                .after_fallbacks
                .is_some_and(|limit| fallbacks >= limit);
            if limit_reached {
                replies.push(escalation_reply(config, chat.now_ms));
                return BotTurn {
                    replies,
                    matched: None,
                    escalate: Some(EscalationReason::Fallbacks(fallbacks)),
                    fallbacks_in_row: 0,
                    held: false,
                };
            }
            replies.push(Reply::Text {
                text: config.fallback.clone(),
            });
            BotTurn {
                replies,
                matched: None,
                escalate: None,
                fallbacks_in_row: fallbacks,
                held: false,
            }
        }
    }
}

/// The bot while a customer waits for an agent: never a fallback, never a
/// second escalation, nothing for a photo or a voice note. The first thing
/// the customer writes in a wait gets one holding message (their place in
/// the queue, or when agents are back); later ones get nothing, unless the
/// manager lets the bot answer questions it recognises meanwhile.
fn while_waiting(config: &BotConfig, chat: &ChatContext, message: CustomerMessage<'_>) -> BotTurn {
    let mut turn = BotTurn::silent(chat);
    if message.media {
        return turn;
    }
    if config.answer_while_waiting {
        let text = message.text.map(matching::normalise).unwrap_or_default();
        if let Some((intent, confidence)) = best_intent(config, &text, message.reply_id) {
            turn.replies.push(intent.reply.clone());
            turn.matched = Some((intent.id.clone(), confidence));
            return turn;
        }
    }
    if !chat.holding_sent {
        turn.replies.push(holding_reply(config, chat));
        turn.held = true;
    }
    turn
}

/// "You are number 3 in the queue…", or out of hours, when agents are back.
fn holding_reply(config: &BotConfig, chat: &ChatContext) -> Reply {
    let escalation = &config.escalation;
    let text = match config
        .business_hours
        .as_ref()
        .and_then(|hours| next_opening(hours, chat.now_ms))
    {
        Some(opening) => format!("{} {opening}", escalation.after_hours_message),
        None => escalation
            .holding_message
            .replace(POSITION, &chat.queue_position.max(1).to_string()),
    };
    Reply::Text { text }
}

/// Where the holding message names the customer's place in the queue.
pub const POSITION: &str = "{position}";

/// The intent a button id names exactly, or the most confident one above
/// the threshold.
pub fn best_intent<'c>(
    config: &'c BotConfig,
    text: &str,
    reply_id: Option<&str>,
) -> Option<(&'c Intent, f64)> {
    if let Some(intent) =
        reply_id.and_then(|id| config.intents.iter().find(|intent| intent.id == id))
    {
        return Some((intent, 1.0));
    }
    config
        .intents
        .iter()
        .map(|intent| (intent, confidence(intent, text)))
        .filter(|(_, confidence)| *confidence >= config.threshold)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The intent closest to `text`, however far below the threshold: what the
/// simulator shows when nothing matched.
pub fn nearest_intent<'c>(config: &'c BotConfig, text: &str) -> Option<(&'c Intent, f64)> {
    let text = matching::normalise(text);
    config
        .intents
        .iter()
        .map(|intent| (intent, confidence(intent, &text)))
        .filter(|(_, confidence)| *confidence > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// An intent's confidence for normalised `text`.
pub fn confidence(intent: &Intent, text: &str) -> f64 {
    if intent
        .keywords
        .iter()
        .any(|k| matching::contains_keyword(text, &matching::normalise(k)))
    {
        return 1.0;
    }
    intent
        .examples
        .iter()
        .map(|example| matching::similarity(text, &matching::normalise(example)))
        .fold(0.0, f64::max)
}

/// "An agent will join", or, out of hours, when they will.
fn escalation_reply(config: &BotConfig, now_ms: i64) -> Reply {
    let escalation = &config.escalation;
    let text = match config
        .business_hours
        .as_ref()
        .and_then(|hours| next_opening(hours, now_ms))
    {
        Some(opening) => format!("{} {opening}", escalation.after_hours_message),
        None => escalation.message.clone(),
    };
    Reply::Text { text }
}

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// `None` while open; otherwise when the agents are next in, as
/// "We are back on Monday at 09:00." (or "today"/"tomorrow").
pub fn next_opening(hours: &BusinessHours, now_ms: i64) -> Option<String> {
    let (opens, closes) = (
        config::minutes_of(&hours.opens)?,
        config::minutes_of(&hours.closes)?,
    );
    let local_minutes = now_ms.div_euclid(60_000) + i64::from(hours.utc_offset_minutes);
    let day_number = local_minutes.div_euclid(1440);
    let minute = local_minutes.rem_euclid(1440) as u32;
    // 1970-01-01 was a Thursday (day 4).
    let weekday = |offset: i64| ((day_number + offset + 3).rem_euclid(7) + 1) as u8;
    let open_on = |day: u8| hours.days.contains(&day);
    if open_on(weekday(0)) && (opens..closes).contains(&minute) {
        return None;
    }
    let first = if open_on(weekday(0)) && minute < opens {
        0
    } else {
        1
    };
    let ahead = (first..first + 8).find(|offset| open_on(weekday(*offset)))?;
    let when = match ahead {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        _ => format!("on {}", DAYS[usize::from(weekday(ahead)) - 1]),
    };
    Some(format!("We are back {when} at {}.", hours.opens))
}

impl Default for BotConfig {
    /// The bot a new installation starts with: greets, answers nothing it
    /// was not taught, and escalates on request or after two fallbacks.
    fn default() -> Self {
        BotConfig {
            welcome: "Hi! I'm the Handover assistant. Ask me anything, or reply \"agent\" to talk to a person.".into(),
            fallback: "I'm not sure I can help with that yet. Reply \"agent\" to talk to a person.".into(),
            threshold: 0.80,
            intents: Vec::new(),
            escalation: Escalation {
                on_request: true,
                request_keywords: ["agent", "human", "person", "representative", "operator", "talk to someone"]
                    .map(String::from)
                    .to_vec(),
                request_button_id: "talk_to_agent".into(),
                after_fallbacks: Some(2),
                message: "Thanks! I'm connecting you with an agent; someone will join this chat shortly.".into(),
                holding_message: config::default_holding_message(),
                after_hours_message: "Thanks! Our agents are away right now; one will reply here as soon as they are in.".into(),
            },
            business_hours: None,
            answer_while_waiting: false,
        }
    }
}

#[cfg(test)]
mod tests;
