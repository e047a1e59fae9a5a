//! Labels on chats, and the team's closing reasons.

use axum::extract::State;
use axum::Json;
use handover_core::api::UserProfile;
use handover_core::audit::AuditAction;
use handover_core::labels::{normalise, spelled_as, ClosingReasons};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam};
use super::openapi::Problem;
use super::params::CustomerPath;
use super::users::{require_profile, wa_id_from};
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{audit, labels};
use handover_core::api::SetupPart;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(set))
            .routes(routes!(in_use))
            .routes(routes!(closing_reasons, save_closing_reasons)),
    )
}

/// Set the chat's labels, all of them: at most 20, each at most 40 characters.
#[utoipa::path(
    put,
    path = "/users/{wa_id}/labels",
    operation_id = "set_labels",
    tag = "chats",
    params(CustomerPath),
    request_body = Vec<String>,
    responses(
        (status = 200, description = "The profile with its labels", body = UserProfile),
        (status = 400, response = Problem),
        (status = 401, response = Problem),
        (status = 404, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn set(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    JsonBody(given): JsonBody<Vec<String>>,
) -> Result<Json<UserProfile>, ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let tidy = normalise(&given).map_err(|problem| {
        ApiError::unprocessable("invalid_labels", format!("labels: {problem}."))
    })?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    // A label the team already uses keeps the team's spelling ("VIP" on one
    // chat is "vip" where "vip" is in use), so filters and reports see one.
    let known = labels::in_use(&mut *write.tx).await?;
    let spelled: Vec<String> = tidy
        .iter()
        .map(|label| spelled_as(label, &known).to_owned())
        .collect();
    let tidy = normalise(&spelled).map_err(|problem| {
        ApiError::unprocessable("invalid_labels", format!("labels: {problem}."))
    })?;
    let changed = labels::set(&mut write.tx, &wa_id, &tidy, agent.id, now)
        .await?
        .ok_or_else(|| ApiError::no_customer(&wa_id))?;
    let profile = require_profile(&mut write.tx, &wa_id, now).await?;
    if changed {
        let mut batch = EventBatch::default();
        batch.user(&wa_id);
        // The labels in use, which every dashboard suggests, may be new.
        batch.setup(SetupPart::Labels);
        batch.record(&mut write.tx, now).await?;
    }
    write.commit().await?;
    if changed {
        state.events.notify();
    }
    Ok(Json(profile))
}

/// Every label in use, to suggest and filter by.
#[utoipa::path(
    get,
    path = "/labels",
    operation_id = "list_labels",
    tag = "chats",
    responses(
        (status = 200, body = Vec<String>),
        (status = 401, response = Problem),
    )
)]
async fn in_use(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<Vec<String>>, ApiError> {
    Ok(Json(labels::in_use(&state.db.pool).await?))
}

/// The team's closing reasons, and whether Resolve must give one.
#[utoipa::path(
    get,
    path = "/closing-reasons",
    operation_id = "get_closing_reasons",
    tag = "chats",
    responses(
        (status = 200, body = ClosingReasons),
        (status = 401, response = Problem),
    )
)]
async fn closing_reasons(
    _agent: CurrentAgent,
    State(state): State<AppState>,
) -> Result<Json<ClosingReasons>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    Ok(Json(labels::closing_reasons(&mut conn).await?))
}

/// Set the closing reasons and whether Resolve must give one (managers).
#[utoipa::path(
    put,
    path = "/closing-reasons",
    operation_id = "set_closing_reasons",
    tag = "chats",
    request_body = ClosingReasons,
    responses(
        (status = 200, body = ClosingReasons),
        (status = 401, response = Problem),
        (status = 403, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn save_closing_reasons(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(given): JsonBody<ClosingReasons>,
) -> Result<Json<ClosingReasons>, ApiError> {
    let tidy = given
        .tidied()
        .map_err(|problem| ApiError::unprocessable("invalid_reasons", format!("{problem}.")))?;
    let mut write = state.db.begin_write().await?;
    labels::save_closing_reasons(&mut write.tx, &tidy).await?;
    let detail = format!(
        "{}{}",
        tidy.reasons.join(", "),
        if tidy.required {
            " (required at Resolve)"
        } else {
            ""
        }
    );
    let now = state.clock.now_ms();
    audit::record(
        &mut write.tx,
        Some(manager.id),
        AuditAction::Settings,
        "Closing reasons",
        &detail,
        now,
    )
    .await?;
    super::setup_changed(&state, write, SetupPart::ClosingReasons).await?;
    Ok(Json(tidy))
}
