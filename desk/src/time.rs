//! Times as the desk shows and sends them, through the browser's own clock and calendar.

use js_sys::Date;
use shouhou_core::i18n::Lang;
use wasm_bindgen::JsValue;

/// An RFC 3339 time in the browser's time zone and the desk's language.
pub fn show(lang: Lang, rfc3339: &str) -> String {
    let date = Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    let options = js_sys::Object::new();
    for (key, value) in [
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
    ] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    String::from(date.to_locale_string(lang.tag(), &options))
}

/// A day (`YYYY-MM-DD`) as a column of the dispatch board heads it: its weekday, month and
/// day in the desk's language ("12月8日周二", "Tue, 12/8").
pub fn day_label(lang: Lang, day: &str) -> String {
    // Noon, read in the browser's zone: the same calendar day whatever the zone.
    let date = Date::new(&JsValue::from_str(&[day, "T12:00"].concat()));
    if date.get_time().is_nan() {
        return day.to_string();
    }
    let options = js_sys::Object::new();
    for (key, value) in [("weekday", "short"), ("month", "numeric"), ("day", "numeric")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    String::from(date.to_locale_date_string(lang.tag(), &options))
}

/// A `datetime-local` value (the browser's time zone) as RFC 3339 in UTC.
pub fn local_input_to_rfc3339(value: &str) -> Option<String> {
    let date = Date::new(&JsValue::from_str(value));
    (!date.get_time().is_nan()).then(|| String::from(date.to_iso_string()))
}

fn ymd(date: &Date) -> String {
    format!("{:04}-{:02}-{:02}", date.get_full_year(), date.get_month() + 1, date.get_date())
}

/// Today, `YYYY-MM-DD`, on the browser's calendar.
pub fn today() -> String {
    ymd(&Date::new_0())
}

/// The first day of this month, `YYYY-MM-DD`.
pub fn month_start() -> String {
    let now = Date::new_0();
    format!("{:04}-{:02}-01", now.get_full_year(), now.get_month() + 1)
}

/// The time now, `HH:MM:SS`.
pub fn clock(lang: Lang) -> String {
    String::from(Date::new_0().to_locale_time_string(lang.tag()))
}
