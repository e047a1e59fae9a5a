//! The committed events, read from the database once per process and
//! shared by every live stream.
//!
//! One reader (the pump) wakes after each commit that recorded events,
//! reads what is new in the event log and keeps the newest events in a
//! bounded buffer; streams take their events from it. A stream further
//! behind than the buffer holds (a client resuming with an old
//! `Last-Event-ID`, or one that read slowly through a burst) reads from
//! the database until it has caught up. The log stays the source of truth:
//! nothing exists only in memory, and another process writing to the same
//! database is seen by the pump's periodic look.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use sqlx::AnyPool;
use tokio::sync::watch;

use crate::platform::time::Clock;
use crate::store::events;

/// Events the buffer keeps at most, and their size in all.
const DEFAULT_CAPACITY: usize = 16_384;
const MAX_BYTES: usize = 16 * 1024 * 1024;
/// Events read from the log at once.
const READ_AT_ONCE: u32 = 500;
/// How often the pump looks even when nobody told it of a commit.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// One event, ready to send: its id and its server-sent event (`id`,
/// `event` named after the payload's `type`, `data`), written once and
/// shared by every stream that sends it.
#[derive(Clone, Debug)]
pub struct FeedEvent {
    pub id: i64,
    pub frame: Bytes,
}

impl FeedEvent {
    pub fn new(id: i64, payload: &str) -> Self {
        #[derive(serde::Deserialize)]
        struct Typed<'a> {
            #[serde(rename = "type", borrow)]
            name: std::borrow::Cow<'a, str>,
        }
        let name = serde_json::from_str::<Typed>(payload)
            .map(|typed| typed.name.into_owned())
            .unwrap_or_else(|_| "message".to_owned());
        let mut frame = format!("id: {id}\nevent: {name}\n");
        // JSON has no line breaks of its own; should a payload ever carry
        // one, each line is a data line of the same event.
        for line in payload.split('\n') {
            frame.push_str("data: ");
            frame.push_str(line);
            frame.push('\n');
        }
        frame.push('\n');
        Self {
            id,
            frame: Bytes::from(frame),
        }
    }
}

#[derive(Clone)]
pub struct EventFeed {
    buffer: Arc<RwLock<Buffer>>,
    head: watch::Sender<i64>,
}

/// The newest events: every event with an id after `covered_from`.
struct Buffer {
    /// `None` until the pump has started.
    covered_from: Option<i64>,
    events: VecDeque<FeedEvent>,
    bytes: usize,
    capacity: usize,
}

impl Default for EventFeed {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl EventFeed {
    /// A feed that keeps the newest `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buffer: Arc::new(RwLock::new(Buffer {
                covered_from: None,
                events: VecDeque::new(),
                bytes: 0,
                capacity: capacity.max(1),
            })),
            head: watch::channel(0).0,
        }
    }

    /// Tells when newer events are in the buffer.
    pub fn watch(&self) -> watch::Receiver<i64> {
        self.head.subscribe()
    }

    /// Up to `limit` events after `after`, oldest first, when the buffer
    /// holds everything after it; `None` when it does not (read those from
    /// the database).
    pub fn since(&self, after: i64, limit: usize) -> Option<Vec<FeedEvent>> {
        let buffer = self.buffer.read().unwrap_or_else(|p| p.into_inner());
        if after < buffer.covered_from? {
            return None;
        }
        let start = buffer.events.partition_point(|event| event.id <= after);
        Some(buffer.events.range(start..).take(limit).cloned().collect())
    }

    fn start_at(&self, id: i64) {
        let mut buffer = self.buffer.write().unwrap_or_else(|p| p.into_inner());
        buffer.covered_from = Some(id);
        drop(buffer);
        self.head.send_replace(id);
    }

    /// Adds events newer than all held, dropping the oldest beyond the
    /// bounds.
    fn push(&self, read: Vec<(i64, String)>) {
        let Some(newest) = read.last().map(|(id, _)| *id) else {
            return;
        };
        let mut buffer = self.buffer.write().unwrap_or_else(|p| p.into_inner());
        for (id, payload) in read {
            let event = FeedEvent::new(id, &payload);
            buffer.bytes += event.frame.len();
            buffer.events.push_back(event);
        }
        while buffer.events.len() > buffer.capacity || buffer.bytes > MAX_BYTES {
            let Some(oldest) = buffer.events.pop_front() else {
                break;
            };
            buffer.bytes -= oldest.frame.len();
            buffer.covered_from = Some(oldest.id);
        }
        drop(buffer);
        self.head.send_replace(newest);
    }

    /// The pump: reads new events after every commit (`commits` changes)
    /// and now and then, until the task is aborted.
    pub async fn run(self, pool: AnyPool, mut commits: watch::Receiver<u64>, clock: Clock) {
        // Marked seen before the first read: a commit after it wakes the pump.
        commits.borrow_and_update();
        let mut head = loop {
            match events::latest(&pool).await {
                Ok(id) => break id,
                Err(error) => {
                    tracing::warn!(%error, "could not read where the event log ends; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        };
        self.start_at(head);
        loop {
            match events::after(&pool, head, READ_AT_ONCE, clock.now_ms()).await {
                Ok(read) if !read.is_empty() => {
                    head = read.last().map_or(head, |(id, _)| *id);
                    self.push(read);
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "could not read new events; retrying");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    continue;
                }
            }
            tokio::select! {
                changed = commits.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(LOOK_EVERY) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(ids: std::ops::RangeInclusive<i64>) -> Vec<(i64, String)> {
        ids.map(|id| (id, format!("{{\"n\":{id}}}"))).collect()
    }

    fn ids(events: Option<Vec<FeedEvent>>) -> Option<Vec<i64>> {
        events.map(|events| events.into_iter().map(|event| event.id).collect())
    }

    #[test]
    fn an_event_is_sent_named_after_its_type_with_its_id() {
        let event = FeedEvent::new(7, r#"{"type":"user","profile":{"name":"Priya"}}"#);
        assert_eq!(
            &event.frame[..],
            b"id: 7\nevent: user\ndata: {\"type\":\"user\",\"profile\":{\"name\":\"Priya\"}}\n\n"
        );
        let broken = FeedEvent::new(8, "not json\nat all");
        assert_eq!(
            &broken.frame[..],
            b"id: 8\nevent: message\ndata: not json\ndata: at all\n\n"
        );
    }

    #[test]
    fn the_buffer_serves_what_it_holds_and_sends_older_readers_to_the_database() {
        let feed = EventFeed::with_capacity(5);
        assert_eq!(ids(feed.since(0, 10)), None, "not started: the database");
        feed.start_at(10);
        assert_eq!(ids(feed.since(10, 10)), Some(vec![]));
        feed.push(read(11..=13));
        assert_eq!(ids(feed.since(10, 10)), Some(vec![11, 12, 13]));
        assert_eq!(ids(feed.since(12, 10)), Some(vec![13]));
        assert_eq!(ids(feed.since(11, 1)), Some(vec![12]));
        assert_eq!(ids(feed.since(9, 10)), None, "before the pump started");
        assert_eq!(*feed.watch().borrow(), 13);

        // Beyond its capacity the oldest go; a reader behind them is sent
        // to the database, one at the edge is not.
        feed.push(read(14..=18));
        assert_eq!(ids(feed.since(13, 10)), Some(vec![14, 15, 16, 17, 18]));
        assert_eq!(ids(feed.since(12, 10)), None);
        assert_eq!(ids(feed.since(18, 10)), Some(vec![]));
    }
}
