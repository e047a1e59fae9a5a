//! The raw figures of the managers' reports for a range of time (`from`
//! included, `to` not, in ms, on quarter hours), read from the rollups
//! (`store::rollups`): counts per quarter hour, durations per day with the
//! range's partial days read from the trail, and customers through their
//! chains of quarter hours, each counted once.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow, Row};

use super::rollups::{Chain, Figure, Trait, DAY_MS, QUARTERS_A_DAY, QUARTER_HOUR_MS};

/// A count of the range: the figure, whose (0: nobody's), why ('' for no
/// reason), how many.
#[derive(Debug, Clone)]
pub struct Counted {
    pub figure: String,
    pub agent: i64,
    pub reason: String,
    pub n: i64,
}

/// Every count of `[from, to)`, by figure, agent and reason.
pub async fn counts(pool: &AnyPool, from: i64, to: i64) -> Result<Vec<Counted>, sqlx::Error> {
    let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(
        "SELECT figure, agent_id, reason, CAST(SUM(n) AS BIGINT) FROM report_counts
         WHERE bucket >= $1 AND bucket < $2
         GROUP BY figure, agent_id, reason",
    )
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(figure, agent, reason, n)| Counted {
            figure,
            agent,
            reason,
            n,
        })
        .collect())
}

/// How a range is cut into slots: whole days from `from`, or local hours of
/// the day, or of the week (Monday 00 first), local to an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    Day,
    Hour { offset_ms: i64 },
    WeekdayHour { offset_ms: i64 },
}

impl Slot {
    /// The slot of quarter hour `bucket`, and the quarter hour's place in
    /// its slot, with `$3` bound to [`Slot::shift`].
    fn sql(self) -> (&'static str, &'static str) {
        match self {
            Slot::Day => ("(bucket + $3) / 96", "(bucket + $3) % 96"),
            Slot::Hour { .. } => ("(bucket + $3) / 4 % 24", "(bucket + $3) % 4"),
            // The epoch's day was a Thursday: day + 3 makes Monday 0.
            Slot::WeekdayHour { .. } => (
                "((bucket + $3) / 96 + 3) % 7 * 24 + (bucket + $3) / 4 % 24",
                "(bucket + $3) % 4",
            ),
        }
    }

    /// Quarter hours added to a bucket to make it local: from `from` for
    /// days, by the offset for hours.
    fn shift(self, from: i64) -> i64 {
        match self {
            Slot::Day => -from / QUARTER_HOUR_MS,
            Slot::Hour { offset_ms } | Slot::WeekdayHour { offset_ms } => {
                offset_ms / QUARTER_HOUR_MS
            }
        }
    }
}

/// `(slot, figure, count)` of `[from, to)` for each slot with any.
pub async fn counts_by_slot(
    pool: &AnyPool,
    from: i64,
    to: i64,
    slot: Slot,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let (slot_sql, _) = slot.sql();
    sqlx::query_as(&format!(
        "SELECT {slot_sql}, figure, CAST(SUM(n) AS BIGINT) FROM report_counts
         WHERE bucket >= $1 AND bucket < $2
         GROUP BY 1, 2"
    ))
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .bind(slot.shift(from))
    .fetch_all(pool)
    .await
}

/// `(slot, customers)`: the customers in `chain` in each slot of `[from,
/// to)` with any (those who wrote, or escalated), each once a slot — once
/// a day, or once in each hour of each day.
pub async fn customers_by_slot(
    pool: &AnyPool,
    chain: Chain,
    from: i64,
    to: i64,
    slot: Slot,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let (slot_sql, place) = slot.sql();
    // A chain row is a customer's first in its slot when its previous lies
    // further back than its place in the slot (gaps of a day or more are 96).
    sqlx::query_as(&format!(
        "SELECT {slot_sql}, CAST(SUM(n) AS BIGINT) FROM customer_counts_quarterly
         WHERE chain = $4 AND bucket >= $1 AND bucket < $2 AND gap > {place}
         GROUP BY 1"
    ))
    .bind(from / QUARTER_HOUR_MS)
    .bind(to / QUARTER_HOUR_MS)
    .bind(slot.shift(from))
    .bind(chain.name())
    .fetch_all(pool)
    .await
}

/// The customers in `chain` in `[from, to)`, each once.
pub async fn customers(
    pool: &AnyPool,
    chain: Chain,
    from: i64,
    to: i64,
) -> Result<i64, sqlx::Error> {
    let counted = customers_by(pool, chain, None, from, to).await?;
    Ok(counted.first().map_or(0, |(_, customers)| *customers))
}

/// `(value, customers)`: the customers in `chain` in `[from, to)`, each
/// once, by the value of a trait (or all in one group, ''): those whose
/// previous quarter hour in the chain lies before the range. Whole days
/// are read from the daily counts; the partial days at either end, and
/// the rows of whole days whose previous lies in the first partial day,
/// from the chain itself.
pub async fn customers_by(
    pool: &AnyPool,
    chain: Chain,
    by: Option<Trait>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let DaySplit {
        head,
        whole_days,
        tail,
    } = day_split(from, to);
    let quarters = |(start, end): (i64, i64)| (start / QUARTER_HOUR_MS, end / QUARTER_HOUR_MS);
    let (head, tail, days) = (quarters(head), quarters(tail), whole_days.unwrap_or((0, 0)));
    let table = chain.table();
    let (join, value, daily) = match by {
        Some(by) => {
            let (join, value) = by.join("c.wa_id");
            let daily = format!(
                "SELECT value, n FROM trait_customers_daily
                 WHERE trait = '{}' AND chain = $7 AND day >= $5 AND day < $6 AND prev_day < $8",
                by.name()
            );
            (join, value, daily)
        }
        None => (
            String::new(),
            "''",
            "SELECT '' AS value, n FROM customer_counts_daily
             WHERE chain = $7 AND day >= $5 AND day < $6 AND prev_day < $8"
                .to_owned(),
        ),
    };
    let from_chain = |rows: &str| {
        format!(
            "SELECT {value} AS value, COUNT(*) AS n FROM {table} c {join} WHERE {rows} GROUP BY 1"
        )
    };
    let parts = [
        from_chain(
            "c.bucket >= $1 AND c.bucket < $2 AND (c.prev_bucket IS NULL OR c.prev_bucket < $1)",
        ),
        from_chain(
            "c.bucket >= $3 AND c.bucket < $4 AND (c.prev_bucket IS NULL OR c.prev_bucket < $1)",
        ),
        daily,
        from_chain(&format!(
            "c.prev_bucket >= $8 * {QUARTERS_A_DAY} AND c.prev_bucket < $1
             AND c.bucket >= $5 * {QUARTERS_A_DAY} AND c.bucket < $6 * {QUARTERS_A_DAY}"
        )),
    ];
    let sql = format!(
        "SELECT value, CAST(SUM(n) AS BIGINT) FROM ({}) AS parts GROUP BY value",
        parts.join(" UNION ALL ")
    );
    sqlx::query_as(&sql)
        .bind(head.0)
        .bind(head.1)
        .bind(tail.0)
        .bind(tail.1)
        .bind(days.0)
        .bind(days.1)
        .bind(chain.name())
        .bind(head.0.div_euclid(QUARTERS_A_DAY))
        .fetch_all(pool)
        .await
}

/// A range of ms cut at UTC midnights: the partial day at its start (the
/// whole range when it holds no whole day), its whole days, and the
/// partial day at its end (either partial day may be empty).
struct DaySplit {
    head: (i64, i64),
    /// The first whole day, and the day after the last.
    whole_days: Option<(i64, i64)>,
    tail: (i64, i64),
}

fn day_split(from: i64, to: i64) -> DaySplit {
    let first_whole_day = (from + DAY_MS - 1).div_euclid(DAY_MS);
    let end_whole_day = to.div_euclid(DAY_MS);
    if first_whole_day < end_whole_day {
        DaySplit {
            head: (from, first_whole_day * DAY_MS),
            whole_days: Some((first_whole_day, end_whole_day)),
            tail: (end_whole_day * DAY_MS, to),
        }
    } else {
        DaySplit {
            head: (from, to),
            whole_days: None,
            tail: (to, to),
        }
    }
}

/// The rows of `whole` over the range's whole days (binds: the first, the
/// day after the last) and of `partial` over each partial day (binds: its
/// start and end in ms).
pub(super) async fn whole_and_partial<T>(
    pool: &AnyPool,
    from: i64,
    to: i64,
    whole: &str,
    partial: &str,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let DaySplit {
        head,
        whole_days,
        tail,
    } = day_split(from, to);
    let mut rows = match whole_days {
        Some((first, end)) => {
            sqlx::query_as(whole)
                .bind(first)
                .bind(end)
                .fetch_all(pool)
                .await?
        }
        None => Vec::new(),
    };
    for (start, end) in [head, tail].into_iter().filter(|(start, end)| start < end) {
        rows.extend(
            sqlx::query_as::<_, T>(partial)
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await?,
        );
    }
    Ok(rows)
}

/// How many times a duration was measured in the range.
#[derive(Debug, Clone)]
pub struct Timed {
    pub figure: String,
    pub agent: i64,
    pub reason: String,
    pub seconds: i64,
    pub n: i64,
}

/// The durations of `figures` measured in `[from, to)`: whole days from the
/// daily rollup, the partial days at either end from the trail.
pub async fn durations(
    pool: &AnyPool,
    from: i64,
    to: i64,
    figures: &[&Figure],
) -> Result<Vec<Timed>, sqlx::Error> {
    let names: Vec<String> = figures
        .iter()
        .map(|figure| format!("'{}'", figure.name))
        .collect();
    let whole = format!(
        "SELECT figure, agent_id, reason, seconds, CAST(SUM(n) AS BIGINT) FROM report_durations
         WHERE day >= $1 AND day < $2 AND figure IN ({})
         GROUP BY figure, agent_id, reason, seconds",
        names.join(", ")
    );
    let from_trail: Vec<String> = figures
        .iter()
        .map(|figure| figure.select(None, "t.at >= $1 AND t.at < $2"))
        .collect();
    let rows: Vec<(String, i64, String, i64, i64)> =
        whole_and_partial(pool, from, to, &whole, &from_trail.join(" UNION ALL ")).await?;
    Ok(rows
        .into_iter()
        .map(|(figure, agent, reason, seconds, n)| Timed {
            figure,
            agent,
            reason,
            seconds,
            n,
        })
        .collect())
}

/// Every agent: id, name, whether disabled.
pub async fn agents(pool: &AnyPool) -> Result<Vec<(i64, String, bool)>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name, disabled FROM agents ORDER BY lower(name), id")
        .fetch_all(pool)
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                row.try_get(1)?,
                row.try_get::<super::Flag, _>(2)?.0,
            ))
        })
        .collect()
}
