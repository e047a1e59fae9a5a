//! Calls behind an agent's daily tools: notes, files, labels, closing
//! reasons and canned replies.

use gloo_net::http::Request;
use handover_core::api::{CustomerProfile, Message, ReadReceipts};
use handover_core::canned::{CannedReply, CannedReplyDraft};
use handover_core::labels::ClosingReasons;
use handover_core::notes::{MyMentions, NewNote};
use handover_core::templates::HeaderMedia;

use super::{encode, get_json, no_content, post_json, read, ApiError};

/// `POST /api/users/{wa_id}/notes`.
pub async fn add_note(wa_id: String, text: String) -> Result<Message, ApiError> {
    post_json(&format!("/api/users/{wa_id}/notes"), &NewNote { text }).await
}

/// `POST /api/users/{wa_id}/media`: a photo or document, its bytes as the
/// body.
pub async fn send_file(
    wa_id: String,
    file: web_sys::File,
    caption: String,
) -> Result<Message, ApiError> {
    let mut path = format!("/api/users/{wa_id}/media?filename={}", encode(&file.name()));
    if !caption.trim().is_empty() {
        path.push_str(&format!("&caption={}", encode(caption.trim())));
    }
    let request = Request::post(&path)
        .header("content-type", &file.type_())
        .body(file)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/templates/media`: a photo, video or PDF to head a template.
pub async fn upload_template_header(file: web_sys::File) -> Result<HeaderMedia, ApiError> {
    let request = Request::post(&format!(
        "/api/templates/media?filename={}",
        encode(&file.name())
    ))
    .header("content-type", &file.type_())
    .body(file)
    .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `POST /api/media/{id}/retry`.
pub async fn retry_media(id: i64) -> Result<Message, ApiError> {
    read(
        Request::post(&format!("/api/media/{id}/retry"))
            .send()
            .await,
    )
    .await
}

/// `POST /api/users/{wa_id}/messages/{id}/resend`: a failed message sent
/// again, as a new message.
pub async fn resend(wa_id: String, id: i64) -> Result<Message, ApiError> {
    read(
        Request::post(&format!("/api/users/{wa_id}/messages/{id}/resend"))
            .send()
            .await,
    )
    .await
}

/// `PUT /api/users/{wa_id}/labels`.
pub async fn set_labels(wa_id: String, labels: Vec<String>) -> Result<CustomerProfile, ApiError> {
    let request = Request::put(&format!("/api/users/{wa_id}/labels"))
        .json(&labels)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/labels`: every label in use.
pub async fn fetch_labels() -> Result<Vec<String>, ApiError> {
    get_json("/api/labels").await
}

/// `GET /api/closing-reasons`.
pub async fn fetch_closing_reasons() -> Result<ClosingReasons, ApiError> {
    get_json("/api/closing-reasons").await
}

/// `PUT /api/closing-reasons` (managers).
pub async fn save_closing_reasons(reasons: ClosingReasons) -> Result<ClosingReasons, ApiError> {
    let request = Request::put("/api/closing-reasons")
        .json(&reasons)
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/canned-replies`.
pub async fn fetch_canned_replies() -> Result<Vec<CannedReply>, ApiError> {
    get_json("/api/canned-replies").await
}

/// `POST /api/canned-replies`, or `PUT /api/canned-replies/{id}` when `id`
/// is given (managers).
pub async fn save_canned_reply(
    id: Option<i64>,
    draft: CannedReplyDraft,
) -> Result<CannedReply, ApiError> {
    let request = match id {
        Some(id) => Request::put(&format!("/api/canned-replies/{id}")),
        None => Request::post("/api/canned-replies"),
    }
    .json(&draft)
    .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `DELETE /api/canned-replies/{id}` (managers).
pub async fn delete_canned_reply(id: i64) -> Result<(), ApiError> {
    no_content(
        Request::delete(&format!("/api/canned-replies/{id}"))
            .send()
            .await,
    )
    .await
}

/// `POST /api/users/{wa_id}/read`: the chat was opened by this person; the
/// profile comes back with its unread count as it now is.
pub async fn mark_read(wa_id: String) -> Result<CustomerProfile, ApiError> {
    read(
        Request::post(&format!("/api/users/{wa_id}/read"))
            .send()
            .await,
    )
    .await
}

/// `POST /api/users/{wa_id}/typing`: the holder is typing a reply.
pub async fn typing(wa_id: String) -> Result<(), ApiError> {
    no_content(
        Request::post(&format!("/api/users/{wa_id}/typing"))
            .send()
            .await,
    )
    .await
}

/// `GET /api/read-receipts`.
pub async fn fetch_read_receipts() -> Result<ReadReceipts, ApiError> {
    get_json("/api/read-receipts").await
}

/// `PUT /api/read-receipts` (managers).
pub async fn save_read_receipts(enabled: bool) -> Result<ReadReceipts, ApiError> {
    let request = Request::put("/api/read-receipts")
        .json(&ReadReceipts { enabled })
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}

/// `GET /api/me/mentions`.
pub async fn fetch_my_mentions() -> Result<MyMentions, ApiError> {
    get_json("/api/me/mentions").await
}

/// `POST /api/me/mentions/read`: the signed-in person looked at them.
pub async fn read_my_mentions() -> Result<MyMentions, ApiError> {
    read(Request::post("/api/me/mentions/read").send().await).await
}

/// `PUT /api/users/{wa_id}/messages/{id}/reaction`: an emoji on a
/// customer's message; empty takes it back.
pub async fn react(wa_id: String, id: i64, emoji: String) -> Result<Message, ApiError> {
    let request = Request::put(&format!("/api/users/{wa_id}/messages/{id}/reaction"))
        .json(&handover_core::api::NewReaction { emoji })
        .map_err(|error| ApiError::Unreadable(error.to_string()))?;
    read(request.send().await).await
}
