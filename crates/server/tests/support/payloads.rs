//! Realistic WhatsApp Cloud API webhook bodies.

use serde_json::{json, Value};

pub const PHONE_NUMBER_ID: &str = "106540352242922";

pub fn envelope(value: Value) -> Value {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID});
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]
    })
}

/// One inbound message from `from` (named `name`), sent at `timestamp` seconds.
pub fn inbound(from: &str, name: &str, wamid: &str, timestamp: i64, content: Value) -> Value {
    let mut message = json!({"from": from, "id": wamid, "timestamp": timestamp.to_string()});
    for (key, value) in content.as_object().expect("content object") {
        message[key] = value.clone();
    }
    envelope(json!({
        "contacts": [{"profile": {"name": name}, "wa_id": from}],
        "messages": [message]
    }))
}

pub fn text(from: &str, wamid: &str, timestamp: i64, body: &str) -> Value {
    inbound(
        from,
        "Priya Sharma",
        wamid,
        timestamp,
        json!({"type": "text", "text": {"body": body}}),
    )
}

pub fn status(wamid: &str, status: &str, timestamp: i64, recipient: &str) -> Value {
    envelope(json!({"statuses": [{
        "id": wamid, "status": status, "timestamp": timestamp.to_string(), "recipient_id": recipient,
        "conversation": {"id": "c1", "origin": {"type": "service"}}, "pricing": {"billable": true, "category": "service", "pricing_model": "CBP"}
    }]}))
}
