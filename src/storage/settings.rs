//! Small remembered settings in localStorage: the chosen language.

use shouhou_core::Lang;

const LANG_KEY: &str = "shouhou.lang";
/// Set by opening `/kiosk` on the device; cleared only by staff with the PIN.
const KIOSK_KEY: &str = "shouhou.kiosk";
/// The status page keeps the last answer for each reference under this prefix (not on a kiosk).
pub const REMEMBERED_STATUS_PREFIX: &str = "shouhou.status.";

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language the customer chose before, else the first the browser prefers.
pub fn initial_lang() -> Lang {
    if let Some(lang) = local_storage()
        .and_then(|s| s.get_item(LANG_KEY).ok().flatten())
        .and_then(|tag| Lang::from_tag(&tag))
    {
        return lang;
    }
    let navigator = web_sys::window().map(|w| w.navigator());
    let preferred: Vec<String> = navigator
        .map(|n| n.languages().iter().filter_map(|l| l.as_string()).collect())
        .unwrap_or_default();
    Lang::negotiate(preferred.iter().map(String::as_str))
}

pub fn remember_lang(lang: Lang) {
    if let Some(storage) = local_storage() {
        // Not being able to remember the language loses nothing typed; ignore.
        let _ = storage.set_item(LANG_KEY, lang.tag());
    }
}

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

/// Forgets the language a kiosk customer chose: the next one starts from the device's.
pub fn forget_lang() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(LANG_KEY);
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
