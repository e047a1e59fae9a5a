//! A chat's change of status: the customer's row and the audit trail, as
//! `lifecycle` decided it.

use handover_core::{AgentId, Status, WaId};
use sqlx::AnyConnection;

use super::rollups::{self, Moment};

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

/// Writes the transition's audit row and the customer's new status.
///
/// What the reports measure is measured here, in the transition's own
/// transaction: a chat taken from the queue carries how long it waited, a
/// resolve how long the chat had been asking for a person (since it last
/// entered Requesting after being closed), a move into Requesting how its
/// wait ended once it does, and an intervene waits on the customer's row
/// for the agent's first message (`record_first_response`). The reports'
/// rollups take each figure as it is measured: the move's and the ended
/// request's figures, and the chain of quarter hours a customer escalated
/// in, by the caller with its batch's others (`EventBatch`); the first
/// response here (`rollups`).
pub async fn record(
    conn: &mut AnyConnection,
    change: &Transition<'_>,
) -> Result<Recorded, sqlx::Error> {
    let ends_wait = change.command == "intervene" && change.from == Status::Requesting;
    let ends_request = change.command == "resolve";
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO transitions (wa_id, from_status, to_status, actor, agent_id, reason, at, command,
                                 closing_reason, cause, waited_ms, since_request_ms)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                CASE WHEN $11 = 1 THEN $7 - u.requested_at END,
                CASE WHEN $12 = 1 THEN $7 - u.requested_at END
         FROM users u WHERE u.wa_id = $1
         RETURNING id",
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
    .bind(i64::from(ends_wait))
    .bind(i64::from(ends_request))
    .fetch_one(&mut *conn)
    .await?;
    let mut request_ended = None;
    if change.from == Status::Requesting && change.to != Status::Requesting {
        // The wait this move ends: how, and after how long.
        let request: Option<i64> = sqlx::query_scalar(
            "UPDATE transitions SET request_end = $2, request_ms = $3 - at
             WHERE id = (SELECT request_id FROM users WHERE wa_id = $1)
             RETURNING id",
        )
        .bind(change.wa_id.as_str())
        .bind(change.command)
        .bind(change.at)
        .fetch_optional(&mut *conn)
        .await?;
        request_ended = request;
    }
    let answer_due = (change.command == "intervene" && change.agent_id.is_some()).then_some(id);
    let request = change.enters_requesting.then_some(id);
    sqlx::query(
        "UPDATE users SET status = $2, assigned_agent_id = $3, status_changed_at = $4,
                unresolved_queries = unresolved_queries + $5, bot_holding_sent = 0,
                requested_at = CASE WHEN $2 = 'closed' THEN NULL WHEN $5 = 1 THEN $4 ELSE requested_at END,
                answer_due_id = $6, request_id = $7
         WHERE wa_id = $1",
    )
    .bind(change.wa_id.as_str())
    .bind(change.to.as_str())
    .bind(change.holder.map(|agent| agent.0))
    .bind(change.at)
    .bind(i64::from(change.enters_requesting))
    .bind(answer_due)
    .bind(request)
    .execute(&mut *conn)
    .await?;
    Ok(Recorded {
        moved: id,
        request_ended,
    })
}

/// The rows a recorded transition gives the reports: its own (a move), and
/// the request whose wait it ended. The caller adds their figures
/// (`EventBatch::count`), with its batch's others.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub moved: i64,
    pub request_ended: Option<i64>,
}

/// An agent wrote to `wa_id` at `at`: the intervene still waiting for its
/// first answer, if any, takes it as its first response.
pub async fn record_first_response(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    at: i64,
) -> Result<(), sqlx::Error> {
    let answered: Option<i64> = sqlx::query_scalar(
        "UPDATE transitions SET first_response_ms = $2 - at
         WHERE id = (SELECT answer_due_id FROM users WHERE wa_id = $1) AND first_response_ms IS NULL
         RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(at)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(intervene) = answered {
        rollups::add(conn, Moment::FirstResponse, intervene).await?;
    }
    sqlx::query(
        "UPDATE users SET answer_due_id = NULL WHERE wa_id = $1 AND answer_due_id IS NOT NULL",
    )
    .bind(wa_id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}
