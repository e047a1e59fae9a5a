//! How a person's change to the team's setup commits: with its row in the
//! audit trail and, where open dashboards show that part of the setup, a
//! `setup` event that has them read it again, all in the one write.

use handover_core::api::{Agent, SetupPart};
use handover_core::audit::AuditAction;

use crate::app::error::AppError;
use crate::platform::db::WriteTx;
use crate::state::AppState;
use crate::store::audit;
use crate::store::events::EventBatch;

/// What a manager does to one item of the setup (a canned reply, a tag
/// rule), given as its draft.
pub enum Change<'a, Draft> {
    Create(&'a Draft),
    Update(i64, &'a Draft),
    Delete(i64),
}

/// The audit trail's row for a change: who made it, to what, and how.
pub struct Audited<'a> {
    pub by: &'a Agent,
    pub action: AuditAction,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// Commits `write` with the change's audit row (when `audited` says one is
/// due) and, when `part` is given, the event that has every open dashboard
/// read that part again.
pub async fn commit(
    state: &AppState,
    mut write: WriteTx<'_>,
    audited: Option<Audited<'_>>,
    part: Option<SetupPart>,
) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    if let Some(entry) = audited {
        audit::record(
            &mut write.tx,
            Some(entry.by.id),
            entry.action,
            entry.subject,
            entry.detail,
            now,
        )
        .await?;
    }
    let mut recorded = false;
    if let Some(part) = part {
        let mut batch = EventBatch::default();
        batch.setup(part);
        recorded = batch.record(&mut write.tx, now).await?;
    }
    write.commit().await?;
    if recorded {
        state.events.notify();
    }
    Ok(())
}
