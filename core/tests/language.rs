//! How the product speaks: error messages never carry the "(optional)" marker (it is shown
//! beside a label, not part of it), choices say 请选择 and text fields 请填写, and the words
//! kept in one form here are not mixed with their alternatives. Add a term to the lists when
//! the team settles on one.

use std::collections::BTreeMap;

use shouhou_core::validate::{ErrorCode, FieldError};
use shouhou_core::{Field, FieldKind, Lang};

fn table(file: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../static/i18n/{file}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
    for (file, mixed) in [("zh-CN.json", ZH_MIXED), ("en.json", EN_MIXED)] {
        for (key, text) in table(file) {
            for (avoid, instead) in mixed {
                if text.contains(avoid) {
                    found.push(format!("{file} {key}: {avoid:?} → {instead}: {text}"));
                }
            }
        }
    }
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
