//! A backup brings everything back: `shouhou-server backup` copies the live SQLite database
//! while creates keep arriving, and a fresh server on its restore finds every request that
//! had its 201 before the backup began, photos included; `restore` refuses a database a
//! server has open. PostgreSQL's backups are pg_dump's (docs/operations.md): the commands say so.

mod common;

use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{request, valid_body, Server};
use serde_json::json;

const PHOTO: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10";

/// A JPEG's first bytes, then filler that says which request it belongs to.
fn photo_of(key: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend(key.bytes().cycle().take(1200));
    bytes
}

/// A consultation with one photo, as the app sends it.
async fn create_with_photo(addr: &str, key: &str) -> std::io::Result<common::Answer> {
    let photo = photo_of(key);
    let mut fields = valid_body();
    fields["photos"] = json!([{"id": PHOTO, "content_type": "image/jpeg", "bytes": photo.len(),
        "width": 1600, "height": 1200}]);
    let boundary = "----shouhou-backup-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\nContent-Type: application/json\r\n\r\n{fields}").as_bytes());
    body.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{PHOTO}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
    body.extend_from_slice(&photo);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let headers = [("Content-Type", content_type.as_str()), ("Idempotency-Key", key)];
    request(addr, "POST", "/api/v1/requests", &headers, &body).await
}

/// `shouhou-server <command> <file> --db <db>`.
fn run(command: &str, file: &std::path::Path, db: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .arg(command)
        .arg(file)
        .arg("--db")
        .arg(db)
        .output()
        .expect("the server binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_under_load_restores_every_request_answered_before_it_began_with_its_photos() {
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("shouhou-backup.sqlite3");
    if common::on_postgres() {
        let url = common::test_db(dir.path(), "unused");
        for command in ["backup", "restore"] {
            let refused = run(command, &backup, &url);
            assert_eq!(refused.status.code(), Some(2), "{command}");
            assert!(text(&refused.stderr).contains("pg_dump"), "{}", text(&refused.stderr));
        }
        return;
    }
    let live = dir.path().join("live.sqlite3");
    let dist = common::dist(dir.path());
    let unlimited = ["--limit-create", "10000000:10000000", "--limit-lookup", "10000000:10000000"];
    let server = Server::start(&live, &dist, &unlimited);

    // Senders create requests with a photo back to back until told to stop.
    let acknowledged: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..6)
        .map(|sender| {
            let (addr, acknowledged, stop) =
                (server.addr.clone(), Arc::clone(&acknowledged), Arc::clone(&stop));
            tokio::spawn(async move {
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let key = format!("backup-{sender}-{n:05}");
                    let answer = create_with_photo(&addr, &key).await.unwrap();
                    assert_eq!(answer.status, 201, "{key}: {}", answer.body);
                    let reference = answer.json()["reference"].as_str().unwrap().to_string();
                    acknowledged.lock().unwrap().push((reference, Instant::now()));
                }
            })
        })
        .collect();
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 60 {
        assert!(started.elapsed() < Duration::from_secs(60), "the creates never got going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    let began = Instant::now();
    let (file, db) = (backup.clone(), live.clone());
    let backed_up = tokio::task::spawn_blocking(move || run("backup", &file, &db)).await.unwrap();
    let ended = Instant::now();
    assert!(backed_up.status.success(), "{}", text(&backed_up.stderr));
    assert!(text(&backed_up.stdout).starts_with("backed up"), "{}", text(&backed_up.stdout));
    // The server kept taking requests: more were answered after the backup began.
    while !acknowledged.lock().unwrap().iter().any(|(_, at)| *at > ended) {
        assert!(ended.elapsed() < Duration::from_secs(30), "no create answered after the backup");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let before: Vec<&String> =
        acknowledged.iter().filter(|(_, at)| *at < began).map(|(r, _)| r).collect();
    let during = acknowledged.iter().filter(|(_, at)| *at >= began && *at <= ended).count();

    // Never over a database a server has open: the live one stays as it is.
    let refused = run("restore", &backup, &live);
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(text(&refused.stderr).contains("in use"), "{}", text(&refused.stderr));
    let live_requests = common::db_count(&live, "SELECT count(*) FROM requests");
    assert_eq!(live_requests as usize, acknowledged.len(), "every 201 is in the live database");
    drop(server);

    let restored = dir.path().join("restored").join("shouhou.sqlite3");
    let brought_back = run("restore", &backup, &restored);
    assert!(brought_back.status.success(), "{}", text(&brought_back.stderr));
    let server = Server::start(&restored, &dist, &unlimited);
    for reference in &before {
        let look_up = format!("/api/v1/requests/{reference}?contact=13812345678");
        let answer = request(&server.addr, "GET", &look_up, &[], b"").await.unwrap();
        assert_eq!(answer.status, 200, "{reference}: {}", answer.body);
        assert_eq!(answer.json()["request"]["photos"][0]["id"], PHOTO, "{}", answer.body);
    }
    // Each photo whole, byte for byte the one sent with its request.
    let photos = common::db_rows(
        &restored,
        "SELECT r.idempotency_key, hex(p.data) FROM photos p JOIN requests r ON r.id = p.request_id",
    );
    let restored_requests = common::db_count(&restored, "SELECT count(*) FROM requests");
    assert_eq!(photos.len() as i64, restored_requests, "one photo per request");
    for row in &photos {
        let sent: String = photo_of(&row[0]).iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(row[1], sent, "{}", row[0]);
    }
    // Nothing but what was answered 201 (senders wait for every answer before they stop).
    let references: std::collections::BTreeSet<&String> =
        acknowledged.iter().map(|(r, _)| r).collect();
    for row in common::db_rows(&restored, "SELECT reference FROM requests") {
        assert!(references.contains(&row[0]), "{} was never answered", row[0]);
    }
    println!(
        "backup under load: {} requests answered before it began, {during} while it ran, {} in \
         it; {:.0} ms",
        before.len(),
        restored_requests,
        (ended - began).as_secs_f64() * 1000.0
    );
    // The restored database takes requests as the live one did.
    let after = create_with_photo(&server.addr, "after-restore").await.unwrap();
    assert_eq!(after.status, 201, "{}", after.body);
}
