//! API campaigns: integrations start them with a bearer token
//! (`/api/v1/campaigns`); managers follow their funnels and manage the
//! tokens (`/api/campaigns`, `/api/tokens`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::campaigns::{ApiToken, Campaign, CampaignRequest, CreatedApiToken, NewApiToken};

use super::extract::{JsonBody, PathParam};
use crate::auth::{session, ApiClient, Manager};
use crate::campaigns::{self, Started};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{api_tokens, campaigns as stored};

/// How many campaigns the managers' list shows.
const LISTED: u32 = 100;

/// `POST /api/v1/campaigns`: 201 with the new campaign, or 200 with the
/// first one when its idempotency key was used before.
pub async fn start(
    ApiClient(token): ApiClient,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<CampaignRequest>,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    match campaigns::start(&state, token, request).await? {
        Started::Created(campaign) => Ok((StatusCode::CREATED, Json(campaign))),
        Started::Repeated(campaign) => Ok((StatusCode::OK, Json(campaign))),
    }
}

/// `GET /api/v1/campaigns/{id}`: the funnel, for the integration that
/// started the campaign.
pub async fn progress(
    ApiClient(token): ApiClient,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(campaigns::find(&state, id, Some(token)).await?))
}

/// `GET /api/campaigns`: the newest campaigns with their funnels.
pub async fn list(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<Campaign>>, ApiError> {
    Ok(Json(stored::list(&state.db.pool, LISTED).await?))
}

/// `GET /api/campaigns/{id}`.
pub async fn get(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<Json<Campaign>, ApiError> {
    Ok(Json(campaigns::find(&state, id, None).await?))
}

/// `GET /api/tokens`.
pub async fn tokens(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(api_tokens::list(&state.db.pool).await?))
}

/// `POST /api/tokens`: the secret is in this answer only.
pub async fn create_token(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(new): JsonBody<NewApiToken>,
) -> Result<(StatusCode, Json<CreatedApiToken>), ApiError> {
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(ApiError::unprocessable(
            "invalid_name",
            "name: say in 1 to 80 characters what the token is for, e.g. \"Shop orders\".",
        ));
    }
    let secret = format!("hov_{}", session::new_token());
    let mut write = state.db.begin_write().await?;
    let token = api_tokens::create(
        &mut write.tx,
        name,
        &session::token_hash(&secret),
        manager.id,
        state.clock.now_ms(),
    )
    .await?;
    write.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedApiToken { token, secret })))
}

/// `DELETE /api/tokens/{id}`: revokes at once; calls with it get 401.
pub async fn revoke_token(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<Json<ApiToken>, ApiError> {
    let mut write = state.db.begin_write().await?;
    let revoked = api_tokens::revoke(&mut write.tx, id, state.clock.now_ms()).await?;
    write.commit().await?;
    revoked
        .map(Json)
        .ok_or_else(|| ApiError::NotFound(format!("There is no API token with id {id}.")))
}
