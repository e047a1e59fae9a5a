//! The sender: claims pending messages (people's before campaigns'), sends
//! them through the transport at most `rate` per second with a few in
//! flight, and records each outcome with an event.
//!
//! What it guarantees:
//! - A message is claimed (in the database) before it is sent, and a
//!   claimed message is never sent again. When WhatsApp's answer cannot be
//!   recorded (a full disk, a lock held too long), the answer is kept and
//!   the record retried; the send is not.
//! - Retries on 429, 5xx and unreachable WhatsApp, with backoff. These are
//!   the one place a message may arrive twice: when WhatsApp processed a
//!   request but its answer was lost.
//! - Asked to stop, it starts no new send and no new retry, records the
//!   sends in flight, and gives back the claims it never used.
//! - After a crash, a claimed message whose outcome was not recorded is
//!   not sent again: WhatsApp's status callbacks name it by its marker and
//!   record it as sent; if none arrives within [`UNCONFIRMED_AFTER`], it is
//!   marked failed with what happened, so an agent can send it again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use handover_core::media::MediaKind;
use serde_json::Value;
use tokio::sync::{watch, Mutex, Notify};
use tokio::time::Instant;

use super::{FileToUpload, Outbox, SendError, SendFuture, Transport};
use crate::platform::db::{Db, WriteTx};
use crate::platform::media::MediaFiles;
use crate::platform::metrics;
use crate::platform::realtime::EventHub;
use crate::platform::time::Clock;
use crate::store::events::EventBatch;
use crate::store::{media, sends};

/// Sends waiting for WhatsApp's answer at once: enough to reach the rate
/// when each answer takes a fraction of a second.
const IN_FLIGHT: usize = 16;

/// Messages claimed per round: small, so a message queued by an agent
/// during a large campaign waits for at most one round (under a second at
/// 80/s).
const ROUND: u32 = 64;

/// Attempts of one send (the first and its retries).
const ATTEMPTS: u32 = 4;

/// How long a claimed message whose outcome was lost waits for WhatsApp's
/// status callbacks before it is marked failed.
pub const UNCONFIRMED_AFTER: Duration = Duration::from_secs(10 * 60);

/// How long an uploaded file's id is used again: WhatsApp keeps uploads
/// for 30 days.
const UPLOAD_KEPT_FOR: Duration = Duration::from_secs(25 * 24 * 60 * 60);

/// The longest wait between two tries to record an outcome.
const RECORD_BACKOFF_MAX: Duration = Duration::from_secs(30);

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
    /// Where the files of messages are, to upload them.
    pub files: MediaFiles,
    /// The wait before the first retry; each next one doubles it.
    pub first_backoff: Duration,
}

/// How one claimed message ended, as far as this process knows.
enum Outcome {
    Sent(String),
    Failed(String),
    /// Not attempted, or cut short by a stop between retries: the claim
    /// goes back and the next start sends it.
    GiveBack,
}

impl Sender {
    /// Runs until `stop` turns true; then returns once sends in flight are
    /// recorded.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let _running = self.outbox.mark_running();
        while !*stop.borrow() {
            if let Err(error) = self.give_up_unconfirmed().await {
                tracing::error!(%error, "could not settle messages whose sending was cut off");
            }
            match self.send_claimed(&stop).await {
                Ok(0) => {
                    // Also look again now and then, in case a wake-up was missed.
                    tokio::select! {
                        _ = tokio::time::timeout(Duration::from_secs(5), self.outbox.woken()) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "the sender could not claim messages; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    /// Messages claimed by a process that stopped before recording what
    /// WhatsApp said, and of which no status callback came: failed, with
    /// what happened.
    async fn give_up_unconfirmed(&self) -> Result<(), sqlx::Error> {
        let now = self.clock.now_ms();
        let before = now - UNCONFIRMED_AFTER.as_millis() as i64;
        // Looked for first without the turn, which every round would
        // otherwise take from the writers.
        if !sends::any_unconfirmed(&self.db.pool, before).await? {
            return Ok(());
        }
        let mut write = self.db.begin_write().await?;
        let given_up = sends::fail_unconfirmed(&mut write.tx, before).await?;
        let mut batch = EventBatch::default();
        for id in &given_up {
            batch.message(*id);
        }
        let recorded = batch.record(&mut write.tx, now).await?;
        write.commit().await?;
        if recorded {
            tracing::warn!(messages = ?given_up, "messages cut off mid-send were not confirmed by WhatsApp; marked failed");
            self.events.notify();
        }
        Ok(())
    }

    /// Claims and sends one round; returns how many messages it claimed.
    async fn send_claimed(&self, stop: &watch::Receiver<bool>) -> Result<usize, sqlx::Error> {
        // Claims share the write turn with the webhook's batches: each
        // message is checked again as it is taken.
        let claimed = {
            let mut write = self.db.begin_shared([], []).await?;
            let claimed = sends::claim(&mut write.tx, ROUND, self.clock.now_ms()).await?;
            write.commit().await?;
            claimed
        };
        let handled = claimed.len();
        // Outcomes wait for the recorder, which records all that came in
        // while it waited for the writers' turn or recorded the last ones,
        // together, in one transaction: the turn is taken once for them
        // all, and sending goes on meanwhile. Every send stays polled (a
        // transport may itself write).
        let waiting = std::sync::Mutex::new(Vec::new());
        let arrived = Notify::new();
        let all_sent = AtomicBool::new(false);
        let (waiting, arrived, all_sent) = (&waiting, &arrived, &all_sent);
        let sending = async {
            stream::iter(claimed)
                .map(|sends::Claimed { id, payload }| async move {
                    self.pacer.turn().await;
                    let outcome = if *stop.borrow() {
                        Outcome::GiveBack
                    } else {
                        self.send_with_retries(id, &payload, stop).await
                    };
                    lock(waiting).push((id, outcome));
                    arrived.notify_one();
                })
                .buffer_unordered(IN_FLIGHT)
                .collect::<()>()
                .await;
            all_sent.store(true, Ordering::Release);
            arrived.notify_one();
        };
        let recording = async {
            loop {
                let finished = all_sent.load(Ordering::Acquire);
                if !lock(waiting).is_empty() {
                    self.record(waiting, stop).await;
                } else if finished {
                    return;
                } else {
                    arrived.notified().await;
                }
            }
        };
        tokio::join!(sending, recording);
        Ok(handled)
    }

    /// Sends with the message's marker, retrying what may be retried while
    /// the sender is not stopping.
    async fn send_with_retries(
        &self,
        id: i64,
        payload: &str,
        stop: &watch::Receiver<bool>,
    ) -> Outcome {
        let mut payload: Value = match serde_json::from_str(payload) {
            Ok(payload) => payload,
            Err(error) => {
                return Outcome::Failed(format!("The stored message could not be read: {error}"))
            }
        };
        payload["biz_opaque_callback_data"] = Value::String(super::marker(id));
        if let Err(outcome) = self.attach_file(id, &mut payload, stop).await {
            return outcome;
        }
        match self.retrying(|| self.transport.send(&payload), stop).await {
            Ok(wamid) => Outcome::Sent(wamid),
            Err(outcome) => outcome,
        }
    }

    /// One call to WhatsApp, retried while it may be and the sender is not
    /// stopping: what it returned, or how the message ends.
    async fn retrying<'a>(
        &'a self,
        call: impl Fn() -> SendFuture<'a>,
        stop: &watch::Receiver<bool>,
    ) -> Result<String, Outcome> {
        let mut backoff = self.first_backoff;
        for attempt in 1..=ATTEMPTS {
            let answer = call().await;
            let label = match &answer {
                Ok(_) => metrics::call_label(Some(200), false),
                Err(error) => metrics::call_label(error.status, error.retryable),
            };
            self.db.metrics.whatsapp_call(label);
            match answer {
                Ok(answer) => return Ok(answer),
                Err(SendError {
                    reason,
                    retryable: true,
                    ..
                }) if attempt < ATTEMPTS => {
                    tracing::warn!(attempt, %reason, "retrying a call to WhatsApp");
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    if *stop.borrow() {
                        return Err(Outcome::GiveBack);
                    }
                }
                Err(SendError { reason, .. }) => return Err(Outcome::Failed(reason)),
            }
        }
        Err(Outcome::Failed("WhatsApp did not take the message.".into()))
    }

    /// A message that carries a file goes with WhatsApp's id for it: the
    /// file is uploaded first, once (the id is kept, so a send tried again
    /// uploads nothing again; and the same file sent again while WhatsApp
    /// keeps it, such as a campaign's template header, is not uploaded
    /// again).
    async fn attach_file(
        &self,
        id: i64,
        payload: &mut Value,
        stop: &watch::Receiver<bool>,
    ) -> Result<(), Outcome> {
        // Texts and the bot's buttons and lists carry none: not looked for.
        if matches!(payload["type"].as_str(), Some("text" | "interactive")) {
            return Ok(());
        }
        let file = match media::of_outbound(&self.db.pool, id).await {
            Ok(Some(file)) => file,
            Ok(None) => return Ok(()),
            Err(error) => {
                tracing::error!(id, %error, "could not read the file of a message; it is sent later");
                return Err(Outcome::GiveBack);
            }
        };
        let kind = MediaKind::parse(&file.kind).unwrap_or(MediaKind::Document);
        let reusable = match (&file.wa_media_id, &file.content_hash) {
            (Some(_), _) | (_, None) => None,
            (None, Some(hash)) => {
                let since = self.clock.now_ms() - UPLOAD_KEPT_FOR.as_millis() as i64;
                media::recent_upload(&self.db.pool, hash, since)
                    .await
                    .ok()
                    .flatten()
            }
        };
        let media_id = match file.wa_media_id.or(reusable) {
            Some(media_id) => media_id,
            None => {
                let path = file
                    .content_hash
                    .as_deref()
                    .and_then(|hash| self.files.path(hash))
                    .ok_or_else(|| Outcome::Failed("The file to send is missing here.".into()))?;
                let upload = FileToUpload {
                    path: &path,
                    mime_type: &file.mime_type,
                    filename: file.filename.as_deref().unwrap_or("file"),
                };
                let media_id = self
                    .retrying(|| self.transport.upload(&upload), stop)
                    .await?;
                // Kept if it can be; otherwise a retried send uploads again.
                if let Ok(mut write) = self.db.begin_write().await {
                    if media::set_uploaded(&mut write.tx, file.id, &media_id, self.clock.now_ms())
                        .await
                        .is_ok()
                    {
                        let _ = write.commit().await;
                    }
                }
                media_id
            }
        };
        super::set_media_id(payload, kind, &media_id);
        Ok(())
    }

    /// Records the outcomes `waiting`, together: those that came in until
    /// the write turn was taken. When the database refuses, each outcome
    /// is kept and recorded later, in the background (other messages go on
    /// being sent as long as they can be claimed); no send is repeated.
    async fn record(
        &self,
        waiting: &std::sync::Mutex<Vec<(i64, Outcome)>>,
        stop: &watch::Receiver<bool>,
    ) {
        let write = self.db.begin_shared([], []).await;
        let outcomes = std::mem::take(&mut *lock(waiting));
        let recorded = match write {
            Ok(write) => self.recorder().write(write, &outcomes).await,
            Err(error) => Err(error),
        };
        if let Err(error) = recorded {
            tracing::error!(messages = outcomes.len(), %error, "could not record sends' outcomes; trying again (no message is sent again)");
            for (id, outcome) in outcomes {
                tokio::spawn(self.recorder().record_until_done(id, outcome, stop.clone()));
            }
        }
    }

    /// What records outcomes, apart from the sender (it may outlive a round).
    fn recorder(&self) -> Recorder {
        Recorder {
            db: self.db.clone(),
            events: self.events.clone(),
            clock: self.clock.clone(),
        }
    }
}

/// The outcomes waiting to be recorded (a send that panicked while holding
/// the lock leaves them as they were).
fn lock(
    waiting: &std::sync::Mutex<Vec<(i64, Outcome)>>,
) -> std::sync::MutexGuard<'_, Vec<(i64, Outcome)>> {
    waiting
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Writes outcomes of sends.
struct Recorder {
    db: Db,
    events: EventHub,
    clock: Clock,
}

impl Recorder {
    /// Tries again, waiting longer each time, until the outcome is recorded.
    /// Once the sender stops it tries one last time, then leaves the claim
    /// for WhatsApp's status callbacks to settle.
    async fn record_until_done(self, id: i64, mut outcome: Outcome, stop: watch::Receiver<bool>) {
        let mut wait = Duration::from_millis(250);
        loop {
            tokio::time::sleep(wait).await;
            let outcomes = [(id, outcome)];
            let recorded = self.try_record(&outcomes).await;
            let [(_, kept)] = outcomes;
            outcome = kept;
            match recorded {
                Ok(()) => return,
                Err(error) if *stop.borrow() => {
                    tracing::error!(id, %error, "stopping with a send whose outcome could not be recorded; WhatsApp's status callbacks will settle it");
                    return;
                }
                Err(error) => {
                    tracing::warn!(id, %error, "still cannot record a send's outcome");
                    wait = (wait * 2).min(RECORD_BACKOFF_MAX);
                }
            }
        }
    }

    /// Records `outcomes` in one transaction, each message's event with it.
    async fn try_record(&self, outcomes: &[(i64, Outcome)]) -> Result<(), sqlx::Error> {
        let write = self.db.begin_shared([], []).await?;
        self.write(write, outcomes).await
    }

    /// Records `outcomes` in `write`, a transaction that shares the write
    /// turn with the webhook's batches (on Postgres), holding the sends it
    /// records: a status callback naming one of them is applied before (and
    /// kept for it) or after (and finds it).
    async fn write(
        &self,
        mut write: WriteTx<'_>,
        outcomes: &[(i64, Outcome)],
    ) -> Result<(), sqlx::Error> {
        let mut sent = Vec::new();
        let mut failed = Vec::new();
        let mut given_back = Vec::new();
        for (id, outcome) in outcomes {
            match outcome {
                Outcome::Sent(wamid) => sent.push((*id, wamid.as_str())),
                Outcome::Failed(reason) => failed.push((*id, reason.as_str())),
                Outcome::GiveBack => given_back.push(*id),
            }
        }
        write.lock([], sent.iter().map(|(_, wamid)| *wamid)).await?;
        sends::record_outcomes(&mut write.tx, &sent, &failed).await?;
        sends::give_back(&mut write.tx, &given_back).await?;
        let mut batch = EventBatch::default();
        for (id, _) in sent.iter().chain(&failed) {
            batch.message(*id);
        }
        let recorded = write.commit_with_events(batch, self.clock.now_ms()).await?;
        if recorded {
            self.events.notify();
        }
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
