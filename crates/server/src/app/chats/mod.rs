//! A customer's chat as the team works it: the lifecycle actions
//! (intervene, resolve, release, transfer), sending a text or a template,
//! and, in the rooms below, notes, labels, reactions, reading, files and
//! sending again. Each action is one write, committed with its events;
//! the dashboards are told and the outbox woken after the commit.

pub mod files;
pub mod labels;
pub mod notes;
pub mod reactions;
pub mod reading;
pub mod resend;

use handover_core::api::{Agent, Author, CustomerProfile, Message, SendMessage, TemplateSend};
use handover_core::labels::ResolveRequest;
use handover_core::lifecycle::WriteRefusal;
use handover_core::{whatsapp, AgentId, ChatState, Command, TransitionError, WaId};
use sqlx::AnyConnection;

use crate::app::error::AppError;
use crate::app::lifecycle::{self, Change, ChangedBy};
use crate::app::{csat, templates};
use crate::platform::db::WriteTx;
use crate::platform::outbound;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::messages::{self, Outbound};
use crate::store::template_media::HeaderFile;
use crate::store::{agents, customers};

/// A customer's profile, or the refusal that names the missing customer.
pub async fn require_profile(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    now: i64,
) -> Result<CustomerProfile, AppError> {
    customers::profile(conn, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))
}

/// Applies a lifecycle command (intervene, release, transfer) for an agent;
/// the customer's profile after it.
pub async fn act(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    command: Command,
    reason: &str,
) -> Result<CustomerProfile, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let mut batch = EventBatch::default();
    lifecycle::apply(
        &mut write.tx,
        &mut batch,
        wa_id,
        command,
        ChangedBy::Agent(agent),
        reason,
        now,
    )
    .await?;
    changed(state, write, batch, wa_id, now).await
}

/// Gives the chat to another enabled agent (its holder or a manager).
pub async fn transfer(
    state: &AppState,
    agent: &Agent,
    by: handover_core::Actor,
    wa_id: &WaId,
    to: AgentId,
) -> Result<CustomerProfile, AppError> {
    let target = agents::by_id(&state.db.pool, to).await?;
    if target.as_ref().is_none_or(|target| target.disabled) {
        return Err(AppError::unprocessable(
            "unknown_agent",
            format!("agent_id: there is no enabled agent with id {to}."),
        ));
    }
    let command = Command::Transfer { by, to };
    act(state, agent, wa_id, command, "Transferred to another agent").await
}

/// Resolves the chat (its holder or a manager) with the team's closing
/// reason when it keeps them, and asks the customer the satisfaction
/// survey when the team has one.
pub async fn resolve(
    state: &AppState,
    agent: &Agent,
    by: handover_core::Actor,
    wa_id: &WaId,
    request: &ResolveRequest,
) -> Result<CustomerProfile, AppError> {
    let survey = csat::prepare(&state.db.pool).await?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let reasons = crate::store::labels::closing_reasons(&mut write.tx).await?;
    let reason = reasons
        .check(request.reason.as_deref())
        .map_err(|problem| AppError::unprocessable("closing_reason", format!("{problem}.")))?
        .map(str::to_owned);
    let line = match &reason {
        Some(reason) => format!("Resolved ({reason}); handed back to the bot"),
        None => "Resolved; handed back to the bot".to_owned(),
    };
    let mut batch = EventBatch::default();
    let chat = customers::chat_state(&mut write.tx, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let resolve = Change {
        command: Command::Resolve(by),
        by: ChangedBy::Agent(agent),
        reason: &line,
        closing_reason: reason.as_deref(),
        cause: None,
    };
    lifecycle::apply_change(&mut write.tx, &mut batch, wa_id, &chat, resolve, now).await?;
    let asked = match &survey {
        Some(survey) => {
            csat::ask(
                &mut write.tx,
                &mut batch,
                survey,
                wa_id,
                chat.window_open,
                now,
            )
            .await?
        }
        None => false,
    };
    let profile = changed(state, write, batch, wa_id, now).await?;
    if asked {
        state.outbox.wake();
    }
    Ok(profile)
}

/// Commits a lifecycle change made in `write`: the dashboards are told;
/// the customer's profile as it now is.
async fn changed(
    state: &AppState,
    mut write: WriteTx<'_>,
    batch: EventBatch,
    wa_id: &WaId,
    now: i64,
) -> Result<CustomerProfile, AppError> {
    let profile = require_profile(&mut write.tx, wa_id, now).await?;
    let recorded = batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    if recorded {
        state.events.notify();
    }
    Ok(profile)
}

/// A message that passed validation.
enum Draft<'a> {
    /// A text, and the WhatsApp id of the message it quotes.
    Text(&'a str, Option<String>),
    /// A template, with the file its media header carries.
    Template(&'a TemplateSend, Option<HeaderFile>),
}

/// Queues a session text (the holder only, window open) or a template (any
/// time); the message as the thread shows it.
pub async fn send(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    request: &SendMessage,
) -> Result<Message, AppError> {
    let now = state.clock.now_ms();
    let draft = match request {
        SendMessage::Template { template } => {
            let (_, header) = templates::sendable(&state.db.pool, template).await?;
            Draft::Template(template, header)
        }
        SendMessage::Text { text, reply_to } => {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > whatsapp::MAX_TEXT_CHARS {
                return Err(AppError::unprocessable(
                    "invalid_text",
                    format!("text: write 1 to {} characters.", whatsapp::MAX_TEXT_CHARS),
                ));
            }
            let quoted = match reply_to {
                None => None,
                Some(id) => Some(quoted_wamid(state, wa_id, *id).await?),
            };
            Draft::Text(text, quoted)
        }
    };

    let mut write = state.db.begin_write().await?;
    let chat = customers::chat_state(&mut write.tx, wa_id, now).await?;
    if chat.is_none() {
        return Err(AppError::no_customer(wa_id));
    }
    let id = match draft {
        Draft::Text(text, quoted) => {
            holder_may_write(chat.as_ref(), wa_id, agent)?;
            let mut payload = outbound::text_payload(wa_id, text);
            if let Some(wamid) = quoted {
                payload["context"] = serde_json::json!({ "message_id": wamid });
            }
            let message = Outbound::from_agent(wa_id, agent.id, text, &payload);
            messages::queue_outbound(&mut write.tx, &message, now).await?
        }
        Draft::Template(template, header) => {
            let in_header = header.as_ref().map(HeaderFile::in_header);
            let payload = outbound::template_payload(wa_id, template, in_header);
            let message = Outbound {
                wa_id,
                author: Author::Agent,
                agent: Some(agent.id),
                text: None,
                template: Some(template),
                payload: &payload,
                campaign: None,
            };
            messages::queue_template(&mut write.tx, &message, header.as_ref(), now).await?
        }
    };
    queued(state, write, EventBatch::default(), wa_id, id, now).await
}

/// The WhatsApp id of message `id` of this chat, which a reply quotes.
async fn quoted_wamid(state: &AppState, wa_id: &WaId, id: i64) -> Result<String, AppError> {
    let found = messages::on_whatsapp(&state.db.pool, wa_id, id).await?;
    match found.map(|message| message.wamid) {
        Some(Some(wamid)) => Ok(wamid),
        None => Err(AppError::unprocessable(
            "invalid_reply_to",
            format!("reply_to: this chat has no message {id}."),
        )),
        Some(None) => Err(AppError::unprocessable(
            "invalid_reply_to",
            format!(
                "reply_to: message {id} is not on WhatsApp (a note, a status line or a message not sent yet), so it cannot be quoted."
            ),
        )),
    }
}

/// Commits a message just queued in `write`, with what else the write
/// changed in `batch`: the dashboards are told, the outbox woken; the
/// message as the thread shows it.
pub(super) async fn queued(
    state: &AppState,
    write: WriteTx<'_>,
    mut batch: EventBatch,
    wa_id: &WaId,
    id: i64,
    now: i64,
) -> Result<Message, AppError> {
    batch.customer(wa_id);
    let message = with_message(state, write, batch, id, now).await?;
    state.outbox.wake();
    Ok(message)
}

/// Commits `write` with the events in `batch` and message `id` among them;
/// the dashboards are told; the message as the thread shows it.
pub(super) async fn with_message(
    state: &AppState,
    mut write: WriteTx<'_>,
    mut batch: EventBatch,
    id: i64,
    now: i64,
) -> Result<Message, AppError> {
    batch.message(id);
    batch.record(&mut write.tx, now).await?;
    let message = messages::by_id(&mut write.tx, id)
        .await?
        .ok_or_else(|| AppError::NotFound("The message vanished.".into()))?;
    write.commit().await?;
    state.events.notify();
    Ok(message)
}

/// Whether `agent` may write in this chat as people do (a text, a file),
/// by core's one rule: only the agent handling it, and only while the
/// window is open.
pub(super) fn holder_may_write(
    chat: Option<&ChatState>,
    wa_id: &WaId,
    agent: &Agent,
) -> Result<(), AppError> {
    let chat = chat.ok_or_else(|| AppError::no_customer(wa_id))?;
    match handover_core::lifecycle::may_write(chat, agent.id) {
        Ok(()) => Ok(()),
        Err(WriteRefusal::WindowClosed) => Err(TransitionError::WindowClosed.into()),
        Err(WriteRefusal::HeldBy(_) | WriteRefusal::Waiting | WriteRefusal::WithTheBot) => {
            Err(AppError::conflict(
                TransitionError::NotHolder.code(),
                "Only the agent handling this chat can send messages. Intervene first, or send a template.",
            ))
        }
    }
}
