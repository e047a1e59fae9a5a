//! The team's canned replies.

use handover_core::canned::{CannedReply, CannedReplyDraft};
use handover_core::AgentId;
use sqlx::{AnyConnection, AnyPool};

use crate::platform::time::rfc3339;

type Row = (i64, String, String, i64);

fn reply((id, shortcut, text, updated_at): Row) -> CannedReply {
    CannedReply {
        id,
        shortcut,
        text,
        updated_at: rfc3339(updated_at),
    }
}

/// All of them, by shortcut.
pub async fn list(pool: &AnyPool) -> Result<Vec<CannedReply>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, shortcut, text, updated_at FROM canned_replies ORDER BY lower(shortcut)",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(reply).collect())
}

/// A new one (the draft already checked); a shortcut taken is a unique
/// violation.
pub async fn create(
    conn: &mut AnyConnection,
    draft: &CannedReplyDraft,
    by: AgentId,
    now: i64,
) -> Result<CannedReply, sqlx::Error> {
    let row: Row = sqlx::query_as(
        "INSERT INTO canned_replies (shortcut, text, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         RETURNING id, shortcut, text, updated_at",
    )
    .bind(&draft.shortcut)
    .bind(&draft.text)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(reply(row))
}

/// `None`: there is no such reply.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    draft: &CannedReplyDraft,
    by: AgentId,
    now: i64,
) -> Result<Option<CannedReply>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "UPDATE canned_replies SET shortcut = $2, text = $3, updated_by = $4, updated_at = $5
         WHERE id = $1 RETURNING id, shortcut, text, updated_at",
    )
    .bind(id)
    .bind(&draft.shortcut)
    .bind(&draft.text)
    .bind(by.0)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(reply))
}

/// Whether there was such a reply.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("DELETE FROM canned_replies WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}
