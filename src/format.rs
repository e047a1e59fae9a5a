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
/// or `None` once it has closed. Minutes are whole minutes left (a window
/// never shows more than the 24 hours it has, even when the customer's
/// clock runs a little ahead), and the last minute shows as `1m left`.
pub fn window_left(left_ms: i64) -> Option<String> {
    if left_ms <= 0 {
        return None;
    }
    let minutes = (left_ms / 60_000).clamp(1, 24 * 60);
    Some(match minutes {
        0..=59 => format!("{minutes}m left"),
        1440 => "24h left".to_owned(),
        _ => format!("{}h {:02}m left", minutes / 60, minutes % 60),
    })
}

/// How long a customer has waited in the queue: `Waiting 4m`, `Waiting 2h 05m`.
pub fn waited(elapsed_ms: i64) -> String {
    let minutes = elapsed_ms.max(0) / 60_000;
    match minutes {
        0 => "Waiting <1m".to_owned(),
        1..=59 => format!("Waiting {minutes}m"),
        60..=1439 => format!("Waiting {}h {:02}m", minutes / 60, minutes % 60),
        _ => format!("Waiting {}d {}h", minutes / 1440, minutes % 1440 / 60),
    }
}

/// The thread's "new messages" pill: how many arrived below, or (for a
/// thread opened at an older message) the way to the newest.
pub fn new_messages(unseen: usize, behind: bool) -> String {
    match (unseen, behind) {
        (0, true) => "Jump to the newest messages".to_owned(),
        (1, _) => "1 new message".to_owned(),
        (n, _) => format!("{n} new messages"),
    }
}

/// `text` cut into runs, each marked when it is one of the words searched
/// for (or starts with the last one, as the search does), case-insensitively.
pub fn highlight(text: &str, query: &str) -> Vec<(String, bool)> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let last = words.last().cloned();
    let wanted = |word: &str| {
        let word = word.to_lowercase();
        words.contains(&word)
            || last
                .as_ref()
                .is_some_and(|last| word.starts_with(last.as_str()))
    };
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut push = |text: &str, marked: bool| match runs.last_mut() {
        Some((run, was)) if *was == marked => run.push_str(text),
        _ => runs.push((text.to_owned(), marked)),
    };
    let mut word_start = None;
    for (at, c) in text.char_indices() {
        match (c.is_alphanumeric(), word_start) {
            (true, None) => word_start = Some(at),
            (false, Some(start)) => {
                push(&text[start..at], wanted(&text[start..at]));
                push(&text[at..at + c.len_utf8()], false);
                word_start = None;
            }
            (false, None) => push(&text[at..at + c.len_utf8()], false),
            (true, Some(_)) => {}
        }
    }
    if let Some(start) = word_start {
        push(&text[start..], wanted(&text[start..]));
    }
    runs
}

/// A piece of a message's text: words, or a link to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    /// What the message says, and the address it opens (always http or https).
    Link {
        text: String,
        href: String,
    },
}

/// Splits text into words and web links (`https://…`, `http://…`,
/// `www.…`). Nothing else becomes a link, so a message can never carry a
/// `javascript:` or other address. Punctuation that ends a sentence is not
/// part of the link.
pub fn linkify(text: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let start = ["https://", "http://", "www."]
            .iter()
            .filter_map(|prefix| find_link_start(rest, prefix))
            .min();
        let Some(start) = start else {
            plain.push_str(rest);
            break;
        };
        plain.push_str(&rest[..start]);
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || "<>\"".contains(c))
            .unwrap_or(candidate.len());
        let link = trim_link_end(&candidate[..end]);
        let scheme_only = ["https://", "http://", "www."].contains(&link);
        if link.is_empty() || scheme_only {
            plain.push_str(&candidate[..end.max(1)]);
            rest = &candidate[end.max(1)..];
            continue;
        }
        if !plain.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut plain)));
        }
        let href = if link.starts_with("www.") {
            format!("https://{link}")
        } else {
            link.to_owned()
        };
        pieces.push(Piece::Link {
            text: link.to_owned(),
            href,
        });
        rest = &candidate[link.len()..];
    }
    if !plain.is_empty() {
        pieces.push(Piece::Text(plain));
    }
    pieces
}

/// Where `prefix` starts a link in `text`: at the start or after a space
/// or an opening bracket, case-insensitively.
fn find_link_start(text: &str, prefix: &str) -> Option<usize> {
    let lower = text.to_ascii_lowercase();
    lower.match_indices(prefix).map(|(at, _)| at).find(|&at| {
        at == 0
            || text[..at]
                .chars()
                .next_back()
                .is_some_and(|before| before.is_whitespace() || "([{'\"".contains(before))
    })
}

/// A link without the sentence's closing punctuation, or a closing bracket
/// it did not open.
fn trim_link_end(link: &str) -> &str {
    let mut link = link;
    loop {
        let Some(last) = link.chars().next_back() else {
            return link;
        };
        let unbalanced_close = last == ')' && link.matches('(').count() < link.matches(')').count();
        if ".,!?;:'\"".contains(last) || unbalanced_close {
            link = &link[..link.len() - last.len_utf8()];
        } else {
            return link;
        }
    }
}

/// Whether the window needs attention: under an hour left.
pub fn window_urgent(left_ms: i64) -> bool {
    (1..3_600_000).contains(&left_ms)
}

/// A duration in seconds as people say it: `45 s`, `2 min 30 s`,
/// `1 h 05 min`, `2 d 3 h`; `—` for none.
pub fn duration(seconds: Option<f64>) -> String {
    let Some(seconds) = seconds else {
        return "—".to_owned();
    };
    let whole = seconds.max(0.0).round() as u64;
    match whole {
        0..=59 => format!("{whole} s"),
        60..=3599 if whole % 60 == 0 => format!("{} min", whole / 60),
        60..=3599 => format!("{} min {} s", whole / 60, whole % 60),
        3600..=86_399 => format!("{} h {:02} min", whole / 3600, whole % 3600 / 60),
        _ => format!("{} d {} h", whole / 86_400, whole % 86_400 / 3600),
    }
}

/// A share as shown: `25%`, `66.7%`; `—` when there is nothing to share.
pub fn percent(share: Option<f64>) -> String {
    match share {
        None => "—".to_owned(),
        Some(share) if share.fract() == 0.0 => format!("{share:.0}%"),
        Some(share) => format!("{share:.1}%"),
    }
}

/// Midnight of a date in an offset (minutes east of UTC), as RFC 3339:
/// `2026-11-25T00:00:00+05:30`.
pub fn midnight(year: i32, month: u32, day: u32, offset_east_minutes: i32) -> String {
    let sign = if offset_east_minutes < 0 { '-' } else { '+' };
    let offset = offset_east_minutes.unsigned_abs();
    format!(
        "{year:04}-{month:02}-{day:02}T00:00:00{sign}{:02}:{:02}",
        offset / 60,
        offset % 60
    )
}

/// `2026-11-25` → `25 Nov`, for a chart's axis.
pub fn short_day(day: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = day.get(5..7).and_then(|m| m.parse::<usize>().ok());
    let date = day.get(8..10).and_then(|d| d.parse::<u32>().ok());
    match (month, date) {
        (Some(month @ 1..=12), Some(date)) => format!("{date} {}", MONTHS[month - 1]),
        _ => day.to_owned(),
    }
}

/// `text` cut into runs, each marked when it is an `@name` mention (an `@`
/// at the start or after a space, and the name's letters, digits, `.`,
/// `_` and `-`).
pub fn mention_runs(text: &str) -> Vec<(String, bool)> {
    let mut runs: Vec<(String, bool)> = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut plain = String::new();
    let mut previous: Option<char> = None;
    while let Some((_, c)) = chars.next() {
        let starts = c == '@' && previous.is_none_or(char::is_whitespace);
        let name_follows = chars.peek().is_some_and(|(_, next)| next.is_alphanumeric());
        if starts && name_follows {
            let mut mention = String::from('@');
            while let Some(&(_, next)) = chars.peek() {
                if next.is_alphanumeric() || matches!(next, '.' | '_' | '-') {
                    mention.push(next);
                    chars.next();
                } else {
                    break;
                }
            }
            // A trailing dot or dash ends the sentence, not the name.
            let kept = mention.trim_end_matches(['.', '-', '_']).len();
            let tail = mention.split_off(kept);
            if !plain.is_empty() {
                runs.push((std::mem::take(&mut plain), false));
            }
            runs.push((mention, true));
            plain.push_str(&tail);
            previous = tail.chars().next_back().or(Some('a'));
            continue;
        }
        plain.push(c);
        previous = Some(c);
    }
    if !plain.is_empty() {
        runs.push((plain, false));
    }
    runs
}

/// A calendar date in the viewer's time zone: `month` 1–12, `weekday` 0
/// (Sunday) to 6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub weekday: u32,
}

impl LocalDate {
    /// Days since 1970-01-01 (proleptic Gregorian), so two dates subtract.
    pub fn day_number(&self) -> i64 {
        let (year, month) = match self.month {
            1 | 2 => (i64::from(self.year) - 1, i64::from(self.month) + 9),
            _ => (i64::from(self.year), i64::from(self.month) - 3),
        };
        let era = year.div_euclid(400);
        let of_era = year - era * 400;
        let of_year = (153 * month + 2) / 5 + i64::from(self.day) - 1;
        let of_era_days = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
        era * 146_097 + of_era_days - 719_468
    }
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The separator above a thread's first message of a day: `Today`,
/// `Yesterday`, the weekday within the last week, then the date (with its
/// year when it is not this year's).
pub fn day_label(date: LocalDate, today: LocalDate) -> String {
    let month = MONTH_NAMES[(date.month.clamp(1, 12) - 1) as usize];
    match today.day_number() - date.day_number() {
        0 => "Today".to_owned(),
        1 => "Yesterday".to_owned(),
        2..=6 => WEEKDAYS[(date.weekday % 7) as usize].to_owned(),
        _ if date.year == today.year => format!("{} {month}", date.day),
        _ => format!("{} {month} {}", date.day, date.year),
    }
}

/// A message's full time, on its time of day: `Monday 7 December 2026,
/// 07:37 PM`.
pub fn full_time(date: LocalDate, hour: u32, minute: u32) -> String {
    let clock = clock(date.year, date.month, date.day, hour, minute);
    let time = clock.split(", ").nth(1).unwrap_or_default();
    format!(
        "{} {} {} {}, {time}",
        WEEKDAYS[(date.weekday % 7) as usize],
        date.day,
        MONTH_NAMES[(date.month.clamp(1, 12) - 1) as usize],
        date.year
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_stand_out_from_the_words_around_them() {
        let runs = mention_runs("@asha can you check? cc @ravi.k. mail meera@shop.example");
        assert_eq!(
            runs,
            [
                ("@asha".to_owned(), true),
                (" can you check? cc ".to_owned(), false),
                ("@ravi.k".to_owned(), true),
                (". mail meera@shop.example".to_owned(), false),
            ]
        );
        assert_eq!(mention_runs("no one"), [("no one".to_owned(), false)]);
        assert_eq!(mention_runs("a @ b"), [("a @ b".to_owned(), false)]);
    }

    #[test]
    fn days_in_a_thread_read_as_people_say_them() {
        let date = |year, month, day, weekday| LocalDate {
            year,
            month,
            day,
            weekday,
        };
        let today = date(2026, 12, 7, 1);
        assert_eq!(date(1970, 1, 1, 4).day_number(), 0);
        assert_eq!(
            date(2026, 3, 1, 0).day_number() - date(2026, 2, 28, 6).day_number(),
            1
        );
        assert_eq!(day_label(today, today), "Today");
        assert_eq!(day_label(date(2026, 12, 6, 0), today), "Yesterday");
        assert_eq!(day_label(date(2026, 12, 3, 4), today), "Thursday");
        assert_eq!(day_label(date(2026, 11, 30, 1), today), "30 November");
        assert_eq!(day_label(date(2025, 12, 31, 3), today), "31 December 2025");
        // Across a new year, yesterday is still yesterday.
        assert_eq!(
            day_label(date(2026, 12, 31, 4), date(2027, 1, 1, 5)),
            "Yesterday"
        );
        assert_eq!(full_time(today, 19, 37), "Monday 7 December 2026, 07:37 PM");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(duration(None), "—");
        assert_eq!(duration(Some(0.4)), "0 s");
        assert_eq!(duration(Some(45.0)), "45 s");
        assert_eq!(duration(Some(120.0)), "2 min");
        assert_eq!(duration(Some(150.0)), "2 min 30 s");
        assert_eq!(duration(Some(3_900.0)), "1 h 05 min");
        assert_eq!(duration(Some(183_600.0)), "2 d 3 h");
    }

    #[test]
    fn shares_and_days_read_plainly() {
        assert_eq!(percent(Some(25.0)), "25%");
        assert_eq!(percent(Some(66.7)), "66.7%");
        assert_eq!(percent(None), "—");
        assert_eq!(short_day("2026-11-25"), "25 Nov");
        assert_eq!(short_day("2026-01-05"), "5 Jan");
        assert_eq!(short_day("soon"), "soon");
    }

    #[test]
    fn midnight_is_written_with_its_offset() {
        assert_eq!(midnight(2026, 11, 25, 330), "2026-11-25T00:00:00+05:30");
        assert_eq!(midnight(2026, 3, 8, -300), "2026-03-08T00:00:00-05:00");
        assert_eq!(midnight(2026, 1, 1, 0), "2026-01-01T00:00:00+00:00");
    }

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
        // A fresh window, even with the customer's clock a little ahead.
        assert_eq!(window_left(24 * 60 * minute).as_deref(), Some("24h left"));
        assert_eq!(
            window_left(24 * 60 * minute + 40_000).as_deref(),
            Some("24h left")
        );
        assert_eq!(
            window_left(24 * 60 * minute - 20_000).as_deref(),
            Some("23h 59m left")
        );
        assert!(window_urgent(59 * minute));
        assert!(!window_urgent(61 * minute));
        assert!(!window_urgent(0));
    }

    #[test]
    fn a_wait_reads_in_minutes_then_hours_then_days() {
        let minute = 60_000;
        assert_eq!(waited(20_000), "Waiting <1m");
        assert_eq!(waited(12 * minute), "Waiting 12m");
        assert_eq!(waited(125 * minute), "Waiting 2h 05m");
        assert_eq!(waited(26 * 60 * minute), "Waiting 1d 2h");
    }

    #[test]
    fn the_pill_counts_new_messages_or_leads_to_the_newest() {
        assert_eq!(new_messages(1, false), "1 new message");
        assert_eq!(new_messages(3, false), "3 new messages");
        assert_eq!(new_messages(0, true), "Jump to the newest messages");
        assert_eq!(new_messages(2, true), "2 new messages");
    }

    #[test]
    fn searched_words_are_marked_in_a_snippet() {
        let runs = highlight("My parcel came with a Crushed box…", "crushed bo");
        let marked: Vec<&str> = runs
            .iter()
            .filter(|(_, marked)| *marked)
            .map(|(text, _)| text.as_str())
            .collect();
        assert_eq!(marked, ["Crushed", "box"]);
        let whole: String = runs.into_iter().map(|(text, _)| text).collect();
        assert_eq!(whole, "My parcel came with a Crushed box…");
        assert!(highlight("nothing here", "xyz")
            .iter()
            .all(|(_, marked)| !marked));
    }

    fn link(text: &str, href: &str) -> Piece {
        Piece::Link {
            text: text.into(),
            href: href.into(),
        }
    }

    fn words(text: &str) -> Piece {
        Piece::Text(text.into())
    }

    #[test]
    fn web_links_in_a_message_become_links_and_nothing_else_does() {
        assert_eq!(
            linkify("Track it at https://shop.example/track?id=7. Thanks!"),
            [
                words("Track it at "),
                link(
                    "https://shop.example/track?id=7",
                    "https://shop.example/track?id=7"
                ),
                words(". Thanks!")
            ]
        );
        assert_eq!(
            linkify("see www.example.com, or (http://a.example/x_(y))"),
            [
                words("see "),
                link("www.example.com", "https://www.example.com"),
                words(", or ("),
                link("http://a.example/x_(y)", "http://a.example/x_(y)"),
                words(")")
            ]
        );
        for inert in [
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "mailto:a@b.c",
            "https://",
            "nothttps://x.example",
            "plain words",
        ] {
            assert!(
                linkify(inert)
                    .iter()
                    .all(|piece| matches!(piece, Piece::Text(_))),
                "{inert}: {:?}",
                linkify(inert)
            );
            let joined: String = linkify(inert)
                .into_iter()
                .map(|piece| match piece {
                    Piece::Text(text) => text,
                    Piece::Link { text, .. } => text,
                })
                .collect();
            assert_eq!(joined, inert, "no text is lost");
        }
        assert_eq!(linkify(""), []);
        assert_eq!(
            linkify("HTTPS://Shop.Example/A"),
            [link("HTTPS://Shop.Example/A", "HTTPS://Shop.Example/A")]
        );
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
