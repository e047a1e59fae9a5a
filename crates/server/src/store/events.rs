//! The event log behind `GET /api/events`.
//!
//! A writing transaction collects what it touched in an [`EventBatch`] and
//! records it just before commit, so events exist exactly when their change
//! does; the hub is told only after the commit. The section counts are the
//! one thing counted as the log is read ([`after`]), not in the writer's
//! transaction, where every writer would wait for the count.

use std::collections::BTreeSet;

use handover_core::api::{Event, SetupPart};
use handover_core::notes::{Handover, Mention};
use handover_core::WaId;
use sqlx::{AnyConnection, AnyPool};

use super::rollups::{self, Chain, Moment, Shard};
use super::script::{self, Script};
use super::statement::Statement;
use super::{customers, messages, peers, sections, turns};
use crate::platform::db::Backend;

/// Events written by one statement at most (two values each, well within
/// SQLite's limit on a statement's values).
const INSERT_AT_ONCE: usize = 500;

/// What one transaction changed.
#[derive(Default)]
pub struct EventBatch {
    customers: BTreeSet<WaId>,
    messages: BTreeSet<i64>,
    /// Customers were added or removed in bulk (an import): only the counts
    /// are announced, not every profile.
    counts: bool,
    /// People mentioned in notes.
    mentions: Vec<Mention>,
    /// Parts of the team's setup a manager changed.
    setup: BTreeSet<SetupPart>,
    /// Chats passed to someone by a colleague.
    handovers: Vec<Handover>,
    /// Customers' quarter hours to link into the reports' chains: noted
    /// together when the batch is recorded, in a few statements for all
    /// of them rather than up to five for each.
    links: Vec<(Chain, WaId, i64)>,
    /// Rows whose figures the reports count, added together when the batch
    /// is recorded.
    figures: Vec<(Moment, i64)>,
}

impl EventBatch {
    pub fn customer(&mut self, wa_id: &WaId) {
        self.customers.insert(wa_id.clone());
    }

    pub fn message(&mut self, id: i64) {
        self.messages.insert(id);
    }

    pub fn counts(&mut self) {
        self.counts = true;
    }

    pub fn mention(&mut self, mention: Mention) {
        self.mentions.push(mention);
    }

    pub fn setup(&mut self, part: SetupPart) {
        self.setup.insert(part);
    }

    pub fn handover(&mut self, handover: Handover) {
        self.handovers.push(handover);
    }

    /// Notes, when the batch is recorded, that `wa_id` is in `chain` at
    /// `at` (ms).
    pub fn link(&mut self, chain: Chain, wa_id: &WaId, at: i64) {
        self.links.push((chain, wa_id.clone(), at));
    }

    /// Adds, when the batch is recorded, the figures row `id` makes at
    /// `moment` to the reports.
    pub fn count(&mut self, moment: Moment, id: i64) {
        self.figures.push((moment, id));
    }

    /// Adds what another part of the same transaction changed.
    pub fn merge(&mut self, other: EventBatch) {
        self.customers.extend(other.customers);
        self.messages.extend(other.messages);
        self.counts |= other.counts;
        self.mentions.extend(other.mentions);
        self.setup.extend(other.setup);
        self.handovers.extend(other.handovers);
        self.links.extend(other.links);
        self.figures.extend(other.figures);
    }

    pub fn is_empty(&self) -> bool {
        self.customers.is_empty()
            && self.messages.is_empty()
            && !self.counts
            && self.mentions.is_empty()
            && self.setup.is_empty()
            && self.handovers.is_empty()
    }

    /// Records the batch: [`EventBatch::read`], then [`ReadEvents::write`].
    /// Whether it recorded events (tell the live streams after the commit).
    pub async fn record(self, conn: &mut AnyConnection, now: i64) -> Result<bool, sqlx::Error> {
        let written = self.read(conn, now).await?.write(conn, now, None).await?;
        Ok(written.events)
    }

    /// Reads what the events will carry: the changed messages and profiles,
    /// rows the transaction holds. A transaction sharing the write turn
    /// reads them before it takes the events' turn, which then lasts only
    /// for what all transactions share (the reports' figures, the log).
    pub async fn read(self, conn: &mut AnyConnection, now: i64) -> Result<ReadEvents, sqlx::Error> {
        let mut events: Vec<Event> = Vec::new();
        if !self.messages.is_empty() {
            events.extend(
                messages::by_ids(&mut *conn, &self.messages)
                    .await?
                    .into_iter()
                    .map(|message| Event::Message {
                        message: Box::new(message),
                    }),
            );
        }
        if !self.customers.is_empty() {
            let profiles = customers::profiles(&mut *conn, &self.customers, now).await?;
            events.extend(
                profiles
                    .into_iter()
                    .map(|profile| Event::Customer { profile }),
            );
        }
        events.extend(
            self.mentions
                .into_iter()
                .map(|mention| Event::Mention { mention }),
        );
        events.extend(self.setup.into_iter().map(|part| Event::Setup { part }));
        events.extend(
            self.handovers
                .into_iter()
                .map(|handover| Event::Handover { handover }),
        );
        Ok(ReadEvents {
            links: self.links,
            figures: self.figures,
            events,
            // Only customers move between sections: a message alone (a
            // delivery tick, a reply) leaves the counts as they were.
            counts: !self.customers.is_empty() || self.counts,
        })
    }
}

/// A batch's events, read and ready to be written.
pub struct ReadEvents {
    links: Vec<(Chain, WaId, i64)>,
    figures: Vec<(Moment, i64)>,
    events: Vec<Event>,
    /// Whether the log says the section counts changed after them.
    counts: bool,
}

impl ReadEvents {
    /// Whether there is nothing to write: no event, figure or link.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && !self.counts && self.links.is_empty() && self.figures.is_empty()
    }

    /// Adds the batch's figures and chain links to the reports' rollups,
    /// then writes its events, then, when customers changed, that the
    /// section counts did (they are counted as the log is read). What it
    /// did: whether it wrote events, and whether it committed.
    ///
    /// With `turn` (Postgres, a transaction sharing the write turn), the
    /// lock that numbers events among transactions writing at once, held
    /// until commit: the rollups are added to before it (the chain links
    /// are the customers' own rows, and the counts go to rows of this
    /// connection's, in one script), then taking it, the events, telling
    /// the other servers and the commit go in one more, so that the turn is
    /// held for no round trip at all; the transaction is then committed
    /// (an empty one is left to end). SQLite, one writer at a time, binds
    /// the events.
    pub async fn write(
        self,
        conn: &mut AnyConnection,
        now: i64,
        turn: Option<i64>,
    ) -> Result<Written, sqlx::Error> {
        // Sharing the turn, the rollups are added to in rows of this
        // connection's, before the turn is taken: no other writer waits.
        let shard = match turn {
            Some(_) => Shard::shared(conn),
            None => Shard::alone(conn),
        };
        let mut linked = Vec::new();
        for chain in [Chain::Wrote, Chain::Escalated] {
            let links: Vec<(WaId, i64)> = self
                .links
                .iter()
                .filter(|(linked, _, _)| *linked == chain)
                .map(|(_, wa_id, at)| (wa_id.clone(), *at))
                .collect();
            if !links.is_empty() {
                linked.push(rollups::link_all(&mut *conn, (chain, shard), &links).await?);
            }
        }
        let mut payloads: Vec<String> = self
            .events
            .iter()
            .map(|event| serde_json::to_string(event).unwrap_or_default())
            .collect();
        if self.counts {
            payloads.push(SECTIONS_CHANGED.to_owned());
        }
        let mut rollups = Script::default();
        for linked in &linked {
            rollups.extend(linked.counting());
        }
        for moment in Moment::ALL {
            let ids: Vec<i64> = self
                .figures
                .iter()
                .filter(|(counted, _)| *counted == moment)
                .map(|(_, id)| *id)
                .collect();
            rollups.extend(rollups::adding(moment, &ids, shard));
        }
        rollups.run(&mut *conn).await?;
        for linked in linked {
            linked.finish(&mut *conn).await?;
        }
        if payloads.is_empty() {
            return Ok(Written::default());
        }
        if Backend::of(conn) == Backend::Sqlite {
            // In order, a few hundred rows per statement.
            for chunk in payloads.chunks(INSERT_AT_ONCE) {
                let mut insert = Statement::new("INSERT INTO events (payload, at) ");
                insert.values(chunk, |row, payload| {
                    row.bind(payload.as_str()).bind(now);
                });
                insert.execute(&mut *conn).await?;
            }
            return Ok(Written {
                events: true,
                committed: false,
            });
        }
        let mut script = Script::default();
        if let Some(turn) = turn {
            script.push(&turns::taking(turn));
        }
        for chunk in payloads.chunks(INSERT_AT_ONCE) {
            let rows: Vec<String> = chunk
                .iter()
                .map(|payload| format!("({}, {now})", script::dollar_text(payload)))
                .collect();
            script.push(&format!(
                "INSERT INTO events (payload, at) VALUES {}",
                rows.join(", ")
            ));
        }
        // Other servers on the database read them as soon as they commit.
        script.push(&peers::telling(peers::EVENTS));
        if turn.is_some() {
            // The commit in the same round trip: the turn is let go as soon
            // as the database has the events, not a round trip later. An
            // empty transaction follows, for the caller to end.
            script.push("COMMIT");
            script.push("BEGIN");
        }
        script.run(&mut *conn).await?;
        Ok(Written {
            events: true,
            committed: turn.is_some(),
        })
    }
}

/// What [`ReadEvents::write`] did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// It wrote events (tell the live streams after the commit).
    pub events: bool,
    /// It committed the transaction (what is left of it is empty).
    pub committed: bool,
}

/// What the log holds where the section counts changed: the counts
/// themselves are filled in as the log is read ([`after`]).
const SECTIONS_CHANGED: &str = r#"{"type":"sections"}"#;

/// Events after `after`, oldest first. Where the section counts changed,
/// the event carries the counts as of this read, `now` (one count for the
/// whole read): counting is left out of every writer's transaction, and
/// the newest counts a reader sends are never older than its newest event.
pub async fn after(
    pool: &AnyPool,
    after: i64,
    limit: u32,
    now: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let mut read: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, payload FROM events WHERE id > $1 ORDER BY id LIMIT $2")
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?;
    if read.iter().any(|(_, payload)| payload == SECTIONS_CHANGED) {
        let mut conn = pool.acquire().await?;
        let counts = sections::counts(&mut conn, now).await?;
        let counted = serde_json::to_string(&Event::Sections { counts }).unwrap_or_default();
        for (_, payload) in &mut read {
            if payload == SECTIONS_CHANGED {
                payload.clone_from(&counted);
            }
        }
    }
    Ok(read)
}

/// The id of the newest event (0 when there is none).
pub async fn latest(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    let (id,): (Option<i64>,) = sqlx::query_as("SELECT MAX(id) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(id.unwrap_or(0))
}

/// How long events are kept for clients that reconnect.
pub const KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// Drops events older than [`KEEP_MS`]; a client that was away longer
/// reloads its views instead of resuming.
pub async fn prune(conn: &mut AnyConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM events WHERE at < $1")
        .bind(now - KEEP_MS)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
