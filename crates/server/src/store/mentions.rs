//! Mentions kept for the person mentioned: written with the note that
//! makes them, listed newest first, read when they look.

use handover_core::api::AgentRef;
use handover_core::notes::{MentionItem, MyMentions};
use handover_core::AgentId;
use sqlx::{AnyConnection, AnyPool};

use crate::platform::time::rfc3339;

/// The mention of `agent` in note `message_id`.
pub async fn record(
    conn: &mut AnyConnection,
    agent: AgentId,
    message_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO mentions (agent_id, message_id, at) VALUES ($1, $2, $3)")
        .bind(agent.0)
        .bind(message_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

type Row = (
    i64,
    i64,
    String,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    i64,
    Option<i64>,
);

/// The newest `limit` mentions of `agent`, and how many of all are unread.
pub async fn of(pool: &AnyPool, agent: AgentId, limit: u32) -> Result<MyMentions, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT n.id, n.message_id, m.wa_id, u.name, m.text, m.agent_id, a.name, n.at, n.read_at
         FROM mentions n
         JOIN messages m ON m.id = n.message_id
         LEFT JOIN users u ON u.wa_id = m.wa_id
         LEFT JOIN agents a ON a.id = m.agent_id
         WHERE n.agent_id = $1 ORDER BY n.id DESC LIMIT $2",
    )
    .bind(agent.0)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let unread: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM mentions WHERE agent_id = $1 AND read_at IS NULL")
            .bind(agent.0)
            .fetch_one(pool)
            .await?;
    let items = rows
        .into_iter()
        .map(
            |(id, message_id, wa_id, customer, text, by, by_name, at, read_at)| {
                let wa_id = super::stored_wa_id(&wa_id);
                MentionItem {
                    id,
                    by: AgentRef {
                        id: AgentId(by),
                        name: by_name.unwrap_or_default(),
                    },
                    customer: super::customers::name_or_number(customer, &wa_id),
                    wa_id,
                    message_id,
                    text: text.unwrap_or_default(),
                    at: rfc3339(at),
                    read: read_at.is_some(),
                }
            },
        )
        .collect();
    Ok(MyMentions {
        items,
        unread: unread.max(0) as u64,
    })
}

/// Every mention of `agent` is read.
pub async fn read_all(
    conn: &mut AnyConnection,
    agent: AgentId,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let read =
        sqlx::query("UPDATE mentions SET read_at = $2 WHERE agent_id = $1 AND read_at IS NULL")
            .bind(agent.0)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(read.rows_affected())
}
