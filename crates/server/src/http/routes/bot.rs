//! The bot's configuration (managers): the one in force, saving, versions
//! and rollback, export and import as a JSON document, and a simulator that
//! runs a draft over a conversation without touching any customer.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use handover_core::api::{BotDocument, BotVersion, SimulatedTurn, Simulation};
use handover_core::bot::{self, BotConfig, ChatContext, CustomerMessage};
use handover_core::{FieldError, Status};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::{JsonBody, PathParam, RawBody};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app;
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::state::AppState;
use crate::store;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(current, save))
            .routes(routes!(versions))
            .routes(routes!(rollback))
            .routes(routes!(export))
            .routes(routes!(import))
            .routes(routes!(simulate)),
    )
}

/// The bot configuration in force and its version (managers).
#[utoipa::path(
    get,
    path = "/bot",
    operation_id = "get_bot",
    tag = "bot",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = BotDocument),
    )
)]
async fn current(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<BotDocument>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (version, config) = store::bot::current(&mut conn).await?;
    Ok(Json(BotDocument { version, config }))
}

/// Save a new version of the bot configuration (managers).
///
/// 422 lists every problem with its field.
#[utoipa::path(
    put,
    path = "/bot",
    operation_id = "save_bot",
    tag = "bot",
    security(("session" = ["manager"])),
    request_body = BotConfig,
    responses(
        (status = 200, description = "Saved as the new version in force", body = BotDocument),
        (status = 422, response = Problem),
    )
)]
async fn save(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(config): JsonBody<BotConfig>,
) -> Result<Json<BotDocument>, ApiError> {
    let version = app::bot::save(&state, &manager, &config, "").await?;
    Ok(Json(BotDocument { version, config }))
}

/// Saved versions, newest first, with who saved them (managers).
#[utoipa::path(
    get,
    path = "/bot/versions",
    operation_id = "list_bot_versions",
    tag = "bot",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = Vec<BotVersion>),
    )
)]
async fn versions(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<BotVersion>>, ApiError> {
    Ok(Json(store::bot::versions(&state.db.pool).await?))
}

/// Make an earlier version the one in force (managers).
///
/// It is saved as a new version, so the history keeps every step.
#[utoipa::path(
    post,
    path = "/bot/versions/{id}/rollback",
    operation_id = "roll_bot_back",
    tag = "bot",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 200, body = BotDocument),
        (status = 404, response = Problem),
    )
)]
async fn rollback(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<BotDocument>, ApiError> {
    let config = store::bot::version(&state.db.pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no bot version {id}.")))?;
    let note = format!("Rolled back to version {id}");
    let version = app::bot::save(&state, &manager, &config, &note).await?;
    Ok(Json(BotDocument { version, config }))
}

/// The configuration in force as a JSON document to download (managers).
#[utoipa::path(
    get,
    path = "/bot/export",
    operation_id = "export_bot",
    tag = "bot",
    security(("session" = ["manager"])),
    responses(
        (status = 200, description = "`handover-bot.json`, as an attachment", body = BotConfig),
    )
)]
async fn export(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (_, config) = store::bot::current(&mut conn).await?;
    let document = serde_json::to_string_pretty(&config).unwrap_or_default();
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"handover-bot.json\"",
            ),
        ],
        document,
    ))
}

/// Import a JSON document as exported (managers).
///
/// 422 names the field of each problem.
#[utoipa::path(
    post,
    path = "/bot/import",
    operation_id = "import_bot",
    tag = "bot",
    security(("session" = ["manager"])),
    request_body = BotConfig,
    responses(
        (status = 200, description = "Imported as the new version in force", body = BotDocument),
        (status = 422, response = Problem),
    )
)]
async fn import(
    Manager(manager): Manager,
    State(state): State<AppState>,
    RawBody(body): RawBody,
) -> Result<Json<BotDocument>, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(&body);
    let config: BotConfig = serde_path_to_error::deserialize(&mut reader).map_err(|error| {
        let field = error.path().to_string();
        let field = if field == "." {
            "document".to_owned()
        } else {
            field
        };
        ApiError::Invalid {
            code: "invalid_bot_config",
            message: "The document is not a bot configuration.".into(),
            fields: vec![FieldError {
                field,
                message: error.inner().to_string(),
            }],
        }
    })?;
    let version = app::bot::save(&state, &manager, &config, "Imported").await?;
    Ok(Json(BotDocument { version, config }))
}

/// Run a draft (or the configuration in force) over typed messages (managers).
///
/// Answers, message by message, the replies, intent, confidence and
/// escalation; no customer is touched.
#[utoipa::path(
    post,
    path = "/bot/simulate",
    operation_id = "simulate_bot",
    tag = "bot",
    security(("session" = ["manager"])),
    request_body = Simulation,
    responses(
        (status = 200, description = "One turn per message", body = Vec<SimulatedTurn>),
        (status = 422, response = Problem),
    )
)]
async fn simulate(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(simulation): JsonBody<Simulation>,
) -> Result<Json<Vec<SimulatedTurn>>, ApiError> {
    let config = match simulation.config {
        Some(draft) => {
            app::bot::checked(&draft)?;
            draft
        }
        None => {
            store::bot::current(&mut *state.db.pool.acquire().await?)
                .await?
                .1
        }
    };
    let mut chat = ChatContext {
        status: Status::Active,
        greet: true,
        fallbacks_in_row: 0,
        now_ms: state.clock.now_ms(),
        // The simulated customer waits alone.
        queue_position: 1,
        holding_sent: false,
    };
    let turns = simulation
        .messages
        .iter()
        .map(|message| {
            let said = CustomerMessage {
                text: message.text.as_deref(),
                reply_id: message.reply_id.as_deref(),
                media: false,
            };
            let turn = bot::respond(&config, chat, said);
            if turn.escalate.is_some() {
                chat.status = Status::Requesting;
                chat.holding_sent = false;
            }
            chat.holding_sent |= turn.held;
            chat.greet = false;
            chat.fallbacks_in_row = turn.fallbacks_in_row;
            let nearest = match (&turn.matched, &message.text) {
                (None, Some(text)) => bot::nearest_intent(&config, text),
                _ => None,
            };
            SimulatedTurn {
                intent: turn.matched.as_ref().map(|(intent, _)| intent.clone()),
                confidence: turn.matched.as_ref().map(|(_, confidence)| *confidence),
                nearest_intent: nearest.map(|(intent, _)| intent.id.clone()),
                nearest_confidence: nearest.map(|(_, confidence)| confidence),
                escalation: turn.escalate.as_ref().map(|reason| reason.describe()),
                replies: turn.replies,
                status: chat.status,
            }
        })
        .collect();
    Ok(Json(turns))
}
