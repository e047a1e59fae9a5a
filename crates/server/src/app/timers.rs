//! The two timers of PRODUCT.md §1, computed from stored times
//! so that they survive restarts:
//!
//! - a Requesting chat whose window closed without an agent becomes Closed,
//!   recorded as a missed request (`window_expired`);
//! - an Intervened chat without a customer message for the configured time
//!   is resolved automatically (`idle_timeout`).
//!
//! A sweep runs at start and then every [`EVERY`].

use std::time::Duration;

use handover_core::Command;

use crate::app::error::AppError;
use crate::app::lifecycle::{self, ChangedBy};
use crate::platform::db::Db;
use crate::platform::realtime::EventHub;
use crate::platform::time::{Clock, WINDOW_MS};
use crate::store;
use crate::store::events::EventBatch;

pub const EVERY: Duration = Duration::from_secs(30);

/// Chats handled in one transaction, so a long backlog never holds the
/// write lock for long; the rest follow in the next batches.
const BATCH: i64 = 200;

/// What a sweep changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub missed: usize,
    pub idle: usize,
}

/// Runs forever; started once by the application.
pub async fn run(db: Db, events: EventHub, clock: Clock, idle_ms: i64) {
    loop {
        match sweep(&db, clock.now_ms(), idle_ms).await {
            Ok(swept) if swept != Swept::default() => {
                tracing::info!(missed = swept.missed, idle = swept.idle, "timeouts applied");
                events.notify();
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "the timeout sweep failed; will try again"),
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// Applies every timeout due at `now`.
pub async fn sweep(db: &Db, now: i64, idle_ms: i64) -> Result<Swept, AppError> {
    let mut swept = Swept::default();
    // The window ends 24 h after the last customer message, so "quiet for
    // idle_ms" is "window ends by now - idle_ms + 24 h": both timers are
    // range scans of the same (status, window_expires_at) index.
    let idle_until = now - idle_ms + WINDOW_MS;
    let idle_reason = format!(
        "no message from the customer for {} hours",
        idle_ms / 3_600_000
    );
    loop {
        let missed = apply_due(
            db,
            "requesting",
            now,
            Command::WindowExpired,
            "The window closed before an agent joined",
            now,
        )
        .await?;
        let idle = apply_due(
            db,
            "intervened",
            idle_until,
            Command::IdleTimeout,
            &idle_reason,
            now,
        )
        .await?;
        swept.missed += missed;
        swept.idle += idle;
        if missed + idle == 0 {
            return Ok(swept);
        }
    }
}

/// One batch of `status` chats whose window ends by `until`.
async fn apply_due(
    db: &Db,
    status: &str,
    until: i64,
    command: Command,
    reason: &str,
    now: i64,
) -> Result<usize, AppError> {
    let mut write = db.begin_write().await?;
    let due = store::customers::windows_ending(&mut write.tx, status, until, BATCH).await?;
    let mut batch = EventBatch::default();
    // Counting only chats actually changed ends the sweep's loop even if a
    // row somehow cannot be changed.
    let mut changed = 0;
    for wa_id in &due {
        let moved = lifecycle::apply(
            &mut write.tx,
            &mut batch,
            wa_id,
            command,
            ChangedBy::System,
            reason,
            now,
        )
        .await?;
        changed += usize::from(moved.is_some());
    }
    batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    Ok(changed)
}
