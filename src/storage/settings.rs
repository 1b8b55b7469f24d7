//! Small remembered settings in localStorage: the chosen language.

use shouhou_core::Lang;

const LANG_KEY: &str = "shouhou.lang";

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The language the customer chose before, else the first the browser prefers.
pub fn initial_lang() -> Lang {
    if let Some(lang) = local_storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()).and_then(|tag| Lang::from_tag(&tag)) {
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
