//! The language the desk speaks: chosen on this device (else the browser's), its message
//! table fetched before the first screen, the document marked with it, and the switch.

use shouhou_core::Lang;
use shouhou_web::i18n::{self, Preference};
use yew::prelude::*;

/// Where the desk remembers the language chosen on this device.
pub const LANGUAGE: Preference = Preference("shouhou-desk-lang");
/// Where the desk's message tables are served (`dist/desk/i18n/<lang>.json`).
pub const MESSAGES: &str = "/desk/i18n";

/// The language shown.
#[derive(Clone, PartialEq)]
pub struct LanguageHandle {
    pub lang: Lang,
    /// Its table has been fetched (or failed to be: the keys show rather than nothing).
    pub ready: bool,
    /// Changes to the other language, remembered for the next visit.
    pub switch: Callback<()>,
}

#[hook]
pub fn use_language() -> LanguageHandle {
    let lang = use_state(|| LANGUAGE.initial());
    let loaded = use_state(|| None::<Lang>);
    {
        let loaded = loaded.clone();
        use_effect_with(*lang, move |lang| {
            let lang = *lang;
            i18n::show_language(lang);
            LANGUAGE.remember(lang);
            wasm_bindgen_futures::spawn_local(async move {
                if i18n::load(MESSAGES, lang).await.is_err() {
                    // Said without the error's words: formatting them costs the download more
                    // than the console gains (the network panel has the answer).
                    web_sys::console::error_1(&"the desk's messages could not be loaded".into());
                }
                loaded.set(Some(lang));
            });
        });
    }
    let switch = {
        let lang = lang.clone();
        Callback::from(move |()| lang.set(i18n::other(*lang)))
    };
    LanguageHandle { lang: *lang, ready: *loaded == Some(*lang), switch }
}
