//! Campaigns: the row behind each `POST /api/v1/campaigns`, found again by
//! its idempotency key, and its funnel read from its messages' delivery.

use handover_core::campaigns::{Campaign, FailureCount, Funnel, RefusedRecipient};
use sqlx::{AnyConnection, AnyPool};

use crate::platform::time::rfc3339;

/// What a new campaign records.
pub struct NewCampaign<'a> {
    pub name: &'a str,
    pub template: &'a str,
    pub language: &'a str,
    pub idempotency_key: &'a str,
    pub token: i64,
    pub queued: usize,
    pub refused: &'a [RefusedRecipient],
}

/// A key as stored: qualified by the token that sent it, so each token has
/// keys of its own.
fn qualified_key(token: i64, key: &str) -> String {
    format!("{token}:{key}")
}

/// The campaign this token started with this idempotency key, if any.
pub async fn by_key(
    conn: &mut AnyConnection,
    token: i64,
    key: &str,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM campaigns WHERE idempotency_key = $1")
        .bind(qualified_key(token, key))
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(id,)| id))
}

pub async fn create(
    conn: &mut AnyConnection,
    campaign: &NewCampaign<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO campaigns (name, template_name, language, idempotency_key, client_key, token_id, queued, refused, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(campaign.name)
    .bind(campaign.template)
    .bind(campaign.language)
    .bind(qualified_key(campaign.token, campaign.idempotency_key))
    .bind(campaign.idempotency_key)
    .bind(campaign.token)
    .bind(campaign.queued as i64)
    .bind(serde_json::to_string(campaign.refused).unwrap_or_else(|_| "[]".into()))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

type Row = (i64, String, String, String, String, i64, String, i64);

const COLUMNS: &str = "id, name, template_name, language, client_key, queued, refused, created_at";

/// The campaign with its funnel, if it exists (and, with `token`, if that
/// token started it).
pub async fn get(
    pool: &AnyPool,
    id: i64,
    token: Option<i64>,
) -> Result<Option<Campaign>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns WHERE id = $1 AND ($2 IS NULL OR token_id = $2)"
    ))
    .bind(id)
    .bind(token)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => Ok(Some(with_funnel(pool, row).await?)),
        None => Ok(None),
    }
}

/// The newest campaigns first, each with its funnel.
pub async fn list(pool: &AnyPool, limit: u32) -> Result<Vec<Campaign>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM campaigns ORDER BY id DESC LIMIT $1"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    let mut campaigns = Vec::with_capacity(rows.len());
    for row in rows {
        campaigns.push(with_funnel(pool, row).await?);
    }
    Ok(campaigns)
}

/// Counts per delivery state (a range of `messages_by_campaign`) and the
/// most common failure reasons.
async fn with_funnel(pool: &AnyPool, row: Row) -> Result<Campaign, sqlx::Error> {
    let (id, name, template, language, idempotency_key, queued, refused, created_at) = row;
    let states: Vec<(String, i64)> = sqlx::query_as(
        "SELECT delivery, COUNT(*) FROM messages WHERE campaign_id = $1 GROUP BY delivery",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let count = |wanted: &[&str]| -> u64 {
        states
            .iter()
            .filter(|(state, _)| wanted.contains(&state.as_str()))
            .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
            .sum()
    };
    let failures: Vec<(Option<String>, i64)> = sqlx::query_as(
        "SELECT failure_reason, COUNT(*) FROM messages
         WHERE campaign_id = $1 AND delivery = 'failed'
         GROUP BY failure_reason ORDER BY COUNT(*) DESC LIMIT 10",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(Campaign {
        id,
        name,
        template,
        language,
        idempotency_key,
        created_at: rfc3339(created_at),
        funnel: Funnel {
            queued: u64::try_from(queued).unwrap_or(0),
            waiting: count(&["pending"]),
            sent: count(&["sent", "delivered", "read"]),
            delivered: count(&["delivered", "read"]),
            read: count(&["read"]),
            failed: count(&["failed"]),
        },
        failures: failures
            .into_iter()
            .map(|(reason, count)| FailureCount {
                reason: reason.unwrap_or_else(|| "No reason given".into()),
                count: u64::try_from(count).unwrap_or(0),
            })
            .collect(),
        refused: serde_json::from_str(&refused).unwrap_or_default(),
    })
}
