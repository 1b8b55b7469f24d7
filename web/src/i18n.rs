//! The words on screen: a language's message table fetched and installed into core's
//! [`Messages`] (both apps fetch only the language they show), the language a person chose
//! (remembered on the device, else the browser's), and the document speaking it.

use shouhou_core::i18n::{Lang, Messages};

use crate::dom::local_storage;
use crate::http::{self, HttpError};

/// The text of `key`, owned (what a screen puts into its markup).
pub fn tr(lang: Lang, key: &str) -> String {
    Messages::builtin().get(lang, key).to_string()
}

/// The text of `key` with its `{name}` placeholders filled in.
pub fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    Messages::builtin().format(lang, key, args)
}

/// The words for a value the API sends (`status` + `in_progress` → `status.in_progress`):
/// the value itself when the table has no such key.
pub fn label(lang: Lang, group: &str, value: &str) -> String {
    let key = [group, ".", value].concat();
    match Messages::builtin().get(lang, &key) {
        text if text == key => value.to_string(),
        text => text.to_string(),
    }
}

/// The other language, for the switch.
pub fn other(lang: Lang) -> Lang {
    match lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    }
}

/// Fetches and installs the table of `lang` from `{folder}/{tag}.json` (under its hashed name
/// where the page lists one), unless it is there.
pub async fn load(folder: &str, lang: Lang) -> Result<(), HttpError> {
    if Messages::has(lang) {
        return Ok(());
    }
    let text =
        http::get_text(&crate::dom::asset(&[folder, "/", lang.tag(), ".json"].concat())).await?;
    Messages::install(lang, &text).map_err(HttpError::Unreadable)
}

/// A language chosen on this device, kept in localStorage under the app's own key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Preference(pub &'static str);

impl Preference {
    /// The language chosen before, else the first the browser prefers that is spoken here.
    pub fn initial(self) -> Lang {
        if let Some(lang) = self.stored().and_then(|tag| Lang::from_tag(&tag)) {
            return lang;
        }
        let preferred: Vec<String> = web_sys::window()
            .map(|w| w.navigator().languages().iter().filter_map(|l| l.as_string()).collect())
            .unwrap_or_default();
        Lang::negotiate(preferred.iter().map(String::as_str))
    }

    pub fn remember(self, lang: Lang) {
        if let Some(storage) = local_storage() {
            // Not being able to remember the language loses nothing typed.
            let _ = storage.set_item(self.0, lang.tag());
        }
    }

    /// Forgets the choice (a kiosk's next customer starts from the device's language).
    pub fn forget(self) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(self.0);
        }
    }

    fn stored(self) -> Option<String> {
        local_storage()?.get_item(self.0).ok().flatten()
    }
}

/// The document speaks `lang` (`<html lang>`), so screen readers pronounce it so.
pub fn show_language(lang: Lang) {
    if let Some(root) =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", lang.tag());
    }
}
