//! README's JSON is true. Every ```json block parses, and every one is checked by what the
//! comment on the line above it says:
//!
//! - `<!-- example: METHOD PATH → STATUS [field …] [given=status,…] -->`: a request body, sent
//!   exactly as written (with an idempotency key) to a real server on a temporary store, which
//!   must give the documented answer: the status, the documented keys of a created request, a
//!   message, a rating and a staff event, and for a refusal the fields it names. `{reference}` in the path is the reference of the last
//!   answer that carried one; `given=` first moves that request through these statuses as staff;
//!   a path under `/api/v1/staff/` is sent with a signed-in lead's session cookie.
//! - `<!-- answer: GET PATH [maps=key,…] -->`: an answer as the server gives it; the route is
//!   asked (as staff under `/api/v1/staff/`) after the examples above it, and the block must have
//!   the real answer's keys, recursively (values are only examples; `maps` name objects keyed by
//!   data, such as counts per product line, whose keys are not compared).
//! - `<!-- config.json -->`: an excerpt of the configuration; put into the shipped one, it loads.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::Value;
use shouhou_server::store::Role;
use shouhou_server::{app, Settings};
use tower::ServiceExt;

/// A ```json block: its document, the line of its opening fence, the comment on the line
/// above, its text.
struct Block {
    file: &'static str,
    line: usize,
    marker: Option<String>,
    text: String,
}

/// README and the reference it links, in reading order: the examples run in this order (a
/// `{reference}` is the last answer's).
const DOCUMENTS: &[&str] = &[
    "README.md",
    "docs/api.md",
    "docs/desk.md",
    "docs/notices.md",
    "docs/configuration.md",
    "docs/customer-app.md",
    "docs/security.md",
    "docs/operations.md",
    "docs/benchmarks.md",
    "docs/field.md",
];

fn documents() -> Vec<(&'static str, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    DOCUMENTS
        .iter()
        .map(|file| (*file, std::fs::read_to_string(root.join(file)).unwrap()))
        .collect()
}

/// Every document as one text, for the tables (found by their bold titles).
fn readme() -> String {
    documents().into_iter().map(|(_, text)| text).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_document_in_docs_is_read_here() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    for entry in std::fs::read_dir(root).unwrap() {
        let name = format!("docs/{}", entry.unwrap().file_name().to_string_lossy());
        assert!(DOCUMENTS.contains(&name.as_str()), "{name} is not checked: add it to DOCUMENTS");
    }
}

fn json_blocks() -> Vec<Block> {
    documents().into_iter().flat_map(|(file, text)| blocks_of(file, &text)).collect()
}

fn blocks_of(file: &'static str, readme: &str) -> Vec<Block> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut blocks = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if lines[at].trim() == "```json" {
            let fence = at;
            let body: Vec<&str> =
                lines[fence + 1..].iter().copied().take_while(|l| l.trim() != "```").collect();
            at = fence + body.len() + 1;
            let marker = fence
                .checked_sub(1)
                .map(|above| lines[above].trim())
                .and_then(|above| above.strip_prefix("<!--")?.strip_suffix("-->"))
                .map(|marker| marker.trim().to_string());
            blocks.push(Block { file, line: fence + 1, marker, text: body.join("\n") });
        }
        at += 1;
    }
    blocks
}

#[test]
fn every_json_block_in_the_readme_parses() {
    let blocks = json_blocks();
    assert!(blocks.len() >= 9, "README's json blocks are found: {}", blocks.len());
    let broken: Vec<String> = blocks
        .iter()
        .filter_map(|block| {
            let error = serde_json::from_str::<Value>(&block.text).err()?;
            Some(format!("{} line {}: {error}\n{}", block.file, block.line, block.text))
        })
        .collect();
    assert!(broken.is_empty(), "json blocks that are not JSON:\n{}", broken.join("\n\n"));
}

#[test]
fn every_json_block_in_the_readme_is_checked() {
    let readme = readme();
    let blocks = json_blocks();
    let unchecked: Vec<String> = blocks
        .iter()
        .filter(|block| {
            let marker = block.marker.as_deref().unwrap_or("");
            !(marker.starts_with("example:")
                || marker.starts_with("answer:")
                || marker == "config.json")
        })
        .map(|block| format!("{} line {}", block.file, block.line))
        .collect();
    assert!(
        unchecked.is_empty(),
        "json blocks without an example, answer or config.json marker above: {unchecked:?}"
    );
    // A marker is on the line just above its block, or it checks nothing.
    for kind in ["example:", "answer:", "config.json"] {
        let marked =
            blocks.iter().filter(|b| b.marker.as_deref().is_some_and(|m| m.starts_with(kind)));
        assert_eq!(
            readme.lines().filter(|l| l.trim().starts_with(&format!("<!-- {kind}"))).count(),
            marked.count(),
            "every <!-- {kind} … --> marker is on the line just above a json block"
        );
    }
}

/// The key structure of `documented` is the real answer's: objects have the same keys, arrays'
/// items the keys of the real first item, and a value is of the same JSON kind (null aside).
fn same_keys(documented: &Value, real: &Value, at: &str, maps: &[&str], found: &mut Vec<String>) {
    match (documented, real) {
        (Value::Object(doc), Value::Object(real)) => {
            if maps.iter().any(|map| at.ends_with(&format!(".{map}"))) {
                return;
            }
            let doc_keys: BTreeSet<&String> = doc.keys().collect();
            let real_keys: BTreeSet<&String> = real.keys().collect();
            for key in doc_keys.difference(&real_keys) {
                found.push(format!("{at}.{key}: documented, not in the real answer"));
            }
            for key in real_keys.difference(&doc_keys) {
                found.push(format!("{at}.{key}: in the real answer, not documented"));
            }
            for key in doc_keys.intersection(&real_keys) {
                same_keys(&doc[*key], &real[*key], &format!("{at}.{key}"), maps, found);
            }
        }
        (Value::Array(doc), Value::Array(real)) => {
            if let Some(first) = real.first() {
                for (n, item) in doc.iter().enumerate() {
                    same_keys(item, first, &format!("{at}[{n}]"), maps, found);
                }
            }
        }
        (Value::Null, _) | (_, Value::Null) => {}
        (doc, real) => {
            let kind = |v: &Value| std::mem::discriminant(v);
            if kind(doc) != kind(real) {
                found.push(format!("{at}: documented {doc}, the server gives {real}"));
            }
        }
    }
}

#[tokio::test]
async fn every_readme_example_gets_the_documented_answer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let blocks = json_blocks();
    let desk = common::desk::desk();
    // The account README's "Creating the first staff account" makes.
    let hash = shouhou_server::auth::hash_password("a long passphrase");
    desk.state
        .store
        .add_staff("li.na", Role::Lead, &hash, "2026-11-01T08:00:00+08:00")
        .await
        .unwrap();
    let signed_in = desk.send(common::desk::sign_in_request("li.na", "a long passphrase")).await;
    let cookie = signed_in.header("set-cookie").split(';').next().unwrap().to_string();
    let config = shouhou_core::AppConfig::from_json(
        &std::fs::read_to_string(root.join("static/config.json")).unwrap(),
    )
    .unwrap();

    let mut reference = String::new();
    let (mut examples, mut answers) = (0, 0);
    for block in &blocks {
        let marker = block.marker.as_deref().unwrap_or("");
        if let Some(marker) = marker.strip_prefix("answer:") {
            let words: Vec<&str> = marker.split_whitespace().collect();
            let [method, path, ref rest @ ..] = words[..] else {
                panic!("line {}: {marker}", block.line)
            };
            let maps: Vec<&str> = rest
                .iter()
                .filter_map(|w| w.strip_prefix("maps="))
                .flat_map(|list| list.split(','))
                .collect();
            let path = path.replace("{reference}", &reference);
            let mut request = Request::builder().method(method).uri(path.as_str());
            if path.starts_with("/api/v1/staff/") {
                request = request.header("cookie", cookie.as_str());
            }
            let reply = desk.send(request.body(Body::empty()).unwrap()).await;
            let what = format!("{} line {}: {method} {path}", block.file, block.line);
            assert_eq!(reply.status.as_u16(), 200, "{what}: {}", reply.json());
            let documented: Value = serde_json::from_str(&block.text).unwrap();
            let mut found = Vec::new();
            same_keys(&documented, &reply.json(), "", &maps, &mut found);
            assert!(
                found.is_empty(),
                "{what}:\n{}\nreal answer: {}",
                found.join("\n"),
                reply.json()
            );
            answers += 1;
            continue;
        }
        let Some(marker) = marker.strip_prefix("example:") else { continue };
        let marker = marker.replace('→', " ");
        let words: Vec<&str> = marker.split_whitespace().collect();
        let [method, path, status, ref rest @ ..] = words[..] else {
            panic!("line {}: an example marker names method, path and status: {marker}", block.line)
        };
        let status: u16 = status.parse().expect("a status code");
        let (given, fields): (Vec<&str>, Vec<&str>) =
            rest.iter().partition(|word| word.starts_with("given="));
        for change in given.iter().flat_map(|w| w["given=".len()..].split(',')) {
            let events = format!("/api/v1/staff/requests/{reference}/events");
            let reply = desk
                .post(&events, &cookie, serde_json::json!({"kind": "status", "status": change}))
                .await;
            assert_eq!(
                reply.status.as_u16(),
                201,
                "line {}: given {change}: {}",
                block.line,
                reply.json()
            );
        }
        let path = path.replace("{reference}", &reference);
        let mut request = Request::builder()
            .method(method)
            .uri(path.as_str())
            .header("content-type", "application/json")
            .header("idempotency-key", format!("readme-example-{:04}", block.line));
        if path.starts_with("/api/v1/staff/") {
            request = request.header("cookie", cookie.as_str());
        }
        let reply = desk.send(request.body(Body::from(block.text.clone())).unwrap()).await;
        let answer = reply.json();
        let what =
            format!("{} line {}: {method} {path} → {status}: {answer}", block.file, block.line);
        assert_eq!(reply.status.as_u16(), status, "{what}");
        if let Some(issued) = answer["reference"].as_str() {
            reference = issued.to_string();
        }
        if status == 201 && path == "/api/v1/requests" {
            for key in ["reference", "status", "created_at", "reply_by"] {
                assert!(answer[key].is_string(), "{key} in {what}");
            }
            assert_eq!(answer["status"], "received", "{what}");
            // The promised reply is core's rule (working hours, priority) from the creation.
            let at = |key: &str| {
                chrono::DateTime::parse_from_rfc3339(answer[key].as_str().unwrap()).unwrap()
            };
            let request: shouhou_core::RequestFields = serde_json::from_str(&block.text).unwrap();
            let priority = shouhou_core::rules::priority_of(&request);
            assert_eq!(
                at("reply_by").timestamp_millis(),
                config.reply_by(priority, at("created_at").timestamp_millis()),
                "{what}"
            );
        }
        if status == 201 && path.ends_with("/messages") {
            // As documented: `201 {"at", "kind": "customer_message", "text"}`.
            let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["at", "kind", "text"], "{what}");
            assert_eq!(answer["kind"], "customer_message", "{what}");
        }
        if status == 201 && path.ends_with("/feedback") {
            // As documented: `201 {"at", "kind": "rating", "rating", "comment"}`.
            let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["at", "comment", "kind", "rating"], "{what}");
            assert_eq!(answer["kind"], "rating", "{what}");
        }
        if status == 201 && path.ends_with("/events") {
            // As documented: the new entry, `{"id", "at", "kind", "actor", "public"}` plus the
            // kind's own keys (a reply's `text`), by the signed-in member of staff.
            let keys: Vec<&String> = answer.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["actor", "at", "id", "kind", "public", "text"], "{what}");
            assert_eq!(answer["actor"], "li.na", "{what}");
        }
        if status == 422 {
            assert_eq!(answer["code"], "validation_failed", "{what}");
            let named: Vec<&str> = answer["fields"]
                .as_array()
                .map(|fields| fields.iter().filter_map(|f| f["field"].as_str()).collect())
                .unwrap_or_default();
            assert_eq!(named, fields, "{what}");
        }
        examples += 1;
    }
    assert!(examples >= 7, "README's examples are found: {examples}");
    assert!(answers >= 2, "README's answers are found: {answers}");
}

/// Each `config.json` excerpt, put into the shipped configuration, loads.
#[test]
fn every_readme_config_excerpt_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let shipped: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("static/config.json")).unwrap())
            .unwrap();
    let mut excerpts = 0;
    for block in json_blocks() {
        if block.marker.as_deref() != Some("config.json") {
            continue;
        }
        let Value::Object(excerpt) = serde_json::from_str(&block.text).unwrap() else {
            panic!("{} line {}: an excerpt is an object", block.file, block.line)
        };
        let mut config = shipped.clone();
        for (key, value) in excerpt {
            config[key] = value;
        }
        if let Err(error) = shouhou_core::AppConfig::from_json(&config.to_string()) {
            panic!("{} line {}: {error:?}", block.file, block.line);
        }
        excerpts += 1;
    }
    assert!(excerpts >= 3, "README's config excerpts are found: {excerpts}");
}

// In a runtime: a PostgreSQL store starts a task that relays other instances' changes.
#[tokio::test]
async fn a_config_saved_with_a_byte_order_mark_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root.join("static/config.json")).unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, format!("\u{FEFF}{shipped}")).unwrap();
    let settings = Settings {
        db: common::test_db(dir.path(), "shouhou.sqlite3"),
        config,
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    // common::state panics with the reason if the configuration is refused.
    let state = common::state(&settings);
    assert_eq!(state.config, shouhou_core::AppConfig::from_json(&shipped).unwrap());
}

/// The table of headers under "Security and durability" is what every answer carries.
#[tokio::test]
async fn the_readme_header_table_is_what_the_server_sends() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = readme();
    let table = readme.split("**Headers on every answer**").nth(1).expect("the headers table");
    let rows: Vec<(String, String)> = table
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let value = cells.get(2)?.strip_prefix('`')?.split('`').next()?;
            Some((name.to_string(), value.to_string()))
        })
        .collect();
    assert!(rows.len() >= 5, "{rows:?}");

    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        db: common::test_db(dir.path(), "shouhou.sqlite3"),
        config: root.join("static/config.json"),
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>x</title>").unwrap();
    let router = app(common::state(&settings), &settings.dist);
    for path in ["/", "/api/v1/requests/SR-20261127-0001?contact=x", "/no-such-file.js"] {
        let answer =
            router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        for (name, value) in &rows {
            assert_eq!(
                answer.headers().get(name.as_str()).and_then(|v| v.to_str().ok()),
                Some(value.as_str()),
                "{name} on {path}"
            );
        }
    }
}

/// The rate-limit table: each flag, its environment variable and default are the server's,
/// and the defaults are what the server applies when no flag is given.
#[test]
fn the_readme_rate_limit_table_is_what_the_server_applies() {
    use shouhou_server::limit::{Limits, Rate};
    let readme = readme();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let defaults = Limits::default();
    let table = readme.split("**Rate limits**").nth(1).expect("the rate-limit table");
    let mut rows = 0;
    for line in table.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'))
    {
        let ticked: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
        let [flag, env, default, ..] = ticked[..] else { continue };
        let rate: Rate = default.parse().unwrap();
        let applied = match flag {
            "--limit-create" => defaults.create,
            "--limit-lookup" => defaults.lookup,
            "--limit-deflection" => defaults.deflection,
            "--limit-csp-report" => defaults.report,
            "--limit-sign-in" => defaults.sign_in,
            "--limit-message" => defaults.message,
            "--limit-feedback" => defaults.feedback,
            "--limit-kiosk-pin" => defaults.kiosk_pin,
            other => panic!("README names a flag the test does not know: {other}"),
        };
        assert_eq!(applied, rate, "{flag}");
        let described = help.split(&format!("{flag} <")).nth(1).expect(flag);
        let described = described.split("\n      --").next().unwrap();
        assert!(described.contains(&format!("[env: {env}=]")), "{flag}: {described}");
        assert!(described.contains(&format!("[default: {default}]")), "{flag}: {described}");
        rows += 1;
    }
    assert_eq!(rows, 8);
}

/// The upload limits' table: each flag, its environment variable and default are the
/// server's (`--help`), and the defaults are what it applies.
#[test]
fn the_readme_upload_limit_table_is_what_the_server_applies() {
    let readme = readme();
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let defaults = Settings::default();
    let table = readme.split("**Upload limits**").nth(1).expect("the upload limits' table");
    let mut rows = 0;
    for line in table.lines().skip_while(|l| !l.starts_with('|')).take_while(|l| l.starts_with('|'))
    {
        let ticked: Vec<&str> = line.split('`').skip(1).step_by(2).collect();
        let [flag, env, default, ..] = ticked[..] else { continue };
        let applied = match flag {
            "--photo-quota-mb" => defaults.photo_quota_bytes,
            "--min-free-disk-mb" => defaults.min_free_disk_bytes,
            "--upload-memory-mb" => defaults.upload_memory_bytes,
            other => panic!("README names a flag the test does not know: {other}"),
        };
        assert_eq!(applied, default.parse::<u64>().unwrap() * shouhou_server::state::MB, "{flag}");
        let described = help.split(&format!("{flag} <")).nth(1).expect(flag);
        let described = described.split("\n      --").next().unwrap();
        assert!(described.contains(&format!("[env: {env}=]")), "{flag}: {described}");
        assert!(described.contains(&format!("[default: {default}]")), "{flag}: {described}");
        rows += 1;
    }
    assert_eq!(rows, 3);
}

/// The promised reply time the server answers is core's, counted in the config's working
/// hours (time zone, opening hours, the calendar): never a plain "now + hours" while the
/// office is closed — except for an urgent request, which the 7×24 line answers on the clock.
#[tokio::test]
async fn reply_by_is_counted_in_the_configured_working_hours() {
    use shouhou_core::{AppConfig, Priority};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config_path = root.join("static/config.json");
    let config = AppConfig::from_json(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        db: common::test_db(dir.path(), "shouhou.sqlite3"),
        config: config_path,
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>x</title>").unwrap();
    let router = app(common::state(&settings), &settings.dist);
    let minutes = |at: &chrono::DateTime<chrono::FixedOffset>| {
        use chrono::Timelike;
        let local = at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        local.hour() * 60 + local.minute()
    };
    for (key, usable, danger, priority, open) in [
        ("reply-normal", "partly", "no", Priority::Normal, (9 * 60, 18 * 60)),
        ("reply-urgent", "no", "yes", Priority::Urgent, (0, 24 * 60)),
    ] {
        let body = serde_json::json!({
            "intent": "repair", "product_line": "inverter", "full_name": "王建国",
            "phone": "138 1234 5678", "serial_number": "INV-7K5-0042",
            "purchase_date_unknown": "yes", "resolution": "repair",
            "usable": usable, "danger": danger,
            "description": "变频器显示 OC1 过流故障"
        });
        let answer = router
            .clone()
            .oneshot(
                Request::post("/api/v1/requests")
                    .header("content-type", "application/json")
                    .header("idempotency-key", key)
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(answer.status(), 201, "{key}");
        let json: Value =
            serde_json::from_slice(&answer.into_body().collect().await.unwrap().to_bytes())
                .unwrap();
        let at = |name: &str| chrono::DateTime::parse_from_rfc3339(json[name].as_str().unwrap());
        let (created, reply_by) = (at("created_at").unwrap(), at("reply_by").unwrap());
        // created_at is to the second; the promise was counted from the same instant's ms.
        let expected = config.reply_by(Some(priority), created.timestamp_millis());
        assert!((reply_by.timestamp_millis() - expected).abs() < 1_000, "{key}: {json}");
        let local = minutes(&reply_by);
        assert!((open.0..=open.1).contains(&local), "{key}: {reply_by} outside opening hours");
        let hours = config.reply_times.hours_for(Some(priority), config.reply_within_hours);
        assert!(
            reply_by - created >= chrono::Duration::hours(i64::from(hours)),
            "{key}: a promise of {hours} working hours is at least as long in clock time"
        );
    }
}
