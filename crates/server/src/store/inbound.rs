//! What a customer's new message changes on their profile, and everything
//! the webhook needs to know of the chat afterwards, in one statement: the
//! write path runs it once per message, so each value read here is one
//! round trip to the database fewer.

use handover_core::{AgentId, ChatState, WaId};
use sqlx::AnyConnection;

use super::customers::{status_of, BotMemory};
use super::Flag;
use crate::platform::time::WINDOW_MS;

/// A customer message as it moves their profile.
pub struct Wrote<'a> {
    pub wa_id: &'a WaId,
    /// The id of the message, already stored.
    pub message_id: i64,
    /// When they wrote it (never later than now).
    pub sent_at: i64,
    /// What the chat list shows of it.
    pub preview: Option<&'a str>,
    /// The profile name WhatsApp sent with it ("" when none).
    pub name: &'a str,
}

/// The chat as the message left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterWrote {
    /// When the status last changed (a message written before it does not
    /// reopen a resolved chat).
    pub status_changed_at: i64,
    /// This is the customer's first message and they carry no tag yet.
    pub first_untagged: bool,
    pub state: ChatState,
    pub memory: BotMemory,
}

/// Counts the message and moves Last Active, the window and the preview
/// forward (never back, whatever order deliveries arrive in); a name
/// WhatsApp sent replaces the stored one. `None` when the customer does
/// not exist. The reports' chain of quarter hours written in is the
/// caller's to note ([`super::events::EventBatch::link`]), for a whole
/// batch at once.
pub async fn record(
    conn: &mut AnyConnection,
    wrote: &Wrote<'_>,
    now: i64,
) -> Result<Option<AfterWrote>, sqlx::Error> {
    type Row = (i64, Flag, String, Option<i64>, i64, i64, Flag);
    let row: Option<Row> = sqlx::query_as(
        "UPDATE users SET
            name = CASE WHEN $5 <> '' THEN $5 ELSE name END,
            last_message_preview = CASE WHEN $2 >= COALESCE(last_active_at, 0) THEN $4 ELSE last_message_preview END,
            last_active_at = CASE WHEN COALESCE(last_active_at, 0) > $2
                                  THEN last_active_at ELSE $2 END,
            window_expires_at = CASE WHEN COALESCE(window_expires_at, 0) > $2 + $3
                                     THEN window_expires_at ELSE $2 + $3 END,
            session_messages = session_messages + 1,
            unread_messages = unread_messages + 1
         WHERE wa_id = $1
         RETURNING status_changed_at,
                   first_message_tag IS NULL AND NOT EXISTS (
                       SELECT 1 FROM messages m
                       WHERE m.wa_id = users.wa_id AND m.direction = 'in' AND m.id <> $6),
                   status, assigned_agent_id, window_expires_at, bot_fallbacks, bot_holding_sent",
    )
    .bind(wrote.wa_id.as_str())
    .bind(wrote.sent_at)
    .bind(WINDOW_MS)
    .bind(wrote.preview)
    .bind(wrote.name)
    .bind(wrote.message_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(
        |(status_changed_at, first_untagged, status, holder, window, fallbacks, holding_sent)| {
            AfterWrote {
                status_changed_at,
                first_untagged: first_untagged.into(),
                state: ChatState {
                    status: status_of(&status),
                    holder: holder.map(AgentId),
                    window_open: window > now,
                },
                memory: BotMemory {
                    fallbacks_in_row: u32::try_from(fallbacks).unwrap_or(0),
                    holding_sent: holding_sent.into(),
                },
            }
        },
    ))
}
