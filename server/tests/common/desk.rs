//! The app's router on a real store (a SQLite file, or a fresh PostgreSQL database: see
//! [`super::store`]), with staff accounts and requests put straight into the store: what the
//! staff desk's tests start from.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use chrono::{DateTime, FixedOffset};
use http_body_util::BodyExt;
use serde_json::Value;
use shouhou_core::{Intent, ValidRequest};
use shouhou_server::store::timeline::EventRequest;
use shouhou_server::store::PhotoUpload;
use shouhou_server::store::{NewRequest, Role};
use shouhou_server::{app, auth, AppState, Settings};
use tower::ServiceExt;

pub const PASSWORD: &str = "售后-desk-password";

pub struct Desk {
    pub dir: tempfile::TempDir,
    /// The `--db` of this desk: a SQLite file or a PostgreSQL URL.
    pub db: std::path::PathBuf,
    pub state: Arc<AppState>,
    pub router: Router,
}

pub fn desk() -> Desk {
    desk_with(|_| {})
}

pub fn desk_with(adjust: impl FnOnce(&mut Settings)) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        db: super::test_db(dir.path(), "desk.sqlite3"),
        config: Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/config.json"),
        dist: super::dist(dir.path()),
        ..Settings::default()
    };
    adjust(&mut settings);
    let state = super::state(&settings);
    Desk { router: app(Arc::clone(&state), &settings.dist), state, db: settings.db, dir }
}

/// An answer read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", |v| v.to_str().unwrap())
    }
}

impl Desk {
    pub async fn add_staff(&self, login: &str, role: Role) {
        let hash = auth::hash_password(PASSWORD);
        self.state.store.add_staff(login, role, &hash, "2026-11-01T08:00:00+08:00").await.unwrap();
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply { status, headers, bytes }
    }

    /// Signs in and returns the `Cookie` header value for the session.
    pub async fn sign_in(&self, login: &str) -> String {
        let reply = self.send(sign_in_request(login, PASSWORD)).await;
        assert_eq!(
            reply.status,
            StatusCode::NO_CONTENT,
            "{}",
            String::from_utf8_lossy(&reply.bytes)
        );
        reply.header("set-cookie").split(';').next().unwrap().to_string()
    }

    pub async fn get(&self, path: &str, cookie: &str) -> Reply {
        self.send(Request::get(path).header("cookie", cookie).body(Body::empty()).unwrap()).await
    }

    pub async fn post(&self, path: &str, cookie: &str, body: Value) -> Reply {
        self.send(
            Request::post(path)
                .header("cookie", cookie)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// Stores a request as the intake would have on `created_at`, and returns its reference.
    pub async fn file(
        &self,
        key: &str,
        request: ValidRequest,
        photos: Vec<PhotoUpload>,
        created_at: &str,
    ) -> String {
        self.file_by(key, request, photos, created_at, None).await
    }

    /// [`Desk::file`] in the session of `filed_by` (an engineer filing an on-site report).
    pub async fn file_by(
        &self,
        key: &str,
        request: ValidRequest,
        photos: Vec<PhotoUpload>,
        created_at: &str,
        filed_by: Option<&str>,
    ) -> String {
        let new = NewRequest {
            idempotency_key: key.into(),
            submitted_json: key.into(),
            request,
            photos,
            now: at(created_at),
            reply_by: at(created_at) + chrono::Duration::hours(24),
            filed_by: filed_by.map(str::to_string),
        };
        self.state.store.create(new).await.unwrap().stored.reference
    }

    /// An event as staff (or the customer, with no actor) would have added it at `when`.
    pub async fn event(
        &self,
        reference: &str,
        event: EventRequest,
        actor: Option<&str>,
        when: &str,
    ) {
        self.state.store.add_event(reference, event, actor, when).await.unwrap();
    }

    /// SQL both stores understand, straight on the database.
    pub fn sql(&self, sql: &str) {
        super::db_exec(&self.db, sql);
    }

    /// A query's rows, each value as text ([`super::db_rows`]).
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        super::db_rows(&self.db, sql)
    }

    /// One number from a query (a count).
    pub fn count(&self, sql: &str) -> i64 {
        super::db_count(&self.db, sql)
    }
}

pub fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

pub fn sign_in_request(login: &str, password: &str) -> Request<Body> {
    Request::post("/api/v1/staff/session")
        .header("content-type", "application/json")
        .body(Body::from(serde_json::json!({"login": login, "password": password}).to_string()))
        .unwrap()
}

pub fn request(intent: Intent, product_line: &str, name: &str, description: &str) -> ValidRequest {
    ValidRequest {
        intent,
        product_line: product_line.into(),
        full_name: name.into(),
        phone: "+8613912345678".into(),
        email: None,
        description: description.into(),
        category: None,
        priority: None,
        troubleshooting: None,
        details: Default::default(),
        warranty: None,
        photos: Vec::new(),
        notify: Vec::new(),
        language: None,
    }
}
