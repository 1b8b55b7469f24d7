//! Every answer the server sends carries the security headers; CSP violations are logged.

mod common;

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, Response};
use common::{request, Server};
use shouhou_server::limit::{Limits, Rate};
use shouhou_server::{app, Settings};
use tower::ServiceExt;

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data: blob:; connect-src 'self' data:; worker-src 'self'; manifest-src 'self'; \
    object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; \
    report-uri /api/v1/csp-report; report-to csp";

/// A server on a fresh SQLite file in `dir`, serving `dist`, with the shipped configuration.
fn settings_on(dir: &Path, dist: &Path) -> Settings {
    Settings {
        db: common::test_db(dir, "db.sqlite3"),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: dist.to_path_buf(),
        ..Settings::default()
    }
}

fn assert_secured<B>(what: &str, response: &Response<B>) {
    let headers = response.headers();
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("(none)");
    assert_eq!(get("content-security-policy"), CSP, "{what}");
    assert!(!CSP.contains("unsafe-inline") && !CSP.contains("'unsafe-eval'"));
    assert_eq!(get("referrer-policy"), "no-referrer", "{what}");
    assert_eq!(
        get("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), payment=()",
        "{what}"
    );
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("reporting-endpoints"), "csp=\"/api/v1/csp-report\"", "{what}");
    assert_eq!(headers.get_all("content-security-policy").iter().count(), 1, "{what}");
}

#[tokio::test]
async fn every_kind_of_answer_carries_the_security_headers() {
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    std::fs::write(dist.join("app.js"), "export {}").unwrap();
    let settings = Settings {
        limits: Limits { lookup: Rate::new(1, 1), ..Limits::default() },
        ..settings_on(dir.path(), &dist)
    };
    let router = app(common::state(&settings), &dist);
    let body = common::valid_body().to_string();
    let create = |key: &str, body: String| {
        Request::post("/api/v1/requests")
            .header("content-type", "application/json")
            .header("idempotency-key", key)
            .body(Body::from(body))
            .unwrap()
    };
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    let cases = [
        ("the page", get("/")),
        ("a deep link", get("/status/SR-20261127-0001")),
        ("a built file", get("/app.js")),
        ("a missing file", get("/flows/nothing.json")),
        ("config.json", get("/config.json")),
        ("201 created", create("headers-key-1", body.clone())),
        ("400 no key", Request::post("/api/v1/requests").body(Body::empty()).unwrap()),
        ("413 too large", create("headers-key-2", "x".repeat(70_000))),
        ("404 look-up", get("/api/v1/requests/SR-20000101-0001?contact=13812345678")),
        ("429 rate limited", get("/api/v1/requests/SR-20000101-0001?contact=13812345678")),
        ("unknown API path", get("/api/v1/nowhere")),
    ];
    let mut statuses = Vec::new();
    for (what, request) in cases {
        let response = router.clone().oneshot(request).await.unwrap();
        statuses.push(response.status().as_u16());
        assert_secured(what, &response);
    }
    assert_eq!(statuses, [200, 200, 200, 404, 200, 201, 400, 413, 404, 429, 404]);
}

#[tokio::test]
async fn csp_violation_reports_are_logged_in_both_formats() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("server.log");
    // An empty RUST_LOG, as some shells and CI set, must not silence the warnings.
    let server = Server::launch(
        &common::test_db(dir.path(), "db.sqlite3"),
        &common::dist(dir.path()),
        &["--limit-csp-report", "3:3"],
        Some(&log),
        &[("RUST_LOG", "")],
    );
    let classic = r#"{"csp-report": {"document-uri": "http://127.0.0.1/", "violated-directive": "script-src-elem", "blocked-uri": "inline"}}"#;
    let answer = request(
        &server.addr,
        "POST",
        "/api/v1/csp-report",
        &[("Content-Type", "application/csp-report")],
        classic.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 204);
    let reporting_api = r#"[{"type": "csp-violation", "age": 1, "url": "http://127.0.0.1/", "body": {"documentURL": "http://127.0.0.1/form/1", "effectiveDirective": "style-src-attr", "blockedURL": "inline-style"}}]"#;
    let answer = request(
        &server.addr,
        "POST",
        "/api/v1/csp-report",
        &[("Content-Type", "application/reports+json")],
        reporting_api.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(answer.status, 204);
    let garbage = request(&server.addr, "POST", "/api/v1/csp-report", &[], b"nope").await.unwrap();
    assert_eq!(garbage.status, 400);
    let flood = request(&server.addr, "POST", "/api/v1/csp-report", &[], classic.as_bytes());
    assert_eq!(flood.await.unwrap().status, 429, "reports are rate limited too");

    let violations: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str(line).ok())
        .filter(|line: &serde_json::Value| line["fields"]["message"] == "csp violation")
        .collect();
    assert_eq!(violations.len(), 2, "one log line per violation");
    assert_eq!(violations[0]["fields"]["directive"], "script-src-elem");
    assert_eq!(violations[1]["fields"]["blocked"], "inline-style");
    assert_eq!(server.kill_and_read_stdout(), "", "stdout has the listening line only");
}

#[tokio::test]
async fn the_rendered_pages_are_sent_compressed_to_browsers_that_accept_it() {
    use http_body_util::BodyExt;
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::copy(repo.join("index.html"), dist.join("index.html")).unwrap();
    std::fs::copy(repo.join("static/app.css"), dist.join("app.css")).unwrap();
    let settings = settings_on(dir.path(), &dist);
    let router = app(common::state(&settings), &dist);
    let page = |encoding: Option<&str>| {
        let mut request = Request::get("/").header("accept-language", "en");
        if let Some(encoding) = encoding {
            request = request.header("accept-encoding", encoding);
        }
        router.clone().oneshot(request.body(Body::empty()).unwrap())
    };
    let plain = page(None).await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&plain).contains("What do you need help with?"));
    for (accepted, encoding) in [("gzip, deflate, br", "br"), ("gzip, deflate", "gzip")] {
        let zipped = page(Some(accepted)).await.unwrap();
        assert_eq!(zipped.headers()["content-encoding"], encoding);
        assert_secured_but_styled("the compressed page", &zipped);
        let vary: Vec<_> = zipped
            .headers()
            .get_all("vary")
            .iter()
            .map(|v| v.to_str().unwrap().to_ascii_lowercase())
            .collect();
        for varies in ["accept-language", "cookie", "accept-encoding"] {
            assert!(vary.iter().any(|v| v.contains(varies)), "{vary:?}");
        }
        let zipped = zipped.into_body().collect().await.unwrap().to_bytes();
        assert!(zipped.len() < plain.len() / 2, "{} of {} bytes", zipped.len(), plain.len());
        let mut unzipped = Vec::new();
        match encoding {
            "br" => brotli::Decompressor::new(&zipped[..], 4096).read_to_end(&mut unzipped),
            _ => flate2::read::GzDecoder::new(&zipped[..]).read_to_end(&mut unzipped),
        }
        .unwrap();
        assert!(unzipped == plain, "{encoding}: the page, compressed");
    }
}

/// [`assert_secured`] for a rendered page, whose policy also allows its inline stylesheet.
fn assert_secured_but_styled<B>(what: &str, response: &Response<B>) {
    let csp = response.headers()["content-security-policy"].to_str().unwrap();
    let (before, after) = CSP.split_once("style-src 'self';").unwrap();
    assert!(csp.starts_with(&format!("{before}style-src 'self' 'sha256-")), "{what}: {csp}");
    assert!(csp.ends_with(after), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}");
}

#[tokio::test]
async fn no_answer_with_personal_data_is_kept_by_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let settings = settings_on(dir.path(), &dist);
    let router = app(common::state(&settings), &dist);
    let send = |request: Request<Body>| {
        let router = router.clone();
        async move { router.oneshot(request).await.unwrap() }
    };
    let created = send(
        Request::post("/api/v1/requests")
            .header("content-type", "application/json")
            .header("idempotency-key", "no-store-0001")
            .body(Body::from(common::valid_body().to_string()))
            .unwrap(),
    )
    .await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["cache-control"], "no-store", "the create's answer");
    let body = http_body_util::BodyExt::collect(created.into_body()).await.unwrap().to_bytes();
    let reference = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();
    // The look-up answers with the customer's name, phone and what happened.
    let found = send(
        Request::get(format!("/api/v1/requests/{reference}?contact=13812345678"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(found.status(), 200);
    assert_eq!(found.headers()["cache-control"], "no-store", "the status look-up");
    let refused = send(
        Request::get(format!("/api/v1/requests/{reference}?contact=13900000000"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(refused.status(), 404);
    assert_eq!(refused.headers()["cache-control"], "no-store", "a refusal too");
    let document = send(Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(
        document.headers()["cache-control"],
        "no-cache",
        "the public document may be cached"
    );
}

/// config.json is read from --config, not built, so the build cannot compress it: the server
/// does, as hard as the build compresses its own files (both apps fetch it before their first
/// screen; the default level sends about 700 B more of it).
#[tokio::test]
async fn the_configuration_is_sent_as_small_as_the_built_files() {
    use http_body_util::BodyExt;
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let dist = common::dist(dir.path());
    let settings = settings_on(dir.path(), &dist);
    let router = app(common::state(&settings), &dist);
    let get = |encoding: &str| {
        let request = Request::get("/config.json").header("accept-encoding", encoding);
        router.clone().oneshot(request.body(Body::empty()).unwrap())
    };
    let plain = get("identity").await.unwrap().into_body().collect().await.unwrap().to_bytes();
    let zipped = get("gzip, deflate, br").await.unwrap();
    assert_eq!(zipped.headers()["content-encoding"], "br");
    let zipped = zipped.into_body().collect().await.unwrap().to_bytes();
    let mut unzipped = Vec::new();
    brotli::Decompressor::new(&zipped[..], 4096).read_to_end(&mut unzipped).unwrap();
    assert!(unzipped == plain, "the configuration, compressed");
    // What the build's Brotli (quality 11) makes of the same bytes.
    let mut best = Vec::new();
    brotli::CompressorReader::new(&plain[..], 4096, 11, 22).read_to_end(&mut best).unwrap();
    assert!(
        zipped.len() <= best.len() + 64,
        "{} bytes sent, {} at quality 11, of {}",
        zipped.len(),
        best.len(),
        plain.len()
    );
}
