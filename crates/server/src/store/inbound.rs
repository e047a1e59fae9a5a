//! What a customer's new message changes on their profile, and everything
//! the webhook needs to know of the chat afterwards, in one statement: the
//! write path runs it once per message, or once for a batch's customers who
//! each wrote one message, so each value read here is one round trip to the
//! database fewer.

use std::collections::HashMap;

use handover_core::{AgentId, ChatState, WaId};
use sqlx::AnyConnection;

use super::customers::{status_of, BotMemory};
use super::statement::Statement;
use super::Flag;
use crate::platform::time::WINDOW_MS;

/// A customer message as it moves their profile. Its message is stored
/// already, and is the newest of the customer's that this moves.
pub struct Wrote<'a> {
    pub wa_id: &'a WaId,
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

/// The profile's changes, written with the expressions that give the time
/// they wrote, the preview and the name: the update up to where its rows
/// are chosen, and what it answers after that.
fn moves(sent_at: &str, preview: &str, name: &str) -> (String, &'static str) {
    let update = format!(
        "UPDATE users SET
            name = CASE WHEN {name} <> '' THEN {name} ELSE name END,
            last_message_preview = CASE WHEN {sent_at} >= COALESCE(last_active_at, 0) THEN {preview} ELSE last_message_preview END,
            last_active_at = CASE WHEN COALESCE(last_active_at, 0) > {sent_at}
                                  THEN last_active_at ELSE {sent_at} END,
            window_expires_at = CASE WHEN COALESCE(window_expires_at, 0) > {sent_at} + {WINDOW_MS}
                                     THEN window_expires_at ELSE {sent_at} + {WINDOW_MS} END,
            session_messages = session_messages + 1,
            unread_messages = unread_messages + 1 "
    );
    // The message is stored already: it is their first when it is their
    // only one.
    let answers = " RETURNING wa_id, status_changed_at,
                   first_message_tag IS NULL AND NOT EXISTS (
                       SELECT 1 FROM messages m
                       WHERE m.wa_id = users.wa_id AND m.direction = 'in' LIMIT 1 OFFSET 1),
                   status, assigned_agent_id, window_expires_at, bot_fallbacks, bot_holding_sent";
    (update, answers)
}

type AfterRow = (String, i64, Flag, String, Option<i64>, i64, i64, Flag);

fn after_wrote(row: AfterRow, now: i64) -> (String, AfterWrote) {
    let (wa_id, status_changed_at, first_untagged, status, holder, window, fallbacks, holding_sent) =
        row;
    let after = AfterWrote {
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
    };
    (wa_id, after)
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
    let (update, answers) = moves("$2", "$3", "$4");
    let row: Option<AfterRow> = sqlx::query_as(&format!("{update} WHERE wa_id = $1 {answers}"))
        .bind(wrote.wa_id.as_str())
        .bind(wrote.sent_at)
        .bind(wrote.preview)
        .bind(wrote.name)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.map(|row| after_wrote(row, now).1))
}

/// Customers moved by one statement at most (four values each).
const RECORDED_AT_ONCE: usize = 64;

/// [`record`] for customers who each wrote one message (each with its
/// `now`), in a few statements: how each one's chat was left, by customer (those who do not
/// exist are left out). A customer may appear once only: their second
/// message would be counted, in the same statement, as if it were the first.
pub async fn record_all(
    conn: &mut AnyConnection,
    wrote: &[(Wrote<'_>, i64)],
) -> Result<HashMap<String, AfterWrote>, sqlx::Error> {
    let nows: HashMap<&str, i64> = wrote
        .iter()
        .map(|(wrote, now)| (wrote.wa_id.as_str(), *now))
        .collect();
    let mut after = HashMap::with_capacity(wrote.len());
    for chunk in wrote.chunks(RECORDED_AT_ONCE) {
        // A VALUES list's columns are column1, column2, … on both backends;
        // the casts give Postgres their types.
        let (update, answers) = moves("v.column2", "v.column3", "v.column4");
        let mut update = Statement::new(&update);
        update.push("FROM (");
        update.values(chunk, |row, (wrote, _)| {
            row.bind_as(wrote.wa_id.as_str(), "TEXT")
                .bind_as(wrote.sent_at, "BIGINT")
                .bind_as(wrote.preview, "TEXT")
                .bind_as(wrote.name, "TEXT");
        });
        update
            .push(") AS v WHERE users.wa_id = v.column1")
            .push(answers);
        let rows: Vec<AfterRow> = update.fetch_all(&mut *conn).await?;
        after.extend(rows.into_iter().map(|row| {
            let now = nows.get(row.0.as_str()).copied().unwrap_or_default();
            after_wrote(row, now)
        }));
    }
    Ok(after)
}
