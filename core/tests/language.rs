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
    ("受理编号", "服务单号"),
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

/// The uncontracted forms English is not written in (issue 20: one register, with
/// contractions). At the end of a clause ("as it is.") the long form stays.
const UNCONTRACTED: &[&str] = &[
    "do not",
    "does not",
    "did not",
    "cannot",
    "will not",
    "is not",
    "are not",
    "was not",
    "were not",
    "have not",
    "has not",
    "could not",
    "would not",
    "should not",
    "we will",
    "you will",
    "i am",
    "you are",
    "we are",
    "let us",
];

/// The words of a text, lower-cased, with what follows each (to see a clause end).
fn words(text: &str) -> Vec<(String, Option<char>)> {
    let mut found = Vec::new();
    let mut word = String::new();
    for ch in text.chars().chain(std::iter::once(' ')) {
        if ch.is_alphabetic() || ch == '\'' {
            word.extend(ch.to_lowercase());
        } else if !word.is_empty() {
            found.push((std::mem::take(&mut word), Some(ch).filter(|c| !c.is_whitespace())));
        }
    }
    found
}

#[test]
fn english_is_written_with_contractions() {
    let mut found = Vec::new();
    for (at, tag, text) in every_text().iter().filter(|(_, tag, _)| *tag == "en") {
        let words = words(text);
        for form in UNCONTRACTED {
            let parts: Vec<&str> = form.split(' ').collect();
            let hit = words.windows(parts.len()).any(|window| {
                window.iter().zip(&parts).all(|((word, _), part)| word == part)
                    && !window.last().unwrap().1.is_some_and(|c| ".,;:)!?".contains(c))
            });
            if hit {
                found.push(format!("{at} ({tag}): {form:?} in {text}"));
            }
        }
    }
    assert!(found.is_empty(), "uncontracted English:\n{}", found.join("\n"));
}

/// Whether a character is a Chinese one (CJK ideographs and their punctuation).
fn is_chinese(ch: char) -> bool {
    matches!(ch, '\u{4e00}'..='\u{9fff}' | '\u{3000}'..='\u{303f}' | '\u{ff00}'..='\u{ffef}')
}

/// Issue 20: no string mixes languages. English never carries Chinese (the language switch
/// names the other language in its own words); Chinese carries no English words — acronyms
/// and codes (AP, DHCP, SN) and `{placeholders}` are not words.
#[test]
fn no_string_mixes_languages() {
    let mut found = Vec::new();
    for (at, tag, text) in every_text() {
        if at.ends_with(" lang.switch") || at.ends_with(" lang.switch_tag") {
            continue;
        }
        if tag == "en" && text.chars().any(is_chinese) {
            found.push(format!("{at}: Chinese in English: {text}"));
        }
        if tag == "zh-CN" {
            let mut outside = String::new();
            let mut depth = 0;
            for ch in text.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ if depth == 0 => outside.push(ch),
                    _ => {}
                }
            }
            // An example e-mail address, a media type or a quoted field name is a literal,
            // not English.
            let mut unquoted = String::new();
            let mut quoted = false;
            for ch in outside.chars() {
                match ch {
                    '“' | '”' | '"' => quoted = !quoted,
                    _ if !quoted => unquoted.push(ch),
                    _ => {}
                }
            }
            let outside: String = unquoted
                .split(' ')
                .filter(|part| !part.contains('@') && !part.contains('/'))
                .collect::<Vec<_>>()
                .join(" ");
            let english = outside
                .split(|c: char| !c.is_ascii_alphabetic())
                .find(|word| word.len() >= 3 && word.chars().all(|c| c.is_ascii_lowercase()));
            if let Some(word) = english {
                found.push(format!("{at}: the English word {word:?} in Chinese: {text}"));
            }
        }
    }
    assert!(found.is_empty(), "mixed languages:\n{}", found.join("\n"));
}

/// Issue 20: the customer's browser is "此浏览器 / this browser" (本机 is the product in the
/// flows), and a rating's middle is "3 — neutral" in both apps.
#[test]
fn the_browser_is_this_browser_and_three_is_neutral() {
    let mut found = Vec::new();
    for (at, tag, text) in every_text() {
        let table = !at.starts_with("static/flows/");
        if table && tag == "zh-CN" && text.contains("本机") {
            found.push(format!("{at}: 本机 is the product, the browser is 此浏览器: {text}"));
        }
        if table && tag == "en" && text.contains("this device") {
            found.push(format!("{at}: the browser is \"this browser\": {text}"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
    let desk: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(format!(
            "{}/../desk/static/i18n/en.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(table("en.json")["status.rating.3"], "3 — neutral");
    assert_eq!(desk["satisfaction.3"], "3 — neutral");
}
