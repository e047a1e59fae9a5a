//! Reads and writes of the database, as plain async functions over a pool
//! or a connection (inside a transaction). No SQL lives anywhere else.

pub mod agents;
pub mod api_tokens;
pub mod bot;
pub mod campaigns;
pub mod canned;
pub mod events;
pub mod imports;
pub mod inbound;
pub mod labels;
pub mod media;
mod message_row;
pub mod messages;
pub mod notices;
pub mod search;
pub mod sections;
pub mod statuses;
pub mod tags;
pub mod template_media;
pub mod templates;
mod user_search;
pub mod users;
pub mod users_table;

use handover_core::WaId;

/// Values bound in one `IN (…)` list at most, well within SQLite's limit on
/// a statement's values.
const BINDS_AT_ONCE: usize = 500;

/// The rows of `select … IN (values) after`, a few hundred values per
/// statement (`select` ends with the column and `IN`). Such statements are
/// not kept prepared: lists of every length would crowd the cache out.
async fn fetch_in<'a, T, R>(
    conn: &mut sqlx::SqliteConnection,
    select: &str,
    values: &'a [T],
    after: &str,
) -> Result<Vec<R>, sqlx::Error>
where
    T: 'a + sqlx::Encode<'a, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite> + Clone + Send,
    R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let mut found = Vec::with_capacity(values.len());
    for chunk in values.chunks(BINDS_AT_ONCE) {
        let mut query = sqlx::QueryBuilder::<'a, sqlx::Sqlite>::new(select);
        query.push(" (");
        let mut list = query.separated(", ");
        for value in chunk {
            list.push_bind(value.clone());
        }
        query.push(") ");
        query.push(after);
        let rows: Vec<R> = query
            .build_query_as()
            .persistent(false)
            .fetch_all(&mut *conn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// A WhatsApp id read back from the database. Ids were parsed on the way in,
/// so this cannot fail in practice; should a row ever hold a malformed one,
/// it is shown as a placeholder number rather than failing the request.
pub(crate) fn stored_wa_id(text: &str) -> WaId {
    WaId::parse(text).unwrap_or_else(|_| WaId::parse("1000000").expect("a well-formed placeholder"))
}

/// The detail lines of SQLite's plan for `sql`, for tests that check that
/// a query walks an index instead of scanning or sorting.
#[cfg(test)]
pub(crate) async fn query_plan(pool: &sqlx::SqlitePool, sql: &str) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(pool)
        .await
        .expect("a query plan");
    rows.into_iter().map(|(_, _, _, detail)| detail).collect()
}
