//! The browser's clock and time zone, through JavaScript's `Date`. Only the
//! reading happens here; the formatting rules live in `format` and are
//! tested natively.

use js_sys::Date;
use wasm_bindgen::JsValue;

use crate::format;

/// Milliseconds since the epoch, now.
pub fn now_ms() -> i64 {
    Date::now() as i64
}

/// An RFC 3339 time as milliseconds, if it parses.
pub fn parse_ms(rfc3339: &str) -> Option<i64> {
    let ms = Date::parse(rfc3339);
    ms.is_finite().then_some(ms as i64)
}

/// Midnight of the viewer's day `days` after today (negative: before),
/// with that day's own offset (a change to or from summer time between
/// days is kept).
pub fn local_midnight(days: i32) -> String {
    let today = Date::new_0();
    let day = Date::new_with_year_month_day(
        today.get_full_year(),
        today.get_month() as i32,
        today.get_date() as i32 + days,
    );
    midnight_of(&day)
}

/// Midnight of the viewer's day after `date` (`YYYY-MM-DD`, as a date
/// field gives it) plus `days`; `None` for a date that does not parse.
pub fn local_midnight_after(date: &str, days: i32) -> Option<String> {
    let part = |range: std::ops::Range<usize>| date.get(range)?.parse::<i32>().ok();
    let (year, month, day) = (part(0..4)?, part(5..7)?, part(8..10)?);
    let local = Date::new_with_year_month_day(year as u32, month - 1, day + days);
    local.get_time().is_finite().then(|| midnight_of(&local))
}

/// Today's date in the viewer's time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    local_day(0)
}

/// The viewer's date `days` after today (negative: before), `YYYY-MM-DD`.
pub fn local_day(days: i32) -> String {
    local_midnight(days)[..10].to_owned()
}

fn midnight_of(date: &Date) -> String {
    format::midnight(
        date.get_full_year() as i32,
        date.get_month() + 1,
        date.get_date(),
        -(date.get_timezone_offset() as i32),
    )
}

/// `03-28-2021, 07:37 PM` in the viewer's time zone.
pub fn local_clock(rfc3339: &str) -> Option<String> {
    parse_ms(rfc3339)?;
    let date = Date::new(&JsValue::from_str(rfc3339));
    Some(format::clock(
        date.get_full_year() as i32,
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
    ))
}

/// The viewer's calendar date and time of day of an RFC 3339 time.
fn local_date(date: &Date) -> (format::LocalDate, u32, u32) {
    (
        format::LocalDate {
            year: date.get_full_year() as i32,
            month: date.get_month() + 1,
            day: date.get_date(),
            weekday: date.get_day(),
        },
        date.get_hours(),
        date.get_minutes(),
    )
}

/// When a message was sent, as a thread shows it: the separator of its
/// day (`Today`, `Yesterday`, …, as of `now_ms`), its time of day and its
/// full date and time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTime {
    pub day: String,
    pub time: String,
    pub full: String,
}

pub fn message_time(rfc3339: &str, now_ms: i64) -> Option<MessageTime> {
    parse_ms(rfc3339)?;
    let (date, hour, minute) = local_date(&Date::new(&JsValue::from_str(rfc3339)));
    let (today, _, _) = local_date(&Date::new(&JsValue::from_f64(now_ms as f64)));
    let clock = format::clock(date.year, date.month, date.day, hour, minute);
    Some(MessageTime {
        day: format::day_label(date, today),
        time: clock.split(", ").nth(1).unwrap_or_default().to_owned(),
        full: format::full_time(date, hour, minute),
    })
}
