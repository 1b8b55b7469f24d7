//! CORS from the `--cors-origin` allow-list only.

mod common;

use common::{request, valid_body, Answer, Server};

fn cors_headers(answer: &Answer) -> Vec<&str> {
    answer
        .headers
        .iter()
        .filter(|(name, _)| name.to_ascii_lowercase().starts_with("access-control-"))
        .map(|(name, _)| name.as_str())
        .collect()
}

async fn preflight(server: &Server, origin: &str) -> Answer {
    let headers = [
        ("Origin", origin),
        ("Access-Control-Request-Method", "POST"),
        ("Access-Control-Request-Headers", "content-type, idempotency-key"),
    ];
    request(&server.addr, "OPTIONS", "/api/v1/requests", &headers, b"").await.unwrap()
}

async fn create(server: &Server, origin: &str, key: &str) -> Answer {
    let headers =
        [("Origin", origin), ("Content-Type", "application/json"), ("Idempotency-Key", key)];
    let body = valid_body().to_string();
    request(&server.addr, "POST", "/api/v1/requests", &headers, body.as_bytes()).await.unwrap()
}

#[tokio::test]
async fn only_listed_origins_get_cors_headers() {
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--cors-origin", "https://shop.example", "--cors-origin", "https://kiosk.example"];
    let server = Server::start(
        &common::test_db(dir.path(), "db.sqlite3"),
        &common::dist(dir.path()),
        &flags,
    );

    let allowed = preflight(&server, "https://shop.example").await;
    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.header("access-control-allow-origin"), Some("https://shop.example"));
    assert_eq!(
        allowed.header("access-control-allow-headers"),
        Some("content-type, idempotency-key, accept-language")
    );
    assert_eq!(allowed.header("access-control-allow-methods"), Some("GET, POST"));
    assert_eq!(allowed.header("access-control-allow-credentials"), None);

    let created = create(&server, "https://kiosk.example", "cors-key-0001").await;
    assert_eq!(created.status, 201);
    assert_eq!(created.header("access-control-allow-origin"), Some("https://kiosk.example"));
    assert_eq!(
        created.header("access-control-expose-headers"),
        Some("retry-after, idempotent-replayed")
    );

    let stranger = preflight(&server, "https://evil.example").await;
    assert_ne!(stranger.status, 204);
    assert_eq!(cors_headers(&stranger), Vec::<&str>::new(), "a stranger learns nothing");
    let stranger = create(&server, "https://shop.example.evil.example", "cors-key-0002").await;
    assert_eq!(cors_headers(&stranger), Vec::<&str>::new());
}

#[tokio::test]
async fn without_a_list_no_origin_gets_cors_headers() {
    let dir = tempfile::tempdir().unwrap();
    let server =
        Server::start(&common::test_db(dir.path(), "db.sqlite3"), &common::dist(dir.path()), &[]);
    assert_eq!(cors_headers(&preflight(&server, "https://shop.example").await), Vec::<&str>::new());
    let created = create(&server, "https://shop.example", "cors-key-0003").await;
    assert_eq!((created.status, cors_headers(&created)), (201, vec![]));
}

#[test]
fn a_malformed_origin_stops_the_server_from_starting() {
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_shouhou-server"))
        .args(["--cors-origin", "https://shop.example/app", "--addr", "127.0.0.1:0"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!status.success());
}
