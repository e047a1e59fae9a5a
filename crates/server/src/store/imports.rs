//! CSV imports: the job row with its progress and report, and applying a
//! batch of rows to the users (PRODUCT.md §1, §2: a new user gets the chosen
//! Source, status Active and no window; an existing one keeps their Source
//! and counters and only has an empty name filled).

use std::collections::{BTreeMap, HashMap, HashSet};

use handover_core::contacts::{ImportReport, ImportState, SkippedRow};
use handover_core::{AgentId, WaId};
use sqlx::{AnyConnection, AnyPool};

use super::statement::Statement;
use super::Flag;

/// What an import is asked to do.
pub struct NewImport<'a> {
    pub file_name: &'a str,
    pub source: &'a str,
    pub country: &'a str,
    pub dry_run: bool,
    pub total_bytes: u64,
    pub agent: AgentId,
}

/// A row ready to apply: a normalised number, a name, extra columns.
pub struct ContactRow {
    pub wa_id: WaId,
    pub name: String,
    pub attributes: BTreeMap<String, String>,
}

/// What applying a row did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Created,
    Updated,
    Unchanged,
}

/// The running totals of an import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    pub processed_bytes: u64,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub skipped: u64,
}

impl Progress {
    pub fn count(&mut self, applied: Applied) {
        match applied {
            Applied::Created => self.created += 1,
            Applied::Updated => self.updated += 1,
            Applied::Unchanged => self.unchanged += 1,
        }
    }
}

pub async fn create(
    conn: &mut AnyConnection,
    import: &NewImport<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO imports (file_name, source, country, dry_run, state, total_bytes, agent_id, created_at)
         VALUES ($1, $2, $3, $4, 'running', $5, $6, $7) RETURNING id",
    )
    .bind(import.file_name)
    .bind(import.source)
    .bind(import.country)
    .bind(i64::from(import.dry_run))
    .bind(import.total_bytes as i64)
    .bind(import.agent.0)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Rows per statement: a few statements per batch instead of one per row.
const ROWS_PER_STATEMENT: usize = 150;

/// Applies `rows` (distinct numbers) inside the caller's transaction; one
/// outcome per row, in order.
pub async fn apply(
    conn: &mut AnyConnection,
    rows: &[ContactRow],
    source: &str,
    now: i64,
) -> Result<Vec<Applied>, sqlx::Error> {
    let mut applied = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        applied.extend(apply_chunk(&mut *conn, chunk, source, now).await?);
    }
    Ok(applied)
}

async fn apply_chunk(
    conn: &mut AnyConnection,
    rows: &[ContactRow],
    source: &str,
    now: i64,
) -> Result<Vec<Applied>, sqlx::Error> {
    let mut insert = Statement::new(
        "INSERT INTO users (wa_id, name, status, source, window_expires_at, status_changed_at, created_at, attributes) ",
    );
    insert.values(rows, |values, row| {
        values
            .bind(row.wa_id.as_str())
            .bind(row.name.as_str())
            .sql("'active'")
            .bind(source)
            .sql("0")
            .bind(now)
            .bind(now)
            .bind(
                (!row.attributes.is_empty())
                    .then(|| serde_json::to_string(&row.attributes).unwrap_or_default()),
            );
    });
    insert.push(" ON CONFLICT (wa_id) DO NOTHING RETURNING wa_id");
    let (sql, values) = insert.finish()?;
    let created: HashSet<String> = sqlx::query_as_with::<_, (String,), _>(&sql, values)
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .map(|(wa_id,)| wa_id)
        .collect();

    // The others were known: fill an empty name, add the file's attributes.
    let known: Vec<&ContactRow> = rows
        .iter()
        .filter(|row| !created.contains(row.wa_id.as_str()))
        .collect();
    let mut stored = HashMap::new();
    if !known.is_empty() {
        let mut select =
            Statement::new("SELECT wa_id, name, attributes FROM users WHERE wa_id IN ");
        select.list(known.iter().map(|row| row.wa_id.as_str()));
        let (sql, values) = select.finish()?;
        for (wa_id, name, attributes) in
            sqlx::query_as_with::<_, (String, String, Option<String>), _>(&sql, values)
                .fetch_all(&mut *conn)
                .await?
        {
            stored.insert(wa_id, (name, attributes));
        }
    }
    let mut applied = Vec::with_capacity(rows.len());
    for row in rows {
        if created.contains(row.wa_id.as_str()) {
            applied.push(Applied::Created);
            continue;
        }
        let (name, attributes) = stored.remove(row.wa_id.as_str()).unwrap_or_default();
        let new_name = if name.trim().is_empty() && !row.name.is_empty() {
            row.name.clone()
        } else {
            name.clone()
        };
        let before: BTreeMap<String, String> = attributes
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        let mut merged = before.clone();
        merged.extend(row.attributes.clone());
        if new_name == name && merged == before {
            applied.push(Applied::Unchanged);
            continue;
        }
        sqlx::query("UPDATE users SET name = $2, attributes = $3 WHERE wa_id = $1")
            .bind(row.wa_id.as_str())
            .bind(&new_name)
            .bind(serde_json::to_string(&merged).unwrap_or_default())
            .execute(&mut *conn)
            .await?;
        applied.push(Applied::Updated);
    }
    Ok(applied)
}

pub async fn save_progress(
    conn: &mut AnyConnection,
    id: i64,
    progress: &Progress,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE imports SET processed_bytes = $2, rows = $3, created = $4, updated = $5,
                unchanged = $6, skipped = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(progress.processed_bytes as i64)
    .bind(progress.rows as i64)
    .bind(progress.created as i64)
    .bind(progress.updated as i64)
    .bind(progress.unchanged as i64)
    .bind(progress.skipped as i64)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends an import: its skipped rows, and why it failed if it did.
pub async fn finish(
    conn: &mut AnyConnection,
    id: i64,
    skipped: &[SkippedRow],
    failure: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE imports SET state = $2, skipped_rows = $3, failure = $4, finished_at = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(if failure.is_some() { "failed" } else { "done" })
    .bind(serde_json::to_string(skipped).unwrap_or_else(|_| "[]".into()))
    .bind(failure)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Imports that were running when the server stopped cannot go on (the
/// file was not kept): they are marked failed, with what to do.
pub async fn abandon_running(conn: &mut AnyConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE imports SET state = 'failed', finished_at = $1,
                failure = 'The server stopped during the import. Rows counted here were imported; upload the file again to import the rest (rows already imported are left unchanged).'
         WHERE state = 'running'",
    )
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

type ReportRow = (
    i64,
    String,
    String,
    String,
    Flag,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    Option<String>,
);

/// The import's report with at most `shown` skipped rows (`None`: all).
pub async fn report(
    pool: &AnyPool,
    id: i64,
    shown: Option<usize>,
) -> Result<Option<ImportReport>, sqlx::Error> {
    let row: Option<ReportRow> = sqlx::query_as(
        "SELECT id, file_name, source, country, dry_run, state, processed_bytes, total_bytes, rows,
                created, updated, unchanged, skipped, skipped_rows, failure
         FROM imports WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(row.map(
        |(
            id,
            file_name,
            source,
            country,
            dry_run,
            state,
            processed_bytes,
            total_bytes,
            rows,
            created,
            updated,
            unchanged,
            skipped,
            skipped_rows,
            failure,
        )| {
            let mut skipped_rows: Vec<SkippedRow> =
                serde_json::from_str(&skipped_rows).unwrap_or_default();
            if let Some(shown) = shown {
                skipped_rows.truncate(shown);
            }
            ImportReport {
                id,
                file_name,
                source,
                country,
                dry_run: dry_run.0,
                state: match state.as_str() {
                    "running" => ImportState::Running,
                    "done" => ImportState::Done,
                    _ => ImportState::Failed,
                },
                processed_bytes: count(processed_bytes),
                total_bytes: count(total_bytes),
                rows: count(rows),
                created: count(created),
                updated: count(updated),
                unchanged: count(unchanged),
                skipped: count(skipped),
                skipped_rows,
                failure,
            }
        },
    ))
}
