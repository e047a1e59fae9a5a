//! Customer satisfaction: the managers' settings, one survey per resolve
//! that asked, its answer, and the customer's latest rating on their row.

use handover_core::csat::{CsatScale, CsatSettings};
use handover_core::{AgentId, WaId};
use sqlx::AnyConnection;

/// The settings in force; the defaults (switched off) until saved.
pub async fn settings(conn: &mut AnyConnection) -> Result<CsatSettings, sqlx::Error> {
    let saved: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'csat'")
        .fetch_optional(conn)
        .await?;
    // Saved by `save_settings` from checked settings, so it parses.
    Ok(saved
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default())
}

/// Replaces the settings (already checked).
pub async fn save_settings(
    conn: &mut AnyConnection,
    settings: &CsatSettings,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(settings).unwrap_or_default();
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('csat', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(json)
    .execute(conn)
    .await?;
    Ok(())
}

/// The last change of `wa_id`'s status (a resolve just recorded, in the
/// caller's transaction): its id and the agent who made it.
pub async fn last_transition(
    conn: &mut AnyConnection,
    wa_id: &WaId,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, agent_id FROM transitions WHERE wa_id = $1 ORDER BY id DESC LIMIT 1")
        .bind(wa_id.as_str())
        .fetch_optional(conn)
        .await
}

/// How a survey reaches the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Buttons or a list, inside the window.
    Interactive,
    /// The approved template, outside it.
    Template,
}

/// A survey for the resolve `resolve_id`; `None` when that resolve was
/// already asked about (never twice).
pub async fn create(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    agent: Option<i64>,
    resolve_id: i64,
    scale: CsatScale,
    channel: Channel,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let channel = match channel {
        Channel::Interactive => "interactive",
        Channel::Template => "template",
    };
    sqlx::query_scalar(
        "INSERT INTO csat_surveys (wa_id, agent_id, resolve_id, scale, channel, asked_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (resolve_id) DO NOTHING
         RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(agent)
    .bind(resolve_id)
    .bind(scale.as_str())
    .bind(channel)
    .bind(now)
    .fetch_optional(conn)
    .await
}

/// A survey of one customer's, as their tap finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Survey {
    pub scale: CsatScale,
    pub answered: bool,
}

/// Survey `id` if it was sent to `wa_id` (a tap cannot answer another's).
pub async fn survey(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    id: i64,
) -> Result<Option<Survey>, sqlx::Error> {
    let row: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT scale, score FROM csat_surveys WHERE id = $1 AND wa_id = $2")
            .bind(id)
            .bind(wa_id.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(row.and_then(|(scale, score)| {
        Some(Survey {
            scale: CsatScale::parse(&scale)?,
            answered: score.is_some(),
        })
    }))
}

/// Records the answer to an unanswered survey and makes it the
/// customer's latest rating; false when it was already answered.
pub async fn answer(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    id: i64,
    score: u8,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let answered: Option<(String, Option<i64>)> = sqlx::query_as(
        "UPDATE csat_surveys SET score = $3, answered_at = $4
         WHERE id = $1 AND wa_id = $2 AND score IS NULL
         RETURNING scale, agent_id",
    )
    .bind(id)
    .bind(wa_id.as_str())
    .bind(i64::from(score))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((scale, agent)) = answered else {
        return Ok(false);
    };
    sqlx::query(
        "UPDATE users SET csat_score = $2, csat_scale = $3, csat_agent_id = $4, csat_answered_at = $5
         WHERE wa_id = $1",
    )
    .bind(wa_id.as_str())
    .bind(i64::from(score))
    .bind(scale)
    .bind(agent)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Answers in a report's range with the same score on the same scale for
/// the same agent, and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    pub agent: Option<AgentId>,
    pub scale: CsatScale,
    pub score: u8,
    pub times: u64,
}

/// Surveys sent and the answers given in `[from, to)` (ms).
pub async fn in_range(
    pool: &sqlx::AnyPool,
    from: i64,
    to: i64,
) -> Result<(i64, Vec<Answers>), sqlx::Error> {
    let asked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM csat_surveys WHERE asked_at >= $1 AND asked_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_one(pool)
    .await?;
    let rows: Vec<(Option<i64>, String, i64, i64)> = sqlx::query_as(
        "SELECT agent_id, scale, score, COUNT(*) FROM csat_surveys
         WHERE answered_at IS NOT NULL AND answered_at >= $1 AND answered_at < $2
         GROUP BY agent_id, scale, score",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let answers = rows
        .into_iter()
        .filter_map(|(agent, scale, score, times)| {
            Some(Answers {
                agent: agent.map(AgentId),
                scale: CsatScale::parse(&scale)?,
                score: u8::try_from(score).ok()?,
                times: u64::try_from(times).ok()?,
            })
        })
        .collect();
    Ok((asked, answers))
}
