//! Small remembered settings in localStorage: the chosen language, kiosk mode, the hint the
//! boot script reads, and the keys other parts keep their answers under. The language and
//! kiosk mode are also cookies, so the server draws its pages in the language chosen here and
//! as a kiosk's (`server/src/customer/pages.rs` reads them).

use shouhou_core::Lang;
pub use shouhou_web::dom::local_storage;
use shouhou_web::dom::set_cookie;
use shouhou_web::i18n::Preference;

/// The language the customer chose.
pub const LANGUAGE: Preference = Preference("shouhou.lang");
const LANGUAGE_COOKIE: &str = "shouhou_lang";
/// Set when staff make the device a kiosk at `/kiosk` with the PIN; cleared only by staff with it.
const KIOSK_KEY: &str = "shouhou.kiosk";
const KIOSK_COOKIE: &str = "shouhou_kiosk";

/// Remembers the customer's language on this device, for the app and for the server's pages.
pub fn remember_language(lang: Lang) {
    LANGUAGE.remember(lang);
    set_cookie(LANGUAGE_COOKIE, Some(lang.tag()));
}

/// Forgets it (a kiosk's next customer starts from the device's language).
pub fn forget_language() {
    LANGUAGE.forget();
    set_cookie(LANGUAGE_COOKIE, None);
}
/// The status page keeps the last answer for each reference under this prefix (not on a kiosk).
pub const REMEMBERED_STATUS_PREFIX: &str = "shouhou.status.";
/// Where `static/boot.js` finds its hint of the draft's screen and whether something waits to
/// be sent: the app is then fetched at once, to resume or send it.
pub const RESUME_KEY: &str = "shouhou.resume";
/// What `static/boot.js` keeps of the customer's typing on a server-drawn screen before the app
/// arrives (`{path, values, at}`), for a reload in between; the app takes it over.
pub const EARLY_KEY: &str = "shouhou.early";

/// Whether this device is a shared kiosk.
pub fn kiosk_mode() -> bool {
    local_storage().and_then(|s| s.get_item(KIOSK_KEY).ok().flatten()).as_deref() == Some("on")
}

/// Puts the device in kiosk mode, or takes it out.
pub fn set_kiosk_mode(on: bool) {
    if let Some(storage) = local_storage() {
        let _ = if on { storage.set_item(KIOSK_KEY, "on") } else { storage.remove_item(KIOSK_KEY) };
    }
    set_cookie(KIOSK_COOKIE, on.then_some("on"));
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
