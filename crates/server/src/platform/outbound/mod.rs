//! Sending messages to WhatsApp.
//!
//! Messages are queued in the database (delivery `pending`) inside the
//! transaction that decided to send them; the [`worker`] claims them, sends
//! them through a [`Transport`] afterwards and records `sent` with the
//! wamid, or `failed` with the reason. So nothing is sent for a change that
//! did not commit, nothing queued is forgotten across a restart, and a
//! message is never sent again because its outcome could not be recorded
//! (see the worker for what happens after a crash).

pub mod cloud_api;
pub mod sandbox;
pub mod templates_api;
pub mod worker;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use handover_core::api::TemplateSend;
use handover_core::media::MediaKind;
use handover_core::WaId;
use serde_json::{json, Value};
use tokio::sync::Notify;

/// Why a send failed, in words for the dashboard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct SendError {
    pub reason: String,
    /// WhatsApp was busy or could not be reached (429, 5xx, no connection):
    /// the same request may be tried again.
    pub retryable: bool,
    /// WhatsApp's HTTP status, when it answered.
    pub status: Option<u16>,
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<String, SendError>> + Send + 'a>>;
pub type NotifyFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// A file to upload before the message that carries it is sent.
pub struct FileToUpload<'a> {
    pub path: &'a std::path::Path,
    pub mime_type: &'a str,
    pub filename: &'a str,
}

/// Where outbound messages go: the Cloud API, or the sandbox.
pub trait Transport: Send + Sync {
    /// Sends one Cloud API `/messages` request body once; returns the
    /// wamid. Retrying is the worker's decision.
    fn send<'a>(&'a self, payload: &'a Value) -> SendFuture<'a>;

    /// Uploads one file once (`POST /{phone-number-id}/media`); returns
    /// WhatsApp's media id to send it with.
    fn upload<'a>(&'a self, file: &'a FileToUpload<'a>) -> SendFuture<'a>;

    /// Tells WhatsApp something about the conversation that is no message
    /// (a `/messages` body with `status`: read receipts, the typing
    /// indicator); nothing is stored and nothing retried.
    fn notify<'a>(&'a self, payload: &'a Value) -> NotifyFuture<'a>;
}

/// The Cloud API body of a reaction to the customer's message `wamid`
/// (an empty emoji takes it back).
pub fn reaction_payload(to: &WaId, wamid: &str, emoji: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.as_str(),
        "type": "reaction",
        "reaction": { "message_id": wamid, "emoji": emoji },
    })
}

/// How long WhatsApp shows the typing indicator; it is sent again no
/// sooner for the same chat.
const TYPING_LASTS: std::time::Duration = std::time::Duration::from_secs(25);

/// The chats whose typing indicator this server sent lately, and when. It
/// forgets what has lapsed, so it holds only the chats typed in within the
/// last 25 s.
#[derive(Default)]
pub struct TypingThrottle(std::sync::Mutex<std::collections::HashMap<WaId, std::time::Instant>>);

impl TypingThrottle {
    /// Whether the typing indicator may be sent for `wa_id` now (at most
    /// once per 25 s), noting it when it may.
    pub fn due(&self, wa_id: &WaId) -> bool {
        let Ok(mut sent) = self.0.lock() else {
            return false;
        };
        let now = std::time::Instant::now();
        sent.retain(|_, at| now.duration_since(*at) < TYPING_LASTS);
        if sent.contains_key(wa_id) {
            return false;
        }
        sent.insert(wa_id.clone(), now);
        true
    }
}

/// WhatsApp's read receipt for the customer's message `wamid` (and all
/// before it): the blue ticks on their phone. With `typing`, also the
/// typing indicator (shown for up to 25 seconds or until we answer).
pub fn read_payload(wamid: &str, typing: bool) -> Value {
    let mut payload = json!({
        "messaging_product": "whatsapp",
        "status": "read",
        "message_id": wamid,
    });
    if typing {
        payload["typing_indicator"] = json!({ "type": "text" });
    }
    payload
}

/// What a message carries so that WhatsApp's status callbacks name it even
/// when its wamid was never recorded (`biz_opaque_callback_data`, echoed in
/// every status of the message).
pub fn marker(id: i64) -> String {
    format!("handover:{id}")
}

/// The message id in a status callback's marker, if it is one of ours.
pub fn marked(callback_data: &str) -> Option<i64> {
    callback_data.strip_prefix("handover:")?.parse().ok()
}

/// The HTTP client for WhatsApp's API: bounded waits, so a hung call
/// fails and is retried instead of holding a send forever.
pub(crate) fn whatsapp_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(15))
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap_or_default()
}

/// Wakes the worker when messages are queued, and knows whether it runs.
#[derive(Clone, Default)]
pub struct Outbox {
    wake: Arc<Notify>,
    running: Arc<AtomicBool>,
}

impl Outbox {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub async fn woken(&self) {
        self.wake.notified().await;
    }

    /// Whether the worker is running: started, and not ended or crashed.
    pub fn sender_running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    /// Marks the worker running until the guard is dropped (when the
    /// worker returns, and also when it panics).
    pub fn mark_running(&self) -> RunningGuard {
        self.running.store(true, Ordering::Relaxed);
        RunningGuard(self.running.clone())
    }
}

/// Held by the running worker; see [`Outbox::mark_running`].
pub struct RunningGuard(Arc<AtomicBool>);

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

/// The Cloud API body of a session text message.
pub fn text_payload(to: &WaId, text: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.as_str(),
        "type": "text",
        "text": { "preview_url": false, "body": text },
    })
}

/// The Cloud API body of a photo or document message; WhatsApp's id for
/// the file is added when it is uploaded, just before sending.
pub fn file_payload(
    to: &WaId,
    kind: MediaKind,
    caption: Option<&str>,
    filename: Option<&str>,
) -> Value {
    let mut file = json!({});
    if let Some(caption) = caption {
        file["caption"] = json!(caption);
    }
    // Only documents carry a file name on WhatsApp.
    if let (MediaKind::Document, Some(filename)) = (kind, filename) {
        file["filename"] = json!(filename);
    }
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.as_str(),
        "type": kind.as_str(),
        kind.as_str(): file,
    })
}

/// The Cloud API body of a template message: its media header (`kind`,
/// and a document's file name), WhatsApp's id for the file added when it
/// is uploaded just before sending; then its body parameters.
pub fn template_payload(
    to: &WaId,
    template: &TemplateSend,
    header: Option<(MediaKind, Option<&str>)>,
) -> Value {
    let mut body = json!({
        "name": template.name,
        "language": { "code": template.language },
    });
    let mut components = Vec::new();
    if let Some((kind, filename)) = header {
        let mut file = json!({});
        if let (MediaKind::Document, Some(filename)) = (kind, filename) {
            file["filename"] = json!(filename);
        }
        components.push(json!({
            "type": "header",
            "parameters": [{ "type": kind.as_str(), kind.as_str(): file }],
        }));
    }
    if !template.params.is_empty() {
        let parameters: Vec<Value> = template
            .params
            .iter()
            .map(|text| json!({ "type": "text", "text": text }))
            .collect();
        components.push(json!({ "type": "body", "parameters": parameters }));
    }
    if !components.is_empty() {
        body["components"] = Value::Array(components);
    }
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.as_str(),
        "type": "template",
        "template": body,
    })
}

/// Puts WhatsApp's id for an uploaded file where the message carries it:
/// in a template's header, or in a photo or document message.
pub fn set_media_id(payload: &mut Value, kind: MediaKind, media_id: &str) {
    let file = match payload["type"].as_str() {
        Some("template") => payload["template"]["components"]
            .as_array_mut()
            .and_then(|components| {
                components
                    .iter_mut()
                    .find(|component| component["type"] == "header")
            })
            .map(|header| &mut header["parameters"][0][kind.as_str()]),
        _ => Some(&mut payload[kind.as_str()]),
    };
    if let Some(file) = file {
        file["id"] = Value::String(media_id.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_names_its_message_and_nothing_else_is_taken_for_one() {
        assert_eq!(marked(&marker(42)), Some(42));
        for other in ["", "handover:", "handover:x", "someone-else:42", "42"] {
            assert_eq!(marked(other), None, "{other:?}");
        }
    }

    #[test]
    fn payloads_follow_the_cloud_api_format() {
        let to = WaId::parse("919876543210").unwrap();
        assert_eq!(
            text_payload(&to, "Hello"),
            json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": "919876543210",
                   "type": "text", "text": {"preview_url": false, "body": "Hello"}})
        );
        let template = TemplateSend {
            name: "order_update".into(),
            language: "en_US".into(),
            params: vec!["A1".into()],
            header_media_id: None,
        };
        assert_eq!(
            template_payload(&to, &template, None)["template"],
            json!({"name": "order_update", "language": {"code": "en_US"},
                   "components": [{"type": "body", "parameters": [{"type": "text", "text": "A1"}]}]})
        );
        let bare = TemplateSend {
            name: "hello_world".into(),
            language: "en_US".into(),
            params: vec![],
            header_media_id: None,
        };
        assert!(template_payload(&to, &bare, None)["template"]
            .get("components")
            .is_none());
    }

    #[test]
    fn a_media_header_goes_first_and_takes_the_uploaded_id() {
        let to = WaId::parse("919876543210").unwrap();
        let template = TemplateSend {
            name: "invoice_ready".into(),
            language: "en".into(),
            params: vec!["INV-7".into()],
            header_media_id: None,
        };
        let mut payload = template_payload(
            &to,
            &template,
            Some((MediaKind::Document, Some("invoice.pdf"))),
        );
        set_media_id(&mut payload, MediaKind::Document, "4490709327");
        assert_eq!(
            payload["template"]["components"],
            json!([
                {"type": "header", "parameters": [{"type": "document", "document": {"filename": "invoice.pdf", "id": "4490709327"}}]},
                {"type": "body", "parameters": [{"type": "text", "text": "INV-7"}]}
            ])
        );
        let mut photo = file_payload(&to, MediaKind::Image, Some("Your box"), None);
        set_media_id(&mut photo, MediaKind::Image, "77");
        assert_eq!(photo["image"], json!({"caption": "Your box", "id": "77"}));
    }
}
