//! The figures of the breakdowns by a customer trait (first-message tag,
//! source, label) for a range (`from` included, `to` not, in ms, on
//! quarter hours), from the rollups by trait (`store::rollups`): whole days
//! from the daily totals, the partial days at either end from the trail.
//! Each figure is filed under the customer's value as it is now.

use sqlx::AnyPool;

use super::reports::whole_and_partial;
use super::rollups::{Figure, Trait, TRAIT_COUNTED, TRAIT_TIMED};

/// `(value, figure, count)` of the trait's counted figures in the range.
pub async fn counts(
    pool: &AnyPool,
    by: Trait,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    let whole = format!(
        "SELECT value, figure, CAST(SUM(n) AS BIGINT) FROM trait_counts
         WHERE trait = '{}' AND day >= $1 AND day < $2
         GROUP BY value, figure",
        by.name()
    );
    let partial = format!(
        "SELECT value, figure, n FROM ({}) AS partial",
        partial_sql(by, &TRAIT_COUNTED)
    );
    whole_and_partial(pool, from, to, &whole, &partial).await
}

/// `(value, seconds, times)`: how long the range's requests waited for an
/// agent, by the trait's value.
pub async fn waits(
    pool: &AnyPool,
    by: Trait,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    let whole = format!(
        "SELECT value, seconds, CAST(SUM(n) AS BIGINT) FROM trait_durations
         WHERE trait = '{}' AND day >= $1 AND day < $2
         GROUP BY value, seconds",
        by.name()
    );
    let partial = format!(
        "SELECT value, seconds, n FROM ({}) AS partial",
        partial_sql(by, &TRAIT_TIMED)
    );
    whole_and_partial(pool, from, to, &whole, &partial).await
}

/// The figures' rows between `$1` and `$2` (ms), by the trait's value.
fn partial_sql(by: Trait, figures: &[&Figure]) -> String {
    let selects: Vec<String> = figures
        .iter()
        .map(|figure| by.select(figure, false, "t.at >= $1 AND t.at < $2", "1"))
        .collect();
    selects.join(" UNION ALL ")
}
