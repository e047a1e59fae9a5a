//! Group commit for webhook deliveries.
//!
//! Each verified delivery is handed to the writers, in pieces of at most
//! [`PIECE`] messages, notices and statuses (one after another: a delivery
//! of any size holds the write turn no longer than a piece): one takes
//! whatever has queued up, up to [`MAX_BATCH`] items, and applies it in one
//! transaction: the deliveries (their new senders created, the messages of
//! customers who wrote once in the batch stored and counted, the bot's
//! replies to those queued, and their status callbacks applied, each
//! together in a few statements: `ahead`), then the batch's
//! figures for the reports and its events (one mark that the section
//! counts changed, for all), then one commit. Only after that commit is
//! each delivery answered, so WhatsApp gets its 200 exactly when the
//! delivery's effects are stored. Under a light load a batch is one
//! delivery and nothing waits; under a heavy one the batch grows with the
//! queue and the per-transaction costs (taking the turn, numbering the
//! events, committing) are shared.
//!
//! SQLite has one writer, which takes up to [`MAX_BATCH`] items at once.
//! On Postgres several writers, on every server, apply small batches at
//! once (`Db::begin_shared`): each locks its customers, and the sends its
//! status callbacks name, before the next batch is taken (a customer's
//! deliveries are applied in the order they came, one batch at a time),
//! adds to the reports' figures in rows of its own connection, and takes
//! the events' turn alone only to number its events and commit.
//!
//! A batch is first applied without savepoints (they cost two statements a
//! delivery). When a delivery fails, that attempt is rolled back and the
//! batch applied again with each delivery in a savepoint of its own: the
//! failing one is rolled back to its savepoint and answered with its
//! error; the rest of its batch goes on. When the batch itself cannot
//! be committed, no delivery in it is answered 200, and WhatsApp sends
//! them again.

use std::sync::Arc;

use handover_core::bot::BotConfig;
use handover_core::WaId;
use sqlx::Acquire;
use tokio::sync::{mpsc, oneshot, Mutex};

use super::ahead::Ahead;
use super::payload::{NoticeKind, WebhookDelivery};
use super::process::{self, Processed};
use crate::app::bot::ConfigInForce;
use crate::app::error::AppError;
use crate::platform::db::{Backend, Db, WriteTx};
use crate::platform::media::FetchQueue;
use crate::platform::outbound::Outbox;
use crate::platform::realtime::EventHub;
use crate::store::events::EventBatch;

/// Items (messages, notices, statuses) a batch takes in before it is
/// applied, on SQLite, whose one writer applies every batch: enough to
/// share a transaction's costs, few enough that an agent's action waiting
/// for the lock is not held up for long. The last delivery taken in may
/// go over by up to a [`PIECE`].
pub const MAX_BATCH: usize = 128;
/// Items of one delivery applied in one transaction at most: a larger
/// delivery is applied in pieces of this size, one after another, each
/// committed before the next, and answered once all are. When a piece
/// fails, those before it stay stored; WhatsApp sends the delivery again
/// and what was stored counts once.
pub const PIECE: usize = 32;
/// Deliveries waiting for the writers at most; beyond that a request waits
/// for room (and its memory is its own).
const QUEUE: usize = 1_024;
/// Writers applying batches at once on Postgres, where each batch holds
/// only its customers and waits on round trips to the database most of
/// its time (SQLite has one writer at a time: one there).
const POSTGRES_WRITERS: usize = 12;
/// Messages and notices a batch takes in on Postgres (status callbacks,
/// applied together in a few statements, count only towards
/// [`MAX_BATCH`]): few, so that what is waiting is shared among the
/// writers, whose round trips then overlap, instead of one writer taking
/// all of it while the others wait for more.
const POSTGRES_BATCH_MESSAGES: usize = 8;

/// Hands deliveries to the writers and waits for their commit.
#[derive(Clone)]
pub struct Ingest {
    queue: mpsc::Sender<Job>,
}

/// What the writer wakes after a commit.
pub struct Wakes {
    pub events: EventHub,
    pub outbox: Outbox,
    pub fetches: FetchQueue,
}

struct Job {
    delivery: WebhookDelivery,
    now: i64,
    answer: oneshot::Sender<Result<(), AppError>>,
}

impl Ingest {
    /// Starts the writers on the current runtime; they end when the last
    /// `Ingest` is dropped.
    pub fn start(db: Db, wakes: Wakes) -> Self {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        let wakes = Arc::new(wakes);
        let (writers, most_messages) = match db.backend {
            Backend::Sqlite => (1, MAX_BATCH),
            Backend::Postgres => (POSTGRES_WRITERS, POSTGRES_BATCH_MESSAGES),
        };
        for _ in 0..writers {
            tokio::spawn(write_batches(
                db.clone(),
                wakes.clone(),
                jobs.clone(),
                most_messages,
            ));
        }
        Self { queue }
    }

    /// Applies `delivery` as of `now`, in pieces of at most [`PIECE`]
    /// items; returns once every piece is committed.
    pub async fn submit(&self, delivery: WebhookDelivery, now: i64) -> Result<(), AppError> {
        for piece in delivery.into_pieces(PIECE) {
            self.submit_piece(piece, now).await?;
        }
        Ok(())
    }

    async fn submit_piece(&self, delivery: WebhookDelivery, now: i64) -> Result<(), AppError> {
        let (answer, answered) = oneshot::channel();
        let job = Job {
            delivery,
            now,
            answer,
        };
        if self.queue.send(job).await.is_err() {
            return Err(writer_gone());
        }
        answered.await.unwrap_or_else(|_| Err(writer_gone()))
    }
}

fn writer_gone() -> AppError {
    AppError::Unavailable(
        "The server is stopping and did not store this delivery; WhatsApp will send it again."
            .into(),
    )
}

/// A writer: one batch at a time, for as long as deliveries can come.
async fn write_batches(
    db: Db,
    wakes: Arc<Wakes>,
    jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
    most_messages: usize,
) {
    let mut bot_config = ConfigInForce::default();
    loop {
        let mut queue = jobs.lock().await;
        let Some(first) = queue.recv().await else {
            return;
        };
        let mut write = match db.begin_shared([], []).await {
            Ok(write) => write,
            Err(error) => {
                let _ = first.answer.send(Err(error.into()));
                continue;
            }
        };
        // Whatever queued while the turn was awaited joins this batch.
        let mut items = first.delivery.items();
        let mut messages = first.delivery.messages_and_notices();
        let mut batch = vec![first];
        while items < MAX_BATCH && messages < most_messages {
            match queue.try_recv() {
                Ok(job) => {
                    items += job.delivery.items();
                    messages += job.delivery.messages_and_notices();
                    batch.push(job);
                }
                Err(_) => break,
            }
        }
        // Its customers are locked before the next writer takes the next
        // batch: a customer's deliveries are applied in the order they came.
        let locked = write.lock(customers_of(&batch), sends_of(&batch)).await;
        drop(queue);
        if let Err(error) = locked {
            tracing::error!(%error, deliveries = batch.len(), "a batch of webhook deliveries could not lock what it writes to");
            refuse_all(batch);
            continue;
        }
        // Together first; when a delivery fails, the batch is rolled back
        // and applied again with each delivery in a savepoint, so that only
        // the failing one is refused.
        let mut applied = write_batch(write, &mut bot_config, &batch, Apart::No).await;
        if let Ok(Applied::OneFailed) = applied {
            applied = match db
                .begin_shared(customers_of(&batch), sends_of(&batch))
                .await
            {
                Ok(write) => write_batch(write, &mut bot_config, &batch, Apart::Yes).await,
                Err(error) => Err(error),
            };
        }
        match applied {
            Ok(Applied::Committed(answers, processed, recorded_events)) => {
                if recorded_events {
                    wakes.events.notify();
                }
                if processed.outbound {
                    wakes.outbox.wake();
                }
                if processed.media {
                    wakes.fetches.wake();
                }
                for (job, answer) in batch.into_iter().zip(answers) {
                    let _ = job.answer.send(answer);
                }
            }
            // Only the first attempt (together) ends so; the retry apart
            // answers each delivery, or fails as a whole.
            Ok(Applied::OneFailed) => refuse_all(batch),
            Err(error) => {
                tracing::error!(%error, deliveries = batch.len(), "a batch of webhook deliveries was rolled back");
                refuse_all(batch);
            }
        }
    }
}

/// The sends a batch's status callbacks name: locked with its customers
/// (the sender recording one of them waits, or is waited for).
fn sends_of(batch: &[Job]) -> impl Iterator<Item = &str> {
    batch
        .iter()
        .flat_map(|job| &job.delivery.statuses)
        .map(|status| status.wamid.as_str())
}

/// Every customer a batch's deliveries write to: who wrote, whom a notice
/// is about (and the number a customer moved to). The messages its status
/// callbacks name are locked by their wamid ([`sends_of`]).
fn customers_of(batch: &[Job]) -> impl Iterator<Item = &WaId> {
    batch.iter().flat_map(|job| {
        let delivery = &job.delivery;
        let moved_to = delivery
            .notices
            .iter()
            .filter_map(|notice| match &notice.what {
                NoticeKind::ChangedNumber { new_wa_id } => Some(new_wa_id),
                _ => None,
            });
        delivery
            .messages
            .iter()
            .map(|message| &message.from)
            .chain(delivery.notices.iter().map(|notice| &notice.from))
            .chain(moved_to)
    })
}

/// Answers every delivery of a batch that was not kept.
fn refuse_all(batch: Vec<Job>) {
    for job in batch {
        let _ = job.answer.send(Err(not_stored()));
    }
}

fn not_stored() -> AppError {
    AppError::Unavailable(
        "The delivery could not be stored just now and nothing of it was kept; WhatsApp will send it again."
            .into(),
    )
}

/// Whether each delivery of a batch is applied in a savepoint of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Apart {
    No,
    Yes,
}

/// How a batch went, short of a rollback of the whole.
enum Applied {
    /// Committed: each delivery's answer, what the batch needs woken, and
    /// whether it recorded events (tell the live streams).
    Committed(Vec<Result<(), AppError>>, Processed, bool),
    /// Applied together, a delivery failed; nothing was kept.
    OneFailed,
}

/// Applies the deliveries of `batch`, records their events and commits.
/// An error when the batch as a whole was rolled back.
async fn write_batch(
    mut write: WriteTx<'_>,
    bot_config: &mut ConfigInForce,
    batch: &[Job],
    apart: Apart,
) -> Result<Applied, sqlx::Error> {
    // One read per batch: the bot's configuration is saved by a writer
    // alone, never while a batch holds the turn.
    let bot_config = bot_config.get(&mut write.tx).await?;
    let mut events = EventBatch::default();
    let mut processed = Processed::default();
    let mut answers = Vec::with_capacity(batch.len());
    let mut newest = 0;
    // Together, the batch's new senders are created, and the messages of
    // those who wrote once stored and counted, in a few statements.
    let mut ahead = match apart {
        Apart::No => {
            let deliveries = batch.iter().map(|job| (&job.delivery, job.now));
            match Ahead::prepare(&mut write.tx, deliveries).await {
                Ok(ahead) => ahead,
                Err(_) => return Ok(Applied::OneFailed),
            }
        }
        Apart::Yes => Ahead::OneByOne,
    };
    for job in batch {
        newest = newest.max(job.now);
        let mut changed = EventBatch::default();
        let applied = match apart {
            Apart::No => {
                let applied = process::messages_and_notices(
                    &mut write.tx,
                    &mut changed,
                    &mut ahead,
                    bot_config,
                    &job.delivery,
                    job.now,
                )
                .await;
                if applied.is_err() {
                    return Ok(Applied::OneFailed);
                }
                applied
            }
            Apart::Yes => delivery_in_savepoint(&mut write, &mut changed, bot_config, job).await?,
        };
        match applied {
            Ok(done) => {
                events.merge(changed);
                processed = processed.and(done);
                answers.push(Ok(()));
            }
            Err(error) => answers.push(Err(error)),
        }
    }
    if apart == Apart::No {
        if ahead
            .queue_replies(&mut write.tx, &mut events)
            .await
            .is_err()
        {
            return Ok(Applied::OneFailed);
        }
        let deliveries = batch.iter().map(|job| &job.delivery);
        if process::status_callbacks(&mut write.tx, &mut events, deliveries)
            .await
            .is_err()
        {
            return Ok(Applied::OneFailed);
        }
    }
    let recorded_events = write.commit_with_events(events, newest).await?;
    Ok(Applied::Committed(answers, processed, recorded_events))
}

/// Applies one delivery in a savepoint of its own, rolled back to when the
/// delivery fails. An error when the whole transaction is gone (SQLite
/// ends it on some failures), which ends the batch.
async fn delivery_in_savepoint(
    write: &mut WriteTx<'_>,
    changed: &mut EventBatch,
    bot_config: &BotConfig,
    job: &Job,
) -> Result<Result<Processed, AppError>, sqlx::Error> {
    let mut savepoint = (&mut write.tx).begin().await?;
    let applied =
        process::delivery_in(&mut savepoint, changed, bot_config, &job.delivery, job.now).await;
    match applied {
        Ok(_) => savepoint.commit().await?,
        Err(_) => savepoint.rollback().await?,
    }
    Ok(applied)
}
