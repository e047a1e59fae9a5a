//! Copying a SQLite database into a new Postgres one, table by table, a
//! few hundred rows per statement, and counting what each holds.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use sqlx::{AnyExecutor, AnyPool, Row};

use super::statement::Statement;

/// Every table, parents before the tables that refer to them. The running
/// totals (`user_totals`) are counted again by the target's trigger as the
/// users arrive; SQLite's search tables have no counterpart (Postgres
/// indexes the columns themselves).
pub const TABLES: [&str; 35] = [
    "agents",
    "sessions",
    "users",
    "api_tokens",
    "campaigns",
    "template_media",
    "templates",
    "messages",
    "reactions",
    "mentions",
    "early_statuses",
    "transitions",
    "events",
    "sandbox_outbox",
    "bot_configs",
    "tag_rules",
    "imports",
    "notices_seen",
    "media",
    "chat_labels",
    "label_changes",
    "closing_reasons",
    "settings",
    "canned_replies",
    "csat_surveys",
    "audit_log",
    "customer_activity",
    "customer_escalations",
    "customer_counts_quarterly",
    "customer_counts_daily",
    "report_counts",
    "report_durations",
    "trait_counts",
    "trait_durations",
    "trait_customers_daily",
];

/// Rows per INSERT.
const ROWS_AT_ONCE: usize = 500;

/// The rows `table` (one of the schema's own tables) holds.
pub async fn count<'c>(conn: impl AnyExecutor<'c>, table: &str) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(conn)
        .await
}

/// Copies every row of `table` from `from` (SQLite) into `to` (Postgres,
/// the caller's transaction); returns how many were copied. Values are bound as
/// the target's columns are typed (`bigint` or `text`), so a SQLite NULL
/// arrives as a NULL of the right type.
pub async fn table(
    from: &AnyPool,
    target: &mut sqlx::AnyConnection,
    table: &str,
) -> Result<u64, sqlx::Error> {
    let types: HashMap<String, String> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1",
    )
    .bind(table)
    .fetch_all(&mut *target)
    .await?
    .into_iter()
    .collect();
    let select = format!("SELECT * FROM {table}");
    let mut rows = sqlx::query(&select).fetch(from);
    let mut batch = Vec::with_capacity(ROWS_AT_ONCE);
    let mut copied = 0;
    while let Some(row) = rows.try_next().await? {
        batch.push(row);
        if batch.len() == ROWS_AT_ONCE {
            copied += insert(&mut *target, table, &types, &batch).await?;
            batch.clear();
        }
    }
    if !batch.is_empty() {
        copied += insert(&mut *target, table, &types, &batch).await?;
    }
    // Ids given from now on follow the copied ones.
    if types.get("id").is_some_and(|kind| kind == "bigint") {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
        ))
        .execute(&mut *target)
        .await?;
    }
    Ok(copied)
}

async fn insert(
    target: &mut sqlx::AnyConnection,
    table: &str,
    types: &HashMap<String, String>,
    rows: &[sqlx::any::AnyRow],
) -> Result<u64, sqlx::Error> {
    let Some(first) = rows.first() else {
        return Ok(0);
    };
    let columns: Vec<String> = first
        .columns()
        .iter()
        .map(|column| sqlx::Column::name(column).to_owned())
        .collect();
    let mut statement = Statement::new(&format!("INSERT INTO {table} ({}) ", columns.join(", ")));
    let mut failed = None;
    statement.values(rows, |values, row| {
        for (index, column) in columns.iter().enumerate() {
            let bound = match types.get(column).map(String::as_str) {
                Some("bigint") => row.try_get::<Option<i64>, _>(index).map(|value| {
                    values.bind(value);
                }),
                Some(_) => row.try_get::<Option<String>, _>(index).map(|value| {
                    values.bind(value);
                }),
                None => Err(sqlx::Error::ColumnNotFound(format!("{table}.{column}"))),
            };
            if let Err(error) = bound {
                failed.get_or_insert(error);
                values.sql("NULL");
            }
        }
    });
    if let Some(error) = failed {
        return Err(error);
    }
    Ok(statement.execute(target).await?.rows_affected())
}
