//! API campaigns: integrations start them with a bearer token
//! (`/api/v1/campaigns`); managers follow their funnels and manage the
//! tokens (`/api/campaigns`, `/api/tokens`).

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::Json;
use handover_core::campaigns::{ApiToken, Campaign, CampaignRequest, CreatedApiToken, NewApiToken};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::auth::api_tokens;
use crate::app::campaigns::{self, Started};
use crate::http::error::ApiError;
use crate::http::signed_in::{ApiClient, Manager};
use crate::state::AppState;
use crate::store::campaigns as stored;

/// How many campaigns the managers' list shows.
const LISTED: u32 = 100;

/// The most a campaign request may weigh: it names up to
/// `HANDOVER_CAMPAIGN_MAX_RECIPIENTS` recipients.
const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(start).layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES)))
            .routes(routes!(progress))
            .routes(routes!(list))
            .routes(routes!(get))
            .routes(routes!(tokens, create_token))
            .routes(routes!(revoke_token)),
    )
}

/// Start a campaign: an approved template to many recipients (API token).
///
/// Sent at `HANDOVER_SEND_RATE`. Recipients with an invalid number or wrong
/// parameters are refused one by one (listed in `refused`); new customers
/// get the Source API. 201 with the new campaign, or 200 with the first one
/// when its `idempotency_key` was used before.
#[utoipa::path(
    post,
    path = "/v1/campaigns",
    operation_id = "start_campaign",
    tag = "campaigns",
    security(("bearerAuth" = [])),
    request_body = CampaignRequest,
    responses(
        (status = 201, description = "Started", body = Campaign),
        (status = 200, description = "Started before with this idempotency key", body = Campaign),
        (status = 422, response = Problem),
    )
)]
async fn start(
    ApiClient(token): ApiClient,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CampaignRequest>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    match campaigns::start(&state, token, request).await? {
        Started::Created(campaign) => Ok((StatusCode::CREATED, Json(campaign))),
        Started::Repeated(campaign) => Ok((StatusCode::OK, Json(campaign))),
    }
}

/// A campaign's funnel, for the integration that started it (API token).
#[utoipa::path(
    get,
    path = "/v1/campaigns/{id}",
    operation_id = "get_campaign_progress",
    tag = "campaigns",
    security(("bearerAuth" = [])),
    params(IdPath),
    responses(
        (status = 200, body = Campaign),
        (status = 404, response = Problem),
    )
)]
async fn progress(
    ApiClient(token): ApiClient,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(campaigns::find(&state, id, Some(token)).await?))
}

/// The newest campaigns with their funnels (managers).
#[utoipa::path(
    get,
    path = "/campaigns",
    operation_id = "list_campaigns",
    tag = "campaigns",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Vec<Campaign>),
    )
)]
async fn list(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<Campaign>>, ApiError> {
    Ok(Json(stored::list(&state.db.pool, LISTED).await?))
}

/// One campaign with its funnel (managers).
#[utoipa::path(
    get,
    path = "/campaigns/{id}",
    operation_id = "get_campaign",
    tag = "campaigns",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 200, body = Campaign),
        (status = 404, response = Problem),
    )
)]
async fn get(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(campaigns::find(&state, id, None).await?))
}

/// API tokens, newest first, with their last use; never their secrets (managers).
#[utoipa::path(
    get,
    path = "/tokens",
    operation_id = "list_api_tokens",
    tag = "campaigns",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Vec<ApiToken>),
    )
)]
async fn tokens(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(crate::store::api_tokens::list(&state.db.pool).await?))
}

/// Create an API token; the secret is in this answer only (managers).
#[utoipa::path(
    post,
    path = "/tokens",
    operation_id = "create_api_token",
    tag = "campaigns",
    security(("session" = ["manager"])),
    request_body = NewApiToken,
    responses(
        (status = 201, body = CreatedApiToken),
        (status = 422, response = Problem),
    )
)]
async fn create_token(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(new): JsonBody<NewApiToken>,
) -> Result<(StatusCode, Json<CreatedApiToken>), ApiError> {
    let (token, secret) = api_tokens::create(&state, &manager, &new.name).await?;
    Ok((StatusCode::CREATED, Json(CreatedApiToken { token, secret })))
}

/// Revoke an API token at once; calls with it get 401 (managers).
#[utoipa::path(
    delete,
    path = "/tokens/{id}",
    operation_id = "revoke_api_token",
    tag = "campaigns",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 200, description = "The revoked token", body = ApiToken),
        (status = 404, response = Problem),
    )
)]
async fn revoke_token(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<ApiToken>, ApiError> {
    Ok(Json(api_tokens::revoke(&state, &manager, id).await?))
}
