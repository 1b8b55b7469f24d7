//! What a request looks like to a backend that is not Shouhou's own: the generic JSON
//! webhook (fields placed at configured paths) and the classic multipart form handler.
//! The app only performs the POST; which field goes where is decided here.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::schema::{Field, RequestFields};

/// Which kind of backend receives requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Adapter {
    /// Shouhou's own intake server.
    Shouhou,
    /// Any endpoint taking JSON: fields placed at the paths `mapping` names.
    Webhook,
    /// A classic form handler: one `multipart/form-data` POST, photos as files.
    Multipart,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Backend {
    pub adapter: Adapter,
    /// For `shouhou`, the API base (`/api/v1`); for the others, the URL posted to.
    pub url: String,
    /// Sent with every request (an API token, a tenant id).
    #[serde(default)]
    pub headers: std::collections::BTreeMap<String, String>,
    /// Schema field name (or `troubleshooting`, `photos`, `idempotency_key`) → where it goes:
    /// a dotted JSON path for `webhook` (`customer.name`), a form field name for `multipart`.
    /// Empty: every field under its own name. Otherwise only the fields listed are sent.
    #[serde(default)]
    pub mapping: std::collections::BTreeMap<String, String>,
    /// Where the target's answer (JSON) holds its own reference for the request, e.g.
    /// `ticket.id`; without one the customer is given the request's key.
    #[serde(default)]
    pub reference_path: Option<String>,
}

/// Names a mapping may use besides the schema's text fields.
const EXTRA_SOURCES: [&str; 3] = ["troubleshooting", "photos", "idempotency_key"];

/// Refuses a mapping a request could not be sent with: an unknown source field, an empty or
/// malformed path, or two fields sent to the same place.
pub fn check_mapping(backend: &Backend) -> Result<(), String> {
    let mut targets: Vec<&str> = Vec::new();
    for (source, target) in &backend.mapping {
        if Field::parse(source).is_none() && !EXTRA_SOURCES.contains(&source.as_str()) {
            return Err(format!("backend.mapping: {source:?} is not a request field"));
        }
        if target.is_empty() || target.split('.').any(|segment| segment.trim().is_empty()) {
            return Err(format!("backend.mapping: {source:?} maps to an empty path {target:?}"));
        }
        targets.push(target);
    }
    targets.sort_unstable();
    // `a` and `a.b` cannot both hold a value.
    if let Some(pair) =
        targets.windows(2).find(|p| p[0] == p[1] || p[1].starts_with(&format!("{}.", p[0])))
    {
        return Err(format!("backend.mapping: {:?} and {:?} collide", pair[0], pair[1]));
    }
    Ok(())
}

/// One value to send: already JSON text (`raw`) or a plain string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Json(String),
}

/// The request's values under their target names: every filled-in text field, the
/// transcript as JSON, the idempotency key; photos are the caller's (they are bytes).
/// A mapping, when given, renames and selects.
pub fn outgoing(
    fields: &RequestFields,
    idempotency_key: &str,
    backend: &Backend,
) -> Vec<(String, Value)> {
    let mut values: Vec<(&str, Value)> = Field::ALL
        .iter()
        .map(|&field| (field.name(), fields.get(field).trim()))
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| (name, Value::Text(value.to_string())))
        .collect();
    if let Some(troubleshooting) = &fields.troubleshooting {
        values.push((
            "troubleshooting",
            Value::Json(serde_json::to_string(troubleshooting).expect("a transcript serialises")),
        ));
    }
    values.push(("idempotency_key", Value::Text(idempotency_key.to_string())));
    values
        .into_iter()
        .filter_map(|(name, value)| match backend.mapping.is_empty() {
            true => Some((name.to_string(), value)),
            false => backend.mapping.get(name).map(|target| (target.clone(), value)),
        })
        .collect()
}

/// Where photos go: the mapped name of `photos`, or `photos`; `None` when a mapping leaves
/// them out.
pub fn photos_target(backend: &Backend) -> Option<String> {
    match backend.mapping.is_empty() {
        true => Some("photos".to_string()),
        false => backend.mapping.get("photos").cloned(),
    }
}

enum Node {
    Leaf(String),
    Object(BTreeMap<String, Node>),
}

fn write(node: &Node, out: &mut String) {
    match node {
        Node::Leaf(json) => out.push_str(json),
        Node::Object(children) => {
            out.push('{');
            for (index, (key, child)) in children.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).expect("a key serialises"));
                out.push(':');
                write(child, out);
            }
            out.push('}');
        }
    }
}

/// The webhook's JSON body: each value at its dotted path; `photos` (already JSON, from the
/// app) at theirs. Paths were checked with the configuration, so none collide.
pub fn webhook_body(values: &[(String, Value)], photos: Option<(&str, String)>) -> String {
    let mut root: BTreeMap<String, Node> = BTreeMap::new();
    let leaves = values
        .iter()
        .map(|(path, value)| {
            let json = match value {
                Value::Text(text) => serde_json::to_string(text).expect("a string serialises"),
                Value::Json(json) => json.clone(),
            };
            (path.as_str(), json)
        })
        .chain(photos);
    for (path, json) in leaves {
        let mut segments: Vec<&str> = path.split('.').collect();
        let last = segments.pop().unwrap_or_default();
        let mut level = &mut root;
        for segment in segments {
            let node =
                level.entry(segment.to_string()).or_insert_with(|| Node::Object(BTreeMap::new()));
            if let Node::Leaf(_) = node {
                // Checked with the configuration; a value never sits where an object must go.
                *node = Node::Object(BTreeMap::new());
            }
            let Node::Object(children) = node else { unreachable!("made an object above") };
            level = children;
        }
        level.insert(last.to_string(), Node::Leaf(json));
    }
    let mut out = String::new();
    write(&Node::Object(root), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backend(mapping: &[(&str, &str)]) -> Backend {
        Backend {
            adapter: Adapter::Webhook,
            url: "http://127.0.0.1:9/hook".into(),
            headers: BTreeMap::new(),
            mapping: mapping.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
            reference_path: None,
        }
    }

    fn fields() -> RequestFields {
        RequestFields {
            intent: "repair".into(),
            product_line: "appliance".into(),
            full_name: "王建国 \"Jim\"".into(),
            phone: "13812345678".into(),
            description: "冰箱不制冷\n第二行".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_mapping_places_fields_at_nested_paths_and_leaves_out_the_rest() {
        let backend = backend(&[
            ("full_name", "customer.name"),
            ("phone", "customer.phone"),
            ("description", "issue.text"),
            ("idempotency_key", "external_id"),
        ]);
        let values = outgoing(&fields(), "key-0001", &backend);
        let body = webhook_body(&values, None);
        assert_eq!(
            body,
            r#"{"customer":{"name":"王建国 \"Jim\"","phone":"13812345678"},"external_id":"key-0001","issue":{"text":"冰箱不制冷\n第二行"}}"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(parsed["customer"]["name"], "王建国 \"Jim\"");
    }

    #[test]
    fn without_a_mapping_every_filled_field_goes_under_its_own_name() {
        let values = outgoing(&fields(), "key-0001", &backend(&[]));
        let names: Vec<&str> = values.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(
            names,
            ["intent", "product_line", "full_name", "phone", "description", "idempotency_key"]
        );
        let body = webhook_body(&values, Some(("photos", "[]".into())));
        assert!(body.ends_with(r#""photos":[],"product_line":"appliance"}"#), "{body}");
        assert_eq!(photos_target(&backend(&[])).as_deref(), Some("photos"));
        assert_eq!(photos_target(&backend(&[("full_name", "n")])), None);
    }

    #[test]
    fn bad_mappings_are_refused_with_the_reason() {
        assert!(check_mapping(&backend(&[("full_name", "a.b"), ("phone", "a.c")])).is_ok());
        for (mapping, why) in [
            (vec![("name", "x")], "not a request field"),
            (vec![("phone", "")], "empty path"),
            (vec![("phone", "a..b")], "empty path"),
            (vec![("phone", "a"), ("full_name", "a.b")], "collide"),
            (vec![("phone", "a"), ("full_name", "a")], "collide"),
        ] {
            let error = check_mapping(&backend(&mapping)).unwrap_err();
            assert!(error.contains(why), "{mapping:?}: {error}");
        }
    }
}
