//! Several servers on one Postgres database behave as one: what one server
//! did that the others must act on at once reaches them by LISTEN/NOTIFY.
//!
//! - New events: every server's event pump reads the log, so a dashboard
//!   on server B sees a webhook server A handled (the log stays the source
//!   of truth; a notice only wakes the reader).
//! - Sign-outs: the signed-out session's (or agent's) streams end on every
//!   server, not only on the one that handled the sign-out.
//! - Failed sign-ins: every server counts them, so guesses spread over
//!   the servers wait as long as guesses sent to one.
//!
//! On SQLite there is one process: the same calls act on it alone.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use handover_core::AgentId;

use crate::platform::db::{Backend, Db};
use crate::platform::realtime::EventHub;
use crate::platform::throttle::LoginThrottle;
use crate::platform::time::Clock;
use crate::store::peers;

/// Whose live streams a sign-out ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignOut {
    /// One session (by its token's hash).
    Session(String),
    /// Every session of an agent.
    Agent(AgentId),
    /// Every session of an agent but the one (their new password's).
    AgentExcept(AgentId, String),
}

impl SignOut {
    fn apply(&self, events: &EventHub) {
        match self {
            SignOut::Session(hash) => events.sign_out_session(hash),
            SignOut::Agent(agent) => events.sign_out_agent(*agent),
            SignOut::AgentExcept(agent, keep) => events.sign_out_agent_except(*agent, keep),
        }
    }

    fn message(&self) -> String {
        match self {
            SignOut::Session(hash) => format!("session {hash}"),
            SignOut::Agent(agent) => format!("agent {}", agent.0),
            SignOut::AgentExcept(agent, keep) => format!("agent {} except {keep}", agent.0),
        }
    }

    fn read(message: &str) -> Option<SignOut> {
        let words: Vec<&str> = message.split(' ').collect();
        match words.as_slice() {
            ["session", hash] => Some(SignOut::Session((*hash).to_owned())),
            ["agent", id] => Some(SignOut::Agent(AgentId(id.parse().ok()?))),
            ["agent", id, "except", keep] => Some(SignOut::AgentExcept(
                AgentId(id.parse().ok()?),
                (*keep).to_owned(),
            )),
            _ => None,
        }
    }
}

/// This server among the others: what it tells them, what it hears.
#[derive(Clone)]
pub struct Peers {
    /// Tells this server's own notices (which come back) from the others'.
    id: String,
    db: Db,
    events: EventHub,
}

impl Peers {
    pub fn new(db: Db, events: EventHub) -> Self {
        let mut bytes = [0u8; 8];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        Peers {
            id: hex::encode(bytes),
            db,
            events,
        }
    }

    /// Ends the streams `which` names, here and on every other server.
    pub async fn sign_out(&self, which: SignOut) {
        which.apply(&self.events);
        if self.db.backend == Backend::Postgres {
            // Told after this server's own streams ended; should the
            // telling fail, the session is gone from the database all the
            // same and the other servers refuse its next request.
            let told = peers::tell(&self.db.pool, peers::SIGN_OUTS, &which.message()).await;
            if let Err(error) = told {
                tracing::warn!(%error, "the other servers were not told of a sign-out");
            }
        }
    }

    /// Tells the other servers that a sign-in of `email` from `address`
    /// failed (this server counted it already).
    pub async fn sign_in_failed(&self, email: &str, address: IpAddr) {
        if self.db.backend != Backend::Postgres {
            return;
        }
        let message = format!("{} {address} {}", self.id, email.trim());
        if let Err(error) = peers::tell(&self.db.pool, peers::SIGN_IN_FAILURES, &message).await {
            tracing::warn!(%error, "the other servers were not told of a failed sign-in");
        }
    }

    /// A failure another server counted: its address and e-mail.
    fn failure_of_another<'m>(&self, message: &'m str) -> Option<(IpAddr, &'m str)> {
        let (server, rest) = message.split_once(' ')?;
        let (address, email) = rest.split_once(' ')?;
        (server != self.id).then_some(())?;
        Some((address.parse().ok()?, email))
    }

    /// Listens to the other servers for as long as the server runs
    /// (Postgres only), connecting again whenever the connection drops.
    pub async fn listen(self, url: String, throttle: Arc<LoginThrottle>, clock: Clock) {
        loop {
            match peers::listen(&url).await {
                Ok(mut listener) => {
                    // Anything committed while nobody listened is in the log.
                    self.events.notify();
                    loop {
                        match listener.try_recv().await {
                            Ok(Some(notice)) => match notice.channel() {
                                peers::EVENTS => self.events.notify(),
                                peers::SIGN_OUTS => {
                                    if let Some(which) = SignOut::read(notice.payload()) {
                                        which.apply(&self.events);
                                    }
                                }
                                peers::SIGN_IN_FAILURES => {
                                    if let Some((address, email)) =
                                        self.failure_of_another(notice.payload())
                                    {
                                        throttle.failed_elsewhere(email, address, clock.now_ms());
                                    }
                                }
                                _ => {}
                            },
                            // The connection dropped; the next call connects again.
                            Ok(None) => self.events.notify(),
                            Err(error) => {
                                tracing::warn!(%error, "listening to the other servers failed");
                                break;
                            }
                        }
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "could not listen to the other servers; trying again");
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sign_out_reads_back_as_it_was_told() {
        for which in [
            SignOut::Session("ab12".into()),
            SignOut::Agent(AgentId(7)),
            SignOut::AgentExcept(AgentId(7), "cd34".into()),
        ] {
            assert_eq!(SignOut::read(&which.message()), Some(which));
        }
        assert_eq!(SignOut::read("agent seven"), None);
    }
}
