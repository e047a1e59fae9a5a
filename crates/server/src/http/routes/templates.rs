//! Message templates: everyone can list them; managers write them, copy
//! approved ones, and review them in sandbox mode. With the Cloud API
//! configured, new and changed templates go to WhatsApp for review and the
//! outcome is read back from it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::templates::{ReviewMode, Reviewer, Template, TemplateDraft, TemplateReview};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::templates::{self, Change};
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(list, create))
            .routes(routes!(review_mode))
            .routes(routes!(refresh))
            .routes(routes!(update))
            .routes(routes!(copy))
            .routes(routes!(review)),
    )
}

/// Message templates; one with a media header names its file in `header_media`.
#[utoipa::path(
    get,
    path = "/templates",
    operation_id = "list_templates",
    tag = "templates",
    responses(
        (status = 200, body = Vec<Template>),
    )
)]
async fn list(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<Template>>, ApiError> {
    Ok(Json(store::templates::list(&state.db.pool).await?))
}

/// Who reviews templates on this server: managers (sandbox) or WhatsApp (Cloud API).
#[utoipa::path(
    get,
    path = "/templates/review",
    operation_id = "get_template_reviewer",
    tag = "templates",
    responses(
        (status = 200, body = ReviewMode),
    )
)]
async fn review_mode(_agent: CurrentAgent, State(state): State<AppState>) -> Json<ReviewMode> {
    Json(ReviewMode {
        reviewed_by: match state.templates_api {
            Some(_) => Reviewer::WhatsApp,
            None => Reviewer::Managers,
        },
    })
}

/// Create a template (managers).
///
/// It starts pending and goes to WhatsApp for review when the Cloud API and
/// business account are configured. 422 lists every problem with its field.
#[utoipa::path(
    post,
    path = "/templates",
    operation_id = "create_template",
    tag = "templates",
    security(("session" = ["manager"])),
    request_body = TemplateDraft,
    responses(
        (status = 201, body = Template),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<TemplateDraft>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let created = templates::change(&state, &manager, Change::Create(&draft)).await?;
    Ok((
        StatusCode::CREATED,
        Json(templates::submit(&state, created).await?),
    ))
}

/// Change a pending or rejected template; it goes back to pending (managers).
///
/// Approved templates are refused with 409: copy them.
#[utoipa::path(
    put,
    path = "/templates/{id}",
    operation_id = "update_template",
    tag = "templates",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = TemplateDraft,
    responses(
        (status = 200, body = Template),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn update(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(draft): JsonBody<TemplateDraft>,
) -> Result<Json<Template>, ApiError> {
    let updated = templates::change(&state, &manager, Change::Update(id, &draft)).await?;
    Ok(Json(templates::submit(&state, updated).await?))
}

/// The copy's name.
#[derive(Deserialize, ToSchema)]
pub struct CopyRequest {
    name: String,
}

/// Copy a template under a new name; the copy is pending (managers).
#[utoipa::path(
    post,
    path = "/templates/{id}/copy",
    operation_id = "copy_template",
    tag = "templates",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = CopyRequest,
    responses(
        (status = 201, body = Template),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn copy(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(request): JsonBody<CopyRequest>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let copy = Change::Copy {
        from: id,
        name: request.name,
    };
    let created = templates::change(&state, &manager, copy).await?;
    Ok((
        StatusCode::CREATED,
        Json(templates::submit(&state, created).await?),
    ))
}

/// Sandbox mode only: approve or reject a template; a rejection needs a reason (managers).
///
/// 409 when WhatsApp reviews the templates.
#[utoipa::path(
    put,
    path = "/templates/{id}/status",
    operation_id = "review_template",
    tag = "templates",
    security(("session" = ["manager"])),
    params(IdPath),
    request_body = TemplateReview,
    responses(
        (status = 200, body = Template),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn review(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    JsonBody(review): JsonBody<TemplateReview>,
) -> Result<Json<Template>, ApiError> {
    let review = Change::Review {
        id,
        status: review.status,
        reason: review.reason.as_deref(),
    };
    Ok(Json(templates::change(&state, &manager, review).await?))
}

/// How many templates WhatsApp's outcomes changed.
#[derive(Serialize, ToSchema)]
pub struct Refreshed {
    changed: u64,
}

/// Cloud API only: read WhatsApp's review outcomes into the templates (managers).
///
/// Answers how many changed; 409 in sandbox mode.
#[utoipa::path(
    post,
    path = "/templates/refresh",
    operation_id = "refresh_template_reviews",
    tag = "templates",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Refreshed),
        (status = 409, response = Problem),
        (status = 503, response = Problem),
    )
)]
async fn refresh(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Refreshed>, ApiError> {
    let changed = templates::refresh_reviews(&state).await?;
    Ok(Json(Refreshed { changed }))
}
