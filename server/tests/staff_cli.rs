//! `shouhou-server staff …`, the built binary on a database in a temporary folder (or a
//! fresh PostgreSQL database: tests/common/store.rs).

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn staff(db: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .arg("staff")
        .args(args)
        .arg("--db")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    // A refused login or flag ends the process before it reads stdin: a broken pipe then
    // is expected, and the exit code tells the rest.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn staff_accounts_are_added_listed_and_disabled() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "data/desk.sqlite3");

    let added = staff(&db, &["add", "li.na", "--role", "lead"], "correct horse 电池\n");
    assert!(added.status.success(), "{}", text(&added.stderr));
    assert_eq!(text(&added.stdout), "added li.na (lead)\n");
    let added = staff(&db, &["add", "wang.fang", "--role", "agent"], "a-long-enough-pw");
    assert!(added.status.success(), "no newline at the end is fine: {}", text(&added.stderr));

    let again = staff(&db, &["add", "li.na", "--role", "agent"], "another-password\n");
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("exists already"));

    let list = staff(&db, &["list"], "");
    assert!(list.status.success());
    let lines: Vec<Vec<String>> = text(&list.stdout)
        .lines()
        .map(|line| line.split('\t').take(3).map(str::to_string).collect())
        .collect();
    assert_eq!(lines, [["li.na", "lead", "active"], ["wang.fang", "agent", "active"]]);

    let disabled = staff(&db, &["disable", "wang.fang"], "");
    assert!(disabled.status.success(), "{}", text(&disabled.stderr));
    assert!(text(&staff(&db, &["list"], "").stdout).contains("wang.fang\tagent\tdisabled"));
    assert_eq!(staff(&db, &["disable", "nobody"], "").status.code(), Some(1));

    // Only the Argon2id hash is stored.
    let hash = common::db_rows(&db, "SELECT password_hash FROM staff WHERE login = 'li.na'")
        .remove(0)
        .remove(0);
    assert!(hash.starts_with("$argon2id$") && !hash.contains("correct horse"), "{hash}");
    assert!(shouhou_server::auth::verify_password("correct horse 电池", &hash));
}

#[test]
fn weak_passwords_and_bad_logins_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "desk.sqlite3");
    for (login, password) in
        [("li.na", ""), ("li.na", "\n"), ("li.na", "nine-char\n"), ("Li Na", "long-enough-pw\n")]
    {
        let refused = staff(&db, &["add", login, "--role", "agent"], password);
        assert_eq!(refused.status.code(), Some(2), "{login} {password:?}");
        assert!(!text(&refused.stderr).is_empty());
    }
    let bad_role = staff(&db, &["add", "li.na", "--role", "boss"], "long-enough-pw\n");
    assert!(!bad_role.status.success());
    assert_eq!(text(&staff(&db, &["list"], "").stdout), "", "nothing was added");
}

#[tokio::test]
async fn an_account_added_while_the_server_runs_can_sign_in_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "live.sqlite3");
    let server = common::Server::start(&db, &common::dist(dir.path()), &["--session-hours", "1"]);
    let added = staff(&db, &["add", "li.na", "--role", "lead"], "a long passphrase\n");
    assert!(added.status.success(), "{}", text(&added.stderr));

    let body = br#"{"login": "li.na", "password": "a long passphrase"}"#;
    let json = [("Content-Type", "application/json")];
    let answer =
        common::request(&server.addr, "POST", "/api/v1/staff/session", &json, body).await.unwrap();
    assert_eq!(answer.status, 204);
    let cookie = answer.header("set-cookie").unwrap().to_string();
    assert!(cookie.ends_with("; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600"), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    let me =
        common::request(&server.addr, "GET", "/api/v1/staff/session", &[("Cookie", pair)], b"")
            .await
            .unwrap();
    assert_eq!((me.status, me.json()["login"].as_str()), (200, Some("li.na")));

    let disabled = staff(&db, &["disable", "li.na"], "");
    assert!(disabled.status.success());
    let me =
        common::request(&server.addr, "GET", "/api/v1/staff/session", &[("Cookie", pair)], b"")
            .await
            .unwrap();
    assert_eq!(me.status, 401, "disabling ends the session");
}

#[test]
fn a_session_length_of_zero_is_refused() {
    let refused = Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["--session-hours", "0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}
