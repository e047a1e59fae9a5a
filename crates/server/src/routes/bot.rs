//! The bot's configuration (managers): the one in force, saving, versions
//! and rollback, export and import as a JSON document, and a simulator that
//! runs a draft over a conversation without touching any customer.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use handover_core::api::{BotDocument, BotVersion, SimulatedTurn, Simulation};
use handover_core::bot::{self, BotConfig, ChatContext, CustomerMessage};
use handover_core::{FieldError, Status};

use super::extract::{JsonBody, PathParam};
use crate::auth::Manager;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store;

pub async fn current(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<BotDocument>, ApiError> {
    let mut conn = state.db.pool.acquire().await?;
    let (version, config) = store::bot::current(&mut conn).await?;
    Ok(Json(BotDocument { version, config }))
}

pub async fn save(
    Manager(manager): Manager,
    State(state): State<AppState>,
    JsonBody(config): JsonBody<BotConfig>,
) -> Result<Json<BotDocument>, ApiError> {
    checked(&config)?;
    let version = store::bot::save(
        &state.db,
        &config,
        Some(manager.id),
        "",
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(BotDocument { version, config }))
}

pub async fn versions(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<BotVersion>>, ApiError> {
    Ok(Json(store::bot::versions(&state.db.pool).await?))
}

/// Makes an earlier version the one in force (as a new version, so the
/// history keeps every step).
pub async fn rollback(
    Manager(manager): Manager,
    State(state): State<AppState>,
    PathParam(id): PathParam<i64>,
) -> Result<Json<BotDocument>, ApiError> {
    let config = store::bot::version(&state.db.pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no bot version {id}.")))?;
    let note = format!("Rolled back to version {id}");
    let version = store::bot::save(
        &state.db,
        &config,
        Some(manager.id),
        &note,
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(BotDocument { version, config }))
}

/// The configuration in force as a downloadable JSON document.
pub async fn export(
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

/// Imports a document as exported; every problem is named by its field.
pub async fn import(
    Manager(manager): Manager,
    State(state): State<AppState>,
    body: Bytes,
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
    checked(&config)?;
    let version = store::bot::save(
        &state.db,
        &config,
        Some(manager.id),
        "Imported",
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(BotDocument { version, config }))
}

fn checked(config: &BotConfig) -> Result<(), ApiError> {
    config.validate().map_err(|fields| ApiError::Invalid {
        code: "invalid_bot_config",
        message: format!(
            "The configuration has {} problem(s); each is listed with its field.",
            fields.len()
        ),
        fields,
    })
}

pub async fn simulate(
    _manager: Manager,
    State(state): State<AppState>,
    JsonBody(simulation): JsonBody<Simulation>,
) -> Result<Json<Vec<SimulatedTurn>>, ApiError> {
    let config = match simulation.config {
        Some(draft) => {
            checked(&draft)?;
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
