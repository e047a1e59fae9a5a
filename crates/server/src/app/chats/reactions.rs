//! An agent's reaction to a customer's message: kept on the message (one
//! per person; a new one replaces it, an empty one takes it back) and sent
//! as WhatsApp's `type: reaction`, by the agent holding the chat inside the
//! window, as any message of theirs.

use handover_core::api::{Agent, Message, NewReaction};
use handover_core::WaId;

use super::{holder_may_write, with_message};
use crate::app::error::AppError;
use crate::platform::outbound::reaction_payload;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::messages::{self, OnWhatsApp};
use crate::store::{customers, reactions};

/// Reacts to the customer's message `id` (the holder, inside the window):
/// kept on the message, then sent to WhatsApp in the background; the
/// message as the thread shows it.
pub async fn react(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    id: i64,
    reaction: &NewReaction,
) -> Result<Message, AppError> {
    let emoji = reaction.emoji.trim();
    if emoji.chars().count() > NewReaction::MAX_CHARS || emoji.contains(char::is_whitespace) {
        return Err(AppError::unprocessable(
            "invalid_emoji",
            "emoji: give one emoji, or nothing to take the reaction back.",
        ));
    }
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let chat = customers::chat_state(&mut write.tx, wa_id, now).await?;
    holder_may_write(chat.as_ref(), wa_id, agent)?;
    let wamid = match messages::on_whatsapp(&mut *write.tx, wa_id, id).await? {
        None => {
            return Err(AppError::NotFound(format!(
                "This chat has no message {id}."
            )))
        }
        Some(OnWhatsApp {
            wamid: Some(wamid),
            from_customer: true,
        }) => wamid,
        Some(_) => {
            return Err(AppError::unprocessable(
                "not_the_customers",
                "Agents react to the customer's messages only.",
            ))
        }
    };
    let emoji = (!emoji.is_empty()).then_some(emoji);
    reactions::agent_reacted(&mut write.tx, id, agent.id, emoji, now).await?;
    let message = with_message(state, write, EventBatch::default(), id, now).await?;
    // Sent after the commit, in the background: a reaction is no message
    // of the outbox (nothing to count or retry); a failure is logged.
    let payload = reaction_payload(wa_id, &wamid, emoji.unwrap_or_default());
    let transport = state.transport.clone();
    tokio::spawn(async move {
        if let Err(error) = transport.send(&payload).await {
            tracing::warn!(%error, "a reaction did not reach WhatsApp");
        }
    });
    Ok(message)
}
