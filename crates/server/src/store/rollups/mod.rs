//! The reports' rollups, kept in the transaction of each change that makes
//! a figure: counts per quarter hour (`report_counts`), durations per day
//! (`report_durations`), the same by customer trait per day, and the
//! customers' chains of quarter hours they wrote or escalated in
//! (`chains`).
//!
//! Each figure is defined once, as SQL over the rows it comes from
//! (`figures`): the same definition adds one new row's figures, fills the
//! tables from the trail (`rebuild`), and reads the partial days at a
//! range's ends (`store::reports`, `store::breakdowns`).
//!
//! On Postgres the totals are kept in rows per connection ([`Shard`]), so
//! that writers adding to one figure at once never wait for each other;
//! readers sum them, and housekeeping folds them together ([`fold`]).

mod chains;
mod figures;
mod traits;

use handover_core::WaId;
use sqlx::AnyConnection;

use crate::platform::db::Backend;
use crate::store::script::Script;

pub use chains::{link_all, Chain, Linked};
pub use figures::*;
pub use traits::{Trait, TRAIT_COUNTED, TRAIT_TIMED};

/// Adds `figures`' values of the rows matching `rows` to the rollups (one
/// statement per table).
fn add_sql(figures: &[&Figure], rows: &str, shard: Shard) -> Vec<String> {
    let mut statements = figure_sql(figures, rows, shard);
    statements.extend(trait_sql(&Trait::ALL, figures, rows, "1", shard));
    statements
}

/// Adds `figures`' values of the rows matching `rows` to the totals.
fn figure_sql(figures: &[&Figure], rows: &str, shard: Shard) -> Vec<String> {
    let selects = |timed: bool, grain_ms: i64| -> Vec<String> {
        figures
            .iter()
            .filter(|figure| figure.ms.is_some() == timed)
            .map(|figure| figure.select(Some(grain_ms), rows))
            .collect()
    };
    [
        upsert(
            "report_counts (bucket, figure, agent_id, reason, n)",
            "bucket, figure, agent_id, reason",
            &selects(false, QUARTER_HOUR_MS),
            shard,
        ),
        upsert(
            "report_durations (day, figure, agent_id, reason, seconds, n)",
            "day, figure, agent_id, reason, seconds",
            &selects(true, DAY_MS),
            shard,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Adds `sign` × `figures`' values of the rows matching `rows` to the
/// totals by each of `traits` (those figures the breakdowns by trait read).
fn trait_sql(
    traits: &[Trait],
    figures: &[&Figure],
    rows: &str,
    sign: &str,
    shard: Shard,
) -> Vec<String> {
    let selects = |timed: bool| -> Vec<String> {
        traits
            .iter()
            .flat_map(|by| {
                figures
                    .iter()
                    .filter(|figure| figure.ms.is_some() == timed)
                    .filter(|figure| {
                        TRAIT_COUNTED
                            .iter()
                            .chain(&TRAIT_TIMED)
                            .any(|kept| kept.name == figure.name)
                    })
                    .map(move |figure| by.select(figure, true, rows, sign))
            })
            .collect()
    };
    [
        upsert(
            "trait_counts (trait, value, day, figure, n)",
            "trait, day, value, figure",
            &selects(false),
            shard,
        ),
        upsert(
            "trait_durations (trait, value, day, figure, seconds, n)",
            "trait, day, value, figure, seconds",
            &selects(true),
            shard,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Inserts the rows of `selects` (their columns in `into`'s order, `n`
/// last) into `into`, adding `n` to a row with the same `key` (and shard);
/// `None` for no selects.
fn upsert(into: &str, key: &str, selects: &[String], shard: Shard) -> Option<String> {
    let table = into.split_whitespace().next().unwrap_or(into);
    (!selects.is_empty()).then(|| match shard.value() {
        None => format!(
            "INSERT INTO {into} SELECT * FROM ({}) AS added WHERE TRUE
             ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n",
            selects.join(" UNION ALL ")
        ),
        Some(value) => format!(
            "INSERT INTO {} SELECT added.*, {value} FROM ({}) AS added WHERE TRUE
             ON CONFLICT ({key}, shard) DO UPDATE SET n = {table}.n + excluded.n",
            into.replace(')', ", shard)"),
            selects.join(" UNION ALL ")
        ),
    })
}

/// Which rows of the rollups a transaction adds to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shard {
    /// SQLite, one writer at a time: one row per key.
    Only,
    /// Postgres, a writer alone (or housekeeping, folding the others in):
    /// the rows of shard 0.
    Main,
    /// Postgres, a writer sharing the turn with others: its connection's
    /// rows (no two connections in flight have the same), so that writers
    /// adding to the same figure never wait for each other.
    Connection,
}

impl Shard {
    /// The rows a writer alone on `conn` adds to.
    pub fn alone(conn: &AnyConnection) -> Shard {
        match Backend::of(conn) {
            Backend::Sqlite => Shard::Only,
            Backend::Postgres => Shard::Main,
        }
    }

    /// The rows a writer sharing the turn on `conn` adds to.
    pub fn shared(conn: &AnyConnection) -> Shard {
        match Backend::of(conn) {
            Backend::Sqlite => Shard::Only,
            Backend::Postgres => Shard::Connection,
        }
    }

    /// The shard column's value (none on SQLite).
    fn value(self) -> Option<&'static str> {
        match self {
            Shard::Only => None,
            Shard::Main => Some("0"),
            Shard::Connection => Some("pg_backend_pid()"),
        }
    }
}

/// The rollups kept in shards on Postgres, with the columns that key them.
const SHARDED: [(&str, &str); 7] = [
    ("report_counts", "bucket, figure, agent_id, reason"),
    ("report_durations", "day, figure, agent_id, reason, seconds"),
    ("customer_counts_quarterly", "chain, bucket, gap"),
    ("customer_counts_daily", "chain, day, prev_day"),
    ("trait_counts", "trait, day, value, figure"),
    ("trait_durations", "trait, day, value, figure, seconds"),
    (
        "trait_customers_daily",
        "trait, chain, day, value, prev_day",
    ),
];

/// Folds the rows every connection added into shard 0, so a report reads
/// one row per key again. Run by a writer alone (nobody adds meanwhile).
pub async fn fold(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if Backend::of(conn) != Backend::Postgres {
        return Ok(());
    }
    let mut script = Script::default();
    for (table, key) in SHARDED {
        script.push(&format!(
            "INSERT INTO {table} ({key}, n, shard)
             SELECT {key}, SUM(n), 0 FROM {table} WHERE shard <> 0 GROUP BY {key}
             ON CONFLICT ({key}, shard) DO UPDATE SET n = {table}.n + excluded.n"
        ));
        script.push(&format!("DELETE FROM {table} WHERE shard <> 0"));
    }
    script.run(conn).await
}

/// When a row's figures are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// A transition was recorded.
    Move,
    /// A request's wait ended (its row now says how).
    RequestEnd,
    /// An intervene's agent first wrote.
    FirstResponse,
    /// An agent's message was queued.
    AgentMessage,
}

impl Moment {
    pub const ALL: [Moment; 4] = [
        Moment::Move,
        Moment::RequestEnd,
        Moment::FirstResponse,
        Moment::AgentMessage,
    ];

    /// The figures a row carries at this moment.
    fn figures(self) -> &'static [&'static Figure] {
        match self {
            Moment::Move => &[
                &ESCALATION,
                &MISSED,
                &RESOLVED,
                &AUTO_RESOLVED,
                &INTERVENED,
                &WAIT,
                &RESOLUTION,
            ],
            Moment::RequestEnd => &[&REQUEST_MISSED, &REQUEST_WAIT],
            Moment::FirstResponse => &[&FIRST_RESPONSE],
            Moment::AgentMessage => &[&AGENT_MESSAGE],
        }
    }

    /// The statements adding the figures of the rows matching `rows`.
    fn sql(self, rows: &str, shard: Shard) -> Vec<String> {
        add_sql(self.figures(), rows, shard)
    }
}

/// Adds the figures row `id` makes at `moment`, for a writer alone.
pub async fn add(conn: &mut AnyConnection, moment: Moment, id: i64) -> Result<(), sqlx::Error> {
    for sql in moment.sql("t.id = $1", Shard::alone(conn)) {
        sqlx::query(&sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// [`add`] for many rows at once (a batch's moves): the statements adding
/// their figures, as many as for one row, the ids written in, for a
/// script.
pub fn adding(moment: Moment, ids: &[i64], shard: Shard) -> Vec<String> {
    if ids.is_empty() {
        return Vec::new();
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    moment.sql(&format!("t.id IN ({})", list.join(", ")), shard)
}

/// Fills the rollups from the trail, in the caller's transaction, when the
/// schema asked for it (after the migration that made them).
pub async fn rebuild_if_due(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let due: Option<String> =
        sqlx::query_scalar("SELECT value FROM settings WHERE key = 'report_rollups'")
            .fetch_optional(&mut *conn)
            .await?;
    if due.is_some() {
        rebuild(&mut *conn).await?;
        sqlx::query("DELETE FROM settings WHERE key = 'report_rollups'")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Fills every rollup afresh from the trail, the messages and the
/// customers' activity.
pub async fn rebuild(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    for table in [
        "report_counts",
        "report_durations",
        "customer_escalations",
        "customer_counts_quarterly",
        "customer_counts_daily",
        "trait_counts",
        "trait_durations",
        "trait_customers_daily",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await?;
    }
    let shard = Shard::alone(conn);
    let all: Vec<&Figure> = COUNTED.into_iter().chain(TIMED).collect();
    for sql in add_sql(&all, "TRUE", shard) {
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    sqlx::query(&format!(
        "INSERT INTO customer_escalations (wa_id, bucket, prev_bucket)
         SELECT wa_id, bucket, LAG(bucket) OVER (PARTITION BY wa_id ORDER BY bucket)
         FROM (SELECT DISTINCT t.wa_id, t.at / {QUARTER_HOUR_MS} AS bucket FROM transitions t
               WHERE {INTO_REQUESTING} AND t.actor <> 'agent') AS escalated"
    ))
    .execute(&mut *conn)
    .await?;
    for chain in [Chain::Wrote, Chain::Escalated] {
        for sql in chain.count_sql("TRUE", "1", &Trait::ALL, shard) {
            sqlx::query(&sql).execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Takes `wa_id`'s figures out of the totals by `by` (`sign` -1, before
/// the trait changes) or puts them back (1, after).
pub async fn refile(
    conn: &mut AnyConnection,
    by: Trait,
    wa_id: &WaId,
    sign: i64,
) -> Result<(), sqlx::Error> {
    let figures: Vec<&Figure> = TRAIT_COUNTED.into_iter().chain(TRAIT_TIMED).collect();
    let shard = Shard::alone(conn);
    let mut statements = trait_sql(&[by], &figures, "t.wa_id = $1", "$2", shard);
    for chain in [Chain::Wrote, Chain::Escalated] {
        statements.extend(chain.trait_sql("c.wa_id = $1", "$2", &[by], shard));
    }
    for sql in statements {
        sqlx::query(&sql)
            .bind(wa_id.as_str())
            .bind(sign)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
