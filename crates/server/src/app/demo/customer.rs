//! Writing as a customer: a WhatsApp Cloud API webhook delivery built from a
//! text, then parsed and applied by the very code that handles WhatsApp's
//! own deliveries (only the signature check is skipped: nothing was sent
//! over the network).

use handover_core::WaId;
use serde_json::{json, Value};

use crate::app::error::AppError;
use crate::app::inbound::payload::{self, WebhookDelivery};
use crate::app::inbound::process;
use crate::platform::db::Db;
use crate::platform::media::MediaFiles;
use crate::platform::secrets::new_token;
use crate::store::media;

/// One text from a customer.
pub struct CustomerText<'a> {
    pub wa_id: &'a WaId,
    /// The WhatsApp profile name; empty keeps the one stored.
    pub name: &'a str,
    pub text: &'a str,
    pub at_ms: i64,
}

/// The body WhatsApp would POST to the webhook for `message`.
pub fn delivery_body(message: &CustomerText<'_>, wamid: &str) -> Value {
    let text = json!({"type": "text", "text": { "body": message.text }});
    envelope(message.wa_id, message.name, wamid, message.at_ms, text)
}

/// A webhook body with one message of `content` (its `type` and object).
fn envelope(wa_id: &WaId, name: &str, wamid: &str, at_ms: i64, content: Value) -> Value {
    let wa_id = wa_id.as_str();
    let mut message = json!({
        "from": wa_id,
        "id": wamid,
        "timestamp": (at_ms / 1000).to_string(),
    });
    if let (Some(message), Value::Object(content)) = (message.as_object_mut(), content) {
        message.extend(content);
    }
    let mut value = json!({
        "messaging_product": "whatsapp",
        "metadata": { "display_phone_number": "15550000000", "phone_number_id": "demo" },
        "messages": [message],
    });
    if !name.is_empty() {
        value["contacts"] = json!([{ "profile": { "name": name }, "wa_id": wa_id }]);
    }
    json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "demo", "changes": [{ "field": "messages", "value": value }] }],
    })
}

/// A photo from a customer, stored here as if fetched from WhatsApp.
pub struct CustomerPhoto<'a> {
    pub wa_id: &'a WaId,
    pub name: &'a str,
    pub caption: &'a str,
    pub png: &'a [u8],
    pub at_ms: i64,
}

/// Delivers a photo as WhatsApp would, with the file already in place.
pub async fn send_photo(
    db: &Db,
    files: &MediaFiles,
    photo: &CustomerPhoto<'_>,
) -> Result<(), AppError> {
    let saved = files.save_bytes(photo.png).await.map_err(|error| {
        AppError::Unavailable(format!("The demo photo could not be stored: {error}"))
    })?;
    let media_id = format!("demo-media-{}", new_token());
    let image = json!({"type": "image", "image": {
        "id": media_id, "mime_type": "image/png", "sha256": saved.hash, "caption": photo.caption,
    }});
    let wamid = format!("wamid.demo.{}", new_token());
    let body = envelope(photo.wa_id, photo.name, &wamid, photo.at_ms, image).to_string();
    let delivery = payload::parse(body.as_bytes())
        .map_err(|error| AppError::bad_request("invalid_webhook", error.to_string()))?;
    process::delivery_alone(db, &delivery, photo.at_ms).await?;
    let mut write = db.begin_write().await?;
    media::ready_by_wa_media_id(&mut write.tx, &media_id, &saved.hash, saved.size).await?;
    write.commit().await?;
    Ok(())
}

/// The delivery WhatsApp would make for `message`, parsed, and its new
/// wamid.
pub fn delivery(message: &CustomerText<'_>) -> Result<(String, WebhookDelivery), AppError> {
    let wamid = format!("wamid.demo.{}", new_token());
    let body = delivery_body(message, &wamid).to_string();
    let delivery = payload::parse(body.as_bytes())
        .map_err(|error| AppError::bad_request("invalid_webhook", error.to_string()))?;
    Ok((wamid, delivery))
}

/// Delivers `message` as WhatsApp would, in a transaction of its own (the
/// demo's seed, before anything listens).
pub async fn write(db: &Db, message: &CustomerText<'_>) -> Result<(), AppError> {
    let (_, delivery) = delivery(message)?;
    process::delivery_alone(db, &delivery, message.at_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_parses_as_a_text_from_the_customer_with_their_name() {
        let wa_id = WaId::parse("919820000101").unwrap();
        let message = CustomerText {
            wa_id: &wa_id,
            name: "Priya Sharma",
            text: "Do you deliver?",
            at_ms: 1_795_600_800_123,
        };
        let body = delivery_body(&message, "wamid.demo.1").to_string();
        let delivery = payload::parse(body.as_bytes()).unwrap();
        assert_eq!(delivery.contacts["919820000101"], "Priya Sharma");
        let [inbound] = &delivery.messages[..] else {
            panic!("one message expected: {delivery:?}");
        };
        assert_eq!(inbound.from, wa_id);
        assert_eq!(inbound.wamid, "wamid.demo.1");
        assert_eq!(inbound.text.as_deref(), Some("Do you deliver?"));
        assert_eq!(inbound.sent_at_ms, 1_795_600_800_000);
    }

    #[test]
    fn without_a_name_no_contact_is_sent_so_the_stored_name_stays() {
        let wa_id = WaId::parse("919820000101").unwrap();
        let message = CustomerText {
            wa_id: &wa_id,
            name: "",
            text: "Hi",
            at_ms: 0,
        };
        let body = delivery_body(&message, "wamid.demo.2").to_string();
        assert!(payload::parse(body.as_bytes()).unwrap().contacts.is_empty());
    }
}
