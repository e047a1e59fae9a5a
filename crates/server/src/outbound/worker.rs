//! The sender: takes pending messages oldest first, sends each through the
//! transport, and records the outcome with an event.

use std::sync::Arc;
use std::time::Duration;

use super::{Outbox, Transport};
use crate::db::Db;
use crate::realtime::EventHub;
use crate::store::events::EventBatch;
use crate::store::messages;
use crate::time::Clock;

/// Runs forever; started once by the application.
pub async fn run(
    db: Db,
    transport: Arc<dyn Transport>,
    outbox: Outbox,
    events: EventHub,
    clock: Clock,
) {
    loop {
        match send_pending(&db, transport.as_ref(), &events, &clock).await {
            Ok(0) => {
                // Also look again now and then, in case a wake-up was missed.
                let _ = tokio::time::timeout(Duration::from_secs(5), outbox.woken()).await;
            }
            Ok(_) => {}
            Err(error) => {
                tracing::error!(%error, "the sender could not read or record messages; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Sends one batch; returns how many messages it handled.
pub async fn send_pending(
    db: &Db,
    transport: &dyn Transport,
    events: &EventHub,
    clock: &Clock,
) -> Result<usize, sqlx::Error> {
    let pending = messages::pending(&db.pool, 50).await?;
    for (id, _wa_id, payload) in &pending {
        let result = match serde_json::from_str(payload) {
            Ok(payload) => transport.send(&payload).await,
            Err(error) => Err(super::SendError {
                reason: format!("The stored message could not be read: {error}"),
            }),
        };
        let mut write = db.begin_write().await?;
        match &result {
            Ok(wamid) => messages::mark_sent(&mut write.tx, *id, wamid).await?,
            Err(error) => messages::mark_failed(&mut write.tx, *id, &error.reason).await?,
        }
        let mut batch = EventBatch::default();
        batch.message(*id);
        batch.record(&mut write.tx, clock.now_ms()).await?;
        write.commit().await?;
        events.notify();
    }
    Ok(pending.len())
}
