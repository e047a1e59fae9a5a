//! The chatbot's seam in the webhook pipeline: takes the chat's state and
//! the configuration in force, asks `handover_core::bot::respond`, and turns
//! its replies into Cloud API messages.

use handover_core::bot::{self, BotConfig, BotTurn, ChatContext, CustomerMessage, Reply};
use handover_core::{Status, WaId};
use serde_json::{json, Value};
use sqlx::AnyConnection;

use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::platform::outbound;
use crate::state::AppState;
use crate::store;

/// `config`, or every problem with its field.
pub fn checked(config: &BotConfig) -> Result<(), AppError> {
    config.validate().map_err(|fields| AppError::Invalid {
        code: "invalid_bot_config",
        message: format!(
            "The configuration has {} problem(s); each is listed with its field.",
            fields.len()
        ),
        fields,
    })
}

/// Saves `config`, checked, as the bot's newest version with `note` (empty
/// for an ordinary save), committed with its row in the audit trail; the
/// new version's id.
pub async fn save(
    state: &AppState,
    by: &handover_core::api::Agent,
    config: &BotConfig,
    note: &str,
) -> Result<i64, AppError> {
    checked(config)?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let version = store::bot::save(&mut write.tx, config, Some(by.id), note, now).await?;
    let subject = format!("Version {version}");
    let audited = Audited {
        by,
        action: handover_core::audit::AuditAction::Bot,
        subject: &subject,
        detail: if note.is_empty() { "Saved" } else { note },
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok(version)
}

/// The configuration in force, parsed once per saved version: a writer
/// keeps one and asks it once per transaction (a new one is saved by a
/// writer alone, never while the transaction holds the write turn).
#[derive(Default)]
pub struct ConfigInForce {
    version: Option<i64>,
    config: BotConfig,
}

impl ConfigInForce {
    /// The configuration in force as `conn`'s transaction sees it.
    pub async fn get(&mut self, conn: &mut AnyConnection) -> Result<&BotConfig, sqlx::Error> {
        let newest = store::bot::newest_id(&mut *conn).await?;
        if self.version != Some(newest) {
            let (version, config) = store::bot::current(conn).await?;
            self.version = Some(version);
            self.config = config;
        }
        Ok(&self.config)
    }
}

/// The chat as the bot finds it when a customer message arrives.
pub struct Chat<'a> {
    pub wa_id: &'a WaId,
    pub status: handover_core::Status,
    /// What the bot remembered after the customer's previous message.
    pub memory: store::customers::BotMemory,
    /// The customer is new, or back after a Resolve.
    pub greet: bool,
}

/// The bot's turn for one customer message; what it remembers for the next
/// one (fallbacks in a row, whether this wait's holding message went) is
/// written when it changed.
pub async fn turn(
    conn: &mut AnyConnection,
    config: &BotConfig,
    chat: Chat<'_>,
    message: CustomerMessage<'_>,
    now: i64,
) -> Result<BotTurn, sqlx::Error> {
    let queue_position = match chat.status {
        Status::Requesting => store::customers::queue_position(&mut *conn, chat.wa_id, now).await?,
        Status::Active | Status::Intervened | Status::Closed => 0,
    };
    let context = ChatContext {
        status: chat.status,
        greet: chat.greet,
        fallbacks_in_row: chat.memory.fallbacks_in_row,
        now_ms: now,
        queue_position,
        holding_sent: chat.memory.holding_sent,
    };
    let turn = bot::respond(config, context, message);
    let remembered = store::customers::BotMemory {
        fallbacks_in_row: turn.fallbacks_in_row,
        holding_sent: chat.memory.holding_sent || turn.held,
    };
    if remembered != chat.memory {
        store::customers::remember(conn, chat.wa_id, remembered).await?;
    }
    Ok(turn)
}

/// The welcome of `config`.
pub fn welcome(config: &BotConfig) -> Reply {
    Reply::Text {
        text: config.welcome.clone(),
    }
}

/// The Cloud API body of one bot reply: text, quick reply buttons or a list.
pub fn payload(to: &WaId, reply: &Reply) -> Value {
    let interactive = match reply {
        Reply::Text { text } => return outbound::text_payload(to, text),
        Reply::Buttons { text, buttons } => json!({
            "type": "button",
            "body": { "text": text },
            "action": { "buttons": buttons.iter().map(|b| json!({
                "type": "reply", "reply": { "id": b.id, "title": b.title }
            })).collect::<Vec<_>>() },
        }),
        Reply::List { text, button, rows } => json!({
            "type": "list",
            "body": { "text": text },
            "action": {
                "button": button,
                "sections": [{ "rows": rows.iter().map(|row| {
                    let mut item = json!({ "id": row.id, "title": row.title });
                    if let Some(description) = &row.description {
                        item["description"] = json!(description);
                    }
                    item
                }).collect::<Vec<_>>() }],
            },
        }),
    };
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to.as_str(),
        "type": "interactive",
        "interactive": interactive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::bot::Choice;

    #[test]
    fn buttons_and_lists_go_out_as_cloud_api_interactive_messages() {
        let to = WaId::parse("919876543210").unwrap();
        let buttons = Reply::Buttons {
            text: "Pick one".into(),
            buttons: vec![Choice {
                id: "track_order".into(),
                title: "Track order".into(),
                description: None,
            }],
        };
        assert_eq!(
            payload(&to, &buttons)["interactive"],
            json!({"type": "button", "body": {"text": "Pick one"},
                   "action": {"buttons": [{"type": "reply", "reply": {"id": "track_order", "title": "Track order"}}]}})
        );
        let list = Reply::List {
            text: "Sizes".into(),
            button: "Choose".into(),
            rows: vec![Choice {
                id: "men".into(),
                title: "Men".into(),
                description: Some("S to XXL".into()),
            }],
        };
        assert_eq!(
            payload(&to, &list)["interactive"]["action"],
            json!({"button": "Choose", "sections": [{"rows": [{"id": "men", "title": "Men", "description": "S to XXL"}]}]})
        );
        assert_eq!(
            payload(&to, &Reply::Text { text: "Hi".into() })["type"],
            "text"
        );
    }
}
