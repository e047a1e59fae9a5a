//! Customers: lists per section and History, profiles, threads, the
//! lifecycle actions (intervene, resolve, release, transfer) and sending.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{
    CustomerProfile, CustomerSummary, Message, Page, SendMessage, TransferRequest,
};
use handover_core::labels::ResolveRequest;
use handover_core::Command;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam, QueryParams, RawBody};
use super::openapi::Problem;
use super::params::{wa_id_from, CustomerPath};
use crate::app::chats;
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;
use crate::store::customers::{self, ListFilter, Listing};
use crate::store::messages::{self, ThreadPage};
use crate::store::Cursor;

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
        (status = 200, body = Page<CustomerSummary>),
    )
)]
async fn list(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<Page<CustomerSummary>>, ApiError> {
    let listing = listing(query.status.as_deref())?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let filter = ListFilter {
        query: query.q,
        source: query.source.filter(|s| !s.is_empty()),
        tag: query.tag.filter(|s| !s.is_empty()),
        holder: query.mine.unwrap_or(false).then_some(agent.id),
    };
    let page = customers::list(
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
        (status = 200, body = CustomerProfile),
        (status = 404, response = Problem),
    )
)]
async fn profile(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(
        chats::require_profile(&mut conn, &wa_id, state.clock.now_ms()).await?,
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
    chats::require_profile(&mut conn, &wa_id, state.clock.now_ms()).await?;
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
        (status = 200, description = "The profile after the change", body = CustomerProfile),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn intervene(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let command = Command::Intervene(agent.actor());
    Ok(Json(
        chats::act(&state, &agent.0, &wa_id, command, "An agent took the chat").await?,
    ))
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
        (status = 200, description = "The profile after the change", body = CustomerProfile),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn resolve(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    RawBody(body): RawBody,
) -> Result<Json<CustomerProfile>, ApiError> {
    let request: ResolveRequest = if body.iter().all(u8::is_ascii_whitespace) {
        ResolveRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|error| ApiError::unprocessable("invalid_body", error.to_string()))?
    };
    let wa_id = wa_id_from(&wa_id)?;
    Ok(Json(
        chats::resolve(&state, &agent.0, agent.actor(), &wa_id, &request).await?,
    ))
}

/// Release the chat back to the queue (holder).
#[utoipa::path(
    post,
    path = "/users/{wa_id}/release",
    operation_id = "release",
    tag = "lifecycle",
    params(CustomerPath),
    responses(
        (status = 200, description = "The profile after the change", body = CustomerProfile),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn release(
    agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let command = Command::Release(agent.actor());
    Ok(Json(
        chats::act(
            &state,
            &agent.0,
            &wa_id,
            command,
            "Released back to the queue",
        )
        .await?,
    ))
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
        (status = 200, description = "The profile after the change", body = CustomerProfile),
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
) -> Result<Json<CustomerProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let to = request.agent_id;
    Ok(Json(
        chats::transfer(&state, &agent.0, agent.actor(), &wa_id, to).await?,
    ))
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
    let message = chats::send(&state, &agent, &wa_id, &request).await?;
    Ok((StatusCode::CREATED, Json(message)))
}
