//! Times as the app shows when something was saved (the browser's clock and calendar), and
//! "today" as the site counts it: in the configuration's offset (`reply_times.time_zone`,
//! the one the server writes visits in), not the tablet's, which may be set to anywhere.

use std::cell::Cell;

use shouhou_core::Lang;
use wasm_bindgen::JsValue;

thread_local! {
    /// The site's offset from UTC in minutes, once the configuration is read.
    static SITE_OFFSET: Cell<Option<i32>> = const { Cell::new(None) };
}

/// The site's offset, from the configuration just read.
pub fn site_offset_is(minutes: i32) {
    SITE_OFFSET.with(|offset| offset.set(Some(minutes)));
}

/// The offset "today" is counted in: the site's; the tablet's until the configuration is read.
pub fn offset() -> i32 {
    SITE_OFFSET.with(Cell::get).unwrap_or_else(device_offset)
}

/// When something was saved on the tablet, in the app's language.
pub fn saved_at(lang: Lang, ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string(lang.tag(), &JsValue::UNDEFINED))
}

/// The device's offset from UTC in minutes (Beijing: 480).
fn device_offset() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}
