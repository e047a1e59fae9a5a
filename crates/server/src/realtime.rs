//! Telling live streams that new events were committed. Events themselves
//! live in the database (see `store::events`), so a stream that wakes up
//! reads everything after the last id it sent, and a reconnecting client
//! resumes from its `Last-Event-ID` without missing anything.
//!
//! The hub also knows who is online: an agent with a live stream open.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handover_core::AgentId;
use tokio::sync::watch;

#[derive(Clone)]
pub struct EventHub {
    commits: watch::Sender<u64>,
    /// Open streams per agent.
    streams: Arc<Mutex<HashMap<AgentId, u32>>>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            commits: watch::channel(0).0,
            streams: Arc::default(),
        }
    }
}

/// An agent's open stream; the agent is online while one is held.
pub struct Online {
    agent: AgentId,
    streams: Arc<Mutex<HashMap<AgentId, u32>>>,
}

impl Drop for Online {
    fn drop(&mut self) {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = streams.get_mut(&self.agent) {
            *count -= 1;
            if *count == 0 {
                streams.remove(&self.agent);
            }
        }
    }
}

impl EventHub {
    /// Call after a commit that recorded events.
    pub fn notify(&self) {
        self.commits
            .send_modify(|count| *count = count.wrapping_add(1));
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.commits.subscribe()
    }

    /// Marks `agent` online until the returned guard is dropped.
    pub fn online(&self, agent: AgentId) -> Online {
        let mut streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *streams.entry(agent).or_default() += 1;
        Online {
            agent,
            streams: self.streams.clone(),
        }
    }

    /// Whether `agent` has a live stream open.
    pub fn is_online(&self, agent: AgentId) -> bool {
        let streams = self
            .streams
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        streams.contains_key(&agent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_is_online_while_any_of_their_streams_is_open() {
        let hub = EventHub::default();
        let (asha, ravi) = (AgentId(1), AgentId(2));
        let first = hub.online(asha);
        let second = hub.online(asha);
        assert!(hub.is_online(asha));
        assert!(!hub.is_online(ravi));
        drop(first);
        assert!(hub.is_online(asha), "another tab is still open");
        drop(second);
        assert!(!hub.is_online(asha));
    }
}
