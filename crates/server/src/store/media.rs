//! The files of messages: inbound ones waiting to be fetched from WhatsApp
//! (claimed a few at a time, retried with backoff), outbound ones waiting to
//! be uploaded, and where each stored file is.

use handover_core::media::MediaKind;
use sqlx::{AnyConnection, AnyPool};

/// A file a customer sent, as the webhook described it.
pub struct InboundMedia<'a> {
    pub message_id: i64,
    pub kind: MediaKind,
    pub wa_media_id: Option<&'a str>,
    pub mime_type: &'a str,
    pub sha256: Option<&'a str>,
    pub filename: Option<&'a str>,
    pub caption: Option<&'a str>,
}

/// Records an inbound file to fetch (or, without WhatsApp's id, one that
/// cannot be).
pub async fn insert_inbound(
    conn: &mut AnyConnection,
    media: &InboundMedia<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let (state, failure) = match media.wa_media_id {
        Some(_) => ("pending", None),
        None => ("failed", Some("WhatsApp sent no id for this file.")),
    };
    sqlx::query(
        "INSERT INTO media (message_id, direction, kind, wa_media_id, mime_type, expected_sha256,
                            filename, caption, state, failure, next_attempt_at, created_at)
         VALUES ($1, 'in', $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(media.message_id)
    .bind(media.kind.as_str())
    .bind(media.wa_media_id)
    .bind(media.mime_type)
    .bind(media.sha256)
    .bind(media.filename)
    .bind(media.caption)
    .bind(state)
    .bind(failure)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A file our own message carries, already stored here.
pub struct OutboundMedia<'a> {
    pub message_id: i64,
    pub kind: MediaKind,
    pub mime_type: &'a str,
    pub filename: Option<&'a str>,
    pub caption: Option<&'a str>,
    pub content_hash: &'a str,
    pub size: u64,
}

pub async fn insert_outbound(
    conn: &mut AnyConnection,
    media: &OutboundMedia<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO media (message_id, direction, kind, mime_type, filename, caption,
                            content_hash, size, state, created_at)
         VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, 'ready', $8) RETURNING id",
    )
    .bind(media.message_id)
    .bind(media.kind.as_str())
    .bind(media.mime_type)
    .bind(media.filename)
    .bind(media.caption)
    .bind(media.content_hash)
    .bind(i64::try_from(media.size).unwrap_or(i64::MAX))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// An inbound file to fetch.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FetchJob {
    pub id: i64,
    pub message_id: i64,
    pub kind: String,
    pub wa_media_id: String,
    pub expected_sha256: Option<String>,
    pub attempts: i64,
}

/// Takes up to `limit` files due for fetching: each is leased until
/// `lease_until` (a fetcher that dies gives it back that way) and its
/// attempt counted.
pub async fn claim_due(
    conn: &mut AnyConnection,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<FetchJob>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE media SET attempts = attempts + 1, next_attempt_at = $2
         WHERE id IN (SELECT id FROM media
                      WHERE state = 'pending' AND direction = 'in' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at LIMIT $3)
         RETURNING id, message_id, kind, wa_media_id, expected_sha256, attempts",
    )
    .bind(now)
    .bind(lease_until)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// When the next inbound file falls due, if any is waiting.
pub async fn next_due(pool: &AnyPool) -> Result<Option<i64>, sqlx::Error> {
    let (at,): (Option<i64>,) = sqlx::query_as(
        "SELECT MIN(next_attempt_at) FROM media WHERE state = 'pending' AND direction = 'in'",
    )
    .fetch_one(pool)
    .await?;
    Ok(at)
}

/// The file was stored: it can be shown.
pub async fn mark_ready(
    conn: &mut AnyConnection,
    id: i64,
    content_hash: &str,
    size: u64,
    mime_type: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE media SET state = 'ready', content_hash = $2, size = $3,
                mime_type = CASE WHEN $4 = '' THEN mime_type ELSE $4 END, failure = NULL
         WHERE id = $1",
    )
    .bind(id)
    .bind(content_hash)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .bind(mime_type)
    .execute(conn)
    .await?;
    Ok(())
}

/// A file put in place by other means than a fetch (demo mode's photo).
pub async fn ready_by_wa_media_id(
    conn: &mut AnyConnection,
    wa_media_id: &str,
    content_hash: &str,
    size: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE media SET state = 'ready', content_hash = $2, size = $3
         WHERE wa_media_id = $1 AND direction = 'in'",
    )
    .bind(wa_media_id)
    .bind(content_hash)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// The fetch failed: tried again at `retry_at`, or, with `None`, given up
/// (the dashboard shows `failure` and offers a retry).
pub async fn mark_unfetched(
    conn: &mut AnyConnection,
    id: i64,
    failure: &str,
    retry_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE media SET failure = $2,
                state = CASE WHEN $3 IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = COALESCE($3, next_attempt_at)
         WHERE id = $1",
    )
    .bind(id)
    .bind(failure)
    .bind(retry_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// An agent asks to fetch a failed file again: its message's id, or
/// `None` when the file is not one that failed.
pub async fn retry(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE media SET state = 'pending', attempts = 0, next_attempt_at = $2, failure = NULL
         WHERE id = $1 AND state = 'failed' AND direction = 'in' AND wa_media_id IS NOT NULL
         RETURNING message_id",
    )
    .bind(id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(message_id,)| message_id))
}

/// Where a file is and what it is, to serve it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    pub kind: String,
    pub mime_type: String,
    pub filename: Option<String>,
    pub state: String,
    pub content_hash: Option<String>,
    pub message_id: i64,
}

pub async fn file(pool: &AnyPool, id: i64) -> Result<Option<StoredFile>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, mime_type, filename, state, content_hash, message_id FROM media WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// What an outbound message's file needs to be sent: its WhatsApp id once
/// uploaded.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Upload {
    pub id: i64,
    pub kind: String,
    pub mime_type: String,
    pub filename: Option<String>,
    pub content_hash: Option<String>,
    pub wa_media_id: Option<String>,
}

/// The file of outbound message `message_id`, if it carries one.
pub async fn of_outbound(pool: &AnyPool, message_id: i64) -> Result<Option<Upload>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, kind, mime_type, filename, content_hash, wa_media_id FROM media
         WHERE message_id = $1 AND direction = 'out'",
    )
    .bind(message_id)
    .fetch_optional(pool)
    .await
}

/// WhatsApp took the upload: its id, so a retried send uploads nothing again.
pub async fn set_uploaded(
    conn: &mut AnyConnection,
    id: i64,
    wa_media_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE media SET wa_media_id = $2, uploaded_at = $3 WHERE id = $1")
        .bind(id)
        .bind(wa_media_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// WhatsApp's id for the same file uploaded since `since`, if any.
pub async fn recent_upload(
    pool: &AnyPool,
    content_hash: &str,
    since: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT wa_media_id FROM media
         WHERE content_hash = $1 AND uploaded_at >= $2 AND wa_media_id IS NOT NULL AND direction = 'out'
         ORDER BY uploaded_at DESC LIMIT 1",
    )
    .bind(content_hash)
    .bind(since)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id,)| id))
}
