//! The kiosk PIN against the real binary: the settings line printed by --hash-kiosk-pin
//! unlocks, a wrong PIN is refused, guessing is stopped, and nothing public holds the PIN.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{request, Server};

/// What `shouhou-server --hash-kiosk-pin` prints for `pin`, as the value to set.
fn hash_line(pin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .arg("--hash-kiosk-pin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{pin}").unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap())
}

async fn unlock(server: &Server, pin: &str) -> common::Answer {
    let body = serde_json::json!({ "pin": pin }).to_string();
    let headers = [("Content-Type", "application/json"), ("Accept-Language", "en")];
    request(&server.addr, "POST", "/api/v1/kiosk/unlock", &headers, body.as_bytes()).await.unwrap()
}

#[tokio::test]
async fn the_printed_hash_unlocks_a_wrong_pin_is_refused_and_guessing_is_stopped() {
    let (status, line) = hash_line("482916");
    assert_eq!(status, 0);
    let hash = line
        .trim()
        .strip_prefix("SHOUHOU_KIOSK_PIN_HASH='")
        .and_then(|rest| rest.strip_suffix('\''))
        .unwrap_or_else(|| panic!("a settings line, got {line:?}"));
    assert!(hash.starts_with("$argon2id$") && !hash.contains("482916"));
    assert_eq!(hash_line("12ab").0, 2, "a PIN is digits only");

    let dir = tempfile::tempdir().unwrap();
    let flags = ["--kiosk-pin-hash", hash, "--limit-kiosk-pin", "3:3"];
    let server = Server::start(
        &common::test_db(dir.path(), "db.sqlite3"),
        &common::dist(dir.path()),
        &flags,
    );
    assert_eq!(unlock(&server, "482916").await.status, 204);
    let wrong = unlock(&server, "000000").await;
    assert_eq!((wrong.status, wrong.json()["code"].as_str()), (401, Some("wrong_pin")));
    assert_eq!(unlock(&server, "111111").await.status, 401);
    // The fourth try within the minute is not even checked, right or wrong.
    let stopped = unlock(&server, "482916").await;
    assert_eq!(stopped.status, 429);
    assert!(stopped.header("retry-after").is_some());

    let config = request(&server.addr, "GET", "/config.json", &[], b"").await.unwrap();
    assert!(!config.body.contains("argon2"), "config.json is public");
}

#[tokio::test]
async fn without_a_pin_hash_the_kiosk_cannot_be_unlocked_and_a_bad_hash_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        Server::start(&common::test_db(dir.path(), "db.sqlite3"), &common::dist(dir.path()), &[]);
    let answer = unlock(&server, "482916").await;
    assert_eq!((answer.status, answer.json()["code"].as_str()), (404, Some("kiosk_pin_not_set")));

    let out = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["--addr", "127.0.0.1:0", "--kiosk-pin-hash", "482916"])
        .arg("--config")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../static/config.json"))
        .arg("--db")
        .arg(common::test_db(dir.path(), "other.sqlite3"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a plain PIN in the settings is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--hash-kiosk-pin"));
}
