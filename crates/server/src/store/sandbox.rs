//! What the sandbox transport recorded instead of sending to WhatsApp.

use sqlx::{AnyConnection, AnyPool};

/// A message the sandbox took: its made-up wamid, the Cloud API payload
/// (JSON) and when.
pub struct Recorded {
    pub wamid: String,
    pub payload: String,
    pub at: i64,
}

pub async fn record(
    conn: &mut AnyConnection,
    wamid: &str,
    payload: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sandbox_outbox (wamid, payload, at) VALUES ($1, $2, $3)")
        .bind(wamid)
        .bind(payload)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The newest `limit` messages, newest first.
pub async fn newest(pool: &AnyPool, limit: i64) -> Result<Vec<Recorded>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT wamid, payload, at FROM sandbox_outbox ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(wamid, payload, at)| Recorded { wamid, payload, at })
        .collect())
}
