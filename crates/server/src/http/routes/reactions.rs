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
use super::params::{wa_id_from, MessagePath};
use crate::app::chats::reactions;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;

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
    Ok(Json(
        reactions::react(&state, &agent, &wa_id, id, &reaction).await?,
    ))
}
