//! Reading a chat: the customer's messages are read when the agent holding
//! the chat (or anyone, while nobody holds it) opens it, which clears its
//! unread count for everyone and, unless the team turned read receipts
//! off, shows the customer blue ticks; while the holder types, WhatsApp's
//! typing indicator. Managers switch read receipts on and off.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{CustomerProfile, ReadReceipts};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::{wa_id_from, CustomerPath};
use crate::app::chats::reading;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::read_receipts;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(read))
            .routes(routes!(typing))
            .routes(routes!(settings, save_settings)),
    )
}

/// The signed-in person opened the chat: its customer's messages are read.
///
/// Only the agent holding the chat reads it for the team (or anyone, while
/// nobody holds it); for anyone else nothing changes. Answers the profile,
/// with `unread` as it now is.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/read",
    operation_id = "read_chat",
    tag = "chats",
    params(CustomerPath),
    responses(
        (status = 200, body = CustomerProfile),
        (status = 404, response = Problem),
    )
)]
async fn read(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    Ok(Json(reading::read(&state, &agent, &wa_id).await?))
}

/// The agent holding the chat is typing: the customer sees WhatsApp's
/// typing indicator (at most once per 25 s, while the window is open and
/// read receipts are on).
#[utoipa::path(
    post,
    path = "/users/{wa_id}/typing",
    operation_id = "typing_in_chat",
    tag = "chats",
    params(CustomerPath),
    responses(
        (status = 204, description = "Told to WhatsApp, or not needed now"),
        (status = 404, response = Problem),
    )
)]
async fn typing(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<StatusCode, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    reading::typing(&state, &agent, &wa_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether WhatsApp is told when an agent reads a chat and types in it.
#[utoipa::path(
    get,
    path = "/read-receipts",
    operation_id = "get_read_receipts",
    tag = "chats",
    responses(
        (status = 200, body = ReadReceipts),
    )
)]
async fn settings(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<ReadReceipts>, ApiError> {
    let mut conn = state.db.pool.acquire().await.map_err(ApiError::from)?;
    let enabled = read_receipts::enabled(&mut conn).await?;
    Ok(Json(ReadReceipts { enabled }))
}

/// Switch read receipts and the typing indicator on or off (managers).
#[utoipa::path(
    put,
    path = "/read-receipts",
    operation_id = "save_read_receipts",
    tag = "chats",
    security(("session" = ["manager"])),
    request_body = ReadReceipts,
    responses(
        (status = 200, body = ReadReceipts),
    )
)]
async fn save_settings(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(wanted): JsonBody<ReadReceipts>,
) -> Result<Json<ReadReceipts>, ApiError> {
    reading::save_settings(&state, &manager, wanted.enabled).await?;
    Ok(Json(wanted))
}
