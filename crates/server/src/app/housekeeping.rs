//! Periodic clean-up: old events, expired sessions, status callbacks for
//! messages that never turned up, notices too old to be retried, and the
//! kept section counts and the reports' rollups folded together.

use std::time::Duration;

use crate::platform::db::Db;
use crate::platform::time::Clock;
use crate::store;

const EVERY: Duration = Duration::from_secs(10 * 60);

/// Runs forever; started once by the application.
pub async fn run(db: Db, clock: Clock) {
    loop {
        if let Err(error) = tidy(&db, clock.now_ms()).await {
            tracing::warn!(%error, "housekeeping failed; will try again");
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// One round of clean-up.
pub async fn tidy(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    let mut write = db.begin_write().await?;
    let events = store::events::prune(&mut write.tx, now).await?;
    let sessions = store::agents::prune_sessions(&mut write.tx, now).await?;
    let statuses = store::messages::prune_early_statuses(&mut write.tx, now).await?;
    let notices = store::notices::prune_notices(&mut write.tx, now).await?;
    store::sections::fold_kept(&mut write.tx, now).await?;
    store::rollups::fold(&mut write.tx).await?;
    write.commit().await?;
    if events + sessions + statuses + notices > 0 {
        tracing::info!(
            events,
            sessions,
            statuses,
            notices,
            "pruned old events, expired sessions, stray statuses and old notices"
        );
    }
    Ok(())
}
