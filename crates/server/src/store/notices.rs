//! WhatsApp's notices that change a thread: a customer's edit or deletion
//! of their own message, each applied once however often Meta retries it.

use handover_core::WaId;
use sqlx::AnyConnection;

/// Notices are remembered this long (WhatsApp retries for up to a week).
pub const NOTICE_KEEP_MS: i64 = 8 * 24 * 60 * 60 * 1000;

/// Forgets notices too old for WhatsApp to deliver again.
pub async fn prune_notices(conn: &mut AnyConnection, now: i64) -> Result<u64, sqlx::Error> {
    let pruned = sqlx::query("DELETE FROM notices_seen WHERE at < $1")
        .bind(now - NOTICE_KEEP_MS)
        .execute(conn)
        .await?;
    Ok(pruned.rows_affected())
}

/// Whether a notice (by its id) is new, recording it: a notice retried by
/// WhatsApp is applied once.
pub async fn first_notice(
    conn: &mut AnyConnection,
    wamid: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let inserted =
        sqlx::query("INSERT INTO notices_seen (wamid, at) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(wamid)
            .bind(now)
            .execute(conn)
            .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The customer edited their message `original`: it reads `text` now.
/// Returns the message's id when it is one of theirs.
pub async fn edit_inbound(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    original: &str,
    text: Option<&str>,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_as::<_, (i64,)>(
        "UPDATE messages SET text = COALESCE($3, text), edited_at = $4
         WHERE wamid = $2 AND wa_id = $1 AND author = 'user' AND deleted_at IS NULL RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(original)
    .bind(text)
    .bind(at)
    .fetch_optional(conn)
    .await
    .map(|row| row.map(|(id,)| id))
}

/// The customer deleted their message `original`: its text is gone.
/// Returns the message's id when it is one of theirs.
pub async fn delete_inbound(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    original: &str,
    at: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_as::<_, (i64,)>(
        "UPDATE messages SET text = NULL, deleted_at = $3
         WHERE wamid = $2 AND wa_id = $1 AND author = 'user' RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(original)
    .bind(at)
    .fetch_optional(conn)
    .await
    .map(|row| row.map(|(id,)| id))
}
