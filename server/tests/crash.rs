//! A 201 means it is on disk: kill the real server with SIGKILL in the middle of a storm of
//! creates, start it again on the same database (a SQLite file, or PostgreSQL), and find
//! every acknowledged request exactly once.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{post_create, valid_body, Server};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_request_answered_201_survives_a_sigkill_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "crash.sqlite3");
    let dist = common::dist(dir.path());
    // Every sender is 127.0.0.1: the storm is one client, far above the default create limit.
    let unlimited = ["--limit-create", "10000000:10000000"];
    let mut server = Server::start(&db, &dist, &unlimited);
    let body = valid_body().to_string();

    // Each sender posts new keys back to back until the server stops answering.
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let unanswered: Arc<Mutex<Vec<String>>> = Arc::default();
    let senders: Vec<_> = (0..24)
        .map(|sender| {
            let (addr, body) = (server.addr.clone(), body.clone());
            let (acknowledged, unanswered) = (Arc::clone(&acknowledged), Arc::clone(&unanswered));
            tokio::spawn(async move {
                for n in 0.. {
                    let key = format!("crash-{sender:02}-{n:05}");
                    match post_create(&addr, &key, &body).await {
                        Ok(answer) if answer.status == 201 => {
                            let reference =
                                answer.json()["reference"].as_str().unwrap().to_string();
                            acknowledged.lock().unwrap().push((key, reference));
                        }
                        Ok(answer) => panic!("{key}: unexpected {} {}", answer.status, answer.body),
                        Err(_) => {
                            unanswered.lock().unwrap().push(key);
                            return;
                        }
                    }
                }
            })
        })
        .collect();

    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 300 {
        assert!(started.elapsed() < Duration::from_secs(60), "the storm never got going");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill();
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let unanswered = unanswered.lock().unwrap().clone();
    assert_eq!(unanswered.len(), 24, "every sender was cut off by the kill");

    let server = Server::start(&db, &dist, &unlimited);
    let stored = common::db_rows(&db, "SELECT idempotency_key, reference FROM requests");
    for (key, reference) in &acknowledged {
        let rows: Vec<&String> =
            stored.iter().filter(|row| row[0] == *key).map(|row| &row[1]).collect();
        assert_eq!(rows, [reference], "{key} was answered 201 and must be stored once");
    }
    // A retry of an acknowledged request is a replay, never a second request.
    let (key, reference) = &acknowledged[acknowledged.len() / 2];
    let replay = post_create(&server.addr, key, &body).await.unwrap();
    assert_eq!(replay.status, 200, "{}", replay.body);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    assert_eq!(replay.json()["reference"], reference.as_str());
    // What was in flight at the kill may or may not have been stored; its retry settles it
    // and never makes a second row.
    for key in &unanswered {
        let answer = post_create(&server.addr, key, &body).await.unwrap();
        assert!(answer.status == 201 || answer.status == 200, "{key}: {}", answer.body);
    }
    let counted =
        common::db_rows(&db, "SELECT count(*), count(DISTINCT idempotency_key) FROM requests");
    let (rows, keys): (i64, i64) = (counted[0][0].parse().unwrap(), counted[0][1].parse().unwrap());
    assert_eq!(rows, keys);
    assert!(rows as usize >= acknowledged.len() + unanswered.len());
}
