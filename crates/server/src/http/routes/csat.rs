//! The satisfaction survey's settings: whether the bot asks after a
//! Resolve, on which scale, in which words, and with which template
//! outside the window (managers).

use axum::extract::State;
use axum::Json;
use handover_core::csat::CsatSettings;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::JsonBody;
use super::openapi::Problem;
use crate::app::csat;
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::state::AppState;
use crate::store::csat as stored;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(settings, save)))
}

/// The satisfaction survey's settings (managers).
#[utoipa::path(
    get,
    path = "/csat",
    operation_id = "get_csat_settings",
    tag = "reports",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = CsatSettings),
    )
)]
async fn settings(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<CsatSettings>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(stored::settings(&mut conn).await?))
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
    security(("session" = ["manager"])),
    request_body = CsatSettings,
    responses(
        (status = 200, body = CsatSettings),
        (status = 422, response = Problem),
    )
)]
async fn save(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(given): JsonBody<CsatSettings>,
) -> Result<Json<CsatSettings>, ApiError> {
    Ok(Json(csat::save_settings(&state, &manager, &given).await?))
}
