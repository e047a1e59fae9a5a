//! The rows the reports' breakdowns group: each request, resolve and
//! customer of a range (`from` included, `to` not, in ms), with the
//! customer's tag, source and labels as they are now.

use sqlx::AnyPool;

/// A customer's tag, source and labels.
#[derive(Debug, Clone, Default)]
pub struct Traits {
    pub tag: Option<String>,
    pub source: String,
    pub labels: Vec<String>,
}

fn traits(tag: Option<String>, source: String, labels: Option<String>) -> Traits {
    Traits {
        tag,
        source,
        labels: labels
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default(),
    }
}

/// One move into Requesting and what ended it.
#[derive(Debug, Clone)]
pub struct Request {
    pub wa_id: String,
    pub at: i64,
    pub cause: Option<String>,
    /// An agent released the chat into the queue.
    pub by_agent: bool,
    pub traits: Traits,
    /// The next change of the chat: its command and when.
    pub ended: Option<(String, i64)>,
}

type RequestRow = (
    String,
    i64,
    Option<String>,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
);

pub async fn requests(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<Request>, sqlx::Error> {
    let rows: Vec<RequestRow> = sqlx::query_as(
        "SELECT t.wa_id, t.at, t.cause, t.actor, u.first_message_tag, u.source, u.labels,
                n.command, n.at
         FROM transitions t
         JOIN users u ON u.wa_id = t.wa_id
         LEFT JOIN transitions n ON n.id = (SELECT MIN(x.id) FROM transitions x
                                            WHERE x.wa_id = t.wa_id AND x.id > t.id)
         WHERE t.to_status = 'requesting' AND t.from_status <> 'requesting'
           AND t.at >= $1 AND t.at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(wa_id, at, cause, actor, tag, source, labels, next, next_at)| Request {
                wa_id,
                at,
                cause,
                by_agent: actor == "agent",
                traits: traits(tag, source, labels),
                ended: next.zip(next_at),
            },
        )
        .collect())
}

/// One resolve by a person, with its closing reason.
#[derive(Debug, Clone)]
pub struct Resolve {
    pub closing_reason: Option<String>,
    pub traits: Traits,
}

/// A resolve's closing reason, and its customer's tag, source and labels.
type ResolveRow = (Option<String>, Option<String>, String, Option<String>);

pub async fn resolves(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<Resolve>, sqlx::Error> {
    let rows: Vec<ResolveRow> = sqlx::query_as(
        "SELECT t.closing_reason, u.first_message_tag, u.source, u.labels
         FROM transitions t JOIN users u ON u.wa_id = t.wa_id
         WHERE t.command = 'resolve' AND t.at >= $1 AND t.at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(closing_reason, tag, source, labels)| Resolve {
            closing_reason,
            traits: traits(tag, source, labels),
        })
        .collect())
}

/// Every customer who wrote in the range, with their traits.
pub async fn customers(
    pool: &AnyPool,
    from: i64,
    to: i64,
) -> Result<Vec<(String, Traits)>, sqlx::Error> {
    let rows: Vec<(String, Option<String>, String, Option<String>)> = sqlx::query_as(
        "SELECT u.wa_id, u.first_message_tag, u.source, u.labels FROM users u
         WHERE u.wa_id IN (SELECT wa_id FROM messages
                           WHERE author = 'user' AND sent_at >= $1 AND sent_at < $2)",
    )
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(wa_id, tag, source, labels)| (wa_id, traits(tag, source, labels)))
        .collect())
}

/// Each customer who wrote in the range with each hour they wrote in,
/// hours counted from the Unix epoch shifted by `offset_ms` (local hours).
pub async fn customer_hours(
    pool: &AnyPool,
    from: i64,
    to: i64,
    offset_ms: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT DISTINCT wa_id, (sent_at + $3) / 3600000 FROM messages
         WHERE author = 'user' AND sent_at >= $1 AND sent_at < $2",
    )
    .bind(from)
    .bind(to)
    .bind(offset_ms)
    .fetch_all(pool)
    .await
}
