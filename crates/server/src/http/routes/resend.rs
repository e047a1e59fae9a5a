//! Sending a failed message again, where WhatsApp's reason says that can
//! succeed (a limit, an outage): the same body as a new message, which the
//! failed one names.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::Message;
use handover_core::failures;
use handover_core::{Status, TransitionError};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::PathParam;
use super::openapi::Problem;
use super::params::MessagePath;
use super::users::{queued_with, wa_id_from};
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::messages;
use crate::store::users;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(resend)))
}

/// Send a failed message again, as a new message (where a retry can succeed).
///
/// A template may be sent again by anyone; a session message only inside
/// the window, and in a chat an agent holds only by them. 409 when a retry
/// would fail the same way (the reason says what to do instead), when it
/// was sent again already, or when it carries a file.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/messages/{id}/resend",
    operation_id = "resend_message",
    tag = "chats",
    params(MessagePath),
    responses(
        (status = 201, description = "Queued again as a new message", body = Message),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn resend(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(MessagePath { wa_id, id }): PathParam<MessagePath>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let failed = messages::failed(&mut write.tx, &wa_id, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("This chat has no failed message {id}.")))?;
    let advice = failures::advice(&failed.reason);
    if !advice.retry {
        return Err(ApiError::conflict(
            "not_retryable",
            format!("Sending it again would fail the same way. {}", advice.words),
        ));
    }
    if !failed.is_template {
        let chat = users::chat_state(&mut write.tx, &wa_id, now)
            .await?
            .ok_or_else(|| ApiError::no_customer(&wa_id))?;
        if !chat.window_open {
            return Err(TransitionError::WindowClosed.into());
        }
        if chat.status == Status::Intervened && chat.holder != Some(agent.id) {
            return Err(ApiError::conflict(
                TransitionError::NotHolder.code(),
                "Only the agent handling this chat can send its messages again.",
            ));
        }
    }
    if let Some(new) = failed.resent_as {
        return Err(ApiError::conflict(
            "already_resent",
            format!("It was sent again already, as message {new}."),
        ));
    }
    if failed.carries_file {
        return Err(ApiError::conflict(
            "resend_file",
            "It carries a file: attach the file again to send it.",
        ));
    }
    let new = messages::resend(&mut write.tx, id, now).await?;
    // The failed message names the new one: both change on screen.
    let mut batch = EventBatch::default();
    batch.message(id);
    queued_with(&state, write, batch, &wa_id, new, now).await
}
