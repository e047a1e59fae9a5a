//! The bot's configuration, versioned.

use handover_core::bot::BotConfig;
use sqlx::SqliteConnection;

/// The configuration in force: the newest saved one, or the default.
pub async fn current(conn: &mut SqliteConnection) -> Result<(i64, BotConfig), sqlx::Error> {
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
