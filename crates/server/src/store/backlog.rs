//! What waits in the database, for `GET /metrics`: the outbox and the
//! imports running.

use sqlx::{AnyPool, Row};

use crate::platform::metrics::Backlog;

/// The outbox's depth (by the partial index of messages to send) and the
/// running imports' progress.
pub async fn read(pool: &AnyPool) -> Result<Backlog, sqlx::Error> {
    let row = sqlx::query(
        "SELECT
            (SELECT COUNT(*) FROM messages WHERE delivery = 'pending' AND campaign_id IS NULL),
            (SELECT COUNT(*) FROM messages WHERE delivery = 'pending' AND campaign_id IS NOT NULL),
            (SELECT COUNT(*) FROM imports WHERE state = 'running'),
            (SELECT CAST(COALESCE(SUM(processed_bytes), 0) AS BIGINT) FROM imports WHERE state = 'running'),
            (SELECT CAST(COALESCE(SUM(total_bytes), 0) AS BIGINT) FROM imports WHERE state = 'running')",
    )
    .fetch_one(pool)
    .await?;
    Ok(Backlog {
        outbox_chat: row.try_get(0)?,
        outbox_campaign: row.try_get(1)?,
        imports_running: row.try_get(2)?,
        import_bytes_processed: row.try_get(3)?,
        import_bytes_total: row.try_get(4)?,
    })
}
