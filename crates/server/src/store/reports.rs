//! The raw figures of the managers' reports for a range of time
//! (`from` included, `to` not, in ms), read from the audit trail of
//! transitions and from the messages. Durations come back as lists, in
//! ms, for the report to take medians of.

use sqlx::{AnyPool, Row};

/// A move into Requesting, as a `transitions` condition on alias `t`.
const INTO_REQUESTING: &str = "t.to_status = 'requesting' AND t.from_status <> 'requesting'";

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
    // Each set is read by its own index (customers' messages by time,
    // transitions by status and time) and matched once through a list: a
    // lookup per customer could be planned as a scan of the range each time.
    let row = sqlx::query(&format!(
        "WITH wrote AS (
             SELECT DISTINCT wa_id FROM messages
             WHERE author = 'user' AND sent_at >= $1 AND sent_at < $2
         )
         SELECT
             (SELECT COUNT(*) FROM wrote),
             (SELECT COUNT(DISTINCT t.wa_id) FROM transitions t
              WHERE {INTO_REQUESTING} AND t.at >= $1 AND t.at < $2
                AND t.wa_id IN (SELECT wa_id FROM wrote)),
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
/// waited since it last entered Requesting.
pub async fn waits(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<i64>, sqlx::Error> {
    let waits: Vec<Option<i64>> = sqlx::query_scalar(&format!(
        "SELECT i.at - (SELECT MAX(t.at) FROM transitions t
                        WHERE t.wa_id = i.wa_id AND t.id < i.id AND {INTO_REQUESTING})
         FROM transitions i
         WHERE i.command = 'intervene' AND i.from_status = 'requesting'
           AND i.at >= $1 AND i.at < $2"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(waits.into_iter().flatten().collect())
}

/// For each chat resolved in the range after a request: the time from its
/// entering Requesting (the last time since the chat was last closed) to
/// the resolve.
pub async fn resolutions(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<i64>, sqlx::Error> {
    let times: Vec<Option<i64>> = sqlx::query_scalar(&format!(
        "SELECT r.at - (SELECT MAX(t.at) FROM transitions t
                        WHERE t.wa_id = r.wa_id AND t.id < r.id AND {INTO_REQUESTING}
                          AND t.id > COALESCE((SELECT MAX(c.id) FROM transitions c
                                               WHERE c.wa_id = r.wa_id AND c.id < r.id
                                                 AND c.to_status = 'closed'), 0))
         FROM transitions r
         WHERE r.command = 'resolve' AND r.at >= $1 AND r.at < $2"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(times.into_iter().flatten().collect())
}

/// For each chat taken in the range, by whom, and how long until their
/// first message to the customer in it (before the chat changed hands or
/// status again); chats they never wrote in are left out. Only the holder
/// writes while the chat is theirs, so the thread's agent messages in that
/// span are theirs (and the thread's index finds them, where a condition
/// on the agent could be planned as a scan of all their messages).
pub async fn first_responses(
    pool: &AnyPool,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT i.agent_id,
                (SELECT MIN(m.sent_at) FROM messages m
                 WHERE m.wa_id = i.wa_id AND m.author = 'agent' AND m.kind <> 'system'
                   AND m.sent_at >= i.at
                   AND m.sent_at < COALESCE((SELECT MIN(n.at) FROM transitions n
                                             WHERE n.wa_id = i.wa_id AND n.id > i.id),
                                            9223372036854775807)) - i.at
         FROM transitions i
         WHERE i.command = 'intervene' AND i.agent_id IS NOT NULL
           AND i.at >= $1 AND i.at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    let mut found = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(took) = row.try_get::<Option<i64>, _>(1)? {
            found.push((row.try_get(0)?, took));
        }
    }
    Ok(found)
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
        DailyCount::Customers => {
            "SELECT (sent_at - $1) / 86400000, COUNT(DISTINCT wa_id) FROM messages
             WHERE author = 'user' AND sent_at >= $1 AND sent_at < $2 GROUP BY 1"
                .to_owned()
        }
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
    sqlx::query_as(&sql)
        .bind(from)
        .bind(to)
        .fetch_all(pool)
        .await
}
