//! What only PostgreSQL has to prove: several instances on one database (migrations, one
//! key's creates, sessions, racing status changes, customers' posts), and the PostgreSQL
//! store itself. (The rest of the suite runs on PostgreSQL too, with
//! `SHOUHOU_TEST_STORE=postgres`: tests/common/store.rs.) Run under
//! `scripts/with-postgres.sh`, which exports `DATABASE_URL`, with `-- --include-ignored`. A plain `cargo test` lists them as ignored
//! (with the command that runs them) rather than counting a test that could not run as
//! passed; run without `DATABASE_URL`, each prints a notice and returns. Each test makes its own database
//! on that server, so they run in parallel and each starts from an empty, unmigrated schema.

mod common;

use common::repair_body as valid_body;

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use shouhou_core::reference::parse_reference;
use shouhou_server::store::{self, Db, NewRequest, PhotoUpload, StoreError};
use shouhou_server::store::{PgStore, MIGRATION_LOCK, POSTGRES_MIGRATIONS as MIGRATIONS};
use shouhou_server::{app, open_state, Settings};
use tower::ServiceExt;

/// A new, empty database on the server `DATABASE_URL` names; None (with a notice) without one.
async fn fresh_database(test: &str) -> Option<String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) if shouhou_server::store::is_url(&url) => url,
        _ => {
            eprintln!("skipped {test}: DATABASE_URL is not a postgres:// URL (run it under scripts/with-postgres.sh)");
            return None;
        }
    };
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("t_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (server, _) = url.rsplit_once('/').unwrap();
    Some(format!("{server}/{name}"))
}

/// One value per row and column, as text (NULL as empty), for asserting on what was stored.
async fn rows(url: &str, sql: &str) -> Vec<Vec<String>> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    // Every row as a JSON array in column order (json, unlike jsonb, keeps it), so one
    // helper reads counts, text and NULLs alike.
    let sql = format!(
        "SELECT (SELECT json_agg(value) FROM json_each(row_to_json(q)))::text FROM ({sql}) q"
    );
    client
        .query(&sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|row| {
            let values: Vec<Value> = serde_json::from_str(row.get(0)).unwrap();
            values
                .iter()
                .map(|value| match value {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

struct Fixture {
    url: String,
    router: Router,
    _dir: tempfile::TempDir,
}

async fn fixture(test: &str) -> Option<Fixture> {
    let url = fresh_database(test).await?;
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        db: url.clone().into(),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: common::dist(dir.path()),
        ..Settings::default()
    };
    let state = open_state(&settings).await.unwrap();
    Some(Fixture { url, router: app(state, &settings.dist), _dir: dir })
}

fn post(key: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post("/api/v1/requests")
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.into())
        .unwrap()
}

async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Option<String>, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let replayed = response
        .headers()
        .get("idempotent-replayed")
        .map(|value| value.to_str().unwrap().to_string());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, replayed, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// What each spawned task answered, in the order they were started.
async fn joined<T>(tasks: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut answers = Vec::with_capacity(tasks.len());
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).unwrap()
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn create_stores_a_row_and_the_look_up_finds_it_by_contact() {
    let Some(fx) = fixture("create").await else { return };
    let (status, _, body) = send(&fx.router, post("pg-key-0001", valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let reference = body["reference"].as_str().unwrap().to_string();
    let today = chrono::Local::now().format("%Y%m%d").to_string();
    assert!(reference.starts_with(&format!("SR-{today}-")), "{reference}");
    assert_eq!(parse_reference(&reference).as_deref(), Some(reference.as_str()));
    assert_eq!(
        rows(&fx.url, "SELECT reference, intent, phone, email, status FROM requests").await,
        [[reference.as_str(), "repair", "+8613812345678", "wang@example.cn", "received"]]
    );

    let (status, _, found) =
        send(&fx.router, get(&format!("/api/v1/requests/{reference}?contact=138-1234-5678"))).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    assert_eq!(found["reference"], reference.as_str());
    assert_eq!(found["request"]["description"], valid_body()["description"]);
    assert_eq!((found["timeline"].clone(), found["can_rate"].clone()), (json!([]), json!(false)));
    let typed = reference.to_lowercase();
    let (status, _, _) =
        send(&fx.router, get(&format!("/api/v1/requests/{typed}?contact=WANG@example.cn"))).await;
    assert_eq!(status, StatusCode::OK, "typed in any case, email in any case");

    // A wrong contact is answered exactly like an unknown reference.
    let (wrong, _, wrong_body) =
        send(&fx.router, get(&format!("/api/v1/requests/{reference}?contact=13900000000"))).await;
    let (unknown, _, unknown_body) =
        send(&fx.router, get("/api/v1/requests/SR-20200101-0001?contact=13812345678")).await;
    assert_eq!((wrong, &wrong_body), (StatusCode::NOT_FOUND, &unknown_body));
    assert_eq!(unknown, StatusCode::NOT_FOUND);

    let (status, _, second) = send(&fx.router, post("pg-key-0002", valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(second["reference"].as_str(), Some(reference.as_str()));
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn the_same_key_again_returns_the_same_reference_and_creates_nothing() {
    let Some(fx) = fixture("replay").await else { return };
    let (first, replayed, body1) =
        send(&fx.router, post("pg-retry-1", valid_body().to_string())).await;
    assert_eq!((first, replayed), (StatusCode::CREATED, None));
    let (again, replayed, body2) =
        send(&fx.router, post("pg-retry-1", valid_body().to_string())).await;
    assert_eq!((again, replayed.as_deref()), (StatusCode::OK, Some("true")));
    assert_eq!(body1, body2, "the replay answers with what the first try stored");
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM requests").await, [["1"]]);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_key_reused_for_different_content_is_refused() {
    let Some(fx) = fixture("reused").await else { return };
    send(&fx.router, post("pg-reused-1", valid_body().to_string())).await;
    let mut other = valid_body();
    other["description"] = json!("完全不同的另一件事情");
    let (status, _, body) = send(&fx.router, post("pg-reused-1", other.to_string())).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("idempotency_key_reused"))
    );
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM requests").await, [["1"]]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn twenty_concurrent_creates_with_one_key_make_one_row() {
    let Some(fx) = fixture("storm").await else { return };
    let router = Arc::new(fx.router.clone());
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let router = Arc::clone(&router);
            tokio::spawn(async move {
                send(&router, post("pg-storm-1", valid_body().to_string())).await
            })
        })
        .collect();
    let answers: Vec<_> = joined(tasks)
        .await
        .into_iter()
        .map(|(status, _, body)| (status, body["reference"].as_str().unwrap().to_string()))
        .collect();
    let created = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|(_, reference)| *reference == answers[0].1), "{answers:?}");
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM requests").await, [["1"]]);
}

fn new_request(key: &str, photo_ids: &[&str]) -> NewRequest {
    NewRequest {
        idempotency_key: key.into(),
        submitted_json: "{}".into(),
        request: common::sample::sample_request(photo_ids),
        photos: photo_ids
            .iter()
            .map(|id| PhotoUpload {
                id: (*id).into(),
                content_type: "image/jpeg".into(),
                bytes: common::sample::SAMPLE_PHOTO_BYTES.to_vec(),
            })
            .collect(),
        now: store::now(),
        reply_by: store::now() + chrono::Duration::hours(24),
        filed_by: None,
    }
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_request_and_its_photos_are_stored_together_or_not_at_all() {
    let Some(url) = fresh_database("photos").await else { return };
    let store = Db::Postgres(PgStore::open(&url).await.unwrap());
    let created = store.create(new_request("pg-photos-1", &["p1", "p2"])).await.unwrap();
    assert!(!created.replayed);
    assert_eq!(
        rows(&url, "SELECT photo_id, bytes, length(data), encode(data, 'hex') FROM photos ORDER BY photo_id").await,
        [["p1", "4", "4", "ffd8ffe0"], ["p2", "4", "4", "ffd8ffe0"]]
    );
    // The same photo id twice breaks the photos' UNIQUE after the request row went in: the
    // request must not stay behind without its photos.
    let broken = store.create(new_request("pg-photos-2", &["p1", "p1"])).await;
    assert!(matches!(broken, Err(StoreError::Postgres(_))), "{broken:?}");
    assert_eq!(
        rows(&url, "SELECT count(*) FROM requests WHERE idempotency_key = 'pg-photos-2'").await,
        [["0"]]
    );
    assert_eq!(rows(&url, "SELECT count(*) FROM photos").await, [["2"]]);
}

/// The desk's inbox names its clock in its statements' text, so every second prepares new
/// ones: a connection keeps a bounded number of them, however long it lives.
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_connection_keeps_a_bounded_number_of_statements_prepared() {
    let Some(url) = fresh_database("statements").await else { return };
    let desk = Db::Postgres(PgStore::open(&url).await.unwrap());
    let Db::Postgres(store) = &desk else { unreachable!() };
    desk.create(new_request("pg-statements-1", &[])).await.unwrap();
    let start = store::now();
    // An inbox a second for twenty minutes, one query at a time on one connection.
    for second in 0..1_200 {
        let now = start + chrono::Duration::seconds(second);
        let inbox = desk.inbox(Default::default(), "li.na", None, now, None).await.unwrap();
        assert_eq!(inbox.total, 1);
    }
    let prepared = store.statements_prepared().await.unwrap();
    assert!(
        (1..=store::pg_conn::STATEMENTS_KEPT as i64).contains(&prepared),
        "{prepared} statements prepared"
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn null_comes_where_the_postgres_dialect_says() {
    let Some(url) = fresh_database("nulls").await else { return };
    let sql = "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT NULL) v ORDER BY x LIMIT 1";
    assert_eq!(rows(&url, sql).await[0][0].is_empty(), store::sql::POSTGRES.nulls_first);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn migrations_run_once_when_two_instances_start_together() {
    let Some(url) = fresh_database("migrations").await else { return };
    // The migration lock held from outside first, so both instances are seen waiting for it
    // at once before either can migrate: their runs overlap, by construction.
    let (holder, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    holder.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK]).await.unwrap();
    let (first, second) = (PgStore::connect(&url).unwrap(), PgStore::connect(&url).unwrap());
    let runs = [
        tokio::spawn(async move { first.migrate().await }),
        tokio::spawn(async move { second.migrate().await }),
    ];
    let waiting = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
    let started = std::time::Instant::now();
    loop {
        let blocked: i64 = holder.query_one(waiting, &[]).await.unwrap().get(0);
        if blocked == 2 {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "both never waited: {blocked}"
        );
        tokio::task::yield_now().await;
    }
    holder.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]).await.unwrap();
    let mut ran = Vec::new();
    for run in runs {
        ran.push(run.await.unwrap().unwrap());
    }
    ran.sort();
    assert_eq!(ran, [0, MIGRATIONS.len()], "one migrated, the other waited and found it done");
    let again = PgStore::connect(&url).unwrap();
    assert_eq!(again.migrate().await.unwrap(), 0);
    let versions: Vec<Vec<String>> =
        (1..=MIGRATIONS.len()).map(|version| vec![version.to_string()]).collect();
    assert_eq!(
        rows(&url, "SELECT version FROM schema_migrations ORDER BY version").await,
        versions
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_deflection_is_counted_once_per_key() {
    let Some(fx) = fixture("deflection").await else { return };
    let deflection = || {
        Request::post("/api/v1/deflections")
            .header("content-type", "application/json")
            .header("idempotency-key", "pg-deflect-1")
            .body(Body::from(
                json!({"flow_id": "network", "flow_version": 1, "product_line": "network", "outcome": "solved"})
                    .to_string(),
            ))
            .unwrap()
    };
    let (first, _, body) = send(&fx.router, deflection()).await;
    assert_eq!(first, StatusCode::CREATED, "{body}");
    let (again, _, _) = send(&fx.router, deflection()).await;
    assert_eq!(again, StatusCode::OK);
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM deflections").await, [["1"]]);
}

/// Two server binaries on one database, started together (so they race to migrate), and 20
/// concurrent creates under one key split between them: one row, one reference for all.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn two_instances_on_one_database_make_one_row_for_one_key() {
    let Some(url) = fresh_database("two-instances").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let starts: Vec<_> = (0..2)
        .map(|_| {
            let (url, dist) = (url.clone(), dist.clone());
            std::thread::spawn(move || common::Server::start(Path::new(&url), &dist, &[]))
        })
        .collect();
    let servers: Vec<common::Server> = starts.into_iter().map(|s| s.join().unwrap()).collect();
    assert_eq!(
        rows(&url, "SELECT count(*) FROM schema_migrations").await,
        [[MIGRATIONS.len().to_string()]]
    );

    let body = common::valid_body().to_string();
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let (addr, body) = (servers[i % 2].addr.clone(), body.clone());
            tokio::spawn(async move {
                let answer = common::post_create(&addr, "two-instance-key-1", &body).await.unwrap();
                (answer.status, answer.json()["reference"].as_str().unwrap_or_default().to_string())
            })
        })
        .collect();
    let answers = joined(tasks).await;
    assert_eq!(answers.iter().filter(|(status, _)| *status == 201).count(), 1, "{answers:?}");
    assert!(answers.iter().all(|(status, _)| *status == 201 || *status == 200), "{answers:?}");
    let reference = answers[0].1.clone();
    assert!(parse_reference(&reference).is_some(), "{answers:?}");
    assert!(answers.iter().all(|(_, r)| *r == reference), "both answer with one reference");
    assert_eq!(rows(&url, "SELECT count(*) FROM requests").await, [["1"]]);

    // Either instance finds what the other stored.
    for server in &servers {
        let path = format!("/api/v1/requests/{reference}?contact=13812345678");
        let found = common::request(&server.addr, "GET", &path, &[], b"").await.unwrap();
        assert_eq!(
            (found.status, found.json()["reference"].as_str()),
            (200, Some(reference.as_str()))
        );
    }
}

/// A request filed on one instance wakes the desks of another (`LISTEN`), after its commit:
/// the announcement is sent apart from the create's transaction, and must still come.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_request_filed_on_one_instance_wakes_the_desks_of_another() {
    use shouhou_server::store::hub::Signal;
    let Some(url) = fresh_database("announce").await else { return };
    let filing = Db::Postgres(PgStore::open(&url).await.unwrap());
    let watching = Db::Postgres(PgStore::open(&url).await.unwrap());
    let mut desk = watching.hub().subscribe();
    watching.listen();
    // The relay wakes the desks once it listens (they read what they may have missed).
    let within = std::time::Duration::from_secs(20);
    let first = tokio::time::timeout(within, desk.recv()).await.expect("the relay listens");
    assert_eq!(first.unwrap(), Signal::Changed);

    let created = filing.create(new_request("announce-1", &[])).await.unwrap();
    let heard = tokio::time::timeout(within, desk.recv()).await.expect("the other instance hears");
    assert_eq!(heard.unwrap(), Signal::Changed);
    let reference = created.stored.reference;
    assert_eq!(
        rows(&url, "SELECT reference, what FROM desk_changes").await,
        [[reference.as_str(), "filed"]]
    );
}

/// A JPEG's first bytes and then filler: the server checks the signature and the size.
fn jpeg(len: usize) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.resize(len, 0x42);
    bytes
}

const PHOTO_A: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10";
const PHOTO_B: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b11";

fn multipart(key: &str, fields: &Value, photos: &[(&str, Vec<u8>)]) -> Request<Body> {
    let boundary = "----shouhou-pg-boundary";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"request\"\r\nContent-Type: application/json\r\n\r\n{fields}").into_bytes();
    for (id, bytes) in photos {
        body.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"{id}\"\r\nContent-Type: image/jpeg\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post("/api/v1/requests")
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .header("idempotency-key", key)
        .body(Body::from(body))
        .unwrap()
}

/// The same multipart create as on SQLite (tests/api.rs): an in-warranty repair with two
/// photos, stored whole, retried without duplicates, and a photo that is not what it says
/// refused with nothing stored.
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_repair_with_two_photos_is_stored_whole_and_retried_without_duplicates() {
    use chrono::{Datelike, Months, NaiveDate};
    let Some(fx) = fixture("multipart").await else { return };
    let today = chrono::Utc::now().date_naive();
    let bought = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap() - Months::new(2);
    let mut body = valid_body();
    body["purchase_date"] = json!(bought.format("%Y-%m-%d").to_string());
    body["local_date"] = json!(today.format("%Y-%m-%d").to_string());
    body["photos"] = json!([
        {"id": PHOTO_A, "content_type": "image/jpeg", "bytes": 180_000, "width": 1600, "height": 1200},
        {"id": PHOTO_B, "content_type": "image/jpeg", "bytes": 95_000, "width": 1600, "height": 1200},
    ]);
    let photos = [(PHOTO_A, jpeg(180_000)), (PHOTO_B, jpeg(95_000))];
    let (status, _, created) =
        send(&fx.router, multipart("pg-photos-http-1", &body, &photos)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (again, replayed, replay) =
        send(&fx.router, multipart("pg-photos-http-1", &body, &photos)).await;
    assert_eq!((again, replayed.as_deref()), (StatusCode::OK, Some("true")));
    assert_eq!(replay["reference"], created["reference"]);
    assert_eq!(
        rows(
            &fx.url,
            "SELECT photo_id, content_type, bytes, length(data) FROM photos ORDER BY photo_id"
        )
        .await,
        [[PHOTO_A, "image/jpeg", "180000", "180000"], [PHOTO_B, "image/jpeg", "95000", "95000"]]
    );
    assert_eq!(rows(&fx.url, "SELECT warranty FROM requests").await, [["in_warranty"]]);

    let mut pdf = b"%PDF-1.7 ".to_vec();
    pdf.resize(180_000, b'x');
    let (status, _, refused) = send(
        &fx.router,
        multipart("pg-photos-http-2", &body, &[(PHOTO_A, pdf), (PHOTO_B, jpeg(95_000))]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM requests").await, [["1"]]);
    assert_eq!(rows(&fx.url, "SELECT count(*) FROM photos").await, [["2"]]);
}

/// The staff desk across two instances on one database: an account added with the staff
/// command signs in on one instance and its session is valid on the other (sessions are in
/// the database), and a status change sent to both at once is made exactly once (the row is
/// locked, and core's status machine refuses the second).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn sessions_and_status_changes_hold_across_two_instances() {
    use std::io::Write;
    let Some(url) = fresh_database("two-desks").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let servers: Vec<common::Server> =
        (0..2).map(|_| common::Server::start(Path::new(&url), &dist, &[])).collect();
    let mut add = std::process::Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["staff", "add", "li.na", "--role", "lead", "--db", &url])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"a long passphrase\n").unwrap();
    assert!(add.wait().unwrap().success());

    let json = [("Content-Type", "application/json")];
    let body = br#"{"login": "li.na", "password": "a long passphrase"}"#;
    let signed_in = common::request(&servers[0].addr, "POST", "/api/v1/staff/session", &json, body)
        .await
        .unwrap();
    assert_eq!(signed_in.status, 204, "{}", signed_in.body);
    let cookie = signed_in.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let with_cookie = [("Content-Type", "application/json"), ("Cookie", cookie.as_str())];
    let me = common::request(&servers[1].addr, "GET", "/api/v1/staff/session", &with_cookie, b"")
        .await
        .unwrap();
    assert_eq!((me.status, me.json()["login"].as_str()), (200, Some("li.na")), "{}", me.body);

    let created =
        common::post_create(&servers[0].addr, "two-desks-1", &common::valid_body().to_string())
            .await
            .unwrap();
    let reference = created.json()["reference"].as_str().unwrap().to_string();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let addr = servers[i % 2].addr.clone();
            let (cookie, path) =
                (cookie.clone(), format!("/api/v1/staff/requests/{reference}/events"));
            tokio::spawn(async move {
                let headers = [("Content-Type", "application/json"), ("Cookie", cookie.as_str())];
                let body = br#"{"kind": "status", "status": "in_progress"}"#;
                let answer = common::request(&addr, "POST", &path, &headers, body).await.unwrap();
                (answer.status, answer.json()["code"].as_str().unwrap_or_default().to_string())
            })
        })
        .collect();
    let answers = joined(tasks).await;
    assert_eq!(answers.iter().filter(|(status, _)| *status == 201).count(), 1, "{answers:?}");
    assert!(
        answers.iter().all(|(status, code)| *status == 201 || code == "transition_not_allowed"),
        "{answers:?}"
    );
    assert_eq!(
        rows(&url, "SELECT status, (SELECT count(*) FROM events) FROM requests").await,
        [["in_progress", "1"]]
    );

    // Signing out on one instance ends the session on both.
    let out =
        common::request(&servers[1].addr, "DELETE", "/api/v1/staff/session", &with_cookie, b"")
            .await
            .unwrap();
    assert_eq!(out.status, 204);
    let me = common::request(&servers[0].addr, "GET", "/api/v1/staff/session", &with_cookie, b"")
        .await
        .unwrap();
    assert_eq!(me.status, 401);
}

/// Customers' posts across two instances on one database: a message retried on both at
/// once makes one entry (and one status change), and two ratings under different keys at
/// once make one rating; the other is `409 already_rated`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_message_and_ratings_sent_to_two_instances_at_once_are_stored_once() {
    use shouhou_core::Status;
    use shouhou_server::store::timeline::EventRequest;
    let Some(url) = fresh_database("two-posts").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        db: url.clone().into(),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: common::dist(dir.path()),
        ..Settings::default()
    };
    let instances: Vec<Router> = vec![
        app(open_state(&settings).await.unwrap(), &settings.dist),
        app(open_state(&settings).await.unwrap(), &settings.dist),
    ];
    let store = Db::Postgres(PgStore::open(&url).await.unwrap());
    let reference = store.create(new_request("two-posts-1", &[])).await.unwrap().stored.reference;
    let now = || store::now().to_rfc3339();
    for status in [Status::InProgress, Status::WaitingCustomer] {
        store.add_event(&reference, EventRequest::Status { status }, None, &now()).await.unwrap();
    }

    let post = |path: &str, key: &str, body: Value| {
        Request::post(path)
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let concurrently = |requests: Vec<Request<Body>>| {
        let instances = instances.clone();
        async move {
            let tasks: Vec<_> = requests
                .into_iter()
                .enumerate()
                .map(|(i, request)| {
                    let router = instances[i % 2].clone();
                    tokio::spawn(async move { send(&router, request).await })
                })
                .collect();
            joined(tasks)
                .await
                .into_iter()
                .map(|(status, _, body)| {
                    (status, body["code"].as_str().unwrap_or_default().to_string())
                })
                .collect::<Vec<_>>()
        }
    };
    let messages = format!("/api/v1/requests/{reference}/messages");
    let message = json!({"contact": "13912345678", "text": "型号是 KX-200"});
    let answers = concurrently(
        (0..10).map(|_| post(&messages, "two-posts-message-1", message.clone())).collect(),
    )
    .await;
    let created = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(answers.iter().all(|(status, _)| status.is_success()), "{answers:?}");
    assert_eq!(
        rows(&url, "SELECT kind FROM events ORDER BY id").await,
        [["status"], ["status"], ["customer_message"], ["status"]],
        "one message, and one change back to in_progress"
    );

    store
        .add_event(&reference, EventRequest::Status { status: Status::Resolved }, None, &now())
        .await
        .unwrap();
    let feedback = format!("/api/v1/requests/{reference}/feedback");
    let answers = concurrently(
        (0..6)
            .map(|i| {
                let rating =
                    json!({"contact": "13912345678", "rating": 5, "comment": format!("{i}")});
                post(&feedback, &format!("two-posts-rating-{i}"), rating)
            })
            .collect(),
    )
    .await;
    let created = answers.iter().filter(|(status, _)| *status == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    assert!(
        answers.iter().all(|(status, code)| *status == StatusCode::CREATED
            || (*status == StatusCode::CONFLICT && code == "already_rated")),
        "{answers:?}"
    );
    assert_eq!(rows(&url, "SELECT count(*) FROM events WHERE kind = 'rating'").await, [["1"]]);
}

/// One key sent at once for messages on two different requests (so neither locks the
/// other's row): the key's UNIQUE decides, and the loser is told the key was used for
/// something else rather than getting a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn one_key_on_two_requests_at_once_is_stored_for_one_and_refused_for_the_other() {
    use shouhou_core::Status;
    use shouhou_server::store::customer::{CustomerPost, Post};
    use shouhou_server::store::timeline::EventRequest;
    let Some(url) = fresh_database("key-clash").await else { return };
    let (first, second) = (
        Db::Postgres(PgStore::open(&url).await.unwrap()),
        Db::Postgres(PgStore::open(&url).await.unwrap()),
    );
    let now = store::now().to_rfc3339();
    let mut references = Vec::new();
    for key in ["key-clash-1", "key-clash-2"] {
        let reference = first.create(new_request(key, &[])).await.unwrap().stored.reference;
        for status in [Status::InProgress, Status::WaitingCustomer] {
            let event = EventRequest::Status { status };
            first.add_event(&reference, event, None, &now).await.unwrap();
        }
        references.push(reference);
    }
    let post = |reference: &str| CustomerPost {
        idempotency_key: "one-key-for-two".into(),
        submitted_json: format!("{{\"reference\":\"{reference}\"}}"),
        post: Post::Message { text: "在".into(), photos: Vec::new() },
        now: now.clone(),
    };
    let (a, b) = (post(&references[0]), post(&references[1]));
    let (a, b) = tokio::join!(
        first.customer_post(&references[0], |_| true, a),
        second.customer_post(&references[1], |_| true, b)
    );
    let outcomes = [a.map(|posted| posted.replayed), b.map(|posted| posted.replayed)];
    assert_eq!(
        outcomes.iter().filter(|outcome| matches!(outcome, Ok(false))).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|outcome| matches!(outcome, Err(StoreError::KeyReused))).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(rows(&url, "SELECT count(*) FROM customer_posts").await, [["1"]]);
    assert_eq!(
        rows(&url, "SELECT count(*) FROM events WHERE kind = 'customer_message'").await,
        [["1"]]
    );
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_reference_drawn_twice_is_drawn_again_and_both_requests_are_kept() {
    let Some(url) = fresh_database("reference clash").await else { return };
    // The first two draws are the same bytes, as two instances' draws might be once.
    let draws = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&draws);
    let store =
        Db::Postgres(PgStore::open(&url).await.unwrap().drawing_references_from(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            [if n < 2 { 7 } else { 9 }; shouhou_core::reference::RANDOM_LEN]
        }));
    let first = store.create(new_request("clash-a", &[])).await.unwrap();
    let second = store.create(new_request("clash-b", &[])).await.unwrap();
    let (first, second) = (first.stored.reference, second.stored.reference);
    assert_ne!(first, second);
    assert_eq!(draws.load(Ordering::SeqCst), 3, "the clash was drawn again, once");
    assert_eq!(
        rows(&url, "SELECT idempotency_key, reference FROM requests ORDER BY id").await,
        [["clash-a", first.as_str()], ["clash-b", second.as_str()]]
    );
}

/// The cluster's CA (scripts/with-postgres.sh makes one and exports its file).
fn test_ca() -> String {
    std::env::var("SHOUHOU_TEST_PG_CA").expect("SHOUHOU_TEST_PG_CA from scripts/with-postgres.sh")
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn a_url_that_requires_tls_files_requests_over_tls_verified_by_its_root_certificate() {
    let Some(url) = fresh_database("tls").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let tls_url =
        format!("{url}?sslmode=require&sslrootcert={}&application_name=shouhou_tls", test_ca());
    let settings = Settings {
        db: tls_url.into(),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: common::dist(dir.path()),
        ..Settings::default()
    };
    let router = app(open_state(&settings).await.unwrap(), &settings.dist);
    let (status, _, body) = send(&router, post("pg-tls-1", valid_body().to_string())).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(rows(&url, "SELECT count(*) FROM requests").await, [["1"]]);
    // Every connection the server holds is encrypted, as the cluster itself reports it.
    let held = rows(
        &url,
        "SELECT bool_and(s.ssl), count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
         WHERE a.application_name = 'shouhou_tls'",
    )
    .await;
    assert_eq!(held[0][0], "true", "{held:?}");
    assert_ne!(held[0][1], "0");
}

#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn tls_to_a_certificate_no_root_vouches_for_is_refused_and_a_missing_root_file_is_named() {
    let Some(url) = fresh_database("tls_refused").await else { return };
    // Mozilla's roots alone do not vouch for the cluster's own CA: nothing is sent to it.
    let error = PgStore::open(&format!("{url}?sslmode=require")).await.err().unwrap().to_string();
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    let missing = format!("{url}?sslmode=require&sslrootcert=/no/such/ca.pem");
    let error = PgStore::open(&missing).await.err().unwrap().to_string();
    assert!(error.contains("/no/such/ca.pem"), "{error}");
    // Plain text is still what a URL without sslmode gets.
    PgStore::open(&url).await.unwrap();
}

/// The index of words passes an id only once every transaction that may hold a smaller one
/// has ended (ids commit in any order here): a create that drew its id and has not committed
/// holds the mark back, and what came after it is indexed once it has ended.
#[tokio::test]
#[ignore = "needs PostgreSQL: scripts/with-postgres.sh cargo test -p shouhou-server --test pg -- --include-ignored"]
async fn the_index_of_words_waits_for_a_create_still_in_flight() {
    let Some(url) = fresh_database("words").await else { return };
    let store = Db::Postgres(PgStore::open(&url).await.unwrap());
    store.create(new_request("pg-words-1", &[])).await.unwrap();
    let (in_flight, connection) =
        tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    // A create on another connection, its row written and not committed. (A read running as
    // long, or a transaction of another database, holds nothing back.)
    in_flight.batch_execute("BEGIN").await.unwrap();
    let drawn: i64 = in_flight
        .query_one(
            "INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name,
                                   phone, description, request_json, created_at, reply_by)
             VALUES ('SR-20261206-INFLT01', 'in-flight', 'repair', 'inverter', 'n', 'p', 'd',
                     '{}', 't', 't')
             RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let (reading, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    reading.batch_execute("BEGIN; SELECT count(*) FROM requests").await.unwrap();
    store.create(new_request("pg-words-2", &[])).await.unwrap();
    let through = "SELECT value FROM store_state WHERE name = 'words_through'";
    assert_eq!(store.index_words_now().await.unwrap(), 0, "id {drawn} may still commit");
    assert_eq!(rows(&url, through).await, [["0"]]);
    assert_eq!(rows(&url, "SELECT count(*) FROM request_search").await, [["0"]]);
    in_flight.batch_execute("ROLLBACK").await.unwrap();
    assert_eq!(store.index_words_now().await.unwrap(), 2, "the reader still reading");
    assert_eq!(rows(&url, through).await, [[(drawn + 1).to_string()]]);
    assert_eq!(
        rows(&url, "SELECT count(*) FROM request_search WHERE id > 0").await,
        [["2"]],
        "both requests, on either side of the id rolled back"
    );
}
