//! Applying status changes: asks `handover_core::decide`, then writes the
//! new status, the counters, the audit trail and the system line of the
//! thread, all inside the caller's transaction; a chat passed to someone
//! tells them.

use handover_core::api::{Agent, AgentRef};
use handover_core::audit::AuditAction;
use handover_core::notes::Handover;
use handover_core::{decide, AgentId, ChatState, Command, Status, WaId};
use sqlx::AnyConnection;

use crate::app::error::AppError;
use crate::store::events::EventBatch;
use crate::store::rollups::{Chain, Moment};
use crate::store::transitions::{self, Transition};
use crate::store::{agents, audit, customers, messages};

/// Who caused a change, for the audit trail and the system line.
pub enum ChangedBy<'a> {
    Customer,
    Bot,
    Agent(&'a Agent),
    System,
}

impl ChangedBy<'_> {
    fn actor(&self) -> (&'static str, Option<AgentId>) {
        match self {
            ChangedBy::Customer => ("customer", None),
            ChangedBy::Bot => ("bot", None),
            ChangedBy::Agent(agent) => ("agent", Some(agent.id)),
            ChangedBy::System => ("system", None),
        }
    }
}

/// Decides and applies `command`; returns the new status when it changed.
///
/// Callers hold the write lock, so the state read here is the state written
/// over: two agents intervening at once are decided one after the other,
/// and the second is refused by `decide` itself.
pub async fn apply(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    wa_id: &WaId,
    command: Command,
    by: ChangedBy<'_>,
    reason: &str,
    now: i64,
) -> Result<Option<Status>, AppError> {
    let state = customers::chat_state(conn, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let change = Change {
        command,
        by,
        reason,
        closing_reason: None,
        cause: None,
    };
    let changed = apply_change(conn, batch, wa_id, &state, change, now).await?;
    Ok(changed.map(|state| state.status))
}

/// A move asked of a chat: the command, who asks and why.
pub struct Change<'a> {
    pub command: Command,
    pub by: ChangedBy<'a>,
    pub reason: &'a str,
    /// The closing reason a resolve gave.
    pub closing_reason: Option<&'a str>,
    /// Why the bot escalated, as the reports group it
    /// (`EscalationReason::cause`).
    pub cause: Option<&'a str>,
}

/// Applies `change` to a chat whose state the caller has just read in its
/// transaction (under the write lock); returns the new state when it
/// changed.
pub async fn apply_change(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    wa_id: &WaId,
    state: &ChatState,
    change: Change<'_>,
    now: i64,
) -> Result<Option<ChatState>, AppError> {
    let Change {
        command,
        by,
        reason,
        closing_reason,
        cause,
    } = change;
    let decision = decide(state, command)?;
    if !decision.changes(state) {
        return Ok(None);
    }
    let (actor, agent_id) = by.actor();
    let enters_requesting = decision.enters_requesting(state);
    let recorded = transitions::record(
        conn,
        &Transition {
            wa_id,
            from: state.status,
            to: decision.status,
            holder: decision.holder,
            enters_requesting,
            actor,
            agent_id,
            command: command.name(),
            reason,
            closing_reason,
            cause,
            at: now,
        },
    )
    .await?;
    // The reports count who escalated per quarter hour; an agent taking a
    // chat back to the queue is no escalation.
    if enters_requesting && actor != "agent" {
        batch.link(Chain::Escalated, wa_id, now);
    }
    batch.count(Moment::Move, recorded.moved);
    if let Some(request) = recorded.request_ended {
        batch.count(Moment::RequestEnd, request);
    }

    let mut line = system_line(conn, command, &by, reason).await?;
    if let Some(closing_reason) = closing_reason {
        line = format!("{line} · {closing_reason}");
    }
    if let (ChangedBy::Agent(agent), Some(action)) = (&by, audited(command)) {
        audit::record(conn, Some(agent.id), action, wa_id.as_str(), &line, now).await?;
    }
    let message = messages::insert_system(conn, wa_id, &line, now).await?;
    batch.message(message);
    batch.customer(wa_id);
    // The one a colleague passes the chat to is told at once.
    if let (Command::Transfer { to, .. }, ChangedBy::Agent(agent)) = (command, &by) {
        batch.handover(Handover {
            agent: to,
            by: AgentRef {
                id: agent.id,
                name: agent.name.clone(),
            },
            wa_id: wa_id.clone(),
            customer: customers::display_name(conn, wa_id).await?,
        });
    }
    Ok(Some(ChatState {
        status: decision.status,
        holder: decision.holder,
        window_open: state.window_open,
    }))
}

/// The audit trail's name for what a person did to a chat.
fn audited(command: Command) -> Option<AuditAction> {
    match command {
        Command::Intervene(_) => Some(AuditAction::Intervene),
        Command::Resolve(_) => Some(AuditAction::Resolve),
        Command::Release(_) => Some(AuditAction::Release),
        Command::Transfer { .. } => Some(AuditAction::Transfer),
        Command::Escalate
        | Command::CustomerWrote
        | Command::WindowExpired
        | Command::IdleTimeout => None,
    }
}

/// The sentence shown in the thread for a change.
async fn system_line(
    conn: &mut AnyConnection,
    command: Command,
    by: &ChangedBy<'_>,
    reason: &str,
) -> Result<String, sqlx::Error> {
    let who = match by {
        ChangedBy::Agent(agent) => agent.name.clone(),
        ChangedBy::Customer => "the customer".to_owned(),
        ChangedBy::Bot => "the bot".to_owned(),
        ChangedBy::System => "Handover".to_owned(),
    };
    Ok(match command {
        Command::Escalate => "Requested an agent".to_owned(),
        Command::Intervene(_) => format!("Intervened by {who}"),
        Command::Resolve(_) => format!("Resolved by {who}"),
        Command::Release(_) => format!("Released to the queue by {who}"),
        Command::Transfer { to, .. } => {
            let target = agents::name_of(conn, to)
                .await?
                .unwrap_or_else(|| format!("agent {to}"));
            format!("Transferred to {target} by {who}")
        }
        Command::CustomerWrote => "Reopened: the customer wrote again".to_owned(),
        Command::WindowExpired => {
            "Missed request: the window closed before an agent joined".to_owned()
        }
        Command::IdleTimeout => format!("Resolved automatically: {reason}"),
    })
}
