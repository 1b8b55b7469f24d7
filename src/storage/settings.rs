//! Small remembered settings in localStorage: the chosen language, kiosk mode, the early
//! first screen's hint, and the keys other parts keep their answers under.

pub use shouhou_web::dom::local_storage;
use shouhou_web::i18n::Preference;

/// The language the customer chose (`static/boot.js` reads it too).
pub const LANGUAGE: Preference = Preference("shouhou.lang");
/// Set by opening `/kiosk` on the device; cleared only by staff with the PIN.
const KIOSK_KEY: &str = "shouhou.kiosk";
/// The status page keeps the last answer for each reference under this prefix (not on a kiosk).
pub const REMEMBERED_STATUS_PREFIX: &str = "shouhou.status.";
/// Where `static/boot.js` finds its hint of the draft's screen and start choices, so the
/// early first screen shows only when the app would show the start step, as the app would.
pub const RESUME_KEY: &str = "shouhou.resume";

/// Whether this device is a shared kiosk.
pub fn kiosk_mode() -> bool {
    local_storage().and_then(|s| s.get_item(KIOSK_KEY).ok().flatten()).as_deref() == Some("on")
}

/// Puts the device in kiosk mode, or takes it out.
pub fn set_kiosk_mode(on: bool) {
    if let Some(storage) = local_storage() {
        let _ = if on { storage.set_item(KIOSK_KEY, "on") } else { storage.remove_item(KIOSK_KEY) };
    }
}

/// Asks for persistent storage (`navigator.storage.persist()`); true when granted, or when
/// the browser has no such notion. Drafts are saved either way: this only decides whether
/// the customer is warned that the browser may evict them.
pub async fn request_persistence() -> bool {
    let Some(storage) = web_sys::window().map(|w| w.navigator().storage()) else { return true };
    let ask = |promise: Result<js_sys::Promise, wasm_bindgen::JsValue>| async move {
        match promise {
            Ok(promise) => {
                wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_bool())
            }
            Err(_) => None,
        }
    };
    if ask(storage.persisted()).await == Some(true) {
        return true;
    }
    ask(storage.persist()).await.unwrap_or(true)
}
