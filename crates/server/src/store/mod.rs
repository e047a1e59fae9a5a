//! Reads and writes of the database, as plain async functions over a pool
//! or a connection (inside a transaction). No SQL lives anywhere else.

pub mod agents;
pub mod api_tokens;
pub mod audit;
pub mod backlog;
pub mod backup;
pub mod bot;
pub mod breakdowns;
pub mod campaigns;
pub mod canned;
pub mod copy;
pub mod csat;
mod customer_search;
pub mod customers;
pub mod customers_table;
pub mod events;
mod flag;
pub mod imports;
pub mod inbound;
pub mod labels;
pub mod media;
pub mod mentions;
mod message_row;
pub mod messages;
pub mod notices;
pub mod peers;
pub mod reactions;
pub mod read_receipts;
pub mod reports;
pub mod rollups;
pub mod sandbox;
mod script;
pub mod search;
pub mod sections;
pub mod sends;
mod statement;
pub mod statuses;
pub mod tags;
pub mod template_media;
pub mod templates;
pub mod transitions;
pub mod turns;

use handover_core::WaId;

pub(crate) use flag::Flag;
use statement::Statement;

/// Values bound in one `IN (…)` list at most, well within SQLite's limit on
/// a statement's values.
const BINDS_AT_ONCE: usize = 500;

/// The rows of `select … IN (values) after`, a few hundred values per
/// statement (`select` ends with the column and `IN`). Such statements are
/// not kept prepared: lists of every length would crowd the cache out.
async fn fetch_in<'a, T, R>(
    conn: &mut sqlx::AnyConnection,
    select: &str,
    values: &'a [T],
    after: &str,
) -> Result<Vec<R>, sqlx::Error>
where
    T: 'a + sqlx::Encode<'a, sqlx::Any> + sqlx::Type<sqlx::Any> + Clone + Send,
    R: for<'r> sqlx::FromRow<'r, sqlx::any::AnyRow> + Send + Unpin,
{
    let mut found = Vec::with_capacity(values.len());
    for chunk in values.chunks(BINDS_AT_ONCE) {
        let mut query = Statement::new(select);
        query
            .push(" ")
            .list(chunk.iter().cloned())
            .push(" ")
            .push(after);
        let (sql, values) = query.finish()?;
        let rows: Vec<R> = sqlx::query_as_with(&sql, values)
            .persistent(false)
            .fetch_all(&mut *conn)
            .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Where a keyset page starts: strictly after this (the list's order value,
/// then the number). Its text, `"<value>:<wa_id>"`, is a page's
/// `next_cursor`, so no page is skipped or repeated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    value: i64,
    wa_id: String,
}

/// A cursor this server did not hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadCursor;

impl Cursor {
    fn after(value: i64, wa_id: &str) -> Self {
        Cursor {
            value,
            wa_id: wa_id.to_owned(),
        }
    }

    /// A `next_cursor` handed back; an empty one is no cursor.
    pub fn parse(text: Option<&str>) -> Result<Option<Self>, BadCursor> {
        let Some(text) = text.filter(|text| !text.is_empty()) else {
            return Ok(None);
        };
        let (value, wa_id) = text.split_once(':').ok_or(BadCursor)?;
        Ok(Some(Cursor {
            value: value.parse().map_err(|_| BadCursor)?,
            wa_id: WaId::parse(wa_id)
                .map_err(|_| BadCursor)?
                .as_str()
                .to_owned(),
        }))
    }

    fn text(&self) -> String {
        format!("{}:{}", self.value, self.wa_id)
    }
}

/// Sets a new SQLite connection up: the write-ahead log, syncs at
/// checkpoints, a wait of 5 s for a busy database, and foreign keys.
pub async fn set_up_sqlite(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor;
    conn.execute(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
    )
    .await
    .map(drop)
}

/// Has a read-only SQLite connection wait up to 5 s for a busy database.
pub async fn wait_when_busy(conn: &mut sqlx::AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Executor;
    conn.execute("PRAGMA busy_timeout = 5000;").await.map(drop)
}

/// Whether the database answers (for health checks).
pub async fn ping(pool: &sqlx::AnyPool) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(pool).await.map(drop)
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
pub(crate) async fn query_plan(pool: &sqlx::AnyPool, sql: &str) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(pool)
        .await
        .expect("a query plan");
    rows.into_iter().map(|(_, _, _, detail)| detail).collect()
}
