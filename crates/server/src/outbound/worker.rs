//! The sender: takes pending messages (people's before campaigns'), sends
//! them through the transport at most `rate` per second with a few in
//! flight, and records each outcome with an event. Asked to stop, it
//! starts no new send and finishes the ones in flight, so a restart never
//! sends a message twice.

use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use tokio::sync::{watch, Mutex};
use tokio::time::Instant;

use super::{Outbox, Transport};
use crate::db::Db;
use crate::realtime::EventHub;
use crate::store::events::EventBatch;
use crate::store::messages;
use crate::time::Clock;

/// Sends waiting for WhatsApp's answer at once: enough to reach the rate
/// when each answer takes a fraction of a second.
const IN_FLIGHT: usize = 16;

/// Messages read per round: small, so a message queued by an agent during
/// a large campaign waits for at most one round (under a second at 80/s).
const ROUND: u32 = 64;

/// Spaces the starts of sends evenly: at most `rate` per second.
pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    pub fn new(rate: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / rate.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this send's turn.
    async fn turn(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

/// What the sender needs.
pub struct Sender {
    pub db: Db,
    pub transport: Arc<dyn Transport>,
    pub outbox: Outbox,
    pub events: EventHub,
    pub clock: Clock,
    pub pacer: Pacer,
}

impl Sender {
    /// Runs until `stop` turns true; then returns once sends in flight are
    /// recorded.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            match self.send_pending(&stop).await {
                Ok(0) => {
                    // Also look again now and then, in case a wake-up was missed.
                    tokio::select! {
                        _ = tokio::time::timeout(Duration::from_secs(5), self.outbox.woken()) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "the sender could not read or record messages; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Sends one round; returns how many messages it handled.
    async fn send_pending(&self, stop: &watch::Receiver<bool>) -> Result<usize, sqlx::Error> {
        let pending = messages::pending(&self.db.pool, ROUND).await?;
        let handled = pending.len();
        let outcomes: Vec<Result<(), sqlx::Error>> = stream::iter(pending)
            .map(|(id, _wa_id, payload)| async move {
                self.pacer.turn().await;
                if *stop.borrow() {
                    // Left pending: the next start sends it.
                    return Ok(());
                }
                self.send_one(id, &payload).await
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        outcomes.into_iter().collect::<Result<(), _>>()?;
        Ok(handled)
    }

    async fn send_one(&self, id: i64, payload: &str) -> Result<(), sqlx::Error> {
        let result = match serde_json::from_str(payload) {
            Ok(payload) => self.transport.send(&payload).await,
            Err(error) => Err(super::SendError {
                reason: format!("The stored message could not be read: {error}"),
            }),
        };
        let mut write = self.db.begin_write().await?;
        match &result {
            Ok(wamid) => messages::mark_sent(&mut write.tx, id, wamid).await?,
            Err(error) => messages::mark_failed(&mut write.tx, id, &error.reason).await?,
        }
        let mut batch = EventBatch::default();
        batch.message(id);
        batch.record(&mut write.tx, self.clock.now_ms()).await?;
        write.commit().await?;
        self.events.notify();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_pacer_spaces_sends_at_the_rate() {
        let pacer = Pacer::new(80);
        let started = Instant::now();
        for _ in 0..81 {
            pacer.turn().await;
        }
        // The first goes at once, the 81st one second later.
        assert_eq!(started.elapsed(), Duration::from_secs(1));
    }
}
