//! Files in a chat: an agent's photo or document sent to the customer, and
//! a customer's file fetched again after a failed fetch.

use handover_core::api::{Agent, Message};
use handover_core::media::MediaKind;
use handover_core::WaId;

use super::{holder_may_write, queued, with_message};
use crate::app::error::AppError;
use crate::platform::media::Saved;
use crate::state::AppState;
use crate::store::customers;
use crate::store::events::EventBatch;
use crate::store::media::{self, OutboundMedia};
use crate::store::messages::{self, Outbound};

/// A file an agent sends, already checked and stored.
pub struct Upload<'a> {
    pub kind: MediaKind,
    pub mime_type: &'a str,
    pub caption: Option<&'a str>,
    pub filename: Option<&'a str>,
    pub saved: &'a Saved,
}

/// Refuses before a file is read when `agent` may not write in this chat.
pub async fn may_send(state: &AppState, agent: &Agent, wa_id: &WaId) -> Result<(), AppError> {
    let mut conn = state.db.pool.acquire().await?;
    let chat = customers::chat_state(&mut conn, wa_id, state.clock.now_ms()).await?;
    holder_may_write(chat.as_ref(), wa_id, agent)
}

/// Queues an agent's file to the customer (the holder, window open); the
/// message as the thread shows it.
pub async fn send(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    upload: Upload<'_>,
) -> Result<Message, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let chat = customers::chat_state(&mut write.tx, wa_id, now).await?;
    holder_may_write(chat.as_ref(), wa_id, agent)?;
    let payload = crate::platform::outbound::file_payload(
        wa_id,
        upload.kind,
        upload.caption,
        upload.filename,
    );
    let shown =
        upload
            .caption
            .map(str::to_owned)
            .unwrap_or_else(|| match (upload.filename, upload.kind) {
                (Some(name), MediaKind::Document) => name.to_owned(),
                _ => format!("[{}]", crate::app::capitalised(upload.kind.noun())),
            });
    let outbound = Outbound::from_agent(wa_id, agent.id, &shown, &payload);
    let id = messages::queue_outbound_file(&mut write.tx, &outbound, upload.kind, now).await?;
    let file = OutboundMedia {
        message_id: id,
        kind: upload.kind,
        mime_type: upload.mime_type,
        filename: upload.filename,
        caption: upload.caption,
        content_hash: &upload.saved.hash,
        size: upload.saved.size,
    };
    media::insert_outbound(&mut write.tx, &file, now).await?;
    queued(state, write, EventBatch::default(), wa_id, id, now).await
}

/// Fetches a customer's file that failed again; its message.
pub async fn fetch_again(state: &AppState, id: i64) -> Result<Message, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let message_id = media::retry(&mut write.tx, id, now).await?.ok_or_else(|| {
        AppError::conflict(
            "not_retryable",
            "Only a customer's file that could not be fetched can be fetched again.",
        )
    })?;
    let message = with_message(state, write, EventBatch::default(), message_id, now).await?;
    state.fetches.wake();
    Ok(message)
}
