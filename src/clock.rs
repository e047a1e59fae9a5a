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
