//! The Cloud API envelope (`entry[].changes[].value` with `contacts[]`,
//! `messages[]` and `statuses[]`) read without building it in memory: each
//! contact, message and status is kept as its raw text, borrowed from the
//! body, to be read on its own. A delivery of thousands of messages takes
//! little more than its body while it is read.
//!
//! Strict about the envelope (not JSON, or no `object` string and `entry`
//! array: an error), lenient inside it: a part of another shape is
//! skipped.

use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

use super::payload::PayloadError;

/// The items of a delivery, in the order they came, as raw JSON.
#[derive(Default)]
pub struct Items<'a> {
    pub contacts: Vec<&'a RawValue>,
    pub messages: Vec<&'a RawValue>,
    pub statuses: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    object: Option<&'a RawValue>,
    #[serde(borrow)]
    entry: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Entry<'a> {
    #[serde(borrow)]
    changes: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct Change<'a> {
    #[serde(borrow)]
    value: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct ChangeValue<'a> {
    #[serde(borrow)]
    contacts: Option<&'a RawValue>,
    #[serde(borrow)]
    messages: Option<&'a RawValue>,
    #[serde(borrow)]
    statuses: Option<&'a RawValue>,
}

/// The items of the delivery `body`, or why it is not one.
pub fn items(body: &[u8]) -> Result<Items<'_>, PayloadError> {
    let envelope: Envelope<'_> =
        serde_json::from_slice(body).map_err(|error| match error.classify() {
            // JSON, but not an object of that shape.
            Category::Data => PayloadError::NotAnEnvelope,
            _ => PayloadError::NotJson(error.to_string()),
        })?;
    let named = envelope
        .object
        .is_some_and(|object| object.get().starts_with('"'));
    let entries: Vec<&RawValue> = match envelope.entry {
        Some(entry) if named => {
            serde_json::from_str(entry.get()).map_err(|_| PayloadError::NotAnEnvelope)?
        }
        _ => return Err(PayloadError::NotAnEnvelope),
    };
    let mut items = Items::default();
    for entry in entries {
        let entry: Entry<'_> = lenient(entry);
        for change in array(entry.changes) {
            let change: Change<'_> = lenient(change);
            let Some(value) = change.value else {
                continue;
            };
            let value: ChangeValue<'_> = lenient(value);
            items.contacts.extend(array(value.contacts));
            items.messages.extend(array(value.messages));
            items.statuses.extend(array(value.statuses));
        }
    }
    Ok(items)
}

/// `raw` read as `T`, or `T`'s default when it has another shape.
fn lenient<'a, T: Deserialize<'a> + Default>(raw: &'a RawValue) -> T {
    serde_json::from_str(raw.get()).unwrap_or_default()
}

/// The elements of an array (none when it is missing or not an array).
fn array(raw: Option<&RawValue>) -> Vec<&RawValue> {
    raw.map(lenient).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_items_of_every_change_are_read_in_order_and_odd_parts_skipped() {
        let body = br#"{"object": "whatsapp_business_account", "entry": [
            {"changes": [{"value": {"messages": [{"id": "a"}, {"id": "b"}], "contacts": [{"wa_id": "1"}]}},
                         {"value": 7}, {"field": "messages"}]},
            {"changes": "none"}, 3,
            {"changes": [{"value": {"messages": [{"id": "c"}], "statuses": {"id": "not a list"}}}]}
        ]}"#;
        let items = items(body).unwrap();
        let texts = |raws: &[&RawValue]| {
            raws.iter()
                .map(|raw| raw.get().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            texts(&items.messages),
            [r#"{"id": "a"}"#, r#"{"id": "b"}"#, r#"{"id": "c"}"#]
        );
        assert_eq!(texts(&items.contacts), [r#"{"wa_id": "1"}"#]);
        assert!(items.statuses.is_empty());
    }

    #[test]
    fn a_body_that_is_not_json_or_not_an_envelope_is_refused_as_such() {
        assert!(matches!(
            items(b"{\"object\": "),
            Err(PayloadError::NotJson(_))
        ));
        assert!(matches!(items(b"[1, 2]"), Err(PayloadError::NotAnEnvelope)));
        assert!(matches!(
            items(br#"{"object": 1, "entry": []}"#),
            Err(PayloadError::NotAnEnvelope)
        ));
        assert!(matches!(
            items(br#"{"object": "x", "entry": {}}"#),
            Err(PayloadError::NotAnEnvelope)
        ));
        assert!(matches!(
            items(br#"{"object": "x"}"#),
            Err(PayloadError::NotAnEnvelope)
        ));
        assert!(items(br#"{"object": "x", "entry": []}"#).is_ok());
    }
}
