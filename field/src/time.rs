//! Times as the app shows when something was saved: the browser's clock and calendar.

use shouhou_core::Lang;
use wasm_bindgen::JsValue;

/// When something was saved on the tablet, in the app's language.
pub fn saved_at(lang: Lang, ms: u64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms as f64));
    String::from(date.to_locale_string(lang.tag(), &JsValue::UNDEFINED))
}

/// The device's offset from UTC in minutes (Beijing: 480).
pub fn device_offset() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}
