//! README's example requests are true: each block marked `<!-- example: METHOD PATH → STATUS
//! [field …] -->` is sent exactly as written (with an idempotency key) to a real server on a
//! temporary SQLite file, and must get the documented answer: the status, the documented keys
//! of a created request, and for a refusal the fields it names.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use serde_json::Value;
use shouhou_server::{app, load_state, Settings};
use tower::ServiceExt;

struct Example {
    method: String,
    path: String,
    status: u16,
    fields: Vec<String>,
    body: String,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(marker) = line.trim().strip_prefix("<!-- example:") else { continue };
        let marker = marker.trim_end_matches("-->").replace('→', " ");
        let words: Vec<&str> = marker.split_whitespace().collect();
        assert!(words.len() >= 3, "an example marker names method, path and status: {line}");
        assert_eq!(lines.next().map(str::trim), Some("```json"), "a json block follows {line}");
        let body: Vec<&str> = lines.by_ref().take_while(|l| l.trim() != "```").collect();
        found.push(Example {
            method: words[0].to_string(),
            path: words[1].to_string(),
            status: words[2].parse().expect("a status code"),
            fields: words[3..].iter().map(|w| w.to_string()).collect(),
            body: body.join("\n"),
        });
    }
    found
}

#[tokio::test]
async fn every_readme_example_gets_the_documented_answer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(examples.len() >= 3, "README's examples are found: {}", examples.len());

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

    for (n, example) in examples.iter().enumerate() {
        let request = Request::builder()
            .method(example.method.as_str())
            .uri(example.path.as_str())
            .header("content-type", "application/json")
            .header("idempotency-key", format!("readme-example-{n:04}"))
            .body(Body::from(example.body.clone()))
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let answer: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let what = format!("{} {} → {}: {answer}", example.method, example.path, example.status);
        assert_eq!(status, example.status, "{what}");
        if status == 201 && example.path == "/api/v1/requests" {
            for key in ["reference", "status", "created_at", "reply_by"] {
                assert!(answer[key].is_string(), "{key} in {what}");
            }
            assert_eq!(answer["status"], "received", "{what}");
            // The promised reply is core's rule (working hours, priority) from the creation.
            let at = |key: &str| {
                chrono::DateTime::parse_from_rfc3339(answer[key].as_str().unwrap()).unwrap()
            };
            let config = shouhou_core::AppConfig::from_json(
                &std::fs::read_to_string(root.join("static/config.json")).unwrap(),
            )
            .unwrap();
            let request: shouhou_core::RequestFields = serde_json::from_str(&example.body).unwrap();
            let priority = shouhou_core::rules::priority_of(&request);
            assert_eq!(
                at("reply_by").timestamp_millis(),
                config.reply_by(priority, at("created_at").timestamp_millis()),
                "{what}"
            );
        }
        if status == 422 {
            assert_eq!(answer["code"], "validation_failed", "{what}");
            let named: Vec<&str> = answer["fields"]
                .as_array()
                .map(|fields| fields.iter().filter_map(|f| f["field"].as_str()).collect())
                .unwrap_or_default();
            assert_eq!(named, example.fields, "{what}");
        }
    }
}

#[test]
fn a_config_saved_with_a_byte_order_mark_loads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(root.join("static/config.json")).unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, format!("\u{FEFF}{shipped}")).unwrap();
    let settings = Settings {
        db: dir.path().join("shouhou.sqlite3"),
        config,
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    let state = load_state(&settings).expect("Notepad's byte-order mark is accepted");
    assert_eq!(state.config, shouhou_core::AppConfig::from_json(&shipped).unwrap());
}

/// The table of headers under "Security and durability" is what every answer carries.
#[tokio::test]
async fn the_readme_header_table_is_what_the_server_sends() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
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
        db: dir.path().join("shouhou.sqlite3"),
        config: root.join("static/config.json"),
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>x</title>").unwrap();
    let router = app(load_state(&settings).unwrap(), &settings.dist);
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
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

/// The promised reply time the server answers is core's, counted in the config's working
/// hours (time zone, opening hours, the weekend line for urgent requests): never a plain
/// "now + hours" while the office is closed.
#[tokio::test]
async fn reply_by_is_counted_in_the_configured_working_hours() {
    use shouhou_core::{AppConfig, Priority};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let config_path = root.join("static/config.json");
    let config = AppConfig::from_json(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        db: dir.path().join("shouhou.sqlite3"),
        config: config_path,
        dist: dir.path().join("dist"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>x</title>").unwrap();
    let router = app(load_state(&settings).unwrap(), &settings.dist);
    let minutes = |at: &chrono::DateTime<chrono::FixedOffset>| {
        use chrono::Timelike;
        let local = at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap());
        local.hour() * 60 + local.minute()
    };
    for (key, usable, danger, priority, open) in [
        ("reply-normal", "partly", "no", Priority::Normal, (9 * 60, 18 * 60)),
        ("reply-urgent", "no", "yes", Priority::Urgent, (9 * 60, 18 * 60)),
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
