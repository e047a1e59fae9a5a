//! Section counts: how many users each of the four sections and History hold.

use handover_core::SectionCounts;
use sqlx::AnyConnection;

/// Counts users per section at `now_ms`.
///
/// One statement, so the five numbers come from one consistent snapshot,
/// and none of it grows with the customers: each status count is the sum
/// of the trigger-kept `section_windows` rows of the quarter hours to come
/// (a few hundred rows), plus the customers whose window ends within the
/// current quarter hour, a short range of `users_by_section`; the total
/// comes from the trigger-kept `user_totals` rows (one on SQLite, a few on
/// Postgres, where writers at once each add to their own).
pub async fn counts(conn: &mut AnyConnection, now_ms: i64) -> Result<SectionCounts, sqlx::Error> {
    let quarter = now_ms.div_euclid(QUARTER_MS);
    let open_in = |status: &str| {
        format!(
            "(SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM section_windows
               WHERE status = '{status}' AND quarter > $2)
             + (SELECT COUNT(*) FROM users
               WHERE status = '{status}' AND window_expires_at > $1 AND window_expires_at < $3)"
        )
    };
    let sql = format!(
        "SELECT {}, {}, {}, {}, (SELECT CAST(SUM(users) AS BIGINT) FROM user_totals)",
        open_in("active"),
        open_in("requesting"),
        open_in("intervened"),
        open_in("closed"),
    );
    let (active, requesting, intervened, closed, total): (i64, i64, i64, i64, i64) =
        sqlx::query_as(&sql)
            .bind(now_ms)
            .bind(quarter)
            .bind((quarter + 1) * QUARTER_MS)
            .fetch_one(conn)
            .await?;

    let as_count = |n: i64| u64::try_from(n).unwrap_or(0);
    let mut sections = SectionCounts {
        active: as_count(active),
        requesting: as_count(requesting),
        intervened: as_count(intervened),
        closed: as_count(closed),
        history: 0,
    };
    sections.history = as_count(total).saturating_sub(sections.in_window());
    Ok(sections)
}

/// The span of the kept counts' rows: a quarter hour, by which windows
/// ending in it are counted together.
const QUARTER_MS: i64 = 15 * 60 * 1000;

/// Folds the kept counts' rows of every connection into one per status
/// and quarter hour, and drops quarter hours gone by; and the customers'
/// total into its first row. Run by a writer alone (no other writer adds
/// to the rows meanwhile).
pub async fn fold_kept(conn: &mut AnyConnection, now_ms: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE user_totals SET users = (SELECT SUM(users) FROM user_totals) WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM user_totals WHERE id <> 1")
        .execute(&mut *conn)
        .await?;
    let quarter = now_ms.div_euclid(QUARTER_MS);
    let kept: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT status, quarter, CAST(SUM(n) AS BIGINT) FROM section_windows
         WHERE quarter >= $1 GROUP BY status, quarter",
    )
    .bind(quarter)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM section_windows")
        .execute(&mut *conn)
        .await?;
    let kept: Vec<&(String, i64, i64)> = kept.iter().filter(|(_, _, n)| *n != 0).collect();
    for chunk in kept.chunks(super::BINDS_AT_ONCE / 3) {
        let mut insert = super::statement::Statement::new(
            "INSERT INTO section_windows (status, quarter, shard, n) ",
        );
        insert.values(chunk, |row, (status, quarter, n)| {
            row.bind(status.as_str()).bind(*quarter).sql("0").bind(*n);
        });
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}
