//! Shouhou's intake server: the API under `/api/v1`, the built app, and the configuration
//! the app and the server share.
//!
//! Every request is validated with `shouhou-core`, the same code that shows the customer
//! their errors, and stored through [`Db`]: in SQLite by [`store::Store`] (the default), or in
//! PostgreSQL by [`pg::PgStore`] for several instances; either answers only once it is on
//! disk. Errors are JSON with a machine `code` and a human `message` in the caller's language
//! (Accept-Language).
//!
//! Around the routes: per-client rate limits ([`limit`]), the CORS allow-list ([`cors`]) and
//! the security headers every answer carries ([`headers`]). Their settings are the server's
//! own ([`Settings`], from the command line), never in the public `config.json`.
//!
//! The staff desk's API lives under `/api/v1/staff` ([`desk`], [`figures`]): signed-in staff
//! ([`auth`]) work each request through core's status machine, and every action is a
//! timeline entry in the store, written as durably as a create.

pub mod api;
pub mod auth;
pub mod cors;
pub mod customer;
pub mod db;
pub mod desk;
pub mod figures;
pub mod headers;
pub mod kiosk;
pub mod limit;
pub mod openapi;
pub mod pg;
pub mod serve;
pub mod spreadsheet;
pub mod start_page;
pub mod store;

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use shouhou_core::AppConfig;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::cors::AllowedOrigins;
pub use crate::db::Db;
use crate::limit::{ClientAddr, Guard, Limiter, Limits};
use crate::store::Store;

/// What every handler shares.
pub struct AppState {
    pub store: Db,
    pub config: AppConfig,
    /// The configuration file's bytes exactly as on disk, served at `/config.json`.
    pub config_json: String,
    pub guards: Guards,
    pub cors: Arc<AllowedOrigins>,
    /// How long a request body may take to arrive.
    pub body_timeout: Duration,
    /// How long a staff session lasts from sign-in.
    pub session_hours: u32,
    /// The kiosk PIN's Argon2id hash, if kiosks may be unlocked here.
    pub kiosk_pin_hash: Option<String>,
}

/// One rate-limit guard per route class (see [`limit`]).
pub struct Guards {
    pub create: Guard,
    pub lookup: Guard,
    pub deflection: Guard,
    pub report: Guard,
    /// Charged by failed staff sign-ins only (see [`desk`]).
    pub sign_in: Guard,
    pub kiosk_pin: Guard,
    pub message: Guard,
    pub feedback: Guard,
}

/// The server's own settings (command line): never in `config.json`, which is public.
pub struct Settings {
    /// A SQLite file, or a `postgres://` URL ([`pg::is_url`]).
    pub db: PathBuf,
    pub config: PathBuf,
    /// The built app (`scripts/build-app.sh` writes it).
    pub dist: PathBuf,
    pub limits: Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// Other origins the app may be served from (CORS), as `scheme://host[:port]`.
    pub cors_origins: Vec<String>,
    /// How long a request body may take to arrive before `408 request_timeout`.
    pub body_timeout: Duration,
    /// How long a staff session lasts from sign-in.
    pub session_hours: u32,
    /// The kiosk PIN's Argon2id hash (`shouhou-server --hash-kiosk-pin` prints one).
    pub kiosk_pin_hash: Option<String>,
}

impl Default for Settings {
    /// The command line's defaults.
    fn default() -> Settings {
        Settings {
            db: "data/shouhou.sqlite3".into(),
            config: "static/config.json".into(),
            dist: "dist".into(),
            limits: Limits::default(),
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
            body_timeout: Duration::from_secs(30),
            session_hours: 12,
            kiosk_pin_hash: None,
        }
    }
}

/// Opens the SQLite store and loads the configuration; a clear error if either cannot be had.
/// A PostgreSQL URL needs the async [`open_state`].
pub fn load_state(settings: &Settings) -> Result<Arc<AppState>, String> {
    let (config, config_json) = read_config(settings)?;
    if pg::is_url(&settings.db.to_string_lossy()) {
        return Err("a postgres:// database is opened with open_state".into());
    }
    let store = Store::open(&settings.db)
        .map_err(|e| format!("cannot open database {}: {e}", settings.db.display()))?;
    state_with(settings, Db::Sqlite(Arc::new(store)), config, config_json)
}

/// [`load_state`] for either store: connects to and migrates PostgreSQL when `db` is a
/// `postgres://` URL.
pub async fn open_state(settings: &Settings) -> Result<Arc<AppState>, String> {
    let url = settings.db.to_string_lossy().into_owned();
    if !pg::is_url(&url) {
        return load_state(settings);
    }
    let (config, config_json) = read_config(settings)?;
    let store = pg::PgStore::open(&url)
        .await
        .map_err(|e| format!("cannot open database {}: {e}", redact(&url)))?;
    state_with(settings, Db::Postgres(store), config, config_json)
}

/// [`load_state`] with a store already opened (tests, tools): reads the configuration only.
pub fn state_on(settings: &Settings, store: Db) -> Result<Arc<AppState>, String> {
    let (config, config_json) = read_config(settings)?;
    state_with(settings, store, config, config_json)
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn read_config(settings: &Settings) -> Result<(AppConfig, String), String> {
    let config_json = std::fs::read_to_string(&settings.config)
        .map_err(|e| format!("cannot read config {}: {e}", settings.config.display()))?;
    let config = AppConfig::from_json(&config_json).map_err(|e| e.to_string())?;
    // Made now, not on the first sign-in with an unknown login, which would then be the slow one.
    let _ = auth::dummy_hash();
    Ok((config, config_json))
}

fn state_with(
    settings: &Settings,
    store: Db,
    config: AppConfig,
    config_json: String,
) -> Result<Arc<AppState>, String> {
    let clients = Arc::new(ClientAddr { trusted_proxies: settings.trusted_proxies.clone() });
    let guard = |class, rate| Guard {
        limiter: Arc::new(Limiter::new(class, rate)),
        clients: Arc::clone(&clients),
    };
    let limits = settings.limits;
    let guards = Guards {
        create: guard("create", limits.create),
        lookup: guard("lookup", limits.lookup),
        deflection: guard("deflection", limits.deflection),
        report: guard("csp-report", limits.report),
        sign_in: guard("sign-in", limits.sign_in),
        kiosk_pin: guard("kiosk-pin", limits.kiosk_pin),
        message: guard("message", limits.message),
        feedback: guard("feedback", limits.feedback),
    };
    if let Some(hash) = settings.kiosk_pin_hash.as_deref().filter(|h| !kiosk::is_pin_hash(h)) {
        return Err(format!(
            "the kiosk PIN hash {hash:?} is not an Argon2id hash: make one with --hash-kiosk-pin"
        ));
    }
    let kiosk_pin_hash = settings.kiosk_pin_hash.clone();
    let cors = Arc::new(AllowedOrigins(settings.cors_origins.clone()));
    let body_timeout = settings.body_timeout;
    let session_hours = settings.session_hours;
    Ok(Arc::new(AppState {
        store,
        config,
        config_json,
        guards,
        cors,
        body_timeout,
        kiosk_pin_hash,
        session_hours,
    }))
}

/// An app's files in `folder`, precompressed, with its page for any deep link (a path whose
/// last part has no dot); a missing file (say flows/<line>.json for a line without a flow)
/// stays a 404, or the app would read the page as that file.
fn app_files(folder: &std::path::Path) -> ServeDir<axum::routing::MethodRouter> {
    let index = ServeFile::new(folder.join("index.html")).precompressed_br().precompressed_gzip();
    let page_or_not_found = axum::routing::any(move |request: axum::extract::Request| {
        let index = index.clone();
        async move {
            let last = request.uri().path().rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return axum::http::StatusCode::NOT_FOUND.into_response();
            }
            match tower::ServiceExt::oneshot(index, request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        }
    });
    // The build writes a .br and a .gz beside each text and wasm file, so the first load
    // costs no compression work here; Brotli goes to browsers that accept it (all current
    // ones), gzip to the rest. The page must be revalidated so a new version is found.
    ServeDir::new(folder).precompressed_br().precompressed_gzip().fallback(page_or_not_found)
}

pub fn app(state: Arc<AppState>, dist: &std::path::Path) -> Router {
    let static_files = app_files(dist);
    // The staff desk is a second app in dist/desk/, never part of the customer's first load;
    // its own deep links (/desk/requests/…) get its own page.
    let desk_files = app_files(&dist.join("desk"));
    let security_headers = headers::security_headers(&state.config);
    let mut api = api::routes(&state);
    if !state.cors.0.is_empty() {
        api =
            api.layer(axum::middleware::from_fn_with_state(Arc::clone(&state.cors), cors::enforce));
    }
    let index_path = dist.join("index.html");
    let mut router = Router::new()
        .route(
            "/",
            get(move |State(state): State<Arc<AppState>>, headers: axum::http::HeaderMap| {
                start_page::start_page(state, index_path.clone(), headers)
            })
            // Rendered per request, so not among the build's precompressed files.
            .layer(tower_http::compression::CompressionLayer::new()),
        )
        .nest("/api/v1", api)
        // Read at start from --config, not a built file: compressed here (both apps fetch it
        // before their first screen).
        .route(
            "/config.json",
            get(api::config_json).layer(tower_http::compression::CompressionLayer::new()),
        )
        // Relative addresses in the desk's page resolve against /desk/, not /.
        .route("/desk", get(|| async { axum::response::Redirect::permanent("/desk/") }))
        .nest_service("/desk/", desk_files)
        .with_state(state)
        .fallback_service(static_files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    // Outside every route, the fallback and the rate limits: no answer leaves without them.
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router.layer(TraceLayer::new_for_http())
}
