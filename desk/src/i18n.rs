//! The desk's own message tables (`desk/static/i18n/<lang>.json`), installed at run time
//! into core's [`Messages`], with the same `{name}` placeholders.

use shouhou_core::i18n::{Lang, Messages};

pub fn tr(lang: Lang, key: &str) -> String {
    Messages::builtin().get(lang, key).to_string()
}

pub fn trf(lang: Lang, key: &str, args: &[(&str, String)]) -> String {
    Messages::builtin().format(lang, key, args)
}

/// A label for an API value (`status.in_progress`, `intent.repair`, …): the value itself when
/// the table has no such key.
pub fn label(lang: Lang, group: &str, value: &str) -> String {
    let key = format!("{group}.{value}");
    let text = Messages::builtin().get(lang, &key);
    if text == key {
        value.to_string()
    } else {
        text.to_string()
    }
}

/// Fetches and installs the table of `lang` (once).
pub async fn load(lang: Lang) -> Result<(), String> {
    if Messages::has(lang) {
        return Ok(());
    }
    let response = gloo_net::http::Request::get(&format!("/desk/i18n/{}.json", lang.tag()))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("{}", response.status()));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    Messages::install(lang, &text)
}

const STORAGE_KEY: &str = "shouhou-desk-lang";

/// The language chosen earlier on this device, else the browser's.
pub fn initial() -> Lang {
    let window = web_sys::window().expect("a window");
    if let Some(tag) =
        window.local_storage().ok().flatten().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
    {
        if let Some(lang) = Lang::from_tag(&tag) {
            return lang;
        }
    }
    let languages = window.navigator().languages();
    let tags: Vec<String> = languages.iter().filter_map(|v| v.as_string()).collect();
    Lang::negotiate(tags.iter().map(String::as_str))
}

pub fn remember(lang: Lang) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(STORAGE_KEY, lang.tag());
    }
}
