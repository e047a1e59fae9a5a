//! Private notes in a chat: only the team sees them; `@name` tells a
//! colleague, and is kept for them to find later.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::Message;
use handover_core::notes::{MyMentions, NewNote};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::{wa_id_from, CustomerPath};
use crate::app::chats::notes;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store::mentions;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(create))
            .routes(routes!(my_mentions))
            .routes(routes!(read_mentions)),
    )
}

/// The signed-in person's mentions, newest first (the last 50), with how
/// many they have not read, kept while they were away.
#[utoipa::path(
    get,
    path = "/me/mentions",
    operation_id = "get_my_mentions",
    tag = "chats",
    responses(
        (status = 200, body = MyMentions),
    )
)]
async fn my_mentions(
    CurrentAgent(me): CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<MyMentions>, ApiError> {
    Ok(Json(mentions::of(&state.db.pool, me.id, 50).await?))
}

/// The signed-in person has looked at their mentions: all are read.
#[utoipa::path(
    post,
    path = "/me/mentions/read",
    operation_id = "read_my_mentions",
    tag = "chats",
    responses(
        (status = 200, body = MyMentions),
    )
)]
async fn read_mentions(
    CurrentAgent(me): CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<MyMentions>, ApiError> {
    notes::read_mentions(&state, &me).await?;
    Ok(Json(mentions::of(&state.db.pool, me.id, 50).await?))
}

/// A private note in the thread: never sent to WhatsApp, never counted.
///
/// Everyone it mentions (`@name`) is told at once.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/notes",
    operation_id = "add_note",
    tag = "chats",
    params(CustomerPath),
    request_body = NewNote,
    responses(
        (status = 201, body = Message),
        (status = 404, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    CurrentAgent(author): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    JsonBody(note): JsonBody<NewNote>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let message = notes::add(&state, &author, &wa_id, &note).await?;
    Ok((StatusCode::CREATED, Json(message)))
}
