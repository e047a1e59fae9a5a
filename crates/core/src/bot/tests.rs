//! Table-driven tests of the bot's decisions.

use super::*;

/// Monday 2026-11-23, 10:00 in India (UTC+05:30).
const MONDAY_10_IST: i64 = 1_795_408_200_000;

fn text(text: &str) -> Reply {
    Reply::Text { text: text.into() }
}

fn intent(id: &str, examples: &[&str], keywords: &[&str], reply: Reply) -> Intent {
    Intent {
        id: id.into(),
        examples: examples.iter().map(|s| s.to_string()).collect(),
        keywords: keywords.iter().map(|s| s.to_string()).collect(),
        reply,
        always_escalate: false,
    }
}

fn shop() -> BotConfig {
    let mut refund = intent(
        "refund",
        &[],
        &["refund", "money back"],
        text("I'm sorry to hear that."),
    );
    refund.always_escalate = true;
    BotConfig {
        intents: vec![
            intent(
                "track_order",
                &["Where is my order?", "Track my order", "order status"],
                &["tracking"],
                text("Track it at shop.example/track."),
            ),
            intent(
                "opening_hours",
                &["What are your opening hours?", "When are you open?"],
                &[],
                text("We are open 9 to 6, Monday to Friday."),
            ),
            intent(
                "sizes",
                &["size chart"],
                &[],
                Reply::List {
                    text: "Which size chart?".into(),
                    button: "Choose".into(),
                    rows: vec![Choice {
                        id: "opening_hours".into(),
                        title: "Hours".into(),
                        description: None,
                    }],
                },
            ),
            refund,
        ],
        ..BotConfig::default()
    }
}

fn chat(status: Status) -> ChatContext {
    ChatContext {
        status,
        greet: false,
        fallbacks_in_row: 0,
        now_ms: MONDAY_10_IST,
        queue_position: 0,
        holding_sent: false,
    }
}

fn say(text: &str) -> CustomerMessage<'_> {
    CustomerMessage {
        text: Some(text),
        reply_id: None,
        media: false,
    }
}

/// A waiting customer, third in the queue.
fn waiting(holding_sent: bool) -> ChatContext {
    ChatContext {
        queue_position: 3,
        holding_sent,
        ..chat(Status::Requesting)
    }
}

/// Monday to Friday, 09:00 to 18:00 in India.
fn weekday_hours() -> BusinessHours {
    BusinessHours {
        utc_offset_minutes: 330,
        days: vec![1, 2, 3, 4, 5],
        opens: "09:00".into(),
        closes: "18:00".into(),
    }
}

/// Saturday 10:00 in India, when agents are away.
const SATURDAY_10_IST: i64 = MONDAY_10_IST + 5 * 24 * 3_600_000;

/// What the bot says on Saturday with [`weekday_hours`].
fn back_on_monday(config: &BotConfig) -> String {
    format!(
        "{} We are back on Monday at 09:00.",
        config.escalation.after_hours_message
    )
}

fn texts(turn: &BotTurn) -> Vec<&str> {
    turn.replies.iter().map(Reply::text).collect()
}

#[test]
fn intents_match_despite_misspellings_casing_accents_and_punctuation() {
    let config = shop();
    let cases: [(&str, Option<&str>, Option<&str>); 12] = [
        ("Where is my order?", None, Some("track_order")),
        ("wher is my ordr", None, Some("track_order")),
        ("WHERE IS MY ORDER!!!", None, Some("track_order")),
        ("Whére ís my órder", None, Some("track_order")),
        ("what's my tracking number", None, Some("track_order")),
        ("what are your opening hours", None, Some("opening_hours")),
        ("when r u open?", None, None),
        ("can I get a refnd", None, Some("refund")),
        ("hello there", None, None),
        ("", Some("opening_hours"), Some("opening_hours")),
        (
            "Where is my order?",
            Some("no_such_button"),
            Some("track_order"),
        ),
        ("size chart please", None, Some("sizes")),
    ];
    for (said, reply_id, expected) in cases {
        let matched = best_intent(&config, &matching::normalise(said), reply_id)
            .map(|(intent, _)| intent.id.as_str());
        assert_eq!(matched, expected, "{said:?} / {reply_id:?}");
    }
}

#[test]
fn a_button_id_matches_its_intent_exactly_with_full_confidence() {
    let config = shop();
    let turn = respond(
        &config,
        chat(Status::Active),
        CustomerMessage {
            text: Some("Hours"),
            reply_id: Some("opening_hours"),
            media: false,
        },
    );
    assert_eq!(turn.matched, Some(("opening_hours".to_owned(), 1.0)));
}

#[test]
fn the_threshold_is_configurable() {
    let mut strict = shop();
    strict.threshold = 0.99;
    assert!(best_intent(&strict, &matching::normalise("wher is my ordr"), None).is_none());
    assert!(best_intent(&strict, &matching::normalise("Where is my order"), None).is_some());
}

#[test]
fn two_fallbacks_in_a_row_hand_the_chat_to_an_agent() {
    let config = shop();
    let mut context = ChatContext {
        greet: true,
        ..chat(Status::Active)
    };
    let first = respond(&config, context, say("hi"));
    assert_eq!(
        texts(&first),
        [config.welcome.as_str()],
        "a greeting answers a hello"
    );
    assert_eq!(first.fallbacks_in_row, 0);

    context = ChatContext {
        greet: false,
        fallbacks_in_row: first.fallbacks_in_row,
        ..context
    };
    let second = respond(&config, context, say("blorp"));
    assert_eq!(texts(&second), [config.fallback.as_str()]);
    assert_eq!(
        (second.escalate.clone(), second.fallbacks_in_row),
        (None, 1)
    );

    context.fallbacks_in_row = second.fallbacks_in_row;
    let third = respond(&config, context, say("zzzz qqq"));
    assert_eq!(third.escalate, Some(EscalationReason::Fallbacks(2)));
    assert_eq!(texts(&third), [config.escalation.message.as_str()]);
    assert_eq!(third.fallbacks_in_row, 0);

    let mut patient = shop();
    patient.escalation.after_fallbacks = None;
    let never = respond(
        &patient,
        ChatContext {
            fallbacks_in_row: 9,
            ..chat(Status::Active)
        },
        say("???"),
    );
    assert_eq!(never.escalate, None, "the rule can be switched off");
}

#[test]
fn an_answered_question_resets_the_fallback_count() {
    let turn = respond(
        &shop(),
        ChatContext {
            fallbacks_in_row: 1,
            ..chat(Status::Active)
        },
        say("where is my order"),
    );
    assert_eq!((turn.fallbacks_in_row, turn.escalate), (0, None));
}

#[test]
fn a_refund_always_goes_to_an_agent_but_never_twice() {
    let config = shop();
    let turn = respond(&config, chat(Status::Active), say("I want my money back"));
    assert_eq!(
        turn.escalate,
        Some(EscalationReason::Intent("refund".into()))
    );
    assert_eq!(
        texts(&turn),
        [
            "I'm sorry to hear that.",
            config.escalation.message.as_str()
        ]
    );
    let mut answering = shop();
    answering.answer_while_waiting = true;
    let waits = respond(&answering, waiting(true), say("refund please"));
    assert_eq!(
        waits.escalate, None,
        "in Requesting the bot may answer but never escalates again"
    );
    assert_eq!(texts(&waits), ["I'm sorry to hear that."]);
}

#[test]
fn asking_for_a_person_escalates_by_words_or_by_the_button() {
    let config = shop();
    let cases: [(CustomerMessage<'_>, bool); 6] = [
        (say("Can I talk to a human?"), true),
        (say("AGENT"), true),
        (say("i need an agnet"), true),
        (
            CustomerMessage {
                text: Some("Talk to an agent"),
                reply_id: Some("talk_to_agent"),
                media: false,
            },
            true,
        ),
        (say("management team"), false),
        (say("where is my order"), false),
    ];
    for (message, escalates) in cases {
        let turn = respond(&config, chat(Status::Active), message);
        assert_eq!(turn.escalate.is_some(), escalates, "{message:?}");
    }
    let waits = respond(&config, waiting(false), say("agent?"));
    assert_eq!(waits.escalate, None);
    assert_eq!(
        texts(&waits),
        ["Thanks for waiting: you are number 3 in the queue, and an agent will be with you shortly."]
    );
    let mut off = shop();
    off.escalation.on_request = false;
    assert_eq!(
        respond(&off, chat(Status::Active), say("agent")).escalate,
        None
    );
}

#[test]
fn the_bot_is_silent_while_an_agent_holds_the_chat() {
    let turn = respond(
        &shop(),
        ChatContext {
            greet: true,
            ..chat(Status::Intervened)
        },
        say("agent"),
    );
    assert!(turn.replies.is_empty());
    assert_eq!(turn.escalate, None);
}

#[test]
fn after_a_resolve_the_customer_is_greeted_again_and_answered() {
    let config = shop();
    let turn = respond(
        &config,
        ChatContext {
            greet: true,
            ..chat(Status::Active)
        },
        say("where is my order"),
    );
    assert_eq!(
        texts(&turn),
        [config.welcome.as_str(), "Track it at shop.example/track."]
    );
}

#[test]
fn outside_business_hours_the_customer_is_told_when_agents_are_back() {
    let hours = weekday_hours();
    let hour = 3_600_000;
    let cases = [
        (MONDAY_10_IST, None),
        (SATURDAY_10_IST, Some("We are back on Monday at 09:00.")),
        (
            MONDAY_10_IST + 4 * 24 * hour + 9 * hour,
            Some("We are back on Monday at 09:00."),
        ), // Friday 19:00
        (
            MONDAY_10_IST + 22 * hour,
            Some("We are back today at 09:00."),
        ), // Tuesday 08:00
        (
            MONDAY_10_IST + 33 * hour,
            Some("We are back tomorrow at 09:00."),
        ), // Tuesday 19:00
    ];
    for (now, expected) in cases {
        assert_eq!(next_opening(&hours, now).as_deref(), expected, "{now}");
    }
    let mut config = shop();
    config.business_hours = Some(hours);
    let saturday = ChatContext {
        now_ms: SATURDAY_10_IST,
        ..chat(Status::Active)
    };
    let turn = respond(&config, saturday, say("agent"));
    assert_eq!(texts(&turn), [back_on_monday(&config).as_str()]);
}

#[test]
fn the_default_configuration_is_valid_and_round_trips_as_json() {
    let config = BotConfig::default();
    assert_eq!(config.validate(), Ok(()));
    assert_eq!(shop().validate(), Ok(()));
    let json = serde_json::to_string(&shop()).unwrap();
    assert_eq!(serde_json::from_str::<BotConfig>(&json).unwrap(), shop());
}

#[test]
fn an_invalid_configuration_is_refused_with_every_field_named() {
    let mut config = shop();
    config.welcome = "  ".into();
    config.threshold = 1.5;
    config.intents[1].id = "track_order".into();
    config.intents[2].reply = Reply::Buttons {
        text: "Pick".into(),
        buttons: ["a", "b", "c", "d"]
            .map(|id| Choice {
                id: id.into(),
                title: "A title longer than twenty".into(),
                description: None,
            })
            .to_vec(),
    };
    config.intents[3].keywords.clear();
    config.escalation.after_fallbacks = Some(0);
    config.business_hours = Some(BusinessHours {
        utc_offset_minutes: 0,
        days: vec![8],
        opens: "18:00".into(),
        closes: "9:00".into(),
    });

    let fields: Vec<String> = config
        .validate()
        .unwrap_err()
        .into_iter()
        .map(|error| error.field)
        .collect();
    assert_eq!(
        fields,
        [
            "welcome",
            "threshold",
            "intents[1].id",
            "intents[2].reply.buttons",
            "intents[2].reply.buttons[0].title",
            "intents[2].reply.buttons[1].title",
            "intents[2].reply.buttons[2].title",
            "intents[2].reply.buttons[3].title",
            "intents[3]",
            "escalation.after_fallbacks",
            "business_hours.days",
            "business_hours.closes",
        ]
    );
}

#[test]
fn unknown_fields_in_an_imported_document_are_refused_by_name() {
    let mut json = serde_json::to_value(BotConfig::default()).unwrap();
    json["welcom"] = serde_json::json!("typo");
    let error = serde_json::from_value::<BotConfig>(json).unwrap_err();
    assert!(error.to_string().contains("welcom"), "{error}");
}

#[test]
fn a_waiting_customer_gets_one_holding_message_and_never_a_fallback() {
    let config = shop();
    let first = respond(&config, waiting(false), say("hello?? is anyone there"));
    assert_eq!(
        texts(&first),
        ["Thanks for waiting: you are number 3 in the queue, and an agent will be with you shortly."]
    );
    assert!(first.held);
    assert_eq!((first.escalate, first.fallbacks_in_row), (None, 0));

    for later in ["hello??", "where is my order", "agent", "blorp"] {
        let turn = respond(&config, waiting(true), say(later));
        assert!(turn.replies.is_empty(), "{later}: {:?}", turn.replies);
        assert!(!turn.held);
    }
}

#[test]
fn a_waiting_customer_who_sends_media_gets_nothing() {
    let config = shop();
    for summary in [
        "[Image] Photo of the crushed box",
        "[Voice message]",
        "[Document] invoice.pdf",
        "Location: 12.97, 77.59",
    ] {
        let photo = CustomerMessage {
            text: Some(summary),
            reply_id: None,
            media: true,
        };
        let turn = respond(&config, waiting(false), photo);
        assert!(turn.replies.is_empty(), "{summary}");
        assert!(!turn.held, "the holding message is kept for words");
    }
}

#[test]
fn media_types_are_told_apart_from_words() {
    for media in [
        "image",
        "audio",
        "video",
        "document",
        "sticker",
        "location",
        "contacts",
        "unsupported",
    ] {
        assert!(CustomerMessage::is_media_type(media), "{media}");
    }
    for words in ["text", "interactive", "button"] {
        assert!(!CustomerMessage::is_media_type(words), "{words}");
    }
}

#[test]
fn out_of_hours_the_holding_message_says_when_agents_are_back() {
    let mut config = shop();
    config.business_hours = Some(weekday_hours());
    let saturday = ChatContext {
        now_ms: SATURDAY_10_IST,
        ..waiting(false)
    };
    let turn = respond(&config, saturday, say("hello?"));
    assert_eq!(texts(&turn), [back_on_monday(&config).as_str()]);
}

#[test]
fn a_manager_may_let_the_bot_answer_known_questions_while_a_customer_waits() {
    let mut config = shop();
    let quiet = respond(&config, waiting(true), say("where is my order"));
    assert!(quiet.replies.is_empty(), "off by default");
    config.answer_while_waiting = true;
    let answered = respond(&config, waiting(true), say("where is my order"));
    assert_eq!(texts(&answered), ["Track it at shop.example/track."]);
    let unknown = respond(&config, waiting(true), say("blorp"));
    assert!(unknown.replies.is_empty(), "still never a fallback");
}

#[test]
fn the_nearest_intent_is_named_even_below_the_threshold() {
    let config = shop();
    let (intent, confidence) = nearest_intent(&config, "where is my parcel").expect("an intent");
    assert_eq!(intent.id, "track_order");
    assert!(
        confidence < config.threshold && confidence > 0.3,
        "{confidence}"
    );
    assert!(nearest_intent(&BotConfig::default(), "anything").is_none());
}
