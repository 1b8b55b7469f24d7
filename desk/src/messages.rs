//! The desk's message tables as the build makes them (`scripts/build-desk.sh`): the keys the
//! customer app's tables already say the same way (listed in `desk/app-messages.json`)
//! taken from `static/i18n`, then the desk's own words from `desk/static/i18n`. Tests only:
//! installs them for the tests that read words, and checks them.

use std::collections::BTreeMap;

use shouhou_core::desk::Role;
use shouhou_core::schema::{Category, Intent, Priority};
use shouhou_core::status::{EntryKind, Status};
use shouhou_core::{Lang, Messages};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn read(path: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(format!("{ROOT}/{path}")).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn from_app() -> Vec<String> {
    let text = std::fs::read_to_string(format!("{ROOT}/desk/app-messages.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The desk's table of `lang`, merged as the build merges it.
pub fn table(lang: Lang) -> BTreeMap<String, String> {
    let app = read(&format!("static/i18n/{}.json", lang.tag()));
    let mut table: BTreeMap<String, String> = from_app()
        .into_iter()
        .filter_map(|key| Some((key.clone(), app.get(&key)?.clone())))
        .collect();
    table.extend(read(&format!("desk/static/i18n/{}.json", lang.tag())));
    table
}

/// Installs both tables into core's [`Messages`] (once per test process).
pub fn installed() {
    for lang in Lang::ALL {
        let json = serde_json::to_string(&table(lang)).unwrap();
        Messages::install(lang, &json).unwrap();
    }
}

#[test]
fn both_languages_have_exactly_the_same_keys() {
    let (zh, en) = (table(Lang::ZhCn), table(Lang::En));
    assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
}

#[test]
fn every_key_taken_from_the_app_is_there_and_said_once() {
    for lang in Lang::ALL {
        let app = read(&format!("static/i18n/{}.json", lang.tag()));
        let own = read(&format!("desk/static/i18n/{}.json", lang.tag()));
        for key in from_app() {
            assert!(app.contains_key(&key), "{key} is not in static/i18n/{}.json", lang.tag());
            assert!(!own.contains_key(&key), "{key} is in both the app's and the desk's table");
        }
    }
}

#[test]
fn no_message_is_empty_and_placeholders_match() {
    let placeholders = |text: &str| {
        let mut names: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        names.sort();
        names
    };
    let (zh, en) = (table(Lang::ZhCn), table(Lang::En));
    for (key, en_text) in &en {
        let zh_text = &zh[key];
        assert!(!zh_text.trim().is_empty() && !en_text.trim().is_empty(), "{key} is empty");
        assert_eq!(placeholders(zh_text), placeholders(en_text), "{key} placeholders differ");
    }
}

#[test]
fn every_value_the_desk_labels_has_words() {
    let mut keys: Vec<String> =
        Status::ALL.iter().map(|s| format!("status.{}", s.as_str())).collect();
    keys.extend(Intent::ALL.iter().map(|i| format!("intent.{}", i.as_str())));
    keys.extend(Category::ALL.iter().map(|c| format!("category.{}", c.as_str())));
    keys.extend(Priority::ALL.iter().map(|p| format!("priority.{}", p.as_str())));
    keys.extend(
        [Role::Agent, Role::Lead, Role::Engineer].iter().map(|r| format!("role.{}", r.as_str())),
    );
    keys.extend((1..=5).map(|n| format!("satisfaction.{n}")));
    keys.extend(EntryKind::ALL.iter().map(|k| format!("kind.{}", k.as_str())));
    for lang in Lang::ALL {
        let table = table(lang);
        for key in &keys {
            assert!(table.contains_key(key), "{key} missing in the desk's {} table", lang.tag());
        }
    }
}
