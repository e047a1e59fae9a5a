//! Reading a chat: the customer's messages are read when the agent holding
//! the chat (or anyone, while nobody holds it) opens it, which clears its
//! unread count for everyone and, unless the team turned read receipts
//! off, shows the customer blue ticks; while the holder types, WhatsApp's
//! typing indicator. Managers switch read receipts on and off.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{ReadReceipts, UserProfile};
use handover_core::audit::AuditAction;
use handover_core::Status;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::CustomerPath;
use super::users::{require_profile, wa_id_from};
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::platform::outbound::read_payload;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{audit, read_receipts, users};

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
        (status = 200, body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
    )
)]
async fn read(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<UserProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let chat = users::chat_state(&mut write.tx, &wa_id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let reads_for_team = chat.status != Status::Intervened || chat.holder == Some(agent.id);
    let newest = match reads_for_team {
        true => users::mark_read(&mut write.tx, &wa_id).await?,
        false => None,
    };
    let tell_whatsapp = newest.is_some() && read_receipts::enabled(&mut write.tx).await?;
    if newest.is_some() {
        let mut batch = EventBatch::default();
        batch.user(&wa_id);
        batch.record(&mut write.tx, now).await?;
    }
    let profile = require_profile(&mut write.tx, &wa_id, now).await?;
    write.commit().await?;
    if newest.is_some() {
        state.events.notify();
    }
    if let (true, Some(wamid)) = (tell_whatsapp, newest) {
        tell(&state, wamid, false);
    }
    Ok(Json(profile))
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
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
    )
)]
async fn typing(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<StatusCode, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let now = state.clock.now_ms();
    let mut conn = state.db.pool.acquire().await.map_err(ApiError::from)?;
    let chat = users::chat_state(&mut conn, &wa_id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let holds = chat.status == Status::Intervened && chat.holder == Some(agent.id);
    if !holds || !chat.window_open || !read_receipts::enabled(&mut conn).await? {
        return Ok(StatusCode::NO_CONTENT);
    }
    let newest = users::newest_inbound_wamid(&mut conn, &wa_id).await?;
    drop(conn);
    if let Some(wamid) = newest.filter(|_| state.typing.due(&wa_id)) {
        tell(&state, wamid, true);
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Tells WhatsApp in the background (nothing waits for it, and a failure
/// is logged: the ticks are a courtesy, never worth failing the agent's
/// click).
fn tell(state: &AppState, wamid: String, typing: bool) {
    let transport = state.transport.clone();
    tokio::spawn(async move {
        if let Err(error) = transport.notify(&read_payload(&wamid, typing)).await {
            tracing::warn!(%error, typing, "WhatsApp was not told the chat was read");
        }
    });
}

/// Whether WhatsApp is told when an agent reads a chat and types in it.
#[utoipa::path(
    get,
    path = "/read-receipts",
    operation_id = "get_read_receipts",
    tag = "chats",
    responses(
        (status = 200, body = ReadReceipts),
        (status = 401, response = Problem),
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
    request_body = ReadReceipts,
    responses(
        (status = 200, body = ReadReceipts),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
    )
)]
async fn save_settings(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(wanted): JsonBody<ReadReceipts>,
) -> Result<Json<ReadReceipts>, ApiError> {
    let mut write = state.db.begin_write().await?;
    read_receipts::save(&mut write.tx, wanted.enabled).await?;
    let detail = if wanted.enabled { "On" } else { "Off" };
    let now = state.clock.now_ms();
    audit::record(
        &mut write.tx,
        Some(manager.id),
        AuditAction::Settings,
        "Read receipts",
        detail,
        now,
    )
    .await?;
    write.commit().await?;
    Ok(Json(wanted))
}
