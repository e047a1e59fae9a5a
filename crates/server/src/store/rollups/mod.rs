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

mod chains;
mod figures;
mod traits;

use std::sync::LazyLock;

use handover_core::WaId;
use sqlx::AnyConnection;

pub use chains::{note, note_all, Chain};
pub use figures::*;
pub use traits::{Trait, TRAIT_COUNTED, TRAIT_TIMED};

/// Adds `figures`' values of the rows matching `rows` to the rollups (one
/// statement per table).
fn add_sql(figures: &[&Figure], rows: &str) -> Vec<String> {
    let mut statements = figure_sql(figures, rows);
    statements.extend(trait_sql(&Trait::ALL, figures, rows, "1"));
    statements
}

/// Adds `figures`' values of the rows matching `rows` to the totals.
fn figure_sql(figures: &[&Figure], rows: &str) -> Vec<String> {
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
        ),
        upsert(
            "report_durations (day, figure, agent_id, reason, seconds, n)",
            "day, figure, agent_id, reason, seconds",
            &selects(true, DAY_MS),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Adds `sign` × `figures`' values of the rows matching `rows` to the
/// totals by each of `traits` (those figures the breakdowns by trait read).
fn trait_sql(traits: &[Trait], figures: &[&Figure], rows: &str, sign: &str) -> Vec<String> {
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
        ),
        upsert(
            "trait_durations (trait, value, day, figure, seconds, n)",
            "trait, day, value, figure, seconds",
            &selects(true),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// Inserts the rows of `selects` (their columns in `into`'s order, `n`
/// last) into `into`, adding `n` to a row with the same `key`; `None` for
/// no selects.
fn upsert(into: &str, key: &str, selects: &[String]) -> Option<String> {
    let table = into.split_whitespace().next().unwrap_or(into);
    (!selects.is_empty()).then(|| {
        format!(
            "INSERT INTO {into} SELECT * FROM ({}) AS added WHERE TRUE
             ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + excluded.n",
            selects.join(" UNION ALL ")
        )
    })
}

/// What a new move counts, a request once its wait ends, an intervene once
/// its agent first writes, an agent's message: for one row.
static AT_MOVE: LazyLock<Vec<String>> = LazyLock::new(|| Moment::Move.sql("t.id = $1"));
static AT_REQUEST_END: LazyLock<Vec<String>> =
    LazyLock::new(|| Moment::RequestEnd.sql("t.id = $1"));
static AT_FIRST_RESPONSE: LazyLock<Vec<String>> =
    LazyLock::new(|| Moment::FirstResponse.sql("t.id = $1"));
static AT_AGENT_MESSAGE: LazyLock<Vec<String>> =
    LazyLock::new(|| Moment::AgentMessage.sql("t.id = $1"));

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
    fn sql(self, rows: &str) -> Vec<String> {
        add_sql(self.figures(), rows)
    }
}

/// Adds the figures row `id` makes at `moment`.
pub async fn add(conn: &mut AnyConnection, moment: Moment, id: i64) -> Result<(), sqlx::Error> {
    let statements = match moment {
        Moment::Move => &AT_MOVE,
        Moment::RequestEnd => &AT_REQUEST_END,
        Moment::FirstResponse => &AT_FIRST_RESPONSE,
        Moment::AgentMessage => &AT_AGENT_MESSAGE,
    };
    for sql in statements.iter() {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Rows added by one statement at most.
const ADDED_AT_ONCE: usize = 500;

/// [`add`] for many rows at once (a batch's moves): the same figures, in
/// as many statements as for one row.
pub async fn add_all(
    conn: &mut AnyConnection,
    moment: Moment,
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(ADDED_AT_ONCE) {
        let list: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        for sql in moment.sql(&format!("t.id IN ({})", list.join(", "))) {
            let mut add = sqlx::query(&sql).persistent(false);
            for id in chunk {
                add = add.bind(*id);
            }
            add.execute(&mut *conn).await?;
        }
    }
    Ok(())
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
    let all: Vec<&Figure> = COUNTED.into_iter().chain(TIMED).collect();
    for sql in add_sql(&all, "TRUE") {
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
        for sql in chain.count_sql("TRUE", "1", &Trait::ALL) {
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
    let mut statements = trait_sql(&[by], &figures, "t.wa_id = $1", "$2");
    for chain in [Chain::Wrote, Chain::Escalated] {
        statements.extend(chain.trait_sql("c.wa_id = $1", "$2", &[by]));
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
