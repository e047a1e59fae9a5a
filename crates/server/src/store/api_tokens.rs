//! API tokens for integrations: created by managers, shown once, stored as
//! SHA-256 hashes, revocable, with their last use.

use handover_core::campaigns::ApiToken;
use handover_core::AgentId;
use sqlx::{AnyConnection, AnyPool};

use crate::platform::time::rfc3339;

type Row = (i64, String, i64, Option<i64>, Option<i64>);

fn token(row: Row) -> ApiToken {
    let (id, name, created_at, last_used_at, revoked_at) = row;
    ApiToken {
        id,
        name,
        created_at: rfc3339(created_at),
        last_used_at: last_used_at.map(rfc3339),
        revoked_at: revoked_at.map(rfc3339),
    }
}

const COLUMNS: &str = "id, name, created_at, last_used_at, revoked_at";

pub async fn create(
    conn: &mut AnyConnection,
    name: &str,
    hash: &str,
    by: AgentId,
    now: i64,
) -> Result<ApiToken, sqlx::Error> {
    let row: Row = sqlx::query_as(&format!(
        "INSERT INTO api_tokens (name, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4)
         RETURNING {COLUMNS}"
    ))
    .bind(name)
    .bind(hash)
    .bind(by.0)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(token(row))
}

/// Newest first, revoked ones included (their history stays readable).
pub async fn list(pool: &AnyPool) -> Result<Vec<ApiToken>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens ORDER BY id DESC"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(token).collect())
}

/// Revokes a token; `None` if there is no such token.
pub async fn revoke(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
) -> Result<Option<ApiToken>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1 RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(token))
}

/// The live token with this hash: its id and when it was last used. Only
/// reads, so that unknown tokens never wait for (or hold) the write lock.
pub async fn find_live(
    pool: &AnyPool,
    hash: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, last_used_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await
}

/// Records that the token was used now.
pub async fn mark_used(conn: &mut AnyConnection, id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
