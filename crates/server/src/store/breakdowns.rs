//! The figures of the breakdowns by a customer trait (first-message tag,
//! source, label) for a range (`from` included, `to` not, in ms, on
//! quarter hours), from the rollups by trait (`store::rollups`): whole days
//! from the daily totals, the partial days at either end from the trail.
//! Each figure is filed under the customer's value as it is now.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow};

use super::reports::{day_split, DaySplit};
use super::rollups::{Figure, Trait, TRAIT_COUNTED, TRAIT_TIMED};

/// `(value, figure, count)` of the trait's counted figures in the range.
pub async fn counts(
    pool: &AnyPool,
    by: Trait,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let whole = "SELECT value, figure, CAST(SUM(n) AS BIGINT) FROM trait_counts
                 WHERE trait = $1 AND day >= $2 AND day < $3
                 GROUP BY value, figure";
    let partial = format!(
        "SELECT value, figure, n FROM ({}) AS partial",
        partial_sql(by, &TRAIT_COUNTED)
    );
    whole_and_partial(pool, by, from, to, whole, &partial).await
}

/// `(value, seconds, times)`: how long the range's requests waited for an
/// agent, by the trait's value.
pub async fn waits(
    pool: &AnyPool,
    by: Trait,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let whole = "SELECT value, seconds, CAST(SUM(n) AS BIGINT) FROM trait_durations
                 WHERE trait = $1 AND day >= $2 AND day < $3
                 GROUP BY value, seconds";
    let partial = format!(
        "SELECT value, seconds, n FROM ({}) AS partial",
        partial_sql(by, &TRAIT_TIMED)
    );
    whole_and_partial(pool, by, from, to, whole, &partial).await
}

/// The figures' rows between `$1` and `$2` (ms), by the trait's value.
fn partial_sql(by: Trait, figures: &[&Figure]) -> String {
    let selects: Vec<String> = figures
        .iter()
        .map(|figure| by.select(figure, false, "t.at >= $1 AND t.at < $2", "1"))
        .collect();
    selects.join(" UNION ALL ")
}

/// The rows of `whole` (binds: the trait, the first whole day, the day
/// after the last) and of `partial` for each partial day (binds: its
/// start and end in ms).
async fn whole_and_partial<T>(
    pool: &AnyPool,
    by: Trait,
    from: i64,
    to: i64,
    whole: &str,
    partial: &str,
) -> Result<Vec<T>, sqlx::Error>
where
    T: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let DaySplit {
        whole_days,
        partial: partial_days,
    } = day_split(from, to);
    let mut rows = match whole_days {
        Some((first, end)) => {
            sqlx::query_as(whole)
                .bind(by.name())
                .bind(first)
                .bind(end)
                .fetch_all(pool)
                .await?
        }
        None => Vec::new(),
    };
    for (start, end) in partial_days {
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
