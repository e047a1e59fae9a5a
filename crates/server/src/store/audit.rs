//! The managers' audit trail: one row per change a person made, written
//! in the change's own transaction, read newest first.

use handover_core::api::AgentRef;
use handover_core::audit::{AuditAction, AuditEntry};
use handover_core::AgentId;
use sqlx::{AnyConnection, AnyPool};

use super::statement::Statement;
use crate::platform::time::rfc3339;

/// Records that `agent` did `action` to `subject`.
pub async fn record(
    conn: &mut AnyConnection,
    agent: Option<AgentId>,
    action: AuditAction,
    subject: &str,
    detail: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, agent_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(agent.map(|agent| agent.0))
    .bind(action.as_str())
    .bind(subject)
    .bind(detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which entries a page shows.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    /// `[from, to)` in ms.
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub agent: Option<AgentId>,
    pub action: Option<AuditAction>,
    /// Entries older than this id (the previous page's last).
    pub before: Option<i64>,
    pub limit: u32,
}

type Row = (
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
);

/// Up to `filter.limit` entries, newest first (by time; entries of the
/// same moment newest written first), each chat named by its customer.
pub async fn list(pool: &AnyPool, filter: &AuditFilter) -> Result<Vec<AuditEntry>, sqlx::Error> {
    let mut query = Statement::new(
        "SELECT l.id, l.at, l.agent_id, a.name, l.action, l.subject, l.detail, u.name
         FROM audit_log l LEFT JOIN agents a ON a.id = l.agent_id
         LEFT JOIN users u ON u.wa_id = l.subject WHERE 1 = 1",
    );
    if let Some(from) = filter.from {
        query.push(" AND l.at >= ").bind(from);
    }
    if let Some(to) = filter.to {
        query.push(" AND l.at < ").bind(to);
    }
    if let Some(agent) = filter.agent {
        query.push(" AND l.agent_id = ").bind(agent.0);
    }
    if let Some(action) = filter.action {
        query.push(" AND l.action = ").bind(action.as_str());
    }
    if let Some(before) = filter.before {
        // After the previous page's last entry, in the same order.
        query
            .push(" AND (l.at < (SELECT at FROM audit_log WHERE id = ")
            .bind(before)
            .push(") OR (l.at = (SELECT at FROM audit_log WHERE id = ")
            .bind(before)
            .push(") AND l.id < ")
            .bind(before)
            .push("))");
    }
    query
        .push(" ORDER BY l.at DESC, l.id DESC LIMIT ")
        .bind(i64::from(filter.limit));
    let (sql, values) = query.finish()?;
    let rows: Vec<Row> = sqlx::query_as_with(&sql, values)
        .persistent(false)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(id, at, agent_id, name, action, subject, detail, customer)| {
                Some(AuditEntry {
                    id,
                    at: rfc3339(at),
                    agent: agent_id.map(|id| AgentRef {
                        id: AgentId(id),
                        name: name.unwrap_or_default(),
                    }),
                    action: AuditAction::parse(&action)?,
                    subject,
                    detail,
                    customer: customer.filter(|name| !name.is_empty()),
                })
            },
        )
        .collect())
}
