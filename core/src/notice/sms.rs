//! The body sent to the operator's SMS gateway. The usual Chinese SMS services (阿里云短信,
//! 腾讯云短信 and the like) are HTTP APIs that take a JSON body naming an approved template
//! and its parameters; the operator writes that body once, with placeholders, and every
//! text message fills it in. Placeholders are only replaced inside JSON strings, so nothing a
//! customer typed can change the body's shape.

use serde_json::Value;

/// The placeholders a body may use, each `{name}` inside a JSON string:
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("phone", "the customer's number in E.164, +8613812345678"),
    ("national_phone", "the number without +86 for a mainland number, 13812345678"),
    ("reference", "the request's reference"),
    ("link", "the status page's address, https://…/status/<reference>"),
    ("text", "the notice's sentence in the customer's language"),
    ("notice", "which notice: replied, waiting_customer, resolved, visit_scheduled, …"),
    ("template", "the gateway's template id for this notice, from `templates`"),
    ("language", "the customer's language, zh-CN or en"),
];

/// The operator's body template: any JSON object, plus optionally the gateway's template
/// id per notice (`{"body": {…}, "templates": {"replied": "SMS_1234", …}}`) for gateways
/// that have one approved template per kind of message.
#[derive(Debug, Clone, PartialEq)]
pub struct SmsTemplate {
    body: Value,
    templates: serde_json::Map<String, Value>,
}

/// The values one message fills in, by placeholder name.
pub type Values<'a> = [(&'a str, &'a str)];

impl SmsTemplate {
    /// Reads `{"body": {…}, "templates": {…}}` (or a bare body object) and checks that every
    /// placeholder it uses is known and every template id is a string.
    pub fn parse(text: &str) -> Result<SmsTemplate, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let (body, templates) = match value {
            Value::Object(mut object) if object.contains_key("body") => {
                let templates = match object.remove("templates") {
                    None => serde_json::Map::new(),
                    Some(Value::Object(templates)) => templates,
                    Some(_) => return Err("`templates` must be an object".into()),
                };
                (object.remove("body").unwrap_or(Value::Null), templates)
            }
            other => (other, serde_json::Map::new()),
        };
        if !body.is_object() {
            return Err("the body must be a JSON object".into());
        }
        if let Some((notice, _)) = templates.iter().find(|(_, id)| !id.is_string()) {
            return Err(format!("templates.{notice} must be a string"));
        }
        let mut unknown = Vec::new();
        strings(&body, &mut |text| {
            for name in placeholders_in(text) {
                if !PLACEHOLDERS.iter().any(|(known, _)| *known == name) {
                    unknown.push(name.to_string());
                }
            }
        });
        match unknown.first() {
            Some(name) => Err(format!("unknown placeholder {{{name}}}")),
            None => Ok(SmsTemplate { body, templates }),
        }
    }

    /// The template id configured for a notice, or "".
    pub fn template_for(&self, notice: &str) -> &str {
        self.templates.get(notice).and_then(Value::as_str).unwrap_or("")
    }

    /// The body with every placeholder replaced by its value ("" for one not given).
    pub fn fill(&self, values: &Values) -> Value {
        fill(&self.body, values)
    }
}

fn fill(value: &Value, values: &Values) -> Value {
    match value {
        Value::String(text) => {
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(open) = rest.find('{') {
                out.push_str(&rest[..open]);
                let after = &rest[open + 1..];
                match after.find('}').map(|close| &after[..close]).filter(|name| is_name(name)) {
                    Some(name) => {
                        out.push_str(values.iter().find(|(n, _)| *n == name).map_or("", |v| v.1));
                        rest = &after[name.len() + 1..];
                    }
                    None => {
                        out.push('{');
                        rest = after;
                    }
                }
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|item| fill(item, values)).collect()),
        Value::Object(object) => {
            Value::Object(object.iter().map(|(k, v)| (k.clone(), fill(v, values))).collect())
        }
        other => other.clone(),
    }
}

fn is_name(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

fn placeholders_in(text: &str) -> impl Iterator<Item = &str> {
    text.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}'))
        .map(|(n, _)| n)
        .filter(|n| is_name(n))
}

fn strings(value: &Value, each: &mut impl FnMut(&str)) {
    match value {
        Value::String(text) => each(text),
        Value::Array(items) => items.iter().for_each(|item| strings(item, each)),
        Value::Object(object) => object.values().for_each(|item| strings(item, each)),
        _ => {}
    }
}

/// A mainland number as Chinese gateways want it (no +86); any other as it is.
pub fn national_phone(e164: &str) -> &str {
    e164.strip_prefix("+86").unwrap_or(e164)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn placeholders_are_filled_inside_strings_only() {
        let template = SmsTemplate::parse(
            r#"{"body": {"PhoneNumbers": "{national_phone}", "SignName": "售后服务",
                         "TemplateCode": "{template}",
                         "TemplateParam": {"ref": "{reference}", "url": "{link}"},
                         "tags": ["{notice}", 7, null]},
                "templates": {"replied": "SMS_001"}}"#,
        )
        .unwrap();
        let values = [
            ("national_phone", national_phone("+8613812345678")),
            ("reference", "SR-20261127-K7Q4M2D"),
            ("link", "https://s.example/status/SR-20261127-K7Q4M2D"),
            ("notice", "replied"),
            ("template", template.template_for("replied")),
        ];
        assert_eq!(
            template.fill(&values),
            json!({"PhoneNumbers": "13812345678", "SignName": "售后服务", "TemplateCode": "SMS_001",
                   "TemplateParam": {"ref": "SR-20261127-K7Q4M2D",
                                     "url": "https://s.example/status/SR-20261127-K7Q4M2D"},
                   "tags": ["replied", 7, null]})
        );
        // A value with quotes or braces stays one string: the body keeps its shape.
        let bare = SmsTemplate::parse(r#"{"to": "{phone}", "msg": "{text} {x"}"#).unwrap();
        let filled = bare.fill(&[("phone", "+44 1\"}"), ("text", "a {reference} b")]);
        assert_eq!(filled, json!({"to": "+44 1\"}", "msg": "a {reference} b {x"}));
        assert_eq!(bare.template_for("replied"), "");
    }

    #[test]
    fn a_body_with_an_unknown_placeholder_or_not_an_object_is_refused() {
        assert_eq!(
            SmsTemplate::parse(r#"{"to": "{mobile}"}"#).unwrap_err(),
            "unknown placeholder {mobile}"
        );
        assert!(SmsTemplate::parse(r#"["{phone}"]"#).is_err());
        assert!(SmsTemplate::parse(r#"{"body": {"a": 1}, "templates": {"replied": 5}}"#).is_err());
        assert!(SmsTemplate::parse("not json").is_err());
        assert_eq!(national_phone("+442079460958"), "+442079460958");
    }
}
