//! Random identifiers for drafts and idempotency keys.
//!
//! Built from `crypto.getRandomValues`, which, unlike `crypto.randomUUID`, also exists on
//! plain-http pages such as a kiosk reaching the server by its LAN address.

/// A random (version 4) UUID.
pub fn new_uuid() -> String {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for byte in &mut bytes {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Milliseconds since the epoch, as drafts record time.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A new, empty draft with its own idempotency key.
pub fn new_draft() -> shouhou_core::Draft {
    shouhou_core::Draft::new(new_uuid(), new_uuid(), now_ms())
}

/// The customer's calendar date, in the device's time zone: warranty is judged on it.
pub fn today() -> shouhou_core::CivilDate {
    let date = js_sys::Date::new_0();
    // getTimezoneOffset is minutes *behind* UTC (Beijing: −480).
    shouhou_core::CivilDate::at(date.get_time() as i64, -(date.get_timezone_offset() as i32))
}
