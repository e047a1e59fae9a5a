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

/// `"2021-03-29T19:37:00Z"`, `"…T19:37:00.250+05:30"` → milliseconds since
/// the epoch; `None` for anything else (a date alone, no offset, a 25th hour).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    parse_written(text).map(|written| written.at_ms)
}

/// A time as it was written: the instant, its offset from UTC and its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub at_ms: i64,
    pub offset_ms: i64,
    /// (year, month, day) in that offset.
    pub date: (i64, i64, i64),
}

/// [`parse_rfc3339`], keeping the offset and the date the text names.
pub fn parse_written(text: &str) -> Option<Written> {
    let bytes = text.as_bytes();
    let number = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if day < 1 || day > days_in_month || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut rest = 19;
    let mut millis = 0;
    if bytes[rest] == b'.' {
        let digits = bytes[rest + 1..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        let fraction = text.get(rest + 1..rest + 1 + digits.min(3))?;
        millis = fraction.parse::<i64>().ok()? * 10_i64.pow(3 - digits.min(3) as u32);
        rest += 1 + digits;
    }
    let offset_minutes = match text.get(rest..)? {
        "Z" | "z" => 0,
        zone if zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':' =>
        {
            let hours = number(rest + 1..rest + 3)?;
            let minutes = number(rest + 4..rest + 6)?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (hours * 60 + minutes)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(Written {
        at_ms: seconds * 1000 + millis,
        offset_ms: offset_minutes * 60_000,
        date: (year, month, day),
    })
}

/// (year, month, day), proleptic Gregorian → days since 1970-01-01
/// (Howard Hinnant's `days_from_civil`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
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
    fn rfc3339_times_parse_with_their_offset_and_round_trip() {
        assert_eq!(
            parse_rfc3339("2021-03-29T19:37:00Z"),
            Some(1_617_046_620_000)
        );
        assert_eq!(
            parse_rfc3339("2021-03-30T01:07:00.250+05:30"),
            Some(1_617_046_620_250)
        );
        assert_eq!(
            parse_rfc3339("2021-03-29T14:37:00-05:00"),
            Some(1_617_046_620_000)
        );
        assert_eq!(parse_rfc3339("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(
            parse_rfc3339("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
        for ms in [0, 1_617_046_620_250, 1_795_600_800_000, 4_102_444_799_999] {
            assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        }
        for bad in [
            "",
            "2021-03-29",
            "2021-03-29T19:37:00",
            "2021-02-29T00:00:00Z",
            "2021-13-01T00:00:00Z",
            "2021-03-29T24:00:00Z",
            "2021-03-29 19:37:00Z",
            "2021-03-29T19:37:00.Z",
            "2021-03-29T19:37:00+0530",
            "２０２１-03-29T19:37:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }

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
