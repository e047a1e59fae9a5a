//! Telling live streams that new events were committed. Events themselves
//! live in the database (see `store::events`), so a stream that wakes up
//! reads everything after the last id it sent, and a reconnecting client
//! resumes from its `Last-Event-ID` without missing anything.

use tokio::sync::watch;

#[derive(Clone)]
pub struct EventHub {
    commits: watch::Sender<u64>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            commits: watch::channel(0).0,
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
}
