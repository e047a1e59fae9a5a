//! Slowing down password guessing: after a few failed sign-ins for one
//! e-mail, further attempts are refused for a while.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed within the window before sign-ins are refused.
pub const MAX_FAILURES: u32 = 5;
/// How long failures are remembered, and how long the lock lasts.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, (u32, i64)>>,
}

impl LoginThrottle {
    /// `Some(ms)` to wait when this e-mail is locked out at `now`.
    pub fn locked_for(&self, email: &str, now: i64) -> Option<i64> {
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let (count, first) = failures.get(&email.to_lowercase()).copied()?;
        let until = first + WINDOW_MS;
        (count >= MAX_FAILURES && now < until).then_some(until - now)
    }

    pub fn failed(&self, email: &str, now: i64) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let entry = failures.entry(email.to_lowercase()).or_insert((0, now));
        if now >= entry.1 + WINDOW_MS {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    pub fn succeeded(&self, email: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        failures.remove(&email.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_the_account_for_the_rest_of_the_window() {
        let throttle = LoginThrottle::default();
        for attempt in 0..MAX_FAILURES {
            assert_eq!(throttle.locked_for("A@x.io", attempt as i64), None);
            throttle.failed("a@X.io", attempt as i64);
        }
        assert_eq!(throttle.locked_for("a@x.io", 10), Some(WINDOW_MS - 10));
        assert_eq!(throttle.locked_for("other@x.io", 10), None);
        assert_eq!(throttle.locked_for("a@x.io", WINDOW_MS), None);
    }

    #[test]
    fn a_success_forgets_earlier_failures() {
        let throttle = LoginThrottle::default();
        for _ in 0..MAX_FAILURES - 1 {
            throttle.failed("a@x.io", 0);
        }
        throttle.succeeded("a@x.io");
        throttle.failed("a@x.io", 1);
        assert_eq!(throttle.locked_for("a@x.io", 2), None);
    }
}
