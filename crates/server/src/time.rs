//! Wall-clock time as stored in the database (Unix milliseconds, UTC) and as
//! shown in the API (RFC 3339). The clock is injectable so tests can move it.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// The customer-service window: 24 hours after the user's last message.
pub const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The application's clock: the system's, or a fixed one tests move.
#[derive(Clone, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
}

impl Clock {
    pub fn system() -> Self {
        Self { fixed: None }
    }

    /// A clock that stays at `at_ms` until moved with [`Clock::set`].
    pub fn fixed(at_ms: i64) -> Self {
        Self {
            fixed: Some(Arc::new(AtomicI64::new(at_ms))),
        }
    }

    pub fn now_ms(&self) -> i64 {
        match &self.fixed {
            Some(at) => at.load(Ordering::SeqCst),
            None => now_ms(),
        }
    }

    /// Moves a fixed clock; does nothing to the system clock.
    pub fn set(&self, at_ms: i64) {
        if let Some(at) = &self.fixed {
            at.store(at_ms, Ordering::SeqCst);
        }
    }
}

/// `1617046620000` → `"2021-03-29T19:37:00Z"` (milliseconds kept when not zero).
pub fn rfc3339(ms: i64) -> String {
    let seconds = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let (hour, minute, second) = (of_day / 3600, of_day % 3600 / 60, of_day % 60);
    if millis == 0 {
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z")
    } else {
        format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}.{millis:03}Z")
    }
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_milliseconds_format_as_rfc3339_utc() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (1_617_046_620_000, "2021-03-29T19:37:00Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (1_709_164_800_123, "2024-02-29T00:00:00.123Z"),
            (4_102_444_799_000, "2099-12-31T23:59:59Z"),
            (-1_000, "1969-12-31T23:59:59Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(rfc3339(ms), expected, "{ms}");
        }
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let clock = Clock::fixed(1_000);
        assert_eq!(clock.now_ms(), 1_000);
        clock.set(5_000);
        assert_eq!(clock.clone().now_ms(), 5_000);
    }
}
