//! Section counts: how many users each of the four sections and History hold.

use handover_core::SectionCounts;
use sqlx::AnyConnection;

/// Counts users per section at `now_ms`.
///
/// One statement, so the five numbers come from one consistent snapshot.
/// Each status count is a range scan of `users_by_section` over open windows
/// only; the total comes from the trigger-kept `user_totals` rows (one on
/// SQLite, a few on Postgres, where writers at once each add to their
/// own), so no part of this scans the whole table.
pub async fn counts(conn: &mut AnyConnection, now_ms: i64) -> Result<SectionCounts, sqlx::Error> {
    let (active, requesting, intervened, closed, total): (i64, i64, i64, i64, i64) =
        sqlx::query_as(
            "SELECT
                (SELECT COUNT(*) FROM users WHERE status = 'active'     AND window_expires_at > $1),
                (SELECT COUNT(*) FROM users WHERE status = 'requesting' AND window_expires_at > $1),
                (SELECT COUNT(*) FROM users WHERE status = 'intervened' AND window_expires_at > $1),
                (SELECT COUNT(*) FROM users WHERE status = 'closed'     AND window_expires_at > $1),
                (SELECT CAST(SUM(users) AS BIGINT) FROM user_totals)",
        )
        .bind(now_ms)
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
