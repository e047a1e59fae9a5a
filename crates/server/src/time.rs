//! Wall-clock time as stored in the database: Unix milliseconds, UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The customer-service window: 24 hours after the user's last message.
pub const WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
