//! Sending a failed message again, where WhatsApp's reason says that can
//! succeed (a limit, an outage): the same body as a new message, which the
//! failed one names.

use handover_core::api::{Agent, Message};
use handover_core::failures;
use handover_core::{Status, TransitionError, WaId};

use super::queued;
use crate::app::error::AppError;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{customers, messages};

/// Queues failed message `id` again as a new message (a template any time;
/// a text by its chat's holder inside the window); the new message.
pub async fn resend(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    id: i64,
) -> Result<Message, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let failed = messages::failed(&mut write.tx, wa_id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("This chat has no failed message {id}.")))?;
    let advice = failures::advice(&failed.reason);
    if !advice.retry {
        return Err(AppError::conflict(
            "not_retryable",
            format!("Sending it again would fail the same way. {}", advice.words),
        ));
    }
    if !failed.is_template {
        let chat = customers::chat_state(&mut write.tx, wa_id, now)
            .await?
            .ok_or_else(|| AppError::no_customer(wa_id))?;
        if !chat.window_open {
            return Err(TransitionError::WindowClosed.into());
        }
        if chat.status == Status::Intervened && chat.holder != Some(agent.id) {
            return Err(AppError::conflict(
                TransitionError::NotHolder.code(),
                "Only the agent handling this chat can send its messages again.",
            ));
        }
    }
    if let Some(new) = failed.resent_as {
        return Err(AppError::conflict(
            "already_resent",
            format!("It was sent again already, as message {new}."),
        ));
    }
    if failed.carries_file {
        return Err(AppError::conflict(
            "resend_file",
            "It carries a file: attach the file again to send it.",
        ));
    }
    let new = messages::resend(&mut write.tx, id, now).await?;
    // The failed message names the new one: both change on screen.
    let mut batch = EventBatch::default();
    batch.message(id);
    queued(state, write, batch, wa_id, new, now).await
}
