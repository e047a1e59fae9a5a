//! An agent's reaction to a customer's message: kept on the message (one
//! per person; a new one replaces it, an empty one takes it back) and sent
//! as WhatsApp's `type: reaction`, by the agent holding the chat inside the
//! window, as any message of theirs.

use axum::extract::State;
use axum::Json;
use handover_core::api::{Message, NewReaction};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::MessagePath;
use super::users::{holder_may_write, wa_id_from};
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::platform::outbound::reaction_payload;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::messages::{self, OnWhatsApp};
use crate::store::{reactions, users};

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(react)))
}

/// React to a customer's message (the agent holding the chat, inside the window); an empty emoji takes the reaction back.
#[utoipa::path(
    put,
    path = "/users/{wa_id}/messages/{id}/reaction",
    operation_id = "react_to_message",
    tag = "chats",
    params(MessagePath),
    request_body = NewReaction,
    responses(
        (status = 200, description = "The message with its reactions", body = Message),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn react(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(MessagePath { wa_id, id }): PathParam<MessagePath>,
    JsonBody(reaction): JsonBody<NewReaction>,
) -> Result<Json<Message>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let emoji = reaction.emoji.trim();
    if emoji.chars().count() > NewReaction::MAX_CHARS || emoji.contains(char::is_whitespace) {
        return Err(ApiError::unprocessable(
            "invalid_emoji",
            "emoji: give one emoji, or nothing to take the reaction back.",
        ));
    }
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let chat = users::chat_state(&mut write.tx, &wa_id, now).await?;
    holder_may_write(chat.as_ref(), &wa_id, &agent)?;
    let wamid = match messages::on_whatsapp(&mut *write.tx, &wa_id, id).await? {
        None => {
            return Err(ApiError::NotFound(format!(
                "This chat has no message {id}."
            )))
        }
        Some(OnWhatsApp {
            wamid: Some(wamid),
            from_customer: true,
        }) => wamid,
        Some(_) => {
            return Err(ApiError::unprocessable(
                "not_the_customers",
                "Agents react to the customer's messages only.",
            ))
        }
    };
    let emoji = (!emoji.is_empty()).then_some(emoji);
    reactions::agent_reacted(&mut write.tx, id, agent.id, emoji, now).await?;
    let mut batch = EventBatch::default();
    batch.message(id);
    batch.record(&mut write.tx, now).await?;
    let message = messages::by_id(&mut write.tx, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("The message vanished.".into()))?;
    write.commit().await?;
    state.events.notify();
    // Sent after the commit, in the background: a reaction is no message
    // of the outbox (nothing to count or retry); a failure is logged.
    let payload = reaction_payload(&wa_id, &wamid, emoji.unwrap_or_default());
    let transport = state.transport.clone();
    tokio::spawn(async move {
        if let Err(error) = transport.send(&payload).await {
            tracing::warn!(%error, "a reaction did not reach WhatsApp");
        }
    });
    Ok(Json(message))
}
