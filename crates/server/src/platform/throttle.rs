//! Slowing down password guessing without letting anyone lock the owner
//! out, in bounded memory.
//!
//! - Failures are counted per account *and client address*, and per
//!   address: a guesser slows down only themselves, never the owner
//!   signing in from elsewhere. After a few free failures each next one
//!   doubles the wait (1 s, 2 s, 4 s, … up to 15 minutes).
//! - An attempt is reserved before the password is checked and counted
//!   when it is: the check and the count are one step, so a hundred
//!   guesses sent at once are not a hundred checks.
//! - The register keeps at most [`MAX_ENTRIES`] entries (the least recently
//!   seen go first) and forgets quiet ones, so no sequence of requests
//!   makes it grow without bound.
//!
//! (Password checks themselves run one at a time: see `checker`.)

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

/// Failures of one account from one address before waits begin.
pub const FREE_FAILURES_PER_ACCOUNT: u32 = 5;
/// Failures from one address, any account, before waits begin.
pub const FREE_FAILURES_PER_ADDRESS: u32 = 20;
/// The longest wait.
pub const MAX_WAIT_MS: i64 = 15 * 60 * 1000;
/// Failures are forgotten after this long without another.
pub const FORGET_AFTER_MS: i64 = 60 * 60 * 1000;
/// Entries the register keeps at most.
pub const MAX_ENTRIES: usize = 10_000;

/// What one entry counts: for an account at an address, or an address.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    failures: u32,
    /// Attempts reserved and not yet decided.
    in_flight: u32,
    blocked_until: i64,
    last_seen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String, IpAddr),
    Address(IpAddr),
}

impl Key {
    fn free_failures(&self) -> u32 {
        match self {
            Key::Account(..) => FREE_FAILURES_PER_ACCOUNT,
            Key::Address(_) => FREE_FAILURES_PER_ADDRESS,
        }
    }
}

/// Why a sign-in may not be tried now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures: wait this long.
    Wait { ms: i64 },
    /// Too many sign-ins at once: try again in a moment.
    Busy,
}

#[derive(Default)]
pub struct LoginThrottle {
    entries: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl LoginThrottle {
    pub fn new() -> Self {
        Self::default()
    }

    fn entries(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Reserves a sign-in attempt for `email` from `address` at `now`, or
    /// says why not. The reservation is decided by [`Attempt::failed`] or
    /// [`Attempt::succeeded`]; dropped undecided, it is released.
    pub fn begin(&self, email: &str, address: IpAddr, now: i64) -> Result<Attempt, Refusal> {
        let keys = [
            Key::Account(email.trim().to_lowercase(), address),
            Key::Address(address),
        ];
        let mut entries = self.entries();
        for key in &keys {
            if let Some(entry) = entries.get(key) {
                if now < entry.blocked_until {
                    return Err(Refusal::Wait {
                        ms: entry.blocked_until - now,
                    });
                }
                // While the attempts in flight could use up the free ones,
                // the next waits for their outcome.
                if entry.failures + entry.in_flight >= key.free_failures() && entry.in_flight > 0 {
                    return Err(Refusal::Wait { ms: 1_000 });
                }
            }
        }
        make_room(&mut entries, now);
        for key in &keys {
            let entry = entries.entry(key.clone()).or_default();
            if now - entry.last_seen > FORGET_AFTER_MS {
                *entry = Entry::default();
            }
            entry.in_flight += 1;
            entry.last_seen = now;
        }
        Ok(Attempt {
            keys: Some(keys),
            entries: self.entries.clone(),
        })
    }

    /// A failure of `email` from `address` counted by another server on
    /// the same database: counted here too, so a guesser spreading their
    /// guesses over the servers waits as long as on one.
    pub fn failed_elsewhere(&self, email: &str, address: IpAddr, now: i64) {
        let mut entries = self.entries();
        make_room(&mut entries, now);
        for key in [
            Key::Account(email.trim().to_lowercase(), address),
            Key::Address(address),
        ] {
            let entry = entries.entry(key.clone()).or_default();
            if now - entry.last_seen > FORGET_AFTER_MS && entry.in_flight == 0 {
                *entry = Entry::default();
            }
            count_failure(&key, entry, now);
        }
    }

    /// How many entries the register holds.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Forgets quiet entries, and when the register is full, the least
/// recently seen ones.
fn make_room(entries: &mut HashMap<Key, Entry>, now: i64) {
    if entries.len() + 2 <= MAX_ENTRIES {
        return;
    }
    entries.retain(|_, entry| entry.in_flight > 0 || now - entry.last_seen <= FORGET_AFTER_MS);
    if entries.len() + 2 > MAX_ENTRIES {
        let mut by_age: Vec<(i64, Key)> = entries
            .iter()
            .filter(|(_, entry)| entry.in_flight == 0)
            .map(|(key, entry)| (entry.last_seen, key.clone()))
            .collect();
        by_age.sort_by_key(|(seen, _)| *seen);
        let excess = entries.len() + 2 - MAX_ENTRIES + MAX_ENTRIES / 10;
        for (_, key) in by_age.into_iter().take(excess) {
            entries.remove(&key);
        }
    }
}

/// One more failure for `key`, with the wait it brings.
fn count_failure(key: &Key, entry: &mut Entry, now: i64) {
    let free = key.free_failures();
    entry.failures += 1;
    entry.last_seen = now;
    if entry.failures >= free {
        entry.blocked_until = now + wait_after(entry.failures - free + 1);
    }
}

/// A reserved sign-in attempt.
pub struct Attempt {
    keys: Option<[Key; 2]>,
    entries: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl Attempt {
    /// The password was wrong: counted, with the next wait if any.
    pub fn failed(mut self, now: i64) {
        let Some(keys) = self.keys.take() else { return };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            let entry = entries.entry(key.clone()).or_default();
            entry.in_flight = entry.in_flight.saturating_sub(1);
            count_failure(&key, entry, now);
        }
    }

    /// The password was right: this account's failures from this address
    /// are forgotten (the address' are not: one good account must not
    /// wash a guesser's record clean).
    pub fn succeeded(mut self) {
        let Some([account, address]) = self.keys.take() else {
            return;
        };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries.remove(&account);
        if let Some(entry) = entries.get_mut(&address) {
            entry.in_flight = entry.in_flight.saturating_sub(1);
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let Some(keys) = self.keys.take() else { return };
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            if let Some(entry) = entries.get_mut(&key) {
                entry.in_flight = entry.in_flight.saturating_sub(1);
            }
        }
    }
}

/// The wait after the `n`th failure past the free ones: 1 s, 2 s, 4 s, …
fn wait_after(n: u32) -> i64 {
    (1_000_i64 << n.saturating_sub(1).min(20)).min(MAX_WAIT_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> IpAddr {
        IpAddr::from([10, 0, 0, last])
    }

    #[test]
    fn waits_double_after_the_free_failures_up_to_a_limit() {
        assert_eq!(wait_after(1), 1_000);
        assert_eq!(wait_after(2), 2_000);
        assert_eq!(wait_after(5), 16_000);
        assert_eq!(wait_after(40), MAX_WAIT_MS);
    }

    #[test]
    fn a_guesser_slows_down_only_themselves() {
        let throttle = LoginThrottle::new();
        let (attacker, owner) = (ip(66), ip(1));
        for n in 0..FREE_FAILURES_PER_ACCOUNT {
            throttle
                .begin("owner@x.io", attacker, n as i64)
                .expect("free attempts")
                .failed(n as i64);
        }
        assert_eq!(
            throttle.begin("OWNER@x.io", attacker, 10).err(),
            Some(Refusal::Wait { ms: 1_000 - 6 })
        );
        // The owner, from their own address, is not held up.
        throttle
            .begin("owner@x.io", owner, 10)
            .expect("the owner signs in")
            .succeeded();
    }

    #[test]
    fn one_address_guessing_many_accounts_is_slowed_down_too() {
        let throttle = LoginThrottle::new();
        let attacker = ip(66);
        for n in 0..FREE_FAILURES_PER_ADDRESS {
            throttle
                .begin(&format!("user{n}@x.io"), attacker, 0)
                .unwrap()
                .failed(0);
        }
        assert!(matches!(
            throttle.begin("another@x.io", attacker, 1),
            Err(Refusal::Wait { .. })
        ));
        assert!(throttle.begin("another@x.io", ip(2), 1).is_ok());
    }

    #[test]
    fn attempts_in_flight_count_before_their_outcome_is_known() {
        let throttle = LoginThrottle::new();
        let attempts: Vec<_> = (0..100)
            .filter_map(|_| throttle.begin("owner@x.io", ip(66), 0).ok())
            .collect();
        assert_eq!(attempts.len(), FREE_FAILURES_PER_ACCOUNT as usize);
        drop(attempts);
        assert!(
            throttle.begin("owner@x.io", ip(66), 0).is_ok(),
            "undecided attempts are released"
        );
    }

    #[test]
    fn the_register_stays_bounded_whatever_is_sent() {
        let throttle = LoginThrottle::new();
        for n in 0..(MAX_ENTRIES * 2) {
            let email = format!("someone{n}@x.io");
            throttle
                .begin(
                    &email,
                    IpAddr::from([10, (n >> 16) as u8, (n >> 8) as u8, n as u8]),
                    n as i64,
                )
                .unwrap()
                .failed(n as i64);
        }
        assert!(throttle.len() <= MAX_ENTRIES, "{}", throttle.len());
    }

    #[test]
    fn quiet_failures_are_forgotten() {
        let throttle = LoginThrottle::new();
        for _ in 0..FREE_FAILURES_PER_ACCOUNT {
            throttle.begin("a@x.io", ip(1), 0).unwrap().failed(0);
        }
        assert!(throttle.begin("a@x.io", ip(1), 500).is_err());
        assert!(throttle
            .begin("a@x.io", ip(1), FORGET_AFTER_MS + 2_000)
            .is_ok());
    }
}
