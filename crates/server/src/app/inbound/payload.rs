//! Reading what a Cloud API delivery carries (`contacts[]`, `messages[]`
//! and `statuses[]`, found by `envelope`) into ours.
//!
//! Parsing is strict about the envelope and about times (so a wrong body is
//! a clear 400) and lenient inside it: a message of a type we do not know is
//! kept as "unsupported", and an item missing its sender or id is skipped
//! and logged, never allowed to fail the whole delivery. What customers
//! wrote is kept within WhatsApp's own limits.
//!
//! WhatsApp's notifications that are not something the customer wrote
//! (an edit, a deletion, a number change, a request for the welcome, other
//! system notices) are told apart as [`Notice`]s: they never count as
//! messages.

use std::collections::HashMap;

use handover_core::api::Delivery;
use handover_core::media::MediaKind;
use handover_core::WaId;
use serde_json::Value;

/// Everything one webhook POST carries.
#[derive(Debug, Default)]
pub struct WebhookDelivery {
    /// wa_id → profile name.
    pub contacts: HashMap<String, String>,
    pub messages: Vec<InboundMessage>,
    pub notices: Vec<Notice>,
    pub statuses: Vec<StatusUpdate>,
}

impl WebhookDelivery {
    /// How many things it carries: messages, notices and statuses.
    pub fn items(&self) -> usize {
        self.messages_and_notices() + self.statuses.len()
    }

    /// Its messages and notices: the items each applied in statements of
    /// their own (status callbacks are applied together, per batch).
    pub fn messages_and_notices(&self) -> usize {
        self.messages.len() + self.notices.len()
    }

    /// The delivery in pieces of at most `size` items (at least one), in
    /// the order they are applied: its messages, then its notices, then
    /// its statuses; each piece with the names of its senders.
    pub fn into_pieces(self, size: usize) -> Vec<WebhookDelivery> {
        let size = size.max(1);
        if self.items() <= size {
            return vec![self];
        }
        let WebhookDelivery {
            contacts,
            messages,
            notices,
            statuses,
        } = self;
        let mut pieces: Vec<WebhookDelivery> = in_pieces(messages, size)
            .map(|messages| {
                let contacts = messages
                    .iter()
                    .filter_map(|message| {
                        let name = contacts.get(message.from.as_str())?;
                        Some((message.from.as_str().to_owned(), name.clone()))
                    })
                    .collect();
                WebhookDelivery {
                    contacts,
                    messages,
                    ..WebhookDelivery::default()
                }
            })
            .collect();
        pieces.extend(in_pieces(notices, size).map(|notices| WebhookDelivery {
            notices,
            ..WebhookDelivery::default()
        }));
        pieces.extend(in_pieces(statuses, size).map(|statuses| WebhookDelivery {
            statuses,
            ..WebhookDelivery::default()
        }));
        pieces
    }
}

/// `items` in pieces of `size`, in order.
fn in_pieces<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let mut items = items.into_iter().peekable();
    std::iter::from_fn(move || {
        items.peek()?;
        Some(items.by_ref().take(size).collect())
    })
}

/// The longest text WhatsApp lets a customer send; anything longer did not
/// come from WhatsApp and is cut.
pub const MAX_TEXT: usize = handover_core::whatsapp::MAX_TEXT_CHARS;
/// The longest profile name kept.
pub const MAX_NAME: usize = 256;
/// The longest reaction kept (an emoji is a few characters, joined ones
/// up to about ten).
pub const MAX_REACTION: usize = 16;
/// The longest message id taken (WhatsApp's are under a hundred bytes).
pub const MAX_WAMID: usize = 256;

/// A notification from WhatsApp about a customer that is not a message.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub from: WaId,
    pub wamid: String,
    pub at_ms: i64,
    pub what: NoticeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NoticeKind {
    /// The customer edited a message: its new text.
    Edited {
        original: String,
        text: Option<String>,
    },
    /// The customer deleted a message.
    Deleted { original: String },
    /// The customer reacted to a message (`None`: took their reaction
    /// back). Never a message of its own.
    Reacted {
        original: String,
        emoji: Option<String>,
    },
    /// The customer moved to another number.
    ChangedNumber { new_wa_id: WaId },
    /// The customer opened the chat for the first time: greet them.
    RequestedWelcome,
    /// Any other notice, as WhatsApp words it.
    System { text: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboundMessage {
    pub from: WaId,
    pub wamid: String,
    pub sent_at_ms: i64,
    /// WhatsApp's type, or `unsupported`.
    pub content_type: String,
    /// Text, caption, button title or a readable summary.
    pub text: Option<String>,
    /// The id of a button or list reply (or a template button's payload).
    pub reply_id: Option<String>,
    /// `referral.source_id` of a click-to-WhatsApp ad.
    pub referral_source_id: Option<String>,
    /// `context.id`: the message this one answers (a quoted reply, or a tap
    /// on a button of ours), which may be one we never stored.
    pub reply_to: Option<String>,
    /// The file of an image, sticker, audio, video or document message.
    pub media: Option<InboundMedia>,
    /// The message object as received.
    pub raw: String,
}

/// A file as the webhook describes it; fetched later.
#[derive(Debug, Clone, PartialEq)]
pub struct InboundMedia {
    pub kind: MediaKind,
    /// WhatsApp's id for it (`None`: it cannot be fetched).
    pub id: Option<String>,
    pub mime_type: String,
    pub sha256: Option<String>,
    pub filename: Option<String>,
    pub caption: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StatusUpdate {
    pub wamid: String,
    pub delivery: Delivery,
    pub at_ms: i64,
    /// Error titles and details, for failed sends.
    pub error: Option<String>,
    /// The message our marker names (`biz_opaque_callback_data`), for a
    /// send whose wamid was never recorded.
    pub marked: Option<i64>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum PayloadError {
    #[error("The body is not valid JSON: {0}")]
    NotJson(String),
    #[error("The body is not a WhatsApp Cloud API webhook: expected an object with \"object\" and an \"entry\" array.")]
    NotAnEnvelope,
    #[error("Message {wamid}: its timestamp {found} is not a time in Unix seconds, so the delivery was refused (nothing was stored).")]
    BadTimestamp { wamid: String, found: String },
}

/// The delivery `body` carries, each of its items read on its own (see
/// `envelope`).
pub fn parse(body: &[u8]) -> Result<WebhookDelivery, PayloadError> {
    let items = super::envelope::items(body)?;
    let mut delivery = WebhookDelivery::default();
    for contact in items.contacts.into_iter().map(read) {
        if let (Some(wa_id), Some(name)) = (
            str_at(&contact, &["wa_id"]),
            str_at(&contact, &["profile", "name"]),
        ) {
            delivery
                .contacts
                .insert(wa_id.to_owned(), cut(name, MAX_NAME));
        }
    }
    for message in items.messages.into_iter().map(read) {
        match inbound(&message)? {
            Some(Item::Message(parsed)) => delivery.messages.push(*parsed),
            Some(Item::Notice(notice)) => delivery.notices.push(notice),
            None => {
                tracing::warn!(%message, "skipped a webhook message without a valid sender or id")
            }
        }
    }
    for status in items.statuses.into_iter().map(read) {
        match status_update(&status) {
            Some(parsed) => delivery.statuses.push(parsed),
            None => {
                tracing::warn!(%status, "skipped a webhook status without an id or a known status")
            }
        }
    }
    Ok(delivery)
}

/// One item, read (it is valid JSON: the envelope was).
fn read(raw: &serde_json::value::RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

fn array<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))?
        .as_str()
}

/// WhatsApp sends Unix seconds as a string; numbers are accepted too.
/// `None` when there is none or it is no time at all (not a number, before
/// 1970, or too large to be one).
fn timestamp_ms(value: &Value) -> Option<i64> {
    let seconds = match value.get("timestamp")? {
        Value::String(text) => text.parse::<i64>().ok()?,
        Value::Number(number) => number.as_i64()?,
        _ => return None,
    };
    (0..=MAX_SECONDS).contains(&seconds).then(|| seconds * 1000)
}

/// The year 9999, in Unix seconds: later than any real message.
const MAX_SECONDS: i64 = 253_402_300_799;

/// `text` within `max` characters (a longer one ends in `…`).
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The most of a message's object kept as received.
const MAX_RAW: usize = 16 * 1024;

/// The message's object as received when it is of a size WhatsApp sends;
/// otherwise its type and ids only, marked as cut.
fn bounded_raw(message: &Value) -> String {
    let raw = message.to_string();
    if raw.len() <= MAX_RAW {
        return raw;
    }
    let mut kept = serde_json::Map::new();
    for key in ["from", "id", "timestamp", "type"] {
        if let Some(value) = message.get(key).and_then(Value::as_str) {
            kept.insert(key.to_owned(), Value::from(cut(value, MAX_WAMID)));
        }
    }
    kept.insert(
        "cut".to_owned(),
        Value::from(format!("{} bytes", raw.len())),
    );
    Value::Object(kept).to_string()
}

/// One item of `messages[]`.
enum Item {
    Message(Box<InboundMessage>),
    Notice(Notice),
}

fn inbound(message: &Value) -> Result<Option<Item>, PayloadError> {
    let (Some(from), Some(wamid)) = (
        str_at(message, &["from"]).and_then(|from| WaId::parse(from).ok()),
        str_at(message, &["id"]).filter(|id| !id.is_empty() && id.len() <= MAX_WAMID),
    ) else {
        return Ok(None);
    };
    let wamid = wamid.to_owned();
    let Some(sent_at_ms) = timestamp_ms(message) else {
        let found = message
            .get("timestamp")
            .map_or("(none)".to_owned(), Value::to_string);
        return Err(PayloadError::BadTimestamp { wamid, found });
    };
    let kind = str_at(message, &["type"]).unwrap_or("unknown");
    if let Some(what) = notice(message, kind) {
        return Ok(Some(Item::Notice(Notice {
            from,
            wamid,
            at_ms: sent_at_ms,
            what,
        })));
    }
    let (content_type, text, reply_id) = content(message, kind);
    Ok(Some(Item::Message(Box::new(InboundMessage {
        from,
        wamid,
        sent_at_ms,
        content_type,
        text: text.map(|text| cut(&text, MAX_TEXT)),
        reply_id: reply_id.map(|id| cut(&id, MAX_WAMID)),
        referral_source_id: str_at(message, &["referral", "source_id"])
            .map(|id| cut(id, MAX_WAMID)),
        reply_to: str_at(message, &["context", "id"])
            .filter(|id| !id.is_empty() && id.len() <= MAX_WAMID)
            .map(str::to_owned),
        media: media(message, kind),
        raw: bounded_raw(message),
    }))))
}

/// What a notification that is not a customer's message says, if it is one.
fn notice(message: &Value, kind: &str) -> Option<NoticeKind> {
    let at = |path: &[&str]| str_at(message, path).map(str::to_owned);
    match kind {
        "edit" => Some(NoticeKind::Edited {
            original: at(&["edit", "original_message_id"])?,
            text: at(&["edit", "message", "text", "body"])
                .or_else(|| {
                    let edited = &message["edit"]["message"];
                    let kind = edited["type"].as_str()?;
                    str_at(edited, &[kind, "caption"]).map(str::to_owned)
                })
                .map(|text| cut(&text, MAX_TEXT)),
        }),
        "revoke" => Some(NoticeKind::Deleted {
            original: at(&["revoke", "original_message_id"])?,
        }),
        // WhatsApp sends an empty emoji (or none) when a reaction is taken
        // back; a reaction to a message it does not name changes nothing.
        "reaction" => Some(NoticeKind::Reacted {
            original: at(&["reaction", "message_id"]).unwrap_or_default(),
            emoji: at(&["reaction", "emoji"])
                .filter(|emoji| !emoji.is_empty())
                .map(|emoji| cut(&emoji, MAX_REACTION)),
        }),
        "request_welcome" => Some(NoticeKind::RequestedWelcome),
        "system" => match (
            str_at(message, &["system", "type"]),
            str_at(message, &["system", "new_wa_id"]).and_then(|id| WaId::parse(id).ok()),
        ) {
            (Some("user_changed_number"), Some(new_wa_id)) => {
                Some(NoticeKind::ChangedNumber { new_wa_id })
            }
            _ => Some(NoticeKind::System {
                text: cut(
                    &at(&["system", "body"]).unwrap_or_else(|| "A notice from WhatsApp".into()),
                    MAX_TEXT,
                ),
            }),
        },
        _ => None,
    }
}

/// (content type, text to show, reply id) for each message type.
fn content(message: &Value, kind: &str) -> (String, Option<String>, Option<String>) {
    let at = |path: &[&str]| str_at(message, path).map(str::to_owned);
    let media = |label: &str| {
        let caption = at(&[kind, "caption"]).or_else(|| at(&[kind, "filename"]));
        Some(caption.map_or_else(
            || format!("[{label}]"),
            |caption| format!("[{label}] {caption}"),
        ))
    };
    let (text, reply_id) = match kind {
        "text" => (at(&["text", "body"]), None),
        "interactive" => match str_at(message, &["interactive", "type"]) {
            Some("button_reply") => (
                at(&["interactive", "button_reply", "title"]),
                at(&["interactive", "button_reply", "id"]),
            ),
            Some("list_reply") => (
                at(&["interactive", "list_reply", "title"]),
                at(&["interactive", "list_reply", "id"]),
            ),
            Some("nfm_reply") => (Some("[Form reply]".to_owned()), None),
            _ => (Some("[Interactive reply]".to_owned()), None),
        },
        "button" => (at(&["button", "text"]), at(&["button", "payload"])),
        "image" => (media("Image"), None),
        "video" => (media("Video"), None),
        "audio" => (
            Some(
                if message["audio"]["voice"].as_bool() == Some(true) {
                    "[Voice message]"
                } else {
                    "[Audio]"
                }
                .to_owned(),
            ),
            None,
        ),
        "document" => (media("Document"), None),
        "sticker" => (Some("[Sticker]".to_owned()), None),
        "order" => (Some(order(&message["order"])), None),
        "location" => (Some(location(&message["location"])), None),
        "contacts" => {
            let names: Vec<&str> = array(message, "contacts")
                .filter_map(|contact| str_at(contact, &["name", "formatted_name"]))
                .collect();
            (
                Some(
                    format!("[Contact] {}", names.join(", "))
                        .trim_end()
                        .to_owned(),
                ),
                None,
            )
        }
        other => {
            return (
                "unsupported".to_owned(),
                Some(format!("Unsupported message type: {other}")),
                None,
            );
        }
    };
    (kind.to_owned(), text, reply_id)
}

/// The file a message of this kind carries, as described.
fn media(message: &Value, kind: &str) -> Option<InboundMedia> {
    let kind_of_file = MediaKind::parse(kind)?;
    let field = |key: &str| {
        str_at(message, &[kind, key])
            .filter(|text| !text.is_empty())
            .map(|text| cut(text, MAX_NAME))
    };
    Some(InboundMedia {
        kind: kind_of_file,
        id: field("id"),
        mime_type: field("mime_type").unwrap_or_default(),
        sha256: field("sha256"),
        filename: field("filename"),
        caption: str_at(message, &[kind, "caption"])
            .filter(|text| !text.is_empty())
            .map(|text| cut(text, MAX_TEXT)),
    })
}

/// A catalog order: its items and total, as the agent reads it.
fn order(order: &Value) -> String {
    let items: Vec<&Value> = array(order, "product_items").collect();
    let count = items
        .iter()
        .filter_map(|item| item["quantity"].as_i64())
        .fold(0i64, i64::saturating_add);
    // Folded from +0.0: an empty sum of floats is -0.0, shown as "-0.00".
    let total = items
        .iter()
        .filter_map(|item| Some(item["item_price"].as_f64()? * item["quantity"].as_f64()?))
        .fold(0.0, |sum, price| sum + price);
    let currency = items
        .first()
        .and_then(|item| item["currency"].as_str())
        .unwrap_or("");
    let mut text = format!("[Order] {count} item(s), {total:.2} {currency}")
        .trim_end()
        .to_owned();
    if let Some(note) = order["text"].as_str().filter(|note| !note.is_empty()) {
        text.push_str(&format!(": {note}"));
    }
    text
}

fn location(location: &Value) -> String {
    let field = |key: &str| {
        location
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
    };
    let coordinates = match (
        location["latitude"].as_f64(),
        location["longitude"].as_f64(),
    ) {
        (Some(lat), Some(long)) => format!("({lat:.5}, {long:.5})"),
        _ => String::new(),
    };
    let parts: Vec<&str> = [field("name"), field("address"), Some(coordinates.as_str())]
        .into_iter()
        .flatten()
        .filter(|part| !part.is_empty())
        .collect();
    format!("[Location] {}", parts.join(" "))
}

fn status_update(status: &Value) -> Option<StatusUpdate> {
    let delivery = match str_at(status, &["status"])? {
        "sent" => Delivery::Sent,
        "delivered" => Delivery::Delivered,
        // A voice message played is one read, as the thread shows it.
        "read" | "played" => Delivery::Read,
        "failed" => Delivery::Failed,
        _ => return None,
    };
    let errors: Vec<String> = array(status, "errors")
        .map(|error| {
            let title = str_at(error, &["title"])
                .or_else(|| str_at(error, &["message"]))
                .unwrap_or("Unknown error");
            let code = error
                .get("code")
                .map(|code| format!(" ({code})"))
                .unwrap_or_default();
            match str_at(error, &["error_data", "details"]) {
                Some(details) => format!("{title}{code}: {details}"),
                None => format!("{title}{code}"),
            }
        })
        .collect();
    Some(StatusUpdate {
        wamid: str_at(status, &["id"])?.to_owned(),
        delivery,
        at_ms: timestamp_ms(status).unwrap_or(0),
        error: (!errors.is_empty()).then(|| errors.join("; ")),
        marked: str_at(status, &["biz_opaque_callback_data"])
            .and_then(crate::platform::outbound::marked),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_large_delivery_comes_apart_in_order_each_piece_with_its_senders_names() {
        let messages: Vec<Value> = (0..5)
            .map(|n| json!({"from": format!("91980000000{n}"), "id": format!("wamid.{n}"), "timestamp": "1700000000", "type": "text", "text": {"body": "hi"}}))
            .collect();
        let contacts: Vec<Value> = (0..5)
            .map(|n| json!({"wa_id": format!("91980000000{n}"), "profile": {"name": format!("Customer {n}")}}))
            .collect();
        let reaction = json!({"from": "919800000000", "id": "wamid.r", "timestamp": "1700000000", "type": "reaction", "reaction": {"message_id": "wamid.out", "emoji": "👍"}});
        let statuses: Vec<Value> = (0..3)
            .map(|n| json!({"id": format!("wamid.out.{n}"), "status": "read", "timestamp": "1700000100", "recipient_id": "919800000000"}))
            .collect();
        let mut all = messages.clone();
        all.push(reaction);
        let body = envelope(json!({"contacts": contacts, "messages": all, "statuses": statuses}));
        let delivery = parse(&body).unwrap();
        assert_eq!(delivery.items(), 9);

        let pieces = delivery.into_pieces(2);
        let sizes: Vec<(usize, usize, usize)> = pieces
            .iter()
            .map(|piece| {
                (
                    piece.messages.len(),
                    piece.notices.len(),
                    piece.statuses.len(),
                )
            })
            .collect();
        assert_eq!(
            sizes,
            [
                (2, 0, 0),
                (2, 0, 0),
                (1, 0, 0),
                (0, 1, 0),
                (0, 0, 2),
                (0, 0, 1)
            ]
        );
        let wamids: Vec<&str> = pieces
            .iter()
            .flat_map(|piece| &piece.messages)
            .map(|message| message.wamid.as_str())
            .collect();
        assert_eq!(
            wamids,
            ["wamid.0", "wamid.1", "wamid.2", "wamid.3", "wamid.4"]
        );
        for piece in &pieces[..3] {
            assert_eq!(piece.contacts.len(), piece.messages.len());
            for message in &piece.messages {
                let n = &message.wamid["wamid.".len()..];
                assert_eq!(
                    piece.contacts[message.from.as_str()],
                    format!("Customer {n}")
                );
            }
        }
    }

    fn envelope(value: Value) -> Vec<u8> {
        json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}]})
            .to_string()
            .into_bytes()
    }

    fn one_message(message: Value) -> InboundMessage {
        let mut base = json!({"from": "919876543210", "id": "wamid.1", "timestamp": "1700000000"});
        base.as_object_mut()
            .unwrap()
            .extend(message.as_object().unwrap().clone());
        let delivery = parse(&envelope(json!({"messages": [base]}))).unwrap();
        delivery.messages.into_iter().next().expect("one message")
    }

    #[test]
    fn every_message_type_gets_a_content_type_and_readable_text() {
        let cases = [
            (
                json!({"type": "text", "text": {"body": "Where is my order?"}}),
                "text",
                "Where is my order?",
                None,
            ),
            (
                json!({"type": "interactive", "interactive": {"type": "button_reply", "button_reply": {"id": "talk_to_agent", "title": "Talk to an agent"}}}),
                "interactive",
                "Talk to an agent",
                Some("talk_to_agent"),
            ),
            (
                json!({"type": "interactive", "interactive": {"type": "list_reply", "list_reply": {"id": "sizes", "title": "Size chart", "description": "S to XL"}}}),
                "interactive",
                "Size chart",
                Some("sizes"),
            ),
            (
                json!({"type": "button", "button": {"text": "Track order", "payload": "TRACK"}}),
                "button",
                "Track order",
                Some("TRACK"),
            ),
            (
                json!({"type": "image", "image": {"id": "m1", "mime_type": "image/jpeg", "caption": "Broken seal"}}),
                "image",
                "[Image] Broken seal",
                None,
            ),
            (
                json!({"type": "image", "image": {"id": "m1"}}),
                "image",
                "[Image]",
                None,
            ),
            (
                json!({"type": "audio", "audio": {"id": "a1", "voice": true}}),
                "audio",
                "[Voice message]",
                None,
            ),
            (
                json!({"type": "video", "video": {"id": "v1"}}),
                "video",
                "[Video]",
                None,
            ),
            (
                json!({"type": "document", "document": {"id": "d1", "filename": "invoice.pdf"}}),
                "document",
                "[Document] invoice.pdf",
                None,
            ),
            (
                json!({"type": "sticker", "sticker": {"id": "s1"}}),
                "sticker",
                "[Sticker]",
                None,
            ),
            (
                json!({"type": "location", "location": {"latitude": 19.076, "longitude": 72.8777, "name": "Office", "address": "Mumbai"}}),
                "location",
                "[Location] Office Mumbai (19.07600, 72.87770)",
                None,
            ),
            (
                json!({"type": "contacts", "contacts": [{"name": {"formatted_name": "Asha Rao"}}]}),
                "contacts",
                "[Contact] Asha Rao",
                None,
            ),
            (
                json!({"type": "order", "order": {"product_items": [
                    {"product_retailer_id": "r", "quantity": 2, "item_price": 10.5, "currency": "USD"}]}}),
                "order",
                "[Order] 2 item(s), 21.00 USD",
                None,
            ),
            (
                json!({"type": "unsupported", "errors": [{"code": 131051}]}),
                "unsupported",
                "Unsupported message type: unsupported",
                None,
            ),
        ];
        for (message, content_type, text, reply_id) in cases {
            let parsed = one_message(message.clone());
            assert_eq!(parsed.content_type, content_type, "{message}");
            assert_eq!(parsed.text.as_deref(), Some(text), "{message}");
            assert_eq!(parsed.reply_id.as_deref(), reply_id, "{message}");
            assert_eq!(parsed.sent_at_ms, 1_700_000_000_000);
        }
    }

    #[test]
    fn a_quoted_reply_names_the_message_it_answers() {
        let quoting = one_message(json!({"type": "text", "text": {"body": "Yes, that one"},
            "context": {"from": "15550783881", "id": "wamid.quoted"}}));
        assert_eq!(quoting.reply_to.as_deref(), Some("wamid.quoted"));
        let forwarded = one_message(json!({"type": "text", "text": {"body": "fwd"},
            "context": {"forwarded": true}}));
        assert_eq!(forwarded.reply_to, None);
    }

    #[test]
    fn reactions_are_notices_with_or_without_an_emoji() {
        let body = envelope(json!({"messages": [
            {"from": "919876543210", "id": "wamid.r1", "timestamp": "1700000000", "type": "reaction",
             "reaction": {"message_id": "wamid.hello", "emoji": "👍"}},
            {"from": "919876543210", "id": "wamid.r2", "timestamp": "1700000060", "type": "reaction",
             "reaction": {"message_id": "wamid.hello", "emoji": ""}},
            {"from": "919876543210", "id": "wamid.r3", "timestamp": "1700000120", "type": "reaction",
             "reaction": {"message_id": "wamid.hello"}}
        ]}));
        let delivery = parse(&body).unwrap();
        assert!(
            delivery.messages.is_empty(),
            "a reaction is never a message"
        );
        let seen: Vec<&NoticeKind> = delivery.notices.iter().map(|notice| &notice.what).collect();
        let reacted = |emoji: Option<&str>| NoticeKind::Reacted {
            original: "wamid.hello".into(),
            emoji: emoji.map(str::to_owned),
        };
        assert_eq!(seen, [&reacted(Some("👍")), &reacted(None), &reacted(None)]);
    }

    #[test]
    fn click_to_whatsapp_referrals_and_contact_names_are_read() {
        let body = envelope(json!({
            "contacts": [{"profile": {"name": "Priya"}, "wa_id": "919876543210"}],
            "messages": [{"from": "919876543210", "id": "wamid.ad", "timestamp": 1700000000, "type": "text",
                          "text": {"body": "Hi"}, "referral": {"source_id": "ad_42", "source_type": "ad"}}]
        }));
        let delivery = parse(&body).unwrap();
        assert_eq!(delivery.contacts["919876543210"], "Priya");
        assert_eq!(
            delivery.messages[0].referral_source_id.as_deref(),
            Some("ad_42")
        );
    }

    #[test]
    fn statuses_carry_their_error_details() {
        let body = envelope(json!({"statuses": [
            {"id": "wamid.out", "status": "read", "timestamp": "1700000100", "recipient_id": "919876543210"},
            {"id": "wamid.bad", "status": "failed", "timestamp": "1700000100", "recipient_id": "919876543210",
             "errors": [{"code": 131047, "title": "Re-engagement message", "error_data": {"details": "More than 24 hours have passed"}}]},
            {"id": "wamid.odd", "status": "deleted"}
        ]}));
        let statuses = parse(&body).unwrap().statuses;
        assert_eq!(statuses.len(), 2);
        assert_eq!(statuses[0].delivery, Delivery::Read);
        assert_eq!(
            statuses[1].error.as_deref(),
            Some("Re-engagement message (131047): More than 24 hours have passed")
        );
    }

    #[test]
    fn bad_bodies_are_refused_with_a_reason_and_bad_items_are_skipped() {
        assert!(matches!(parse(b"{not json"), Err(PayloadError::NotJson(_))));
        assert_eq!(parse(b"[]").unwrap_err(), PayloadError::NotAnEnvelope);
        assert_eq!(
            parse(br#"{"object":"x","entry":{}}"#).unwrap_err(),
            PayloadError::NotAnEnvelope
        );
        let body = envelope(json!({"messages": [
            {"from": "not-a-number", "id": "wamid.1", "timestamp": "1", "type": "text"},
            {"from": "919876543210", "timestamp": "1", "type": "text"}
        ]}));
        assert!(parse(&body).unwrap().messages.is_empty());
    }
}
