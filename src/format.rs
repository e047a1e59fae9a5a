//! Turning numbers and times into the text agents read. Plain functions with
//! native unit tests; components only call them.

/// An exact count with thousands separators: `1234567` → `"1,234,567"`.
///
/// Counters are exact in Handover, so we never abbreviate to "1.2k".
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Last Active as PRODUCT.md §2 shows it: `03-28-2021, 07:37 PM`.
/// `month` is 1–12 and `hour` 0–23, in the viewer's time zone.
pub fn clock(year: i32, month: u32, day: u32, hour: u32, minute: u32) -> String {
    let (hour12, half) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!("{month:02}-{day:02}-{year:04}, {hour12:02}:{minute:02} {half}")
}

/// How long ago, compactly: `now`, `4m`, `3h`, `2d`.
pub fn ago(elapsed_ms: i64) -> String {
    let minutes = elapsed_ms.max(0) / 60_000;
    match minutes {
        0 => "now".to_owned(),
        1..=59 => format!("{minutes}m"),
        60..=1439 => format!("{}h", minutes / 60),
        _ => format!("{}d", minutes / 1440),
    }
}

/// Time left in the customer-service window: `23h 10m left`, `45m left`,
/// or `None` once it has closed.
pub fn window_left(left_ms: i64) -> Option<String> {
    if left_ms <= 0 {
        return None;
    }
    let minutes = (left_ms + 59_999) / 60_000;
    Some(match minutes {
        0..=59 => format!("{minutes}m left"),
        _ => format!("{}h {:02}m left", minutes / 60, minutes % 60),
    })
}

/// Whether the window needs attention: under an hour left.
pub fn window_urgent(left_ms: i64) -> bool {
    (1..3_600_000).contains(&left_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_active_reads_like_the_product_spec() {
        let cases = [
            ((2021, 3, 28, 19, 37), "03-28-2021, 07:37 PM"),
            ((2021, 3, 28, 0, 5), "03-28-2021, 12:05 AM"),
            ((2021, 12, 1, 12, 0), "12-01-2021, 12:00 PM"),
            ((2026, 1, 9, 11, 59), "01-09-2026, 11:59 AM"),
            ((2026, 1, 9, 23, 59), "01-09-2026, 11:59 PM"),
        ];
        for ((year, month, day, hour, minute), expected) in cases {
            assert_eq!(clock(year, month, day, hour, minute), expected);
        }
    }

    #[test]
    fn elapsed_time_is_compact() {
        let minute = 60_000;
        let cases = [
            (-5, "now"),
            (59_999, "now"),
            (4 * minute, "4m"),
            (61 * minute, "1h"),
            (25 * 60 * minute, "1d"),
        ];
        for (elapsed, expected) in cases {
            assert_eq!(ago(elapsed), expected, "{elapsed}");
        }
    }

    #[test]
    fn the_window_counts_down_and_is_urgent_in_its_last_hour() {
        let minute = 60_000;
        assert_eq!(
            window_left(23 * 60 * minute + 10 * minute).as_deref(),
            Some("23h 10m left")
        );
        assert_eq!(window_left(45 * minute).as_deref(), Some("45m left"));
        assert_eq!(window_left(30_000).as_deref(), Some("1m left"));
        assert_eq!(window_left(0), None);
        assert!(window_urgent(59 * minute));
        assert!(!window_urgent(61 * minute));
        assert!(!window_urgent(0));
    }

    #[test]
    fn counts_are_exact_with_thousands_separators() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1_000, "1,000"),
            (12_345, "12,345"),
            (999_999, "999,999"),
            (1_234_567, "1,234,567"),
            (u64::MAX, "18,446,744,073,709,551,615"),
        ];
        for (n, expected) in cases {
            assert_eq!(count(n), expected);
        }
    }
}
