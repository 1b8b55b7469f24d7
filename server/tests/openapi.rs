//! The OpenAPI document at `/api/v1/openapi.json` against the routes the server really
//! mounts: a route added, removed or given another method without its `#[utoipa::path]`
//! fails here. Schemathesis (scripts/schemathesis.sh) then checks the answers themselves.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use shouhou_server::{app, Settings};
use tower::ServiceExt;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn router(dir: &Path) -> Router {
    let settings = Settings {
        db: common::test_db(dir, "shouhou.sqlite3"),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: dir.join("dist"),
        ..Settings::default()
    };
    std::fs::create_dir_all(&settings.dist).unwrap();
    std::fs::write(settings.dist.join("index.html"), "<!doctype html><title>Shouhou</title>")
        .unwrap();
    app(common::state(&settings), &settings.dist)
}

async fn served_document(router: &Router) -> Value {
    let request = Request::get("/api/v1/openapi.json").body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("application/json"), "{content_type}");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).expect("the document is JSON")
}

/// `(path, method)` of every operation in the document.
fn documented(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|method| item.get(**method).is_some())
                .map(move |method| (path.clone(), method.to_string()))
        })
        .collect()
}

/// `(path, method)` of every `.route("…", get(…).post(…))` in a router's source, under
/// `prefix`: the routes as written, which a router cannot list at run time.
fn mounted_in(source: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    let mut rest = source;
    while let Some(start) = rest.find(".route(") {
        rest = &rest[start + ".route(".len()..];
        let literal = rest.trim_start().strip_prefix('"').expect("a route's path is a literal");
        let end = literal.find('"').unwrap();
        let path = format!("{prefix}{}", &literal[..end]);
        // The method calls at the route call's own depth: `get(a).post(b).layer(c(d))`.
        let mut depth = 1usize;
        let mut word = String::new();
        for ch in literal[end + 1..].chars() {
            match ch {
                '(' => {
                    if depth == 1 && METHODS.contains(&word.as_str()) {
                        routes.insert((path.clone(), word.clone()));
                    }
                    depth += 1;
                    word.clear();
                }
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                    word.clear();
                }
                ch if ch.is_ascii_alphanumeric() || ch == '_' => word.push(ch),
                _ => word.clear(),
            }
        }
    }
    routes
}

fn source(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file)).unwrap()
}

#[tokio::test]
async fn the_document_is_openapi_3_1_json() {
    let dir = tempfile::tempdir().unwrap();
    let document = served_document(&router(dir.path())).await;
    let version = document["openapi"].as_str().expect("an openapi version");
    assert!(version.starts_with("3.1."), "{version}");
    assert!(document["info"]["title"].is_string());
    // Every reference resolves to a schema in the document.
    let text = document.to_string();
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(schemas.contains_key(name), "{name} is referenced but not in the document");
    }
    assert!(
        document["components"]["securitySchemes"]["staff_session"]["in"] == "cookie",
        "the staff session cookie is a security scheme"
    );
}

#[tokio::test]
async fn every_route_under_api_v1_is_in_the_document_with_its_methods() {
    let dir = tempfile::tempdir().unwrap();
    let router = router(dir.path());
    let document = documented(&served_document(&router).await);

    let mounted = mounted_in(&source("routes.rs"), "/api/v1");
    assert!(mounted.len() >= 15, "the source scan found the routes: {mounted:?}");
    let undocumented: Vec<_> = mounted.difference(&document).collect();
    let not_mounted: Vec<_> = document.difference(&mounted).collect();
    assert!(undocumented.is_empty(), "mounted but not in the document: {undocumented:?}");
    assert!(not_mounted.is_empty(), "in the document but not mounted: {not_mounted:?}");

    // And at run time: a documented method is routed, any other one is 405.
    let paths: BTreeSet<&String> = document.iter().map(|(path, _)| path).collect();
    for path in paths {
        let concrete = path
            .replace("{reference}", "SR-20260101-0001")
            .replace("{photo}", "00000000-0000-4000-8000-000000000000");
        for method in METHODS {
            let request = Request::builder()
                .method(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap())
                .uri(&concrete)
                .body(Body::empty())
                .unwrap();
            let status = router.clone().oneshot(request).await.unwrap().status();
            let is_documented = document.contains(&(path.clone(), method.to_string()));
            assert_eq!(
                status == StatusCode::METHOD_NOT_ALLOWED,
                !is_documented,
                "{method} {path}: {status}, documented: {is_documented}"
            );
        }
    }
}

#[tokio::test]
async fn what_axum_refuses_before_a_handler_is_a_json_error_too() {
    let dir = tempfile::tempdir().unwrap();
    let router = router(dir.path());
    let send = |request: Request<Body>| {
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };
    let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
    // A path that is not UTF-8, and a query parameter given twice.
    for uri in ["/api/v1/requests/%FF?contact=x", "/api/v1/requests/SR-1?contact=a&contact=b"] {
        let (status, body) = send(get(uri)).await;
        assert_eq!(
            (status, &body["code"]),
            (StatusCode::BAD_REQUEST, &json("bad_request")),
            "{uri}"
        );
        assert!(body["message"].is_string(), "{uri}: {body}");
    }
    // A kiosk PIN body over axum's default limit.
    let big = Request::post("/api/v1/kiosk/unlock")
        .header("content-type", "application/json")
        .body(Body::from(vec![b' '; 3 * 1024 * 1024]))
        .unwrap();
    let (status, body) = send(big).await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::PAYLOAD_TOO_LARGE, &json("payload_too_large"))
    );
    // A method the route does not take (axum's own empty 405), and an address that is no
    // route: JSON as every refusal, never kept by a cache, the 405 saying what is allowed.
    let options = Request::builder().method(Method::OPTIONS).uri("/api/v1/requests");
    let refused = router.clone().oneshot(options.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(refused.headers()["allow"], "POST");
    assert_eq!(refused.headers()["cache-control"], "no-store");
    let (status, body) = send(
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/v1/requests")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, &body["code"]),
        (StatusCode::METHOD_NOT_ALLOWED, &json("method_not_allowed"))
    );
    for uri in ["/api/v1/nonexistent", "/api/v1/requests/SR-1?contact=a&contact=b"] {
        let answer = router.clone().oneshot(get(uri)).await.unwrap();
        assert_eq!(answer.headers()["cache-control"], "no-store", "{uri}");
    }
}

fn json(text: &str) -> Value {
    Value::String(text.to_string())
}
