//! Demo mode's API: `GET /api/demo` tells the dashboard whether it is on;
//! `POST /api/demo/messages` writes as a customer through the webhook
//! pipeline (the same writer as WhatsApp's deliveries). Any signed-in agent
//! may use it, and only in demo mode.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use handover_core::api::{DemoDelivered, DemoMessage, DemoStatus};
use handover_core::whatsapp::MAX_TEXT_CHARS;
use handover_core::{FieldError, WaId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::JsonBody;
use super::openapi::Problem;
use crate::app::demo::{customer, CustomerText};
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::state::AppState;

/// The longest profile name a demo customer may have.
const MAX_NAME: usize = 100;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(status))
            .routes(routes!(write)),
    )
}

/// Whether the server runs in demo mode (`--demo`).
#[utoipa::path(
    get,
    path = "/demo",
    operation_id = "get_demo_mode",
    tag = "demo",
    responses(
        (status = 200, body = DemoStatus),
    )
)]
async fn status(_agent: CurrentAgent, State(state): State<AppState>) -> Json<DemoStatus> {
    Json(DemoStatus {
        enabled: state.demo,
    })
}

/// Demo mode only: write a text as the customer `wa_id`.
///
/// It is delivered through the webhook pipeline exactly as WhatsApp's
/// deliveries are; a new number becomes a new customer called `name`.
#[utoipa::path(
    post,
    path = "/demo/messages",
    operation_id = "write_as_demo_customer",
    tag = "demo",
    request_body = DemoMessage,
    responses(
        (status = 201, description = "Delivered and committed; the bot has answered", body = DemoDelivered),
        (status = 404, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn write(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    JsonBody(request): JsonBody<DemoMessage>,
) -> Result<(StatusCode, Json<DemoDelivered>), ApiError> {
    if !state.demo {
        return Err(ApiError::NotFound(
            "Demo mode is off, so nobody can write as a customer. Start the server with --demo (cargo xtask run -- --demo) to try it.".into(),
        ));
    }
    let (wa_id, name, text) = checked(&request)?;
    let message = CustomerText {
        wa_id: &wa_id,
        name,
        text,
        at_ms: state.clock.now_ms(),
    };
    let (wamid, delivery) = customer::delivery(&message)?;
    state.ingest.submit(delivery, message.at_ms).await?;
    Ok((StatusCode::CREATED, Json(DemoDelivered { wamid })))
}

/// The number, name and text, or every problem with its field.
fn checked(request: &DemoMessage) -> Result<(WaId, &str, &str), ApiError> {
    let mut fields = Vec::new();
    let mut problem = |field: &str, message: String| {
        fields.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let wa_id = WaId::parse(request.wa_id.trim())
        .map_err(|_| {
            problem(
                "wa_id",
                "give the number with its country code, 7 to 15 digits, e.g. 919820012345".into(),
            )
        })
        .ok();
    let name = request.name.as_deref().unwrap_or("").trim();
    if name.chars().count() > MAX_NAME {
        problem("name", format!("use at most {MAX_NAME} characters"));
    }
    let text = request.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        problem("text", format!("write 1 to {MAX_TEXT_CHARS} characters"));
    }
    match wa_id {
        Some(wa_id) if fields.is_empty() => Ok((wa_id, name, text)),
        _ => Err(ApiError::Invalid {
            code: "invalid_demo_message",
            message: format!(
                "The message has {} problem(s); each is listed with its field.",
                fields.len()
            ),
            fields,
        }),
    }
}
