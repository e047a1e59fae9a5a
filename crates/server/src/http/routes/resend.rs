//! Sending a failed message again, where WhatsApp's reason says that can
//! succeed (a limit, an outage): the same body as a new message, which the
//! failed one names.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::Message;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::PathParam;
use super::openapi::Problem;
use super::params::{wa_id_from, MessagePath};
use crate::app::chats::resend;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;

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
    let message = resend::resend(&state, &agent, &wa_id, id).await?;
    Ok((StatusCode::CREATED, Json(message)))
}
