//! Rate limits against the real binary on loopback, so the peer address is a real one.

mod common;

use common::{post_create, request, valid_body, Server};

async fn lookup(server: &Server, forwarded_for: Option<&str>) -> common::Answer {
    let mut headers = vec![("Accept-Language", "en")];
    if let Some(hops) = forwarded_for {
        headers.push(("X-Forwarded-For", hops));
    }
    let path = "/api/v1/requests/SR-20000101-0001?contact=13812345678";
    request(&server.addr, "GET", path, &headers, b"").await.unwrap()
}

#[tokio::test]
async fn rapid_lookups_from_one_client_are_stopped_with_retry_after() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        Server::start(&common::test_db(dir.path(), "db.sqlite3"), &common::dist(dir.path()), &[]);
    let mut statuses = Vec::new();
    let mut refusal = None;
    for _ in 0..50 {
        let answer = lookup(&server, None).await;
        statuses.push(answer.status);
        if answer.status == 429 {
            refusal = Some(answer);
            break;
        }
    }
    assert!(statuses[..10].iter().all(|&s| s == 404), "the burst of 10 is answered: {statuses:?}");
    let refusal = refusal.expect("stopped within 50 look-ups");
    assert_eq!(statuses.len(), 11, "the 11th rapid look-up is refused: {statuses:?}");
    assert_eq!(refusal.json()["code"], "rate_limited");
    assert!(refusal.json()["message"].as_str().unwrap().contains("try again"));
    let retry_after: u64 = refusal.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&retry_after), "30 a minute: one more within 2 s, got {retry_after}");
}

/// A message or a rating says whether a contact fits a reference (404, or 409 when nothing is
/// asked of the customer), as a look-up does: each is a look-up too, so mixing the three
/// tries no more contacts than the look-ups' burst.
#[tokio::test]
async fn messages_and_ratings_count_as_look_ups() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        Server::start(&common::test_db(dir.path(), "db.sqlite3"), &common::dist(dir.path()), &[]);
    let post = |kind: &'static str, key: String| {
        let addr = server.addr.clone();
        async move {
            let headers = [("Content-Type", "application/json"), ("Idempotency-Key", key.as_str())];
            let body = match kind {
                "messages" => r#"{"contact": "13812345678", "text": "序列号是 INV-2291-0042"}"#,
                _ => r#"{"contact": "13812345678", "rating": 5}"#,
            };
            let path = format!("/api/v1/requests/SR-20000101-0001/{kind}");
            request(&addr, "POST", &path, &headers, body.as_bytes()).await.unwrap().status
        }
    };
    let mut statuses = Vec::new();
    for i in 0..4 {
        statuses.push(post("messages", format!("guess-message-{i}")).await);
        statuses.push(post("feedback", format!("guess-rating-{i}")).await);
    }
    statuses.push(lookup(&server, None).await.status);
    statuses.push(lookup(&server, None).await.status);
    assert!(statuses.iter().all(|&s| s == 404), "the look-ups' burst of 10: {statuses:?}");
    assert_eq!(lookup(&server, None).await.status, 429, "the 11th try of a contact");
    assert_eq!(post("messages", "guess-message-9".into()).await, 429);
}

#[tokio::test]
async fn creates_and_deflections_have_their_own_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3");
    let flags = ["--limit-create", "2:2", "--limit-deflection", "1:1"];
    let server = Server::start(&db, &common::dist(dir.path()), &flags);
    let body = valid_body().to_string();
    let mut statuses = Vec::new();
    for key in ["limit-key-1", "limit-key-2", "limit-key-3"] {
        statuses.push(post_create(&server.addr, key, &body).await.unwrap().status);
    }
    assert_eq!(statuses, [201, 201, 429]);
    let stored = common::db_count(&db, "SELECT count(*) FROM requests");
    assert_eq!(stored, 2, "a refused create stores nothing");

    let deflection =
        r#"{"flow_id":"network","flow_version":1,"product_line":"network","outcome":"solved"}"#;
    let deflect = |key: &'static str| {
        let addr = server.addr.clone();
        async move {
            let headers = [("Content-Type", "application/json"), ("Idempotency-Key", key)];
            request(&addr, "POST", "/api/v1/deflections", &headers, deflection.as_bytes())
                .await
                .unwrap()
        }
    };
    assert_eq!(deflect("deflect-limit-1").await.status, 201);
    let refused = deflect("deflect-limit-2").await;
    assert_eq!((refused.status, refused.header("retry-after")), (429, Some("60")));
    assert_eq!(lookup(&server, None).await.status, 404, "look-ups are counted apart");
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let flags = ["--limit-lookup", "1:1", "--trust-proxy", "127.0.0.1"];
    let proxied = Server::start(&common::test_db(dir.path(), "a.sqlite3"), &dist, &flags);
    assert_eq!(lookup(&proxied, Some("198.51.100.4")).await.status, 404);
    assert_eq!(lookup(&proxied, Some("198.51.100.4")).await.status, 429);
    // A client cannot escape by writing its own first hops: the proxy's hop is the last.
    assert_eq!(lookup(&proxied, Some("203.0.113.1, 198.51.100.4")).await.status, 429);
    assert_eq!(lookup(&proxied, Some("198.51.100.5")).await.status, 404, "another client");

    // Not behind a trusted proxy: the header is the caller's claim and changes nothing.
    let direct = Server::start(
        &common::test_db(dir.path(), "b.sqlite3"),
        &dist,
        &["--limit-lookup", "1:1", "--trust-proxy", "10.9.9.9"],
    );
    assert_eq!(lookup(&direct, Some("198.51.100.4")).await.status, 404);
    assert_eq!(lookup(&direct, Some("198.51.100.5")).await.status, 429);
    assert_eq!(lookup(&direct, None).await.status, 429);
}

#[tokio::test]
async fn limits_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let env = [("SHOUHOU_LIMIT_LOOKUP", "1:1")];
    let db = common::test_db(dir.path(), "db.sqlite3");
    let server = Server::launch(&db, &common::dist(dir.path()), &[], None, &env);
    assert_eq!(lookup(&server, None).await.status, 404);
    assert_eq!(lookup(&server, None).await.status, 429);
}

#[tokio::test]
async fn a_restart_resets_the_limits() {
    let dir = tempfile::tempdir().unwrap();
    let (db, dist) = (common::test_db(dir.path(), "db.sqlite3"), common::dist(dir.path()));
    let server = Server::start(&db, &dist, &["--limit-lookup", "1:1"]);
    assert_eq!(lookup(&server, None).await.status, 404);
    assert_eq!(lookup(&server, None).await.status, 429);
    drop(server);
    let server = Server::start(&db, &dist, &["--limit-lookup", "1:1"]);
    assert_eq!(lookup(&server, None).await.status, 404);
}

/// What the server answers a body whose rest never comes (it must not wait for ever: every
/// rate limit is far above the 1 s the tests give a body).
async fn answer_to_stalled(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        let mut buffer = [0; 4096];
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            answer.extend_from_slice(&buffer[..n]);
            if n == 0 || String::from_utf8_lossy(&answer).contains('}') {
                break;
            }
        }
    });
    read.await.expect("the server answered a stalled body");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_body_that_trickles_in_is_refused_with_408() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3");
    let server = Server::start(&db, &common::dist(dir.path()), &["--body-timeout", "1"]);
    let mut stream = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    let head = "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
                Idempotency-Key: slow-key-0001\r\nAccept-Language: en\r\nContent-Length: 400\r\n\r\n";
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"{\"intent\": \"repair\", ").await.unwrap();
    // The rest never comes; the server must not wait for ever (the guard is far above 1 s).
    let text = answer_to_stalled(&mut stream).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"code\":\"request_timeout\""), "{text}");
}

/// A lead's archive import is a body like any other: trickled in, it is refused in time.
#[tokio::test]
async fn an_import_that_trickles_in_is_refused_with_408() {
    use tokio::io::AsyncWriteExt;
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3");
    common::add_staff(&db, "li.na", "lead", "售后-limits-password");
    let server = Server::start(&db, &common::dist(dir.path()), &["--body-timeout", "1"]);
    let credentials = r#"{"login": "li.na", "password": "售后-limits-password"}"#;
    let headers = [("Content-Type", "application/json")];
    let signed_in =
        request(&server.addr, "POST", "/api/v1/staff/session", &headers, credentials.as_bytes())
            .await
            .unwrap();
    let cookie = signed_in.header("set-cookie").unwrap().split(';').next().unwrap().to_string();
    let mut stream = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/staff/products/import?dry_run=true HTTP/1.1\r\nHost: x\r\n\
         Cookie: {cookie}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all("serial_number,product_line\r\n".as_bytes()).await.unwrap();
    let text = answer_to_stalled(&mut stream).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test]
async fn headers_that_trickle_in_get_the_connection_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3");
    let server = Server::start(&db, &common::dist(dir.path()), &["--header-timeout", "1"]);
    let mut stream = tokio::net::TcpStream::connect(&server.addr).await.unwrap();
    stream
        .write_all(b"GET /api/v1/requests/SR-20000101-0001 HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    // The blank line that ends the headers never comes.
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(std::time::Duration::from_secs(30), stream.read_to_end(&mut rest));
    // Closed cleanly or reset, either way not left open; and nothing was served.
    let _ = closed.await.expect("the server closed a connection whose headers stalled");
    assert!(!String::from_utf8_lossy(&rest).contains(" 404 "), "{rest:?}");

    // A connection that sends its headers in time is served as before.
    let answer = lookup(&server, None).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn sigterm_lets_requests_finish_and_stops() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::test_db(dir.path(), "db.sqlite3");
    let mut server = Server::start(&db, &common::dist(dir.path()), &[]);
    assert_eq!(
        post_create(&server.addr, "term-key-0001", &valid_body().to_string()).await.unwrap().status,
        201
    );
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(30),
            "still running after SIGTERM"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
}
