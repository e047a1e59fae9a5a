//! Telling live streams that new events were committed. Events themselves
//! live in the database (see `store::events`); the hub's [`EventFeed`]
//! reads them once per process for every stream, and a reconnecting client
//! resumes from its `Last-Event-ID` without missing anything.
//!
//! The hub also keeps the register of open streams: who is online (an
//! agent with a stream open), how many streams are open (bounded per agent
//! and in all), and which streams must end: all of them when the server
//! stops, those of a session that signed out, and those of an agent who
//! was disabled or whose password changed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use handover_core::AgentId;
use tokio::sync::watch;

use crate::platform::event_feed::EventFeed;

/// Streams one agent may have open at once (tabs, devices).
pub const STREAMS_PER_AGENT: usize = 8;

/// Why a stream ended before its client left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamEnd {
    /// The server is stopping: the client should reconnect (to it when it
    /// is back, or to another one).
    ServerStopping,
    /// The session is over (signed out, disabled, new password).
    SignedOut,
}

/// Why a stream could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TooManyStreams {
    #[error(
        "This account already has {STREAMS_PER_AGENT} dashboards open; close one and try again."
    )]
    ForAgent,
    #[error("The server has as many dashboards open as it serves; try again in a minute.")]
    InAll,
}

#[derive(Clone)]
pub struct EventHub {
    commits: watch::Sender<u64>,
    register: Arc<Mutex<Register>>,
    feed: EventFeed,
}

/// The open streams, each with the signal that ends it.
struct Register {
    next_id: u64,
    limit: usize,
    stopping: bool,
    open: HashMap<u64, OpenStream>,
}

struct OpenStream {
    agent: AgentId,
    session: String,
    end: watch::Sender<Option<StreamEnd>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self::with_limit(1_000)
    }
}

impl EventHub {
    /// A hub that serves at most `limit` streams at once.
    pub fn with_limit(limit: usize) -> Self {
        Self::with_limits(limit, EventFeed::default())
    }

    /// A hub that serves at most `limit` streams from `feed`.
    pub fn with_limits(limit: usize, feed: EventFeed) -> Self {
        Self {
            feed,
            commits: watch::channel(0).0,
            register: Arc::new(Mutex::new(Register {
                next_id: 0,
                limit,
                stopping: false,
                open: HashMap::new(),
            })),
        }
    }

    fn register(&self) -> MutexGuard<'_, Register> {
        self.register
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Call after a commit that recorded events.
    pub fn notify(&self) {
        self.commits
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    /// Changes after each commit that recorded events.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    /// The newest committed events, shared by every stream.
    pub fn feed(&self) -> &EventFeed {
        &self.feed
    }

    /// Registers a stream of `agent`'s session (the hash of its token);
    /// the agent is online while the returned ticket lives.
    pub fn open(&self, agent: AgentId, session: &str) -> Result<StreamTicket, TooManyStreams> {
        let mut register = self.register();
        let (end, ended) = watch::channel(register.stopping.then_some(StreamEnd::ServerStopping));
        if register.open.len() >= register.limit {
            return Err(TooManyStreams::InAll);
        }
        let of_agent = register.open.values().filter(|s| s.agent == agent).count();
        if of_agent >= STREAMS_PER_AGENT {
            return Err(TooManyStreams::ForAgent);
        }
        register.next_id += 1;
        let id = register.next_id;
        register.open.insert(
            id,
            OpenStream {
                agent,
                session: session.to_owned(),
                end,
            },
        );
        Ok(StreamTicket {
            id,
            ended,
            register: self.register.clone(),
        })
    }

    /// Whether `agent` has a live stream open.
    pub fn is_online(&self, agent: AgentId) -> bool {
        self.register().open.values().any(|s| s.agent == agent)
    }

    /// How many streams are open.
    pub fn open_streams(&self) -> usize {
        self.register().open.len()
    }

    /// Ends the streams of one session (it signed out).
    pub fn sign_out_session(&self, session: &str) {
        self.end_where(|stream| stream.session == session, StreamEnd::SignedOut);
    }

    /// Ends every stream of `agent` (disabled, or a new password).
    pub fn sign_out_agent(&self, agent: AgentId) {
        self.end_where(|stream| stream.agent == agent, StreamEnd::SignedOut);
    }

    /// Ends every stream of `agent` but those of the session `keep` (a new
    /// password chosen by the agent themselves, from that session).
    pub fn sign_out_agent_except(&self, agent: AgentId, keep: &str) {
        self.end_where(
            |stream| stream.agent == agent && stream.session != keep,
            StreamEnd::SignedOut,
        );
    }

    /// Ends every stream, and any opened from now on: the server stops.
    /// Whether the server is stopping (streams are refused and ended).
    pub fn is_stopping(&self) -> bool {
        self.register().stopping
    }

    pub fn stop(&self) {
        self.register().stopping = true;
        self.end_where(|_| true, StreamEnd::ServerStopping);
    }

    fn end_where(&self, which: impl Fn(&OpenStream) -> bool, why: StreamEnd) {
        for stream in self.register().open.values().filter(|s| which(s)) {
            stream.end.send_replace(Some(why));
        }
    }
}

/// An open stream's place in the register; dropping it closes the place.
pub struct StreamTicket {
    id: u64,
    ended: watch::Receiver<Option<StreamEnd>>,
    register: Arc<Mutex<Register>>,
}

impl StreamTicket {
    /// Resolves when the stream must end, with why.
    pub async fn ended(&mut self) -> StreamEnd {
        loop {
            if let Some(why) = *self.ended.borrow_and_update() {
                return why;
            }
            if self.ended.changed().await.is_err() {
                return StreamEnd::ServerStopping;
            }
        }
    }
}

impl Drop for StreamTicket {
    fn drop(&mut self) {
        let mut register = self
            .register
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        register.open.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_is_online_while_any_of_their_streams_is_open() {
        let hub = EventHub::default();
        let (asha, ravi) = (AgentId(1), AgentId(2));
        let first = hub.open(asha, "s1").unwrap();
        let second = hub.open(asha, "s2").unwrap();
        assert!(hub.is_online(asha));
        assert!(!hub.is_online(ravi));
        drop(first);
        assert!(hub.is_online(asha), "another tab is still open");
        drop(second);
        assert!(!hub.is_online(asha));
        assert_eq!(hub.open_streams(), 0);
    }

    #[test]
    fn streams_are_bounded_per_agent_and_in_all() {
        let hub = EventHub::with_limit(10);
        let asha: Vec<_> = (0..STREAMS_PER_AGENT)
            .map(|_| hub.open(AgentId(1), "s").unwrap())
            .collect();
        assert_eq!(
            hub.open(AgentId(1), "s").err(),
            Some(TooManyStreams::ForAgent)
        );
        let ravi: Vec<_> = (0..2).map(|_| hub.open(AgentId(2), "r").unwrap()).collect();
        assert_eq!(hub.open(AgentId(3), "m").err(), Some(TooManyStreams::InAll));
        drop((asha, ravi));
        assert!(hub.open(AgentId(3), "m").is_ok());
    }

    #[tokio::test]
    async fn signing_out_ends_that_session_and_a_stop_ends_every_stream() {
        let hub = EventHub::default();
        let mut phone = hub.open(AgentId(1), "phone").unwrap();
        let mut laptop = hub.open(AgentId(1), "laptop").unwrap();
        let mut ravi = hub.open(AgentId(2), "ravi").unwrap();

        hub.sign_out_session("phone");
        assert_eq!(phone.ended().await, StreamEnd::SignedOut);
        hub.sign_out_agent(AgentId(1));
        assert_eq!(laptop.ended().await, StreamEnd::SignedOut);

        hub.stop();
        assert_eq!(ravi.ended().await, StreamEnd::ServerStopping);
        let mut late = hub.open(AgentId(2), "ravi").unwrap();
        assert_eq!(late.ended().await, StreamEnd::ServerStopping);
    }
}
