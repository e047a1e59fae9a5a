//! Private notes in a chat: only the team sees them; `@name` tells a
//! colleague, and is kept for them to find later.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{AgentRef, Message};
use handover_core::notes::{mentioned_names, names_person, Mention, MyMentions, NewNote, MAX_NOTE};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::CustomerPath;
use super::users::wa_id_from;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{agents, mentions, messages, users};

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
        (status = 401, response = Problem),
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
        (status = 401, response = Problem),
    )
)]
async fn read_mentions(
    CurrentAgent(me): CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<MyMentions>, ApiError> {
    let mut write = state.db.begin_write().await?;
    mentions::read_all(&mut write.tx, me.id, state.clock.now_ms()).await?;
    write.commit().await?;
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
        (status = 400, response = Problem),
        (status = 401, response = Problem),
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
    let text = note.text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(ApiError::unprocessable(
            "invalid_text",
            format!("text: write 1 to {MAX_NOTE} characters."),
        ));
    }
    let handles = mentioned_names(text);
    let team = agents::list(&state.db.pool).await?;
    let mentioned: Vec<_> = team
        .iter()
        .filter(|person| !person.disabled && person.id != author.id)
        .filter(|person| {
            handles
                .iter()
                .any(|handle| names_person(handle, &person.name, &person.email))
        })
        .collect();

    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let customer = users::profile(&mut write.tx, &wa_id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let id = messages::insert_note(&mut write.tx, &wa_id, author.id, text, now).await?;
    let mut batch = EventBatch::default();
    batch.message(id);
    for person in mentioned {
        mentions::record(&mut write.tx, person.id, id, now).await?;
        batch.mention(Mention {
            agent: person.id,
            by: AgentRef {
                id: author.id,
                name: author.name.clone(),
            },
            wa_id: wa_id.clone(),
            customer: if customer.name.is_empty() {
                format!("+{wa_id}")
            } else {
                customer.name.clone()
            },
            message_id: id,
            text: text.to_owned(),
        });
    }
    batch.record(&mut write.tx, now).await?;
    let message = messages::by_id(&mut write.tx, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("The note vanished.".into()))?;
    write.commit().await?;
    state.events.notify();
    Ok((StatusCode::CREATED, Json(message)))
}
