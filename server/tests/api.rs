//! The intake API against a real store: a SQLite file in a temporary folder, or a fresh
//! PostgreSQL database (`SHOUHOU_TEST_STORE=postgres`, see tests/common/store.rs).

mod common;

use common::repair_body as valid_body;

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use shouhou_core::reference::parse_reference;
use shouhou_server::{Db, Settings};
use tower::ServiceExt;

struct Fixture {
    dir: tempfile::TempDir,
    db: std::path::PathBuf,
    router: Router,
}

fn fixture() -> Fixture {
    fixture_with(|_| {})
}

fn fixture_with(adjust: impl FnOnce(&mut Settings)) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        db: common::test_db(dir.path(), "nested/shouhou.sqlite3"),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    adjust(&mut settings);
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>Shouhou</title>")
        .unwrap();
    let state = common::state(&settings);
    Fixture { router: shouhou_server::app(state, &settings.dist), db: settings.db, dir }
}

impl Fixture {
    fn db_rows(&self, sql: &str) -> Vec<Vec<String>> {
        common::db_rows(&self.db, sql)
    }
}

fn post(key: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post("/api/v1/requests").header("content-type", "application/json");
    if let Some(key) = key {
        builder = builder.header("idempotency-key", key);
    }
    builder.body(body.into()).unwrap()
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, value)
}

#[tokio::test]
async fn create_stores_a_row_and_answers_with_a_reference() {
    let fx = fixture();
    let (status, body) =
        send(&fx.router, post(Some("key-0001-abcdef"), valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reference = body["reference"].as_str().unwrap();
    let today = chrono::Local::now().format("%Y%m%d").to_string();
    assert!(reference.starts_with(&format!("SR-{today}-")) && reference.len() == 19, "{reference}");
    assert_eq!(parse_reference(reference).as_deref(), Some(reference), "its check holds");
    assert!(body["reply_by"].as_str().is_some());

    let rows = fx.db_rows("SELECT reference, intent, product_line, full_name, phone, email, description FROM requests");
    assert_eq!(
        rows,
        [[
            reference,
            "repair",
            "inverter",
            "王建国",
            "+8613812345678",
            "wang@example.cn",
            "变频器上电后显示 OC1 过流故障，电机无法启动 ⚠️"
        ]]
    );

    let (status, second) =
        send(&fx.router, post(Some("key-0002-abcdef"), valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
    let second = second["reference"].as_str().unwrap();
    assert_ne!(second, reference);
    assert_ne!(second[12..18], reference[12..18], "the next one is not the next in a sequence");
}

#[tokio::test]
async fn a_sequential_reference_from_before_is_refused_to_a_look_up() {
    let fx = fixture();
    common::db_exec(
        &fx.db,
        "INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name, phone,
            email, description, request_json, created_at, reply_by)
         VALUES ('SR-20261101-0007', 'old-key-0007', 'complaint', 'property', '李娜', '+8613912345678',
            NULL, '楼道灯坏了一周',
            '{\"intent\":\"complaint\",\"product_line\":\"property\",\"full_name\":\"李娜\",\"phone\":\"+8613912345678\",\"email\":null,\"description\":\"楼道灯坏了一周\"}',
            '2026-11-01T09:00:00+08:00', '2026-11-02T09:00:00+08:00')",
    );
    let get = Request::get("/api/v1/requests/sr-20261101-0007?contact=13912345678")
        .body(Body::empty())
        .unwrap();
    let (status, found) = send(&fx.router, get).await;
    // A day's sequential numbers could be walked: the form is refused as no reference is
    // (staff still find the request: tests/upgrade.rs).
    assert_eq!((status, found["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn the_same_key_again_returns_the_same_reference_and_creates_nothing() {
    let fx = fixture();
    let replayed = |response: &axum::http::Response<Body>| {
        response.headers().get("idempotent-replayed").map(|v| v.to_str().unwrap().to_string())
    };
    let first = fx
        .router
        .clone()
        .oneshot(post(Some("retry-key-123"), valid_body().to_string()))
        .await
        .unwrap();
    assert_eq!((first.status(), replayed(&first)), (StatusCode::CREATED, None));
    let again = fx
        .router
        .clone()
        .oneshot(post(Some("retry-key-123"), valid_body().to_string()))
        .await
        .unwrap();
    assert_eq!((again.status(), replayed(&again)), (StatusCode::OK, Some("true".into())));
    let body = |response: axum::http::Response<Body>| async move {
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    let (body1, body2) = (body(first).await, body(again).await);
    assert_eq!(body1["reference"], body2["reference"]);
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["1"]]);
}

#[tokio::test]
async fn a_key_reused_for_different_content_is_refused() {
    let fx = fixture();
    send(&fx.router, post(Some("reused-key-1"), valid_body().to_string())).await;
    let mut other = valid_body();
    other["description"] = json!("完全不同的另一件事情");
    let (status, body) = send(&fx.router, post(Some("reused-key-1"), other.to_string())).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "idempotency_key_reused");
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["1"]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_creates_with_one_key_make_one_row() {
    let fx = fixture();
    let router = Arc::new(fx.router.clone());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let router = Arc::clone(&router);
            tokio::spawn(async move {
                send(&router, post(Some("storm-key-0001"), valid_body().to_string())).await
            })
        })
        .collect();
    let mut references = Vec::new();
    let mut created = 0;
    for task in tasks {
        let (status, body) = task.await.unwrap();
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status} {body}");
        created += usize::from(status == StatusCode::CREATED);
        references.push(body["reference"].as_str().unwrap().to_string());
    }
    references.dedup();
    assert_eq!(references.len(), 1, "one reference for every try");
    assert_eq!(created, 1, "exactly one try created");
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["1"]]);
}

#[tokio::test]
async fn malformed_json_gets_a_json_error() {
    let fx = fixture();
    let (status, body) = send(&fx.router, post(Some("malformed-1"), "{\"intent\": ")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "malformed_json");
    assert!(body["message"].as_str().unwrap().len() > 10);

    let (status, body) =
        send(&fx.router, post(Some("malformed-2"), r#"{"intent":"repair","shoe_size":42}"#)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_json")));
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["0"]]);
}

#[tokio::test]
async fn invalid_requests_name_each_field_in_the_callers_language() {
    let fx = fixture();
    let mut body = valid_body();
    body["phone"] = json!("12345");
    body["description"] = json!("坏了");
    let request = Request::post("/api/v1/requests")
        .header("content-type", "application/json")
        .header("idempotency-key", "invalid-0001")
        .header("accept-language", "en-GB,en;q=0.9")
        .body(Body::from(body.to_string()))
        .unwrap();
    let (status, reply) = send(&fx.router, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reply["code"], "validation_failed");
    let fields: Vec<(&str, &str)> = reply["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["field"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(fields, [("phone", "invalid_phone"), ("description", "too_short")]);
    assert_eq!(reply["fields"][1]["message"], "Describe the problem must be at least 5 characters");

    let (_, zh) = send(&fx.router, post(Some("invalid-0002"), body.to_string())).await;
    assert_eq!(zh["message"], "服务申请未通过校验");
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["0"]]);
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_parsing() {
    let fx = fixture();
    let mut body = valid_body();
    body["description"] = json!("水".repeat(70_000));
    let (status, reply) = send(&fx.router, post(Some("oversized-1"), body.to_string())).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply["code"], "payload_too_large");

    // Without a Content-Length (a streamed body) the limit still holds.
    let stream = futures_body(body.to_string());
    let (status, reply) = send(&fx.router, post(Some("oversized-2"), stream)).await;
    assert_eq!(
        (status, reply["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["0"]]);
}

#[tokio::test]
async fn the_size_limit_holds_to_the_byte() {
    let fx = fixture();
    let limit = shouhou_server::http::body::MAX_REQUEST_BYTES;
    assert_eq!(limit, 64 * 1024);
    // Trailing whitespace keeps the JSON valid at any length.
    let padded = |len: usize| {
        let mut text = valid_body().to_string();
        text.push_str(&" ".repeat(len - text.len()));
        assert_eq!(text.len(), len);
        text
    };
    let (status, body) = send(&fx.router, post(Some("limit-exact-1"), padded(limit))).await;
    assert_eq!(status, StatusCode::CREATED, "exactly 64 KiB is accepted: {body}");
    let (status, body) = send(&fx.router, post(Some("limit-over-1"), padded(limit + 1))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    // The same without a Content-Length: counted while reading.
    let (status, _) =
        send(&fx.router, post(Some("limit-exact-2"), futures_body(padded(limit)))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) =
        send(&fx.router, post(Some("limit-over-2"), futures_body(padded(limit + 1)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["2"]]);
}

fn futures_body(text: String) -> Body {
    // Bytes, not strings: a chunk may end inside a character, and must arrive unchanged.
    let chunks: Vec<Result<axum::body::Bytes, std::io::Error>> =
        text.as_bytes().chunks(8192).map(|c| Ok(axum::body::Bytes::copy_from_slice(c))).collect();
    Body::from_stream(tokio_stream_iter(chunks))
}

fn tokio_stream_iter<T>(items: Vec<T>) -> impl futures_core_stream::Stream<Item = T> {
    futures_core_stream::iter(items)
}

mod futures_core_stream {
    pub use futures_util::stream::{iter, Stream};
}

#[tokio::test]
async fn missing_key_and_wrong_content_type_are_refused() {
    let fx = fixture();
    let (status, body) = send(&fx.router, post(None, valid_body().to_string())).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_idempotency_key"))
    );
    let (status, _) =
        send(&fx.router, post(Some("<script>x</script>"), valid_body().to_string())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let request = Request::post("/api/v1/requests")
        .header("content-type", "text/plain")
        .header("idempotency-key", "plain-text-1")
        .body(Body::from(valid_body().to_string()))
        .unwrap();
    let (status, body) = send(&fx.router, request).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("unsupported_media_type"))
    );
}

#[tokio::test]
async fn status_needs_the_contact_given_with_the_request() {
    let fx = fixture();
    let (_, created) = send(&fx.router, post(Some("status-key-1"), valid_body().to_string())).await;
    let reference = created["reference"].as_str().unwrap();
    let get = |query: String| {
        Request::get(format!("/api/v1/requests/{query}")).body(Body::empty()).unwrap()
    };

    for contact in ["13812345678", "%2B86%20138-1234-5678", "WANG%40example.cn"] {
        let (status, body) = send(&fx.router, get(format!("{reference}?contact={contact}"))).await;
        assert_eq!(status, StatusCode::OK, "{contact}");
        assert_eq!(body["request"]["full_name"], "王建国");
        assert_eq!(body["status"], "received");
    }
    let lower = reference.to_lowercase();
    let (status, _) = send(&fx.router, get(format!("{lower}?contact=13812345678"))).await;
    assert_eq!(status, StatusCode::OK, "references are read case-insensitively");

    let (wrong, wrong_body) =
        send(&fx.router, get(format!("{reference}?contact=13900000000"))).await;
    let (unknown, unknown_body) =
        send(&fx.router, get("SR-20000101-0001?contact=13812345678".into())).await;
    assert_eq!((wrong, unknown), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(wrong_body, unknown_body, "a wrong contact looks like an unknown reference");
    let (missing, body) = send(&fx.router, get(reference.to_string())).await;
    assert_eq!(
        (missing, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("missing_contact"))
    );
}

#[tokio::test]
async fn serves_the_app_and_its_config() {
    let fx = fixture();
    let response = fx
        .router
        .clone()
        .oneshot(Request::get("/config.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let config: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(config["backend"]["url"], "/api/v1");
    // Both apps fetch it before their first screen: compressed for a browser that accepts it,
    // Brotli first as for the rendered pages.
    for (accepted, encoding) in [("gzip, br", "br"), ("gzip", "gzip")] {
        let zipped =
            Request::get("/config.json").header("accept-encoding", accepted).body(Body::empty());
        let response = fx.router.clone().oneshot(zipped.unwrap()).await.unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
    }

    let response = fx
        .router
        .clone()
        .oneshot(Request::get("/some/deep/link").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&page).contains("<title>Shouhou</title>"));

    std::fs::write(fx.dir.path().join("dist/app.js"), "console.log('plain')").unwrap();
    std::fs::write(fx.dir.path().join("dist/app.js.gz"), b"\x1f\x8b-pretend").unwrap();
    let gz =
        Request::get("/app.js").header("accept-encoding", "gzip, br").body(Body::empty()).unwrap();
    let response = fx.router.clone().oneshot(gz).await.unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip", "the build's .gz is served as is");
    assert_eq!(response.headers()["cache-control"], "no-cache");
    // With the build's .br beside it, a browser that accepts Brotli gets that instead.
    std::fs::write(fx.dir.path().join("dist/app.js.br"), b"pretend-brotli").unwrap();
    for (accepted, served) in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")] {
        let request = Request::get("/app.js")
            .header("accept-encoding", accepted)
            .body(Body::empty())
            .unwrap();
        let response = fx.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.headers()["content-encoding"], served, "{accepted}");
    }

    let missing = Request::get("/flows/appliance.json").body(Body::empty()).unwrap();
    let response = fx.router.clone().oneshot(missing).await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "a missing file is not the page");

    let (status, body) =
        send(&fx.router, Request::get("/api/v1/nothing-here").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

/// A database closed and opened again (a restart) still holds what was stored, and goes on
/// drawing new references: a SQLite file, or a PostgreSQL database reached again by its URL.
#[tokio::test]
async fn a_database_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3").to_string_lossy().into_owned();
    let mut request = common::sample::sample_request(&[]);
    request.details = [("company".to_string(), "某物业".to_string())].into();
    let new = |key: &str| shouhou_server::store::NewRequest {
        idempotency_key: key.into(),
        submitted_json: "{}".into(),
        request: request.clone(),
        photos: vec![],
        now: shouhou_server::store::now(),
        reply_by: shouhou_server::store::now() + chrono::Duration::hours(24),
        filed_by: None,
    };
    let reference = {
        let store = Db::open(&db).await.unwrap();
        store.create(new("reopen-key-1")).await.unwrap().stored.reference
    };
    let store = Db::open(&db).await.unwrap();
    assert_eq!(store.find(&reference).await.unwrap().unwrap().request, request);
    let next = store.create(new("reopen-key-2")).await.unwrap().stored.reference;
    assert_ne!(next, reference);
}

#[tokio::test]
async fn a_transcript_category_and_priority_are_stored_with_the_request() {
    let fx = fixture();
    let mut body = valid_body();
    body["category"] = json!("quality");
    body["priority"] = json!("high");
    body["troubleshooting"] = json!({
        "flow_id": "inverter", "flow_version": 1, "outcome": "svc_repair",
        "steps": [{"node": "what", "answer": "oc", "at_ms": 1}, {"node": "oc_check", "answer": "not_fixed", "at_ms": 2}]
    });
    let (status, created) = send(&fx.router, post(Some("transcript-1"), body.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let rows = fx.db_rows("SELECT category, priority, troubleshooting_json FROM requests");
    let transcript: Value = serde_json::from_str(&rows[0][2]).unwrap();
    assert_eq!((rows[0][0].as_str(), rows[0][1].as_str()), ("quality", "high"));
    assert_eq!(transcript["steps"][1]["node"], "oc_check");

    let reference = created["reference"].as_str().unwrap();
    let get = Request::get(format!("/api/v1/requests/{reference}?contact=13812345678"))
        .body(Body::empty())
        .unwrap();
    let (_, status_body) = send(&fx.router, get).await;
    assert_eq!(status_body["request"]["troubleshooting"]["outcome"], "svc_repair");
}

#[tokio::test]
async fn deflections_are_counted_once_per_key() {
    let fx = fixture();
    let deflection = json!({"flow_id": "network", "flow_version": 1, "product_line": "network", "outcome": "solved"});
    let request = |key: &str, body: &Value| {
        Request::post("/api/v1/deflections")
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (first, _) = send(&fx.router, request("deflect-0001", &deflection)).await;
    let (again, _) = send(&fx.router, request("deflect-0001", &deflection)).await;
    let (other, _) = send(&fx.router, request("deflect-0002", &deflection)).await;
    assert_eq!((first, again, other), (StatusCode::CREATED, StatusCode::OK, StatusCode::CREATED));
    assert_eq!(
        fx.db_rows("SELECT flow_id, product_line, outcome FROM deflections"),
        [["network", "network", "solved"], ["network", "network", "solved"]]
    );

    let mut bad = deflection.clone();
    bad["product_line"] = json!("spaceship");
    let (status, body) = send(&fx.router, request("deflect-0003", &bad)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed"))
    );
    bad["name"] = json!("not anonymous");
    let (status, _) = send(&fx.router, request("deflect-0004", &bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "deflections carry nothing but flow ids");
}

/// A JPEG's first bytes and then filler: the server checks the signature and the size.
fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(len, 0x42);
    bytes
}

const PHOTO_A: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10";
const PHOTO_B: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b11";

fn multipart(key: &str, fields: &Value, photos: &[(&str, &str, Vec<u8>)]) -> Request<Body> {
    let boundary = "----shouhou-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\nContent-Type: application/json\r\n\r\n").as_bytes());
    body.extend_from_slice(fields.to_string().as_bytes());
    for (id, content_type, bytes) in photos {
        body.extend_from_slice(
            format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{id}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/api/v1/requests")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("idempotency-key", key)
        .body(Body::from(body))
        .unwrap()
}

/// The first of the month two months ago: in warranty whatever today is, and its last
/// covered day is unambiguous (18 months on inverters, then a day back).
fn recent_purchase() -> (String, String) {
    use chrono::{Datelike, Months, NaiveDate};
    let today = chrono::Utc::now().date_naive();
    let bought = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() - Months::new(2);
    let until = bought + Months::new(18) - chrono::Duration::days(1);
    (bought.format("%Y-%m-%d").to_string(), until.format("%Y-%m-%d").to_string())
}

fn in_warranty_repair_with_photos(sizes: &[usize]) -> Value {
    let mut body = valid_body();
    body["purchase_date"] = json!(recent_purchase().0);
    body["local_date"] = json!(chrono::Utc::now().format("%Y-%m-%d").to_string());
    let ids = [PHOTO_A, PHOTO_B];
    body["photos"] = Value::Array(
        sizes.iter().enumerate().map(|(i, &bytes)| json!({"id": ids[i], "content_type": "image/jpeg", "bytes": bytes, "width": 1600, "height": 1200})).collect(),
    );
    body
}

#[tokio::test]
async fn a_repair_with_two_photos_is_stored_whole_and_retried_without_duplicates() {
    let fx = fixture();
    let body = in_warranty_repair_with_photos(&[180_000, 95_000]);
    let photos = [(PHOTO_A, "image/jpeg", jpeg(180_000)), (PHOTO_B, "image/jpeg", jpeg(95_000))];
    let (status, created) = send(&fx.router, multipart("photos-0001", &body, &photos)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (again, replay) = send(&fx.router, multipart("photos-0001", &body, &photos)).await;
    assert_eq!((again, &replay["reference"]), (StatusCode::OK, &created["reference"]));
    assert_eq!(
        fx.db_rows(
            "SELECT photo_id, content_type, bytes, length(data) FROM photos ORDER BY photo_id"
        ),
        [[PHOTO_A, "image/jpeg", "180000", "180000"], [PHOTO_B, "image/jpeg", "95000", "95000"]]
    );
    assert_eq!(fx.db_rows("SELECT warranty FROM requests"), [["in_warranty"]]);

    let reference = created["reference"].as_str().unwrap();
    let get = Request::get(format!("/api/v1/requests/{reference}?contact=wang@example.cn"))
        .body(Body::empty())
        .unwrap();
    let (_, found) = send(&fx.router, get).await;
    assert_eq!(found["request"]["photos"][1]["bytes"], 95_000);
    assert!(!found.to_string().contains("QkJC"), "the look-up carries no photo bytes");
    assert_eq!(found["request"]["warranty"]["in_warranty"]["until"], recent_purchase().1);

    // The photo is required: without it the same repair is refused, naming the field.
    let mut without = in_warranty_repair_with_photos(&[]);
    without["photos"] = json!([]);
    let (status, refused) = send(&fx.router, post(Some("photos-0002"), without.to_string())).await;
    assert_eq!(
        (status, refused["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photo_required"))
    );
}

#[tokio::test]
async fn photos_over_the_limit_or_not_images_are_refused_and_nothing_is_half_stored() {
    let fx = fixture();
    // Declared within the limit, but a PDF under a JPEG's name.
    let body = in_warranty_repair_with_photos(&[1000]);
    let mut pdf = b"%PDF-1.7 ".to_vec();
    pdf.resize(1000, b' ');
    let (status, refused) =
        send(&fx.router, multipart("bad-photo-1", &body, &[(PHOTO_A, "image/jpeg", pdf)])).await;
    assert_eq!(
        (status, refused["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photos"))
    );
    // A size other than declared.
    let (status, _) =
        send(&fx.router, multipart("bad-photo-2", &body, &[(PHOTO_A, "image/jpeg", jpeg(999))]))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A listed photo that never arrived, and an extra one that was not listed.
    let (status, _) = send(&fx.router, multipart("bad-photo-3", &body, &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let two = [(PHOTO_A, "image/jpeg", jpeg(1000)), (PHOTO_B, "image/jpeg", jpeg(1000))];
    let (status, _) = send(&fx.router, multipart("bad-photo-4", &body, &two)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // Over the configured total (6 MB): refused while reading, before anything is stored.
    let big = in_warranty_repair_with_photos(&[7_000_000]);
    let (status, refused) = send(
        &fx.router,
        multipart("bad-photo-5", &big, &[(PHOTO_A, "image/jpeg", jpeg(7_000_000))]),
    )
    .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    // Declared over the total, sent small: the declared sizes are checked too.
    let (status, refused) =
        send(&fx.router, multipart("bad-photo-6", &big, &[(PHOTO_A, "image/jpeg", jpeg(1000))]))
            .await;
    assert_eq!(
        (status, refused["fields"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photos_too_large"))
    );
    // The request's own part is held to what a JSON body may be, photos or not: a field the
    // intent does not read (an on-site report's `parameters` on a consultation) would be
    // stored as sent, 3 MB of it.
    let mut padded = valid_body();
    padded["parameters"] = json!("A".repeat(3_000_000));
    let (status, refused) = send(&fx.router, multipart("bad-json-1", &padded, &[])).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["0"]]);
    assert_eq!(fx.db_rows("SELECT count(*) FROM photos"), [["0"]]);
}

#[tokio::test]
async fn an_onsite_report_is_filed_in_a_staff_session_only_and_round_trips_every_field() {
    let desk = common::desk::desk();
    desk.add_staff("li.gong", shouhou_server::store::Role::Agent).await;
    let cookie = desk.sign_in("li.gong").await;
    let signed_in = |key: &str, body: String| {
        let mut request = post(Some(key), body);
        request.headers_mut().insert("cookie", cookie.parse().unwrap());
        request
    };
    let report = json!({
        "intent": "onsite_report", "product_line": "inverter",
        "full_name": "张厂长", "company": "苏州某机床厂", "phone": "+86 139 1234 5678", "email": "",
        "address": "", "contact_time": "morning", "recorded_by": "李工",
        "model": "VF-7.5K", "serial_number": "SN2407-88321", "purchase_date": "2024-01-10", "order_number": "",
        "configuration": "7.5 kW, 380 V 三相",
        "site": "苏州工业园区 3 号厂房", "installed_in": "数控车床 CK6140", "parameters": "P0.01=2; P1.05=50Hz",
        "input_voltage": "380", "output_voltage": "375.5", "input_current": "14", "output_current": "12.5",
        "description": "上电即报 OC1，电机无法启动", "fault_cause": "输出侧电缆绝缘破损，对地短路",
        "parts_used": "U 相 IGBT 模块 ×1", "parts_needed": "屏蔽电缆 10 m",
        "signoff_name": "张厂长", "signoff_at": chrono::Utc::now().format("%Y-%m-%dT%H:%M").to_string(),
        "arrival_at": chrono::Utc::now().format("%Y-%m-%dT%H:%M").to_string(),
        "departure_at": chrono::Utc::now().format("%Y-%m-%dT%H:%M").to_string(),
        "fault_code": "OC1", "result": "needs_parts", "customer_comment": "处理及时",
        "customer_not_present": "yes", "not_present_reason": "厂长临时外出，门卫确认到场",
    });
    // Anyone can reach this door: without a session, any name and any signature are refused.
    let (status, refused) = send(&desk.router, post(Some("onsite-0000"), report.to_string())).await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("onsite_report_needs_engineer")),
        "{refused}"
    );
    assert_eq!(desk.count("SELECT count(*) FROM requests"), 0, "nothing stored");
    let (status, created) = send(&desk.router, signed_in("onsite-0001", report.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let reference = created["reference"].as_str().unwrap();
    assert_eq!(
        desk.rows("SELECT filed_by FROM requests"),
        [["li.gong"]],
        "filed in li.gong's session, whatever the report says recorded it"
    );
    let get = Request::get(format!("/api/v1/requests/{reference}?contact=13912345678"))
        .body(Body::empty())
        .unwrap();
    let (_, found) = send(&desk.router, get).await;
    let details = &found["request"]["details"];
    for key in [
        "company",
        "recorded_by",
        "serial_number",
        "site",
        "installed_in",
        "parameters",
        "input_voltage",
        "output_voltage",
        "input_current",
        "output_current",
        "fault_cause",
        "parts_used",
        "parts_needed",
        "signoff_at",
        "arrival_at",
        "departure_at",
        "fault_code",
        "result",
        "customer_comment",
        "customer_not_present",
        "not_present_reason",
        "contact_time",
        "configuration",
        "model",
        "purchase_date",
    ] {
        assert_eq!(details[key], report[key], "{key}");
    }
    assert_eq!(found["request"]["warranty"]["out_of_warranty"]["ended"], "2025-07-09");
    let details: Value =
        serde_json::from_str(&common::db_rows(&desk.db, "SELECT details_json FROM requests")[0][0])
            .unwrap();
    assert_eq!(
        (&details["output_voltage"], &details["site"]),
        (&json!("375.5"), &json!("苏州工业园区 3 号厂房"))
    );
    let mut bad = report.clone();
    bad["input_voltage"] = json!("3800");
    let (status, refused) = send(&desk.router, signed_in("onsite-0002", bad.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["fields"][0]["message"], "输入电压应在 0 到 1000 V 之间");
}

#[tokio::test]
async fn a_filled_in_honeypot_is_answered_like_a_success_and_stored_nowhere() {
    let fx = fixture();
    let mut bait = valid_body();
    bait["website"] = json!("http://cheap-pills.example");
    let (status, answer) = send(&fx.router, post(Some("honeypot-0001"), bait.to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    let (_, real) = send(&fx.router, post(Some("honeypot-0002"), valid_body().to_string())).await;
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&answer), keys(&real), "shaped like a real answer");
    let fake = answer["reference"].as_str().unwrap();
    assert_eq!(parse_reference(fake).as_deref(), Some(fake), "a reference that looks real");
    let (_, again) = send(&fx.router, post(Some("honeypot-0001"), bait.to_string())).await;
    assert_eq!(again["reference"], fake, "a retry sees the same story");

    let mut with_photos = in_warranty_repair_with_photos(&[1000]);
    with_photos["website"] = json!("x");
    let photos = [(PHOTO_A, "image/jpeg", jpeg(1000))];
    let (status, _) = send(&fx.router, multipart("honeypot-0003", &with_photos, &photos)).await;
    assert_eq!(status, StatusCode::CREATED);

    assert_eq!(fx.db_rows("SELECT idempotency_key FROM requests"), [["honeypot-0002"]]);
    assert_eq!(fx.db_rows("SELECT count(*) FROM photos"), [["0"]]);
    let get = Request::get(format!("/api/v1/requests/{fake}?contact=13812345678"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&fx.router, get).await.0, StatusCode::NOT_FOUND);

    // An invalid request is refused as anyone's is, honeypot or not: nothing a real create
    // would refuse is ever answered 201 (Schemathesis found a malformed one accepted).
    let mut invalid = bait.clone();
    invalid["phone"] = json!("not a phone");
    let (status, _) = send(&fx.router, post(Some("honeypot-0005"), invalid.to_string())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The app sends the field empty: an ordinary request.
    let mut human = valid_body();
    human["website"] = json!("");
    let (status, _) = send(&fx.router, post(Some("honeypot-0004"), human.to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["2"]]);
}

#[tokio::test]
async fn a_client_sends_its_daily_photo_bytes_and_no_more() {
    let fx = fixture_with(|settings| settings.photo_quota_bytes = 1500);
    let repair = in_warranty_repair_with_photos(&[1000]);
    let photos = [(PHOTO_A, "image/jpeg", jpeg(1000))];
    let (status, _) = send(&fx.router, multipart("quota-0001", &repair, &photos)).await;
    assert_eq!(status, StatusCode::CREATED);
    // A retry of what is stored costs nothing.
    let (status, _) = send(&fx.router, multipart("quota-0001", &repair, &photos)).await;
    assert_eq!(status, StatusCode::OK);
    let response =
        fx.router.clone().oneshot(multipart("quota-0002", &repair, &photos)).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=86_400).contains(&wait), "until the next day: {wait}");
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let refused: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(refused["code"], "photo_quota_exceeded", "{refused}");
    assert_eq!(fx.db_rows("SELECT count(*) FROM photos"), [["1"]], "nothing more stored");
    // Without photos the same client is welcome.
    let (status, _) = send(&fx.router, post(Some("quota-0003"), valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn photos_are_refused_with_507_when_the_disk_is_at_its_floor() {
    // A floor above any disk's free space: the disk is "full" for photos.
    let fx = fixture_with(|settings| settings.min_free_disk_bytes = u64::MAX / 4);
    let repair = in_warranty_repair_with_photos(&[1000]);
    let photos = [(PHOTO_A, "image/jpeg", jpeg(1000))];
    let (status, refused) = send(&fx.router, multipart("floor-0001", &repair, &photos)).await;
    if common::on_postgres() {
        // The floor watches the SQLite file's disk; PostgreSQL's is the database server's.
        assert_eq!(status, StatusCode::CREATED, "{refused}");
        return;
    }
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::INSUFFICIENT_STORAGE, Some("insufficient_storage")),
        "{refused}"
    );
    assert!(refused["message"].as_str().unwrap().contains("磁盘空间不足"), "{refused}");
    assert_eq!(fx.db_rows("SELECT count(*) FROM requests"), [["0"]]);
    // A request without photos still goes in: text is tiny, and the customer is not lost.
    let (status, _) = send(&fx.router, post(Some("floor-0002"), valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
}
