//! The figures the reports' breakdowns group, for a range (`from`
//! included, `to` not, in ms, on quarter hours): customers who wrote,
//! counted per group in the database, each move into Requesting with how
//! its wait ended, and resolves. Tags, sources and labels are the
//! customers' as they are now.

use sqlx::AnyPool;

use super::inbound::QUARTER_HOUR_MS;
use super::reports::INTO_REQUESTING;

/// A customer trait a breakdown groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trait {
    Tag,
    Source,
    /// A JSON list; grouped in the server, one group per label.
    Labels,
}

impl Trait {
    const fn column(self) -> &'static str {
        match self {
            Trait::Tag => "u.first_message_tag",
            Trait::Source => "u.source",
            Trait::Labels => "u.labels",
        }
    }
}

/// Whether customer `w` moved into Requesting in the range ($3–$4), as 1
/// or 0: the set is read once, by its index, and matched as a list.
fn escalated_sql() -> String {
    format!(
        "CASE WHEN w.wa_id IN (SELECT t.wa_id FROM transitions t
                               WHERE {INTO_REQUESTING} AND t.at >= $3 AND t.at < $4)
              THEN 1 ELSE 0 END"
    )
}

/// A group of customers: its key, how many wrote, how many of them
/// entered Requesting.
pub type CustomerGroup<K> = (K, i64, i64);

/// Customers who wrote, by local hour of the day (`0..24`) or, `weekly`,
/// by weekday and hour (`weekday * 24 + hour`, Monday 0); local to
/// `offset_ms`. A customer counts once in each hour they wrote in.
pub async fn customers_by_hour(
    pool: &AnyPool,
    from: i64,
    to: i64,
    offset_ms: i64,
    weekly: bool,
) -> Result<Vec<CustomerGroup<i64>>, sqlx::Error> {
    // The epoch's day was a Thursday: day + 3 makes Monday 0.
    let slot = if weekly {
        "((bucket * 900000 + $5) / 86400000 + 3) % 7 * 24 + (bucket * 900000 + $5) / 3600000 % 24"
    } else {
        "(bucket * 900000 + $5) / 3600000 % 24"
    };
    let escalated = escalated_sql();
    sqlx::query_as(&format!(
        "SELECT w.slot, COUNT(*), SUM({escalated})
         FROM (SELECT DISTINCT wa_id, {slot} AS slot FROM customer_activity
               WHERE bucket >= $1 AND bucket < $2) w
         GROUP BY w.slot"
    ))
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .bind(from)
    .bind(to)
    .bind(offset_ms)
    .fetch_all(pool)
    .await
}

/// Customers who wrote, by a trait's value (for labels: by the whole
/// list, as stored).
pub async fn customers_by_trait(
    pool: &AnyPool,
    from: i64,
    to: i64,
    by: Trait,
) -> Result<Vec<CustomerGroup<Option<String>>>, sqlx::Error> {
    let column = by.column();
    let escalated = escalated_sql();
    sqlx::query_as(&format!(
        "SELECT {column}, COUNT(*), SUM({escalated})
         FROM (SELECT DISTINCT wa_id FROM customer_activity WHERE bucket >= $1 AND bucket < $2) w
         JOIN users u ON u.wa_id = w.wa_id
         GROUP BY {column}"
    ))
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}

/// One move into Requesting in the range and how its wait ended.
#[derive(Debug, Clone)]
pub struct Request {
    pub at: i64,
    pub cause: Option<String>,
    /// An agent released the chat into the queue.
    pub by_agent: bool,
    /// The customer's trait, when asked for (for labels, the JSON list).
    pub group: Option<String>,
    /// The command that ended the wait (`intervene`, `window_expired`, …),
    /// and after how long; `None` while it lasts.
    pub ended: Option<(String, i64)>,
}

type RequestRow = (
    i64,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);

/// The moves into Requesting of the range, with the customer's `by` trait.
pub async fn requests(
    pool: &AnyPool,
    from: i64,
    to: i64,
    by: Option<Trait>,
) -> Result<Vec<Request>, sqlx::Error> {
    let (group, join) = match by {
        Some(by) => (by.column(), "JOIN users u ON u.wa_id = t.wa_id"),
        None => ("CAST(NULL AS TEXT)", ""),
    };
    let rows: Vec<RequestRow> = sqlx::query_as(&format!(
        "SELECT t.at, t.cause, t.actor, {group}, t.request_end, t.request_ms
         FROM transitions t {join}
         WHERE {INTO_REQUESTING} AND t.at >= $1 AND t.at < $2"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, cause, actor, group, end, after)| Request {
            at,
            cause,
            by_agent: actor == "agent",
            group,
            ended: end.zip(after),
        })
        .collect())
}

/// Resolves by people in the range, counted by closing reason or by the
/// customer's `by` trait.
pub async fn resolves(
    pool: &AnyPool,
    from: i64,
    to: i64,
    by: Option<Trait>,
) -> Result<Vec<(Option<String>, i64)>, sqlx::Error> {
    let (group, join) = match by {
        Some(by) => (by.column(), "JOIN users u ON u.wa_id = t.wa_id"),
        None => ("t.closing_reason", ""),
    };
    sqlx::query_as(&format!(
        "SELECT {group}, COUNT(*) FROM transitions t {join}
         WHERE t.command = 'resolve' AND t.at >= $1 AND t.at < $2
         GROUP BY {group}"
    ))
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await
}
