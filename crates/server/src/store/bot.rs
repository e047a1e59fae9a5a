//! The bot's configuration, versioned.

use handover_core::bot::BotConfig;
use sqlx::AnyConnection;

use super::Flag;

/// The configuration in force: the newest saved one, or the default.
pub async fn current(conn: &mut AnyConnection) -> Result<(i64, BotConfig), sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, config FROM bot_configs ORDER BY id DESC LIMIT 1")
            .fetch_optional(conn)
            .await?;
    Ok(match row {
        // Saved configurations were validated; an unreadable one (from a
        // future version, say) falls back to the default rather than
        // silencing the bot.
        Some((id, json)) => (id, serde_json::from_str(&json).unwrap_or_default()),
        None => (0, BotConfig::default()),
    })
}

/// The id of the newest saved configuration (0 when none was saved).
pub async fn newest_id(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM bot_configs")
        .fetch_one(conn)
        .await
}

/// Whether any configuration was ever saved.
pub async fn any_saved(pool: &sqlx::AnyPool) -> Result<bool, sqlx::Error> {
    let found: Flag = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bot_configs)")
        .fetch_one(pool)
        .await?;
    Ok(found.0)
}

/// Saves `config` as the newest version; returns its id. `by` is `None`
/// for configurations Handover itself saved (the demo's).
pub async fn save(
    conn: &mut AnyConnection,
    config: &BotConfig,
    by: Option<handover_core::AgentId>,
    note: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO bot_configs (config, saved_by, saved_at, note) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(serde_json::to_string(config).unwrap_or_default())
    .bind(by.map(|agent| agent.0))
    .bind(now)
    .bind(note)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Every saved version, newest first.
pub async fn versions(
    pool: &sqlx::AnyPool,
) -> Result<Vec<handover_core::api::BotVersion>, sqlx::Error> {
    let rows: Vec<(i64, Option<String>, i64, String)> = sqlx::query_as(
        "SELECT b.id, a.name, b.saved_at, b.note FROM bot_configs b LEFT JOIN agents a ON a.id = b.saved_by
         ORDER BY b.id DESC",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, saved_by, saved_at, note)| handover_core::api::BotVersion {
                id,
                saved_by,
                saved_at: crate::platform::time::rfc3339(saved_at),
                note,
            },
        )
        .collect())
}

/// One saved version's configuration.
pub async fn version(pool: &sqlx::AnyPool, id: i64) -> Result<Option<BotConfig>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT config FROM bot_configs WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
}
