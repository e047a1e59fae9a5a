//! The raw figures of the managers' reports for a range of time
//! (`from` included, `to` not, in ms, on quarter hours), read from the
//! audit trail of transitions, the durations measured on it, and the
//! customers' quarter hours of writing. Durations come back as lists, in
//! ms, for the report to take medians of.

use sqlx::{AnyPool, Row};

use super::inbound::QUARTER_HOUR_MS;

/// A move into Requesting, as a `transitions` condition on alias `t`.
pub(super) const INTO_REQUESTING: &str =
    "t.to_status = 'requesting' AND t.from_status <> 'requesting'";

/// Counts over the range.
#[derive(Debug, Default)]
pub struct Counts {
    pub customers: i64,
    /// Of `customers`, those who moved into Requesting in the range.
    pub escalated_customers: i64,
    pub escalations: i64,
    pub missed_requests: i64,
    pub resolved: i64,
    pub auto_resolved: i64,
}

pub async fn counts(pool: &AnyPool, from: i64, to: i64) -> Result<Counts, sqlx::Error> {
    // Customers who wrote: each at their first quarter hour in the range
    // (`customer_activity`); those of them who asked for a person are
    // matched through the table's key.
    let row = sqlx::query(&format!(
        "SELECT
             (SELECT COUNT(*) FROM customer_activity a
              WHERE a.bucket >= $3 AND a.bucket < $4
                AND (a.prev_bucket IS NULL OR a.prev_bucket < $3)),
             (SELECT COUNT(DISTINCT t.wa_id) FROM transitions t
              WHERE {INTO_REQUESTING} AND t.at >= $1 AND t.at < $2
                AND EXISTS (SELECT 1 FROM customer_activity a
                            WHERE a.wa_id = t.wa_id AND a.bucket >= $3 AND a.bucket < $4)),
             (SELECT COUNT(*) FROM transitions t
              WHERE {INTO_REQUESTING} AND t.at >= $1 AND t.at < $2),
             (SELECT COUNT(*) FROM transitions t
              WHERE t.command = 'window_expired' AND t.from_status = 'requesting'
                AND t.at >= $1 AND t.at < $2),
             (SELECT COUNT(*) FROM transitions t
              WHERE t.command = 'resolve' AND t.at >= $1 AND t.at < $2),
             (SELECT COUNT(*) FROM transitions t
              WHERE t.command = 'idle_timeout' AND t.at >= $1 AND t.at < $2)"
    ))
    .bind(from)
    .bind(to)
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .fetch_one(pool)
    .await?;
    Ok(Counts {
        customers: row.try_get(0)?,
        escalated_customers: row.try_get(1)?,
        escalations: row.try_get(2)?,
        missed_requests: row.try_get(3)?,
        resolved: row.try_get(4)?,
        auto_resolved: row.try_get(5)?,
    })
}

/// For each chat taken from the queue in the range: how long it had
/// waited since it last entered Requesting (measured when it was taken).
pub async fn waits(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT waited_ms FROM transitions
         WHERE command = 'intervene' AND at >= $1 AND at < $2 AND waited_ms IS NOT NULL",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// For each chat resolved in the range after a request: the time from its
/// entering Requesting (the last time since the chat was last closed) to
/// the resolve (measured when it was resolved).
pub async fn resolutions(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT since_request_ms FROM transitions
         WHERE command = 'resolve' AND at >= $1 AND at < $2 AND since_request_ms IS NOT NULL",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// For each chat taken in the range, by whom, and how long until their
/// first message to the customer in it (before the chat changed hands or
/// status again, measured when it was written); chats they never wrote in
/// are left out.
pub async fn first_responses(
    pool: &AnyPool,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT agent_id, first_response_ms FROM transitions
         WHERE command = 'intervene' AND at >= $1 AND at < $2
           AND agent_id IS NOT NULL AND first_response_ms IS NOT NULL",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// One agent's counts over the range.
#[derive(Debug)]
pub struct AgentCounts {
    pub id: i64,
    pub name: String,
    pub disabled: bool,
    pub intervened: i64,
    pub resolved: i64,
    pub messages: i64,
}

pub async fn agents(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<AgentCounts>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.name, a.disabled,
                (SELECT COUNT(*) FROM transitions t
                 WHERE t.agent_id = a.id AND t.command = 'intervene' AND t.at >= $1 AND t.at < $2),
                (SELECT COUNT(*) FROM transitions t
                 WHERE t.agent_id = a.id AND t.command = 'resolve' AND t.at >= $1 AND t.at < $2),
                (SELECT COUNT(*) FROM messages m
                 WHERE m.agent_id = a.id AND m.author = 'agent' AND m.kind <> 'system'
                   AND m.sent_at >= $1 AND m.sent_at < $2)
         FROM agents a
         ORDER BY lower(a.name), a.id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(AgentCounts {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                disabled: row.try_get::<super::Flag, _>(2)?.0,
                intervened: row.try_get(3)?,
                resolved: row.try_get(4)?,
                messages: row.try_get(5)?,
            })
        })
        .collect()
}

/// What one day of a daily report counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyCount {
    Customers,
    Escalations,
    MissedRequests,
    Resolved,
}

/// `(day, count)` for each day of `[from, to)` with any, days counted in
/// whole 24 hours from `from` (day 0 starts at `from`).
pub async fn daily(
    pool: &AnyPool,
    what: DailyCount,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let sql = match what {
        // Each customer at their first quarter hour of the day.
        DailyCount::Customers => "SELECT (a.bucket * 900000 - $1) / 86400000, COUNT(*)
             FROM customer_activity a
             WHERE a.bucket >= $3 AND a.bucket < $4
               AND (a.prev_bucket IS NULL
                    OR a.prev_bucket * 900000 < $1 + (a.bucket * 900000 - $1) / 86400000 * 86400000)
             GROUP BY 1"
            .to_owned(),
        DailyCount::Escalations => format!(
            "SELECT (t.at - $1) / 86400000, COUNT(*) FROM transitions t
             WHERE {INTO_REQUESTING} AND t.at >= $1 AND t.at < $2 GROUP BY 1"
        ),
        DailyCount::MissedRequests => "SELECT (t.at - $1) / 86400000, COUNT(*) FROM transitions t
             WHERE t.command = 'window_expired' AND t.from_status = 'requesting'
               AND t.at >= $1 AND t.at < $2 GROUP BY 1"
            .to_owned(),
        DailyCount::Resolved => "SELECT (t.at - $1) / 86400000, COUNT(*) FROM transitions t
             WHERE t.command = 'resolve' AND t.at >= $1 AND t.at < $2 GROUP BY 1"
            .to_owned(),
    };
    let mut query = sqlx::query_as(&sql).bind(from).bind(to);
    if what == DailyCount::Customers {
        query = query
            .bind(from / QUARTER_HOUR_MS)
            .bind(to / QUARTER_HOUR_MS);
    }
    query.fetch_all(pool).await
}
