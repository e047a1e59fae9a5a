//! A chat's change of status: the customer's row and the audit trail, as
//! `lifecycle` decided it.

use handover_core::{AgentId, Status, WaId};
use sqlx::AnyConnection;

/// One decided change of a chat's status.
pub struct Transition<'a> {
    pub wa_id: &'a WaId,
    pub from: Status,
    pub to: Status,
    /// Who holds the chat afterwards.
    pub holder: Option<AgentId>,
    /// Whether the change enters Requesting (one more unresolved query).
    pub enters_requesting: bool,
    /// `customer`, `bot`, `agent` or `system`.
    pub actor: &'static str,
    pub agent_id: Option<AgentId>,
    pub command: &'static str,
    pub reason: &'a str,
    pub closing_reason: Option<&'a str>,
    /// Why the bot escalated (`asked_for_person`, `fallbacks`, `intent:<id>`).
    pub cause: Option<&'a str>,
    pub at: i64,
}

/// Writes the customer's new status and the transition's audit row.
pub async fn record(conn: &mut AnyConnection, change: &Transition<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET status = $2, assigned_agent_id = $3, status_changed_at = $4,
                unresolved_queries = unresolved_queries + $5, bot_holding_sent = 0
         WHERE wa_id = $1",
    )
    .bind(change.wa_id.as_str())
    .bind(change.to.as_str())
    .bind(change.holder.map(|agent| agent.0))
    .bind(change.at)
    .bind(i64::from(change.enters_requesting))
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO transitions (wa_id, from_status, to_status, actor, agent_id, reason, at, command, closing_reason, cause)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(change.wa_id.as_str())
    .bind(change.from.as_str())
    .bind(change.to.as_str())
    .bind(change.actor)
    .bind(change.agent_id.map(|id| id.0))
    .bind(change.reason)
    .bind(change.at)
    .bind(change.command)
    .bind(change.closing_reason)
    .bind(change.cause)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
