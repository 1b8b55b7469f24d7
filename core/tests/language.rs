//! How the product speaks: error messages never carry the "(optional)" marker (it is shown
//! beside a label, not part of it), choices say 请选择 and text fields 请填写, and the words
//! kept in one form here are not mixed with their alternatives, in every text anyone reads: the
//! app's, the server's and the desk's message tables and every flow. Add a term to the lists when
//! the team settles on one.

use std::collections::BTreeMap;

use shouhou_core::validate::{ErrorCode, FieldError};
use shouhou_core::{Field, FieldKind, Lang};

fn table(file: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../static/i18n/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every text customers or staff read, as (where, language tag, text): the app's, the
/// server's and the desk's message tables, and every text of every troubleshooting flow.
fn every_text() -> Vec<(String, &'static str, String)> {
    let root = format!("{}/..", env!("CARGO_MANIFEST_DIR"));
    let mut texts = Vec::new();
    for dir in ["static/i18n", "server/i18n", "desk/static/i18n"] {
        for tag in ["zh-CN", "en"] {
            let path = format!("{root}/{dir}/{tag}.json");
            let table: BTreeMap<String, String> =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            texts.extend(
                table.into_iter().map(|(key, text)| (format!("{dir}/{tag}.json {key}"), tag, text)),
            );
        }
    }
    let mut flows: Vec<_> = std::fs::read_dir(format!("{root}/static/flows"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    flows.sort();
    assert!(flows.len() >= 7, "the flows were not found: {flows:?}");
    for path in flows {
        let flow: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        flow_texts(&flow, &format!("static/flows/{name}"), &mut texts);
    }
    texts
}

/// The texts of a flow: every object with a `zh-CN` or an `en` string, wherever it is, named
/// by its place in the file (`nodes[what].text`).
fn flow_texts(
    value: &serde_json::Value,
    at: &str,
    texts: &mut Vec<(String, &'static str, String)>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for tag in ["zh-CN", "en"] {
                if let Some(serde_json::Value::String(text)) = map.get(tag) {
                    texts.push((at.to_string(), tag, text.clone()));
                }
            }
            for (key, inner) in map {
                let sep = if at.ends_with(".json") { " " } else { "." };
                flow_texts(inner, &format!("{at}{sep}{key}"), texts);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(|id| id.as_str()).map(str::to_string);
                flow_texts(item, &format!("{at}[{}]", id.unwrap_or(index.to_string())), texts);
            }
        }
        _ => {}
    }
}

/// Customer-facing Chinese: (the term not to use, the one to use instead).
const ZH_MIXED: &[(&str, &str)] = &[
    ("请求", "服务申请"),
    ("本设备", "本机"),
    ("加减速时间", "延长加/减速时间"),
    ("锁匠", "开锁师傅"),
    ("水迹", "水渍"),
];

/// English: (the wording not to use, the one to use instead).
const EN_MIXED: &[(&str, &str)] = &[
    ("by itself", "automatically"),
    ("(s)", "a count after a colon, no plural in brackets"),
    ("shrunk", "resized"),
    ("Not fixed", "That didn't fix it"),
    ("’", "one kind of apostrophe: '"),
];

#[test]
fn error_messages_never_carry_the_optional_marker() {
    let mut found = Vec::new();
    for lang in Lang::ALL {
        for &field in Field::ALL {
            for &code in ErrorCode::ALL {
                let code = ErrorCode::example(code).unwrap();
                let message = FieldError { field, code }.message(lang);
                if message.contains("选填") || message.to_lowercase().contains("optional") {
                    found.push(message);
                }
            }
        }
    }
    assert!(found.is_empty(), "messages with the optional marker:\n{}", found.join("\n"));
}

#[test]
fn choices_are_chosen_and_text_is_filled_in() {
    for &field in Field::ALL {
        let message = FieldError { field, code: ErrorCode::Required }.message(Lang::ZhCn);
        match field.kind() {
            FieldKind::Choice(_) => assert!(message.starts_with("请选择"), "{message}"),
            FieldKind::Line { .. } | FieldKind::Paragraph { .. } | FieldKind::Tel => {
                assert!(message.starts_with("请填写"), "{message}")
            }
            _ => {}
        }
    }
}

#[test]
fn one_term_for_one_thing() {
    let mut found = Vec::new();
    let texts = every_text();
    for (at, tag, text) in &texts {
        let mixed = if *tag == "zh-CN" { ZH_MIXED } else { EN_MIXED };
        for (avoid, instead) in mixed {
            if text.contains(avoid) {
                found.push(format!("{at}: {avoid:?} → {instead}: {text}"));
            }
        }
    }
    // The check reads what it should: the server's refusals and the flows' steps are in it.
    assert!(texts.iter().any(|(at, ..)| at.starts_with("server/i18n/zh-CN.json api.")));
    assert!(texts.iter().any(|(at, ..)| at.starts_with("desk/static/i18n/en.json")));
    assert!(texts
        .iter()
        .any(|(at, ..)| at.starts_with("static/flows/appliance.json nodes[what].text")));
    // A field's label is what its error messages name: the marker is shown beside it.
    for (file, marker) in [("zh-CN.json", "选填"), ("en.json", "(optional)")] {
        for (key, text) in table(file) {
            if key.starts_with("field.") && key != "field.optional" && text.contains(marker) {
                found.push(format!("{file} {key}: the optional marker in a field's label: {text}"));
            }
        }
    }
    let zh = table("zh-CN.json");
    assert_eq!(zh["resolution.replacement"], "更换配件或整机（保修）");
    assert_eq!(zh["resolution.exchange"], "换货");
    assert!(found.is_empty(), "mixed terms:\n{}", found.join("\n"));
}
