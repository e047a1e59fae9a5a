//! The team's setting for read receipts: whether WhatsApp is told (blue
//! ticks, the typing indicator) when an agent reads and answers a chat.

use sqlx::AnyConnection;

/// Whether read receipts are sent; on until a manager turns them off.
pub async fn enabled(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    let saved: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'read_receipts'")
            .fetch_optional(conn)
            .await?;
    Ok(saved.as_deref() != Some("off"))
}

pub async fn save(conn: &mut AnyConnection, enabled: bool) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('read_receipts', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(if enabled { "on" } else { "off" })
    .execute(conn)
    .await?;
    Ok(())
}
