//! Every user-facing string, in zh-CN and en, from one mechanism.
//!
//! The message tables live in `static/i18n/<lang>.json` (flat `key → text`, `{name}`
//! placeholders) and are compiled in: the app needs them before anything is fetched and
//! offline, and the server answers API errors in the caller's language from the same text.
//! The app fetches the one language it shows rather than carrying both (see [`Messages`]).
//! A test keeps both tables on exactly the same keys. The API's error messages live in
//! `server/i18n/<lang>.json` and are compiled in only with the `api-messages` feature (the
//! server's), so the app's download does not carry text it never shows.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Maps a language tag to a supported language: any Chinese to zh-CN, any English to en.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_', ';']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first supported language in the browser's order of preference; Chinese otherwise,
    /// the language of the after-sales teams this is built for.
    pub fn negotiate<'a>(preferences: impl IntoIterator<Item = &'a str>) -> Lang {
        preferences.into_iter().find_map(Lang::from_tag).unwrap_or(Lang::ZhCn)
    }

    /// The same, from an HTTP `Accept-Language` header (quality values honoured).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut ranked: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let tag = parts.next()?.trim();
                let quality = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                (quality > 0.0).then_some((quality, position, tag))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        Lang::negotiate(ranked.into_iter().map(|(_, _, tag)| tag))
    }
}

/// A text in every language the product speaks, as the configuration writes it (the
/// message tables hold the product's own words; this holds a company's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Localized {
    #[serde(rename = "zh-CN")]
    pub zh_cn: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh_cn,
            Lang::En => &self.en,
        }
    }
}

/// The message tables of every language: compiled in with the `builtin-messages` feature
/// (the server, the CLI, native tests), or installed at run time with [`Messages::install`]
/// (the app, which fetches only the language it shows instead of carrying both).
pub struct Messages {
    _private: (),
}

static MESSAGES: Messages = Messages { _private: () };
static ZH_CN_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();
static EN_TABLE: OnceLock<HashMap<String, String>> = OnceLock::new();

fn slot(lang: Lang) -> &'static OnceLock<HashMap<String, String>> {
    match lang {
        Lang::ZhCn => &ZH_CN_TABLE,
        Lang::En => &EN_TABLE,
    }
}

#[cfg(feature = "builtin-messages")]
fn builtin_table(lang: Lang) -> HashMap<String, String> {
    let (ui, file) = match lang {
        Lang::ZhCn => (include_str!("../../static/i18n/zh-CN.json"), "zh-CN.json"),
        Lang::En => (include_str!("../../static/i18n/en.json"), "en.json"),
    };
    #[allow(unused_mut)]
    let mut table: HashMap<String, String> = serde_json::from_str(ui)
        .unwrap_or_else(|e| panic!("static/i18n/{file} is not a flat JSON object: {e}"));
    #[cfg(feature = "api-messages")]
    {
        let api = match lang {
            Lang::ZhCn => include_str!("../../server/i18n/zh-CN.json"),
            Lang::En => include_str!("../../server/i18n/en.json"),
        };
        table.extend(
            serde_json::from_str::<HashMap<String, String>>(api)
                .unwrap_or_else(|e| panic!("server/i18n/{file} is not a flat JSON object: {e}")),
        );
    }
    table
}

impl Messages {
    /// The tables: compiled in, or as installed so far.
    pub fn builtin() -> &'static Messages {
        #[cfg(feature = "builtin-messages")]
        for lang in Lang::ALL {
            slot(lang).get_or_init(|| builtin_table(lang));
        }
        &MESSAGES
    }

    /// Installs a language's table from the text of `static/i18n/<lang>.json`. A language
    /// already installed keeps its table.
    pub fn install(lang: Lang, json: &str) -> Result<(), String> {
        if slot(lang).get().is_some() {
            return Ok(());
        }
        let table: HashMap<String, String> =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        let _ = slot(lang).set(table);
        Ok(())
    }

    /// Whether `lang` can be shown.
    pub fn has(lang: Lang) -> bool {
        Messages::builtin();
        slot(lang).get().is_some()
    }

    /// The text for `key`; the key itself if a table lacks it, so a gap shows instead of
    /// crashing (the key-parity test keeps that from shipping).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        slot(lang).get().and_then(|table| table.get(key)).map_or(key, String::as_str)
    }

    /// The text with `{name}` placeholders filled in.
    pub fn format(&self, lang: Lang, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.get(lang, key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    pub fn keys(&self, lang: Lang) -> Vec<&str> {
        let mut keys: Vec<&str> =
            slot(lang).get().map(|t| t.keys().map(String::as_str).collect()).unwrap_or_default();
        keys.sort_unstable();
        keys
    }
}

/// Shorthand for the built-in text of `key`.
pub fn t(lang: Lang, key: &str) -> &str {
    Messages::builtin().get(lang, key)
}

#[cfg(all(test, feature = "builtin-messages"))]
mod tests {
    use super::*;
    use crate::schema::{Category, Field, Intent, Priority};
    use crate::validate::ErrorCode;

    #[test]
    fn both_languages_have_exactly_the_same_keys() {
        let messages = Messages::builtin();
        assert_eq!(messages.keys(Lang::ZhCn), messages.keys(Lang::En));
    }

    #[test]
    fn no_message_is_empty_and_placeholders_match() {
        let messages = Messages::builtin();
        let placeholders = |text: &str| {
            let mut names: Vec<String> = text
                .split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect();
            names.sort();
            names
        };
        for key in messages.keys(Lang::En) {
            let (zh, en) = (messages.get(Lang::ZhCn, key), messages.get(Lang::En, key));
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key} is empty");
            assert_eq!(placeholders(zh), placeholders(en), "{key} placeholders differ");
        }
    }

    #[test]
    fn every_domain_value_has_a_message() {
        let messages = Messages::builtin();
        let mut keys: Vec<String> =
            Intent::ALL.iter().map(|i| format!("intent.{}", i.as_str())).collect();
        keys.extend(Field::ALL.iter().map(|f| format!("field.{}", f.name())));
        keys.extend(Category::ALL.iter().map(|c| format!("category.{}", c.as_str())));
        keys.extend(Priority::ALL.iter().map(|p| format!("priority.{}", p.as_str())));
        keys.extend(crate::flow::STEP_ANSWERS.iter().map(|a| format!("flow.answer.{a}")));
        keys.extend(ErrorCode::ALL.iter().map(|code| format!("error.{code}")));
        for lang in Lang::ALL {
            for key in &keys {
                assert_ne!(
                    messages.get(lang, key),
                    key.as_str(),
                    "{key} missing in {}",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn language_negotiation() {
        assert_eq!(Lang::negotiate(["fr-FR", "en-GB", "zh-CN"]), Lang::En);
        assert_eq!(Lang::negotiate(["zh-TW", "en"]), Lang::ZhCn);
        assert_eq!(Lang::negotiate(["de"]), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9,zh-CN;q=0.8"), Lang::En);
        assert_eq!(Lang::from_accept_language("en;q=0.5, zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_accept_language(""), Lang::ZhCn);
    }

    #[test]
    fn placeholders_are_filled() {
        let messages = Messages::builtin();
        let text = messages.format(
            Lang::En,
            "error.too_long",
            &[("max", "100".into()), ("field", "Name".into())],
        );
        assert!(text.contains("100") && !text.contains('{'), "{text}");
    }
}
