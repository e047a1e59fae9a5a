//! Customers: lists per section and History, profiles, threads, the
//! lifecycle actions (intervene, resolve, release, transfer) and sending.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{
    Agent, Author, Message, Page, SendMessage, TransferRequest, UserProfile, UserSummary,
};
use handover_core::labels::ResolveRequest;
use handover_core::{ChatState, Command, Status, TransitionError, WaId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam, QueryParams};
use super::openapi::Problem;
use super::params::CustomerPath;
use crate::app::lifecycle::{self, Change, ChangedBy};
use crate::app::surveys;
use crate::app::templates;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::platform::db::WriteTx;
use crate::platform::outbound;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::messages::{self, Outbound, ThreadPage};
use crate::store::template_media::HeaderFile;
use crate::store::users::{self, ListFilter, Listing};
use crate::store::{agents, labels, Cursor};

/// The longest text WhatsApp accepts in one message.
const MAX_TEXT: usize = 4096;

/// Which customers a list shows, from its `status` parameter.
fn listing(status: Option<&str>) -> Result<Listing, ApiError> {
    match status {
        None | Some("") | Some("all") => Ok(Listing::All),
        Some("history") => Ok(Listing::History),
        Some(other) => other.parse().map(Listing::Section).map_err(|_| {
            ApiError::bad_request(
                "invalid_status",
                format!("status: {other:?} is not one of active, requesting, intervened, closed, history, all."),
            )
        }),
    }
}

/// A customer's profile, or 404 when there is no such customer.
pub(super) async fn require_profile(
    conn: &mut sqlx::AnyConnection,
    wa_id: &WaId,
    now: i64,
) -> Result<UserProfile, ApiError> {
    users::profile(conn, wa_id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(wa_id))
}

pub(super) fn wa_id_from(path: &str) -> Result<WaId, ApiError> {
    WaId::parse(path).map_err(|error| ApiError::bad_request("invalid_wa_id", error.to_string()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `active`, `requesting`, `intervened`, `closed`, `history` or `all` (the default).
    status: Option<String>,
    /// Part of the name, or of the number.
    q: Option<String>,
    /// The exact Source.
    source: Option<String>,
    /// The first-message tag.
    tag: Option<String>,
    /// Only the chats the signed-in agent holds.
    mine: Option<bool>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(list))
            .routes(routes!(profile))
            .routes(routes!(thread, send))
            .routes(routes!(intervene))
            .routes(routes!(resolve))
            .routes(routes!(release))
            .routes(routes!(transfer)),
    )
}

/// Customers of a section, History or all, keyset-paged.
///
/// Requesting lists the longest-waiting first, the others the newest window first.
#[utoipa::path(
    get,
    path = "/users",
    operation_id = "list_customers",
    tag = "chats",
    params(ListQuery),
    responses(
        (status = 200, body = Page<UserSummary>),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
    )
)]
async fn list(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Page<UserSummary>>, ApiError> {
    let listing = listing(query.status.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let filter = ListFilter {
        query: query.q,
        source: query.source.filter(|s| !s.is_empty()),
        tag: query.tag.filter(|s| !s.is_empty()),
        holder: query.mine.unwrap_or(false).then_some(agent.id),
    };
    let page = users::list(
        &state.db.pool,
        listing,
        &filter,
        cursor.as_ref(),
        query.limit.unwrap_or(50),
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(page))
}

/// A customer's profile with the seven parameters.
#[utoipa::path(
    get,
    path = "/users/{wa_id}",
    operation_id = "get_profile",
    tag = "chats",
    params(CustomerPath),
    responses(
        (status = 200, body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
    )
)]
async fn profile(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<UserProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        require_profile(&mut conn, &wa_id, state.clock.now_ms()).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadQuery {
    /// Messages before this id (the oldest shown): reading up.
    before: Option<i64>,
    /// Messages after this id, oldest first: reading down from an older one
    /// (not with `before`).
    after: Option<i64>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

/// A page of the chat's thread, oldest first within the page.
#[utoipa::path(
    get,
    path = "/users/{wa_id}/messages",
    operation_id = "get_thread",
    tag = "chats",
    params(CustomerPath, ThreadQuery),
    responses(
        (status = 200, body = Page<Message>),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
    )
)]
async fn thread(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    QueryParams(query): QueryParams<ThreadQuery>,
) -> Result<Json<Page<Message>>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let mut conn = state.db.pool.acquire().await?;
    require_profile(&mut conn, &wa_id, state.clock.now_ms()).await?;
    drop(conn);
    let page = match (query.before, query.after) {
        (before, None) => ThreadPage::Before(before),
        (None, Some(after)) => ThreadPage::After(after),
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "invalid_page",
                "Give before or after, not both.",
            ))
        }
    };
    Ok(Json(
        messages::thread(&state.db.pool, &wa_id, page, query.limit.unwrap_or(50)).await?,
    ))
}

/// Take the chat; the customer's window must be open.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/intervene",
    operation_id = "intervene",
    tag = "lifecycle",
    params(CustomerPath),
    responses(
        (status = 200, description = "The profile after the change", body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn intervene(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<UserProfile>, ApiError> {
    let command = Command::Intervene(agent.actor());
    act(&state, &agent.0, &wa_id, command, "An agent took the chat").await
}

/// Resolve: the chat goes back to the bot (holder or manager).
///
/// The body is optional: `{"reason": "…"}`, one of the team's closing
/// reasons, required when the team says so.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/resolve",
    operation_id = "resolve",
    tag = "lifecycle",
    params(CustomerPath),
    request_body = Option<ResolveRequest>,
    responses(
        (status = 200, description = "The profile after the change", body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn resolve(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    body: axum::body::Bytes,
) -> Result<Json<UserProfile>, ApiError> {
    let request: ResolveRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResolveRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|error| ApiError::unprocessable("invalid_body", error.to_string()))?
    };
    let wa_id = wa_id_from(&wa_id)?;
    let survey = surveys::prepare(&state.db.pool).await?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let reasons = labels::closing_reasons(&mut write.tx).await?;
    let reason = reasons
        .check(request.reason.as_deref())
        .map_err(|problem| ApiError::unprocessable("closing_reason", format!("{problem}.")))?
        .map(str::to_owned);
    let line = match &reason {
        Some(reason) => format!("Resolved ({reason}); handed back to the bot"),
        None => "Resolved; handed back to the bot".to_owned(),
    };
    let mut batch = EventBatch::default();
    let chat = users::chat_state(&mut write.tx, &wa_id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let resolve = Change {
        command: Command::Resolve(agent.actor()),
        by: ChangedBy::Agent(&agent.0),
        reason: &line,
        closing_reason: reason.as_deref(),
        cause: None,
    };
    lifecycle::apply_change(&mut write.tx, &mut batch, &wa_id, &chat, resolve, now).await?;
    let asked = match &survey {
        Some(survey) => {
            surveys::ask(
                &mut write.tx,
                &mut batch,
                survey,
                &wa_id,
                chat.window_open,
                now,
            )
            .await?
        }
        None => false,
    };
    let answer = changed(&state, write, batch, &wa_id, now).await?;
    if asked {
        state.outbox.wake();
    }
    Ok(answer)
}

/// Release the chat back to the queue (holder).
#[utoipa::path(
    post,
    path = "/users/{wa_id}/release",
    operation_id = "release",
    tag = "lifecycle",
    params(CustomerPath),
    responses(
        (status = 200, description = "The profile after the change", body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn release(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<UserProfile>, ApiError> {
    let command = Command::Release(agent.actor());
    act(
        &state,
        &agent.0,
        &wa_id,
        command,
        "Released back to the queue",
    )
    .await
}

/// Give the chat to another agent (holder or manager).
#[utoipa::path(
    post,
    path = "/users/{wa_id}/transfer",
    operation_id = "transfer",
    tag = "lifecycle",
    params(CustomerPath),
    request_body = TransferRequest,
    responses(
        (status = 200, description = "The profile after the change", body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn transfer(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    JsonBody(request): JsonBody<TransferRequest>,
) -> Result<Json<UserProfile>, ApiError> {
    let target = agents::by_id(&state.db.pool, request.agent_id).await?;
    if target.as_ref().is_none_or(|target| target.disabled) {
        return Err(ApiError::unprocessable(
            "unknown_agent",
            format!(
                "agent_id: there is no enabled agent with id {}.",
                request.agent_id
            ),
        ));
    }
    let command = Command::Transfer {
        by: agent.actor(),
        to: request.agent_id,
    };
    act(
        &state,
        &agent.0,
        &wa_id,
        command,
        "Transferred to another agent",
    )
    .await
}

/// Applies a lifecycle command for an agent and answers with the profile.
async fn act(
    state: &AppState,
    agent: &Agent,
    wa_id: &str,
    command: Command,
    reason: &str,
) -> Result<Json<UserProfile>, ApiError> {
    let wa_id = wa_id_from(wa_id)?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let mut batch = EventBatch::default();
    lifecycle::apply(
        &mut write.tx,
        &mut batch,
        &wa_id,
        command,
        ChangedBy::Agent(agent),
        reason,
        now,
    )
    .await?;
    changed(state, write, batch, &wa_id, now).await
}

/// Commits a lifecycle change made in `write`: the dashboards are told;
/// the answer is the customer's profile as it now is.
async fn changed(
    state: &AppState,
    mut write: WriteTx<'_>,
    batch: EventBatch,
    wa_id: &WaId,
    now: i64,
) -> Result<Json<UserProfile>, ApiError> {
    let profile = require_profile(&mut write.tx, wa_id, now).await?;
    let recorded = batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    if recorded {
        state.events.notify();
    }
    Ok(Json(profile))
}

/// A message that passed validation.
enum Draft<'a> {
    /// A text, and the WhatsApp id of the message it quotes.
    Text(&'a str, Option<String>),
    /// A template, with the file its media header carries.
    Template(&'a handover_core::api::TemplateSend, Option<HeaderFile>),
}

/// Send a session text (holder only, window open) or a template (any time).
#[utoipa::path(
    post,
    path = "/users/{wa_id}/messages",
    operation_id = "send_message",
    tag = "chats",
    params(CustomerPath),
    request_body = SendMessage,
    responses(
        (status = 201, description = "Queued; the thread shows its delivery as WhatsApp reports it", body = Message),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn send(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    JsonBody(request): JsonBody<SendMessage>,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let now = state.clock.now_ms();
    let draft = match &request {
        SendMessage::Template { template } => {
            let (_, header) = templates::sendable(&state.db.pool, template).await?;
            Draft::Template(template, header)
        }
        SendMessage::Text { text, reply_to } => {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > MAX_TEXT {
                return Err(ApiError::unprocessable(
                    "invalid_text",
                    format!("text: write 1 to {MAX_TEXT} characters."),
                ));
            }
            let quoted = match reply_to {
                None => None,
                Some(id) => Some(quoted_wamid(&state, &wa_id, *id).await?),
            };
            Draft::Text(text, quoted)
        }
    };

    let mut write = state.db.begin_write().await?;
    let chat = users::chat_state(&mut write.tx, &wa_id, now).await?;
    if chat.is_none() {
        return Err(ApiError::no_customer(&wa_id));
    }
    let id = match draft {
        Draft::Text(text, quoted) => {
            holder_may_write(chat.as_ref(), &wa_id, &agent)?;
            let mut payload = outbound::text_payload(&wa_id, text);
            if let Some(wamid) = quoted {
                payload["context"] = serde_json::json!({ "message_id": wamid });
            }
            let message = Outbound::from_agent(&wa_id, agent.id, text, &payload);
            messages::queue_outbound(&mut write.tx, &message, now).await?
        }
        Draft::Template(template, header) => {
            let in_header = header.as_ref().map(HeaderFile::in_header);
            let payload = outbound::template_payload(&wa_id, template, in_header);
            let message = Outbound {
                wa_id: &wa_id,
                author: Author::Agent,
                agent: Some(agent.id),
                text: None,
                template: Some(template),
                payload: &payload,
                campaign: None,
            };
            messages::queue_template(&mut write.tx, &message, header.as_ref(), now).await?
        }
    };
    queued(&state, write, &wa_id, id, now).await
}

/// The WhatsApp id of message `id` of this chat, which a reply quotes.
async fn quoted_wamid(state: &AppState, wa_id: &WaId, id: i64) -> Result<String, ApiError> {
    let found = messages::on_whatsapp(&state.db.pool, wa_id, id).await?;
    match found.map(|message| message.wamid) {
        Some(Some(wamid)) => Ok(wamid),
        None => Err(ApiError::unprocessable(
            "invalid_reply_to",
            format!("reply_to: this chat has no message {id}."),
        )),
        Some(None) => Err(ApiError::unprocessable(
            "invalid_reply_to",
            format!(
                "reply_to: message {id} is not on WhatsApp (a note, a status line or a message not sent yet), so it cannot be quoted."
            ),
        )),
    }
}

/// Commits a message just queued in `write`: the dashboards are told, the
/// outbox woken; the answer is the message as the thread shows it.
pub(super) async fn queued(
    state: &AppState,
    write: WriteTx<'_>,
    wa_id: &WaId,
    id: i64,
    now: i64,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    queued_with(state, write, EventBatch::default(), wa_id, id, now).await
}

/// [`queued`], with what else the transaction changed in `batch`.
pub(super) async fn queued_with(
    state: &AppState,
    mut write: WriteTx<'_>,
    mut batch: EventBatch,
    wa_id: &WaId,
    id: i64,
    now: i64,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    batch.message(id);
    batch.user(wa_id);
    batch.record(&mut write.tx, now).await?;
    let message = messages::by_id(&mut write.tx, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("The message vanished.".into()))?;
    write.commit().await?;
    state.events.notify();
    state.outbox.wake();
    Ok((StatusCode::CREATED, Json(message)))
}

/// Whether `agent` may write in this chat as people do (a text, a file):
/// only the agent handling it, and only while the window is open.
pub(super) fn holder_may_write(
    chat: Option<&ChatState>,
    wa_id: &WaId,
    agent: &Agent,
) -> Result<(), ApiError> {
    let chat = chat.ok_or_else(|| ApiError::no_customer(wa_id))?;
    if chat.status != Status::Intervened || chat.holder != Some(agent.id) {
        return Err(ApiError::conflict(
            TransitionError::NotHolder.code(),
            "Only the agent handling this chat can send messages. Intervene first, or send a template.",
        ));
    }
    if !chat.window_open {
        return Err(TransitionError::WindowClosed.into());
    }
    Ok(())
}
