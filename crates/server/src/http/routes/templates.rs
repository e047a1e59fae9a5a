//! Message templates: everyone can list them; managers write them, copy
//! approved ones, and review them in sandbox mode. With the Cloud API
//! configured, new and changed templates go to WhatsApp for review and the
//! outcome is read back from it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::Agent;
use handover_core::audit::AuditAction;
use handover_core::templates::{
    ReviewMode, Reviewer, Template, TemplateDraft, TemplateReview, TemplateStatus,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::templates;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::platform::outbound::templates_api::Sample;
use crate::state::AppState;
use crate::store;
use crate::store::template_media;
use handover_core::api::SetupPart;

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
        (status = 401, response = Problem),
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
        (status = 401, response = Problem),
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
    request_body = TemplateDraft,
    responses(
        (status = 201, body = Template),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn create(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(draft): JsonBody<TemplateDraft>,
) -> Result<(StatusCode, Json<Template>), ApiError> {
    let created = templates::create(&state.db, &draft, state.clock.now_ms()).await?;
    noted(&state, &manager, &created, "Created").await;
    Ok((StatusCode::CREATED, Json(submit(&state, created).await?)))
}

/// Change a pending or rejected template; it goes back to pending (managers).
///
/// Approved templates are refused with 409: copy them.
#[utoipa::path(
    put,
    path = "/templates/{id}",
    operation_id = "update_template",
    tag = "templates",
    params(IdPath),
    request_body = TemplateDraft,
    responses(
        (status = 200, body = Template),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
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
    let updated = templates::update(&state.db, id, &draft, state.clock.now_ms()).await?;
    noted(&state, &manager, &updated, "Edited").await;
    Ok(Json(submit(&state, updated).await?))
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
    params(IdPath),
    request_body = CopyRequest,
    responses(
        (status = 201, body = Template),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
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
    let original = templates::by_id(&state.db, id).await?;
    let draft = TemplateDraft {
        name: request.name,
        ..original.draft()
    };
    let created = templates::create(&state.db, &draft, state.clock.now_ms()).await?;
    let detail = format!("Copied from {}", original.name);
    noted(&state, &manager, &created, &detail).await;
    Ok((StatusCode::CREATED, Json(submit(&state, created).await?)))
}

/// Sandbox mode only: approve or reject a template; a rejection needs a reason (managers).
///
/// 409 when WhatsApp reviews the templates.
#[utoipa::path(
    put,
    path = "/templates/{id}/status",
    operation_id = "review_template",
    tag = "templates",
    params(IdPath),
    request_body = TemplateReview,
    responses(
        (status = 200, body = Template),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
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
    if state.templates_api.is_some() {
        return Err(ApiError::conflict(
            "reviewed_by_whatsapp",
            "WhatsApp reviews templates on this server; refresh the statuses to read its decision.",
        ));
    }
    let reason = review.reason.as_deref().map(str::trim);
    if review.status == TemplateStatus::Rejected && reason.is_none_or(str::is_empty) {
        return Err(ApiError::Invalid {
            code: "invalid_review",
            message: "Say why the template is rejected.".into(),
            fields: vec![handover_core::FieldError {
                field: "reason".into(),
                message: "give the reason, so the template can be fixed".into(),
            }],
        });
    }
    let reviewed =
        templates::review(&state.db, id, review.status, reason, state.clock.now_ms()).await?;
    let detail = match reason.filter(|reason| !reason.is_empty()) {
        Some(reason) => format!("Marked {}: {reason}", review.status.as_str()),
        None => format!("Marked {}", review.status.as_str()),
    };
    noted(&state, &manager, &reviewed, &detail).await;
    Ok(Json(reviewed))
}

/// Records a change to `template` in the audit trail, and has every open
/// dashboard read the templates again (the change is committed already: a
/// failure to tell them is logged, not answered).
async fn noted(state: &AppState, manager: &Agent, template: &Template, detail: &str) {
    let subject = format!("{} ({})", template.name, template.language);
    super::audit::note(state, manager, AuditAction::Template, &subject, detail).await;
    if let Err(error) = super::announce_setup(state, SetupPart::Templates).await {
        tracing::warn!(%error, "the dashboards were not told of a template change");
    }
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
    responses(
        (status = 200, body = Refreshed),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 409, response = Problem),
        (status = 503, response = Problem),
    )
)]
async fn refresh(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Refreshed>, ApiError> {
    let Some(api) = &state.templates_api else {
        return Err(ApiError::conflict(
            "sandbox_review",
            "Templates are reviewed by managers here (sandbox mode): approve or reject them on the Templates page. Set HANDOVER_WA_TOKEN and HANDOVER_WA_BUSINESS_ACCOUNT_ID to use WhatsApp's review.",
        ));
    };
    let reviews = api.reviews().await.map_err(ApiError::Unavailable)?;
    let changed =
        store::templates::apply_reviews(&state.db, &reviews, state.clock.now_ms()).await?;
    if changed > 0 {
        super::announce_setup(&state, SetupPart::Templates).await?;
    }
    Ok(Json(Refreshed { changed }))
}

/// Sends a stored template to WhatsApp for review (with its header's
/// sample), when configured. A refusal is kept on the template as its
/// rejection reason, so the manager sees it and can fix the template.
async fn submit(state: &AppState, template: Template) -> Result<Template, ApiError> {
    let Some(api) = &state.templates_api else {
        return Ok(template);
    };
    let header = match &template.header_media {
        Some(media) => {
            template_media::by_id(&mut *state.db.pool.acquire().await?, media.id).await?
        }
        None => None,
    };
    let path = header
        .as_ref()
        .and_then(|file| state.media.path(&file.content_hash));
    let sample = header
        .as_ref()
        .zip(path.as_deref())
        .map(|(file, path)| Sample {
            path,
            mime_type: &file.mime_type,
            filename: file.filename.as_deref().unwrap_or("header"),
        });
    match api.submit(&template, sample).await {
        Ok(()) => Ok(template),
        Err(reason) => templates::review(
            &state.db,
            template.id,
            TemplateStatus::Rejected,
            Some(&reason),
            state.clock.now_ms(),
        )
        .await
        .map_err(ApiError::from),
    }
}
