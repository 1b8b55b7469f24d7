//! Parsers never panic: whatever a stranger sends or a file holds, the answer is a clear
//! error (a 4xx with a JSON `code`, or an `Err` with a message), never a panic or a 500.
//!
//! Bounded (256 cases each) so the test command stays quick; each input is either arbitrary
//! bytes or a real, valid input with one part swapped for arbitrary JSON, which gets much
//! further into the parser than noise does.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use shouhou_core::{archive, AppConfig, Flow};
use shouhou_server::limit::{Limits, Rate};
use shouhou_server::store::Role;
use shouhou_server::{app, Settings};
use tower::ServiceExt;

const CASES: u32 = 256;

/// Any JSON value, nested a few levels, with the strings that trip parsers: empty,
/// non-ASCII, control characters, long.
fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("JSON has no NaN", |x| x.is_finite()).prop_map(|x| json!(x)),
        "\\PC{0,40}".prop_map(Value::String),
        "[\\x00-\\x1f\"\\\\]{0,8}".prop_map(Value::String),
        (0usize..5000).prop_map(|n| Value::String("长".repeat(n))),
        Just(json!("2026-02-30")),
        Just(json!("9999-12-31")),
        Just(json!(u64::MAX)),
    ];
    leaf.prop_recursive(3, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{1,12}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// `value` with the node reached by following `path` (child indexes, modulo each node's
/// size) replaced by `replacement`.
fn replace_at(mut value: Value, path: &[usize], replacement: Value) -> Value {
    replace_in(&mut value, path, replacement);
    value
}

fn replace_in(node: &mut Value, path: &[usize], replacement: Value) {
    let Some((&step, rest)) = path.split_first() else {
        *node = replacement;
        return;
    };
    match node {
        Value::Object(map) if !map.is_empty() => {
            let key = map.keys().nth(step % map.len()).unwrap().clone();
            replace_in(map.get_mut(&key).unwrap(), rest, replacement);
        }
        Value::Array(items) if !items.is_empty() => {
            let len = items.len();
            replace_in(&mut items[step % len], rest, replacement);
        }
        _ => *node = replacement,
    }
}

fn a_valid_request() -> Value {
    json!({
        "intent": "repair", "product_line": "inverter", "full_name": "王建国",
        "phone": "138 1234 5678", "email": "wang@example.cn", "purchase_date": "2023-05-10",
        "resolution": "repair", "description": "变频器上电后显示 OC1 过流故障",
        "photos": [], "local_date": "2026-11-27",
        "troubleshooting": {"flow_id": "inverter", "flow_version": 1, "outcome": "svc_repair",
            "steps": [{"node": "what", "answer": "oc", "at_ms": 1}]}
    })
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    router: Router,
    /// A lead's session cookie and a stored request, for the staff routes.
    cookie: String,
    reference: String,
    _dir: tempfile::TempDir,
}

/// One server for all cases (a fresh SQLite file per case would dominate the run time),
/// with limits out of the way: these tests are about parsing.
fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(&dist).unwrap();
        let lots = Rate::new(u32::MAX, u32::MAX);
        let settings = Settings {
            db: common::test_db(dir.path(), "db.sqlite3"),
            config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
            dist: dist.clone(),
            limits: Limits {
                create: lots,
                lookup: lots,
                deflection: lots,
                report: lots,
                sign_in: lots,
                kiosk_pin: lots,
                message: lots,
                feedback: lots,
            },
            ..Settings::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let state = common::state(&settings);
        let hash = shouhou_server::auth::hash_password("prop-password");
        runtime
            .block_on(state.store.add_staff(
                "li.na",
                Role::Lead,
                &hash,
                "2026-11-27T09:00:00+08:00",
            ))
            .unwrap();
        let router = app(state, &dist);
        let send = |request: Request<Body>| {
            let response = runtime.block_on(router.clone().oneshot(request)).unwrap();
            let headers = response.headers().clone();
            let bytes = runtime.block_on(response.into_body().collect()).unwrap().to_bytes();
            (headers, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        };
        let body = a_valid_request().to_string().into_bytes();
        let (_, created) = send(post("/api/v1/requests", "application/json", 0, body));
        let reference = created["reference"].as_str().unwrap().to_string();
        let credentials = json!({"login": "li.na", "password": "prop-password"}).to_string();
        let (headers, _) =
            send(post("/api/v1/staff/session", "application/json", 0, credentials.into_bytes()));
        let cookie = headers["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        Harness { runtime, router, cookie, reference, _dir: dir }
    })
}

/// Sends one request; fails the case on a 5xx or an error answer without a JSON code.
fn assert_clear_answer(request: Request<Body>) -> Result<(), TestCaseError> {
    let harness = harness();
    let response = harness.runtime.block_on(harness.router.clone().oneshot(request)).unwrap();
    let status = response.status();
    let bytes = harness.runtime.block_on(response.into_body().collect()).unwrap().to_bytes();
    prop_assert!(!status.is_server_error(), "{status}: {}", String::from_utf8_lossy(&bytes));
    if status.is_client_error() {
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        prop_assert!(body["code"].is_string(), "{status} without a code: {body}");
        prop_assert!(!body["message"].as_str().unwrap_or_default().is_empty());
    }
    Ok(())
}

fn post(path: &str, content_type: &str, key: u64, body: Vec<u8>) -> Request<Body> {
    Request::post(path)
        .header("content-type", content_type)
        .header("idempotency-key", format!("prop-key-{key:016x}"))
        .body(Body::from(body))
        .unwrap()
}

fn multipart_body(boundary: &str, parts: &[(String, String, String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, content_type, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn create_bodies_of_any_bytes_get_a_clear_answer(key: u64, bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        assert_clear_answer(post("/api/v1/requests", "application/json", key, bytes))?;
    }

    #[test]
    fn create_bodies_with_any_value_anywhere_get_a_clear_answer(
        key: u64,
        path in prop::collection::vec(any::<usize>(), 0..4),
        replacement in arb_json(),
    ) {
        let body = replace_at(a_valid_request(), &path, replacement);
        assert_clear_answer(post("/api/v1/requests", "application/json", key, body.to_string().into_bytes()))?;
    }

    #[test]
    fn deflection_bodies_get_a_clear_answer(
        key: u64,
        path in prop::collection::vec(any::<usize>(), 0..2),
        replacement in arb_json(),
    ) {
        let valid = json!({"flow_id": "network", "flow_version": 1, "product_line": "network", "outcome": "solved"});
        let body = replace_at(valid, &path, replacement).to_string().into_bytes();
        assert_clear_answer(post("/api/v1/deflections", "application/json", key, body))?;
    }

    #[test]
    fn multipart_bodies_of_any_bytes_get_a_clear_answer(key: u64, bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let content_type = "multipart/form-data; boundary=XyZ";
        let mut body = b"--XyZ\r\n".to_vec();
        body.extend(bytes);
        assert_clear_answer(post("/api/v1/requests", content_type, key, body))?;
    }

    #[test]
    fn multipart_bodies_with_any_parts_get_a_clear_answer(
        key: u64,
        request_part in prop_oneof![
            Just(a_valid_request()),
            (prop::collection::vec(any::<usize>(), 0..4), arb_json())
                .prop_map(|(path, value)| replace_at(a_valid_request(), &path, value)),
        ],
        extra in prop::collection::vec(
            (
                prop_oneof![Just("photo".to_string()), Just("request".to_string()), "[a-z]{0,6}"],
                "[a-zA-Z0-9._-]{0,40}",
                prop_oneof![Just("image/jpeg".to_string()), Just("image/png".to_string()), "[a-z/+.-]{0,20}"],
                prop_oneof![
                    prop::collection::vec(any::<u8>(), 0..200),
                    prop::collection::vec(any::<u8>(), 0..200).prop_map(|tail| [vec![0xFF, 0xD8, 0xFF], tail].concat()),
                ],
            ),
            0..4,
        ),
    ) {
        let mut parts = vec![("request".to_string(), String::new(), "application/json".to_string(), request_part.to_string().into_bytes())];
        parts.extend(extra);
        let body = multipart_body("b0undary", &parts);
        assert_clear_answer(post("/api/v1/requests", "multipart/form-data; boundary=b0undary", key, body))?;
    }

    #[test]
    fn status_look_ups_of_any_reference_get_a_clear_answer(reference in "\\PC{0,40}", contact in "\\PC{0,40}") {
        let path = format!(
            "/api/v1/requests/{}?contact={}",
            utf8_percent(&reference),
            utf8_percent(&contact)
        );
        assert_clear_answer(Request::get(path).body(Body::empty()).unwrap())?;
    }

    #[test]
    fn staff_event_bodies_get_a_clear_answer(
        valid in prop::sample::select(vec![
            json!({"kind": "status", "status": "in_progress"}),
            json!({"kind": "assign", "to": "li.na"}),
            json!({"kind": "reply", "text": "您好"}),
            json!({"kind": "note", "text": "内部"}),
            json!({"kind": "follow_up", "outcome": "reached", "satisfaction": 4, "text": ""}),
            json!({"kind": "reply_by", "at": "2026-11-28T17:00:00+08:00"}),
        ]),
        path in prop::collection::vec(any::<usize>(), 0..2),
        replacement in arb_json(),
    ) {
        let harness = harness();
        let body = replace_at(valid, &path, replacement).to_string();
        let request = Request::post(format!("/api/v1/staff/requests/{}/events", harness.reference))
            .header("content-type", "application/json")
            .header("cookie", &harness.cookie)
            .body(Body::from(body))
            .unwrap();
        assert_clear_answer(request)?;
    }

    #[test]
    fn customer_message_and_feedback_bodies_get_a_clear_answer(
        key: u64,
        valid in prop::sample::select(vec![
            ("messages", json!({"contact": "138 1234 5678", "text": "序列号是 INV-2291",
                "photos": [{"id": "0b7e0c2a-1111-4a5b-9c3d-000000000001", "content_type": "image/jpeg",
                    "bytes": 9, "width": 1, "height": 1}]})),
            ("messages", json!({"contact": "wang@example.cn", "text": "在"})),
            ("feedback", json!({"contact": "138 1234 5678", "rating": 5, "comment": "很满意"})),
        ]),
        path in prop::collection::vec(any::<usize>(), 0..3),
        replacement in arb_json(),
        as_multipart: bool,
        photo in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let harness = harness();
        let (route, valid) = valid;
        let uri = format!("/api/v1/requests/{}/{route}", harness.reference);
        let body = replace_at(valid, &path, replacement);
        let request = if as_multipart {
            let parts = [
                ("message".to_string(), String::new(), "application/json".to_string(), body.to_string().into_bytes()),
                ("photo".to_string(), "0b7e0c2a-1111-4a5b-9c3d-000000000001".to_string(), "image/jpeg".to_string(), [vec![0xFF, 0xD8, 0xFF], photo].concat()),
            ];
            post(&uri, "multipart/form-data; boundary=b0undary", key, multipart_body("b0undary", &parts))
        } else {
            post(&uri, "application/json", key, body.to_string().into_bytes())
        };
        assert_clear_answer(request)?;
    }

    #[test]
    fn sign_in_bodies_get_a_clear_answer(
        path in prop::collection::vec(any::<usize>(), 0..2),
        replacement in arb_json(),
    ) {
        let valid = json!({"login": "li.na", "password": "wrong-password"});
        let body = replace_at(valid, &path, replacement).to_string().into_bytes();
        assert_clear_answer(post("/api/v1/staff/session", "application/json", 0, body))?;
    }

    #[test]
    fn staff_queries_of_any_text_get_a_clear_answer(
        route in prop::sample::select(vec!["requests", "figures", "export.csv"]),
        name in prop::sample::select(vec!["status", "product_line", "intent", "category", "priority", "assigned", "overdue", "q", "from", "to", "other"]),
        value in "\\PC{0,40}",
        reference in "\\PC{0,20}",
    ) {
        let harness = harness();
        for path in [
            format!("/api/v1/staff/{route}?{name}={}&to=2026-11-30", utf8_percent(&value)),
            format!("/api/v1/staff/requests/{}", utf8_percent(&reference)),
            format!("/api/v1/staff/requests/{}/photos/{}", harness.reference, utf8_percent(&reference)),
        ] {
            let request = Request::get(path).header("cookie", &harness.cookie).body(Body::empty()).unwrap();
            assert_clear_answer(request)?;
        }
    }

    #[test]
    fn the_config_parser_never_panics(
        text in "\\PC{0,300}",
        path in prop::collection::vec(any::<usize>(), 0..5),
        replacement in arb_json(),
    ) {
        if let Err(error) = AppConfig::from_json(&text) {
            prop_assert!(!error.to_string().is_empty());
        }
        let valid: Value = serde_json::from_str(include_str!("../../static/config.json")).unwrap();
        let changed = replace_at(valid, &path, replacement).to_string();
        if let Err(error) = AppConfig::from_json(&changed) {
            prop_assert!(!error.to_string().is_empty());
        }
    }

    #[test]
    fn the_draft_archive_import_never_panics(
        text in "\\PC{0,300}",
        version in 0u32..4,
        drafts in prop::collection::vec(arb_json(), 0..4),
        photos in prop::collection::vec(arb_json(), 0..3),
    ) {
        if let Err(error) = archive::import(&text) {
            prop_assert!(!error.code().is_empty());
        }
        let file = json!({"format": "shouhou-drafts", "version": version, "drafts": drafts, "photos": photos});
        if let Err(error) = archive::import(&file.to_string()) {
            prop_assert!(!error.code().is_empty());
        }
    }

    #[test]
    fn the_flow_parser_never_panics(
        text in "\\PC{0,300}",
        file in prop::sample::select(vec!["inverter", "network", "property", "bank-terminal", "online-order"]),
        path in prop::collection::vec(any::<usize>(), 0..6),
        replacement in arb_json(),
    ) {
        if let Err(problems) = Flow::parse(&text) {
            prop_assert!(!problems.is_empty());
        }
        let path_to_file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../static/flows/{file}.json"));
        let valid: Value = serde_json::from_str(&std::fs::read_to_string(path_to_file).unwrap()).unwrap();
        if let Err(problems) = Flow::parse(&replace_at(valid, &path, replacement).to_string()) {
            prop_assert!(!problems.is_empty());
        }
    }
}

/// Percent-encodes every byte outside unreserved ASCII, so any text fits in a URL.
fn utf8_percent(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
