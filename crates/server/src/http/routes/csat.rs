//! The satisfaction survey's settings: whether the bot asks after a
//! Resolve, on which scale, in which words, and with which template
//! outside the window (managers).

use axum::extract::State;
use axum::Json;
use handover_core::audit::AuditAction;
use handover_core::csat::CsatSettings;
use handover_core::FieldError;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::JsonBody;
use super::openapi::Problem;
use crate::app::error::AppError;
use crate::app::surveys::template_fits;
use crate::app::templates;
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::state::AppState;
use crate::store::{audit, csat};

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(settings, save)))
}

/// The satisfaction survey's settings (managers).
#[utoipa::path(
    get,
    path = "/csat",
    operation_id = "get_csat_settings",
    tag = "reports",
    responses(
        (status = 200, body = CsatSettings),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
    )
)]
async fn settings(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<CsatSettings>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(csat::settings(&mut conn).await?))
}

/// Change the satisfaction survey's settings (managers).
///
/// A template, when named, must be approved, need no parameters or file,
/// and have a quick reply button.
#[utoipa::path(
    put,
    path = "/csat",
    operation_id = "save_csat_settings",
    tag = "reports",
    request_body = CsatSettings,
    responses(
        (status = 200, body = CsatSettings),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn save(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(given): JsonBody<CsatSettings>,
) -> Result<Json<CsatSettings>, ApiError> {
    let invalid = |fields: Vec<FieldError>| ApiError::Invalid {
        code: "invalid_csat_settings",
        message: "The survey's settings have problems; each is named by its field.".into(),
        fields,
    };
    let settings = given.checked().map_err(invalid)?;
    if let Some(named) = &settings.template {
        let unfit = |message: String| {
            invalid(vec![FieldError {
                field: "template".into(),
                message,
            }])
        };
        let template = templates::approved(&state.db.pool, &named.name, &named.language)
            .await
            .map_err(|refused| match refused {
                AppError::Unprocessable { message, .. } => unfit(message),
                other => other.into(),
            })?;
        template_fits(&template).map_err(unfit)?;
    }
    let mut write = state.db.begin_write().await?;
    csat::save_settings(&mut write.tx, &settings).await?;
    let detail = match (settings.enabled, &settings.template) {
        (false, _) => "Satisfaction survey switched off".to_owned(),
        (true, None) => format!("Satisfaction survey on, {}", settings.scale.label()),
        (true, Some(template)) => format!(
            "Satisfaction survey on, {}, template {} outside the window",
            settings.scale.label(),
            template.name
        ),
    };
    let now = state.clock.now_ms();
    audit::record(
        &mut write.tx,
        Some(manager.id),
        AuditAction::Settings,
        "Satisfaction survey",
        &detail,
        now,
    )
    .await?;
    write.commit().await?;
    Ok(Json(settings))
}
