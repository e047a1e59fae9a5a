//! Reactions: an emoji someone put on a message, one per person per
//! message (the customer's is `by_agent = 0`; an agent reacts to the
//! customer's messages). A newer reaction replaces
//! an older one, an empty one removes it, and a retried or late delivery
//! never puts back an older one.

use std::collections::HashMap;

use handover_core::api::{AgentRef, Author, Reaction};
use handover_core::{AgentId, WaId};
use sqlx::AnyConnection;

use crate::platform::time::rfc3339;

/// Who reacted: 0 is the customer.
const CUSTOMER: i64 = 0;

/// The customer `wa_id` reacted with `emoji` (`None`: took their reaction
/// back) at `at` to the message WhatsApp knows as `original`. Returns that
/// message's id, or `None` when it is not a message of their chat.
pub async fn customer_reacted(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    original: &str,
    emoji: Option<&str>,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM messages WHERE wamid = $1 AND wa_id = $2")
            .bind(original)
            .bind(wa_id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((message_id,)) = found else {
        return Ok(None);
    };
    match emoji {
        Some(emoji) => {
            sqlx::query(
                "INSERT INTO reactions (message_id, by_agent, emoji, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (message_id, by_agent)
                 DO UPDATE SET emoji = excluded.emoji, at = excluded.at
                 WHERE excluded.at >= reactions.at",
            )
            .bind(message_id)
            .bind(CUSTOMER)
            .bind(emoji)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query(
                "DELETE FROM reactions WHERE message_id = $1 AND by_agent = $2 AND at <= $3",
            )
            .bind(message_id)
            .bind(CUSTOMER)
            .bind(at)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(Some(message_id))
}

/// `agent` reacted with `emoji` (`None`: took their reaction back) to the
/// customer's message `id`.
pub async fn agent_reacted(
    conn: &mut AnyConnection,
    id: i64,
    agent: AgentId,
    emoji: Option<&str>,
    at: i64,
) -> Result<(), sqlx::Error> {
    match emoji {
        Some(emoji) => {
            sqlx::query(
                "INSERT INTO reactions (message_id, by_agent, emoji, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (message_id, by_agent) DO UPDATE SET emoji = excluded.emoji, at = excluded.at",
            )
            .bind(id)
            .bind(agent.0)
            .bind(emoji)
            .bind(at)
            .execute(conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM reactions WHERE message_id = $1 AND by_agent = $2")
                .bind(id)
                .bind(agent.0)
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReactionRow {
    message_id: i64,
    by_agent: i64,
    agent_name: Option<String>,
    emoji: String,
    at: i64,
}

/// The reactions on the messages `ids`, by message, oldest first.
pub async fn of_messages(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, Vec<Reaction>>, sqlx::Error> {
    let rows: Vec<ReactionRow> = super::fetch_in(
        conn,
        "SELECT r.message_id, r.by_agent, a.name AS agent_name, r.emoji, r.at
         FROM reactions r LEFT JOIN agents a ON a.id = r.by_agent
         WHERE r.message_id IN",
        ids,
        "ORDER BY r.at, r.by_agent",
    )
    .await?;
    let mut found: HashMap<i64, Vec<Reaction>> = HashMap::new();
    for row in rows {
        let reaction = Reaction {
            emoji: row.emoji,
            author: if row.by_agent == CUSTOMER {
                Author::User
            } else {
                Author::Agent
            },
            agent: (row.by_agent != CUSTOMER).then(|| AgentRef {
                id: AgentId(row.by_agent),
                name: row.agent_name.unwrap_or_default(),
            }),
            at: rfc3339(row.at),
        };
        found.entry(row.message_id).or_default().push(reaction);
    }
    Ok(found)
}
