//! The chatbot's seam: given a customer's message and the chat's state, what
//! does the bot say, and does it hand the chat to an agent?
//!
//! This is the minimal bot: it greets new customers and escalates when they
//! ask for a person. A configurable bot replaces `respond` later; the
//! webhook pipeline only knows [`BotInput`] and [`BotReply`].

use handover_core::Status;

/// What the bot sees of one inbound message.
pub struct BotInput<'a> {
    pub status: Status,
    pub is_new_user: bool,
    pub name: &'a str,
    /// The text, caption or button title.
    pub text: Option<&'a str>,
    /// The id of a button or list reply.
    pub reply_id: Option<&'a str>,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct BotReply {
    pub messages: Vec<String>,
    pub escalate: bool,
}

/// The id of the "Talk to an agent" button.
pub const TALK_TO_AGENT: &str = "talk_to_agent";

const ASK_FOR_PERSON: [&str; 6] = [
    "agent",
    "human",
    "person",
    "representative",
    "operator",
    "someone",
];

pub fn respond(input: &BotInput<'_>) -> BotReply {
    let wants_person =
        input.reply_id == Some(TALK_TO_AGENT) || input.text.is_some_and(asks_for_person);
    match input.status {
        // A person is handling the chat: the bot stays out of it.
        Status::Intervened => BotReply::default(),
        Status::Requesting if wants_person => {
            say("An agent will join this chat shortly. Thank you for waiting.")
        }
        Status::Requesting => BotReply::default(),
        Status::Active | Status::Closed if wants_person => BotReply {
            messages: vec![
                "Thanks! I'm connecting you with an agent; someone will join this chat shortly."
                    .into(),
            ],
            escalate: true,
        },
        Status::Active | Status::Closed if input.is_new_user => say(&greeting(input.name)),
        Status::Active | Status::Closed => {
            say("I'm not sure I can help with that yet. Reply \"agent\" to talk to a person.")
        }
    }
}

fn say(text: &str) -> BotReply {
    BotReply {
        messages: vec![text.to_owned()],
        escalate: false,
    }
}

fn greeting(name: &str) -> String {
    let name = name.split_whitespace().next().unwrap_or("");
    let hello = if name.is_empty() {
        "Hi!".to_owned()
    } else {
        format!("Hi {name}!")
    };
    format!("{hello} I'm the Handover assistant. Ask me anything, or reply \"agent\" to talk to a person.")
}

fn asks_for_person(text: &str) -> bool {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| ASK_FOR_PERSON.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: Status, is_new_user: bool, text: &str) -> BotInput<'_> {
        BotInput {
            status,
            is_new_user,
            name: "Priya Sharma",
            text: Some(text),
            reply_id: None,
        }
    }

    #[test]
    fn new_customers_are_greeted_by_first_name() {
        let reply = respond(&input(Status::Active, true, "hello"));
        assert!(!reply.escalate);
        assert!(
            reply.messages[0].starts_with("Hi Priya!"),
            "{:?}",
            reply.messages
        );
    }

    #[test]
    fn asking_for_a_person_escalates_an_active_chat() {
        for text in [
            "agent",
            "I want to talk to a HUMAN please",
            "Agent?",
            "can a person help",
        ] {
            let reply = respond(&input(Status::Active, false, text));
            assert!(reply.escalate, "{text}");
        }
        for text in ["agents of shield trivia", "management", "hello"] {
            assert!(
                !respond(&input(Status::Active, false, text)).escalate,
                "{text}"
            );
        }
    }

    #[test]
    fn the_talk_to_an_agent_button_escalates_by_its_id() {
        let reply = respond(&BotInput {
            reply_id: Some(TALK_TO_AGENT),
            text: Some("Talk to an agent"),
            ..input(Status::Active, false, "")
        });
        assert!(reply.escalate);
    }

    #[test]
    fn the_bot_is_silent_while_an_agent_holds_the_chat() {
        assert_eq!(
            respond(&input(Status::Intervened, false, "agent")),
            BotReply::default()
        );
        assert_eq!(
            respond(&input(Status::Intervened, false, "hello")),
            BotReply::default()
        );
    }

    #[test]
    fn a_waiting_customer_is_reassured_but_not_escalated_twice() {
        let reply = respond(&input(Status::Requesting, false, "agent please"));
        assert!(!reply.escalate);
        assert_eq!(reply.messages.len(), 1);
        assert_eq!(
            respond(&input(Status::Requesting, false, "hello?")),
            BotReply::default()
        );
    }
}
