//! What every handler shares ([`AppState`]): the store, the configuration the app and the
//! server share, the rate limits, the allowed origins and the server's own settings
//! ([`Settings`], from the command line, never in the public `config.json`); and opening
//! them.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use shouhou_core::AppConfig;

use crate::auth;
use crate::limit::{ByteQuota, ClientAddr, Guard, Limiter, Limits};
use crate::notify::NoticeSettings;
use crate::store::{Db, SqliteStore};

/// Origins allowed to call the API from a browser, as `scheme://host[:port]` (`--cors-origin`).
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins(pub Vec<String>);

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
    /// How notices and alerts are sent ([`crate::notify`]).
    pub notices: NoticeSettings,
    /// The key unsubscribe links are signed with, read from the database once.
    pub link_key: tokio::sync::OnceCell<String>,
    /// Where staff passwords and the kiosk PIN are hashed: one at a time per core.
    pub hashing: auth::Hashing,
    /// Photo bytes each client may upload a day (`--photo-quota-mb`).
    pub photo_quota: ByteQuota,
    /// Free bytes the database's disk keeps: below them no photo is taken (`--min-free-disk-mb`).
    pub min_free_disk: u64,
    /// The memory all uploads arriving at once may take (`--upload-memory-mb`).
    pub uploads: UploadMemory,
}

/// What all uploads arriving at once may hold in memory, in KiB: the whole, and what is free.
pub struct UploadMemory {
    pub kib: usize,
    pub free: Arc<tokio::sync::Semaphore>,
}

impl UploadMemory {
    fn new(bytes: u64) -> UploadMemory {
        let kib = (bytes / 1024).clamp(1, tokio::sync::Semaphore::MAX_PERMITS as u64) as usize;
        UploadMemory { kib, free: Arc::new(tokio::sync::Semaphore::new(kib)) }
    }
}

/// One rate-limit guard per route class (see [`limit`]).
pub struct Guards {
    pub create: Guard,
    pub lookup: Guard,
    pub deflection: Guard,
    pub report: Guard,
    /// Charged by every staff sign-in before its hash, refunded on success
    /// ([`crate::limit::Limiter::refund`]).
    pub sign_in: Guard,
    pub kiosk_pin: Guard,
    pub message: Guard,
    pub feedback: Guard,
}

/// The server's own settings (command line): never in `config.json`, which is public.
pub struct Settings {
    /// A SQLite file, or a `postgres://` URL ([`crate::store::is_url`]).
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
    /// SMTP, the SMS gateway, the robots and the rules of delivering notices.
    pub notices: NoticeSettings,
    /// Photo bytes one client may upload in a (UTC) day.
    pub photo_quota_bytes: u64,
    /// Free bytes the database's disk must keep after a photo is stored.
    pub min_free_disk_bytes: u64,
    /// Bytes all uploads with photos arriving at once may hold in memory together.
    pub upload_memory_bytes: u64,
}

/// A megabyte as the flags count them.
pub const MB: u64 = 1_000_000;

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
            notices: NoticeSettings::default(),
            photo_quota_bytes: 200 * MB,
            min_free_disk_bytes: 1000 * MB,
            upload_memory_bytes: 256 * MB,
        }
    }
}

/// Opens the SQLite store and loads the configuration; a clear error if either cannot be had.
/// A PostgreSQL URL needs the async [`open_state`].
pub fn load_state(settings: &Settings) -> Result<Arc<AppState>, String> {
    let (config, config_json) = read_config(settings)?;
    if crate::store::is_url(&settings.db.to_string_lossy()) {
        return Err("a postgres:// database is opened with open_state".into());
    }
    let store = SqliteStore::open(&settings.db)
        .map_err(|e| format!("cannot open database {}: {e}", settings.db.display()))?;
    state_with(settings, Db::Sqlite(Arc::new(store)), config, config_json)
}

/// [`load_state`] for either store: connects to and migrates PostgreSQL when `db` is a
/// `postgres://` URL.
pub async fn open_state(settings: &Settings) -> Result<Arc<AppState>, String> {
    let url = settings.db.to_string_lossy().into_owned();
    if !crate::store::is_url(&url) {
        return load_state(settings);
    }
    let (config, config_json) = read_config(settings)?;
    let store = crate::store::PgStore::open(&url)
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
    if let Some(hash) = settings.kiosk_pin_hash.as_deref().filter(|h| !auth::is_pin_hash(h)) {
        return Err(format!(
            "the kiosk PIN hash {hash:?} is not an Argon2id hash: make one with --hash-kiosk-pin"
        ));
    }
    let kiosk_pin_hash = settings.kiosk_pin_hash.clone();
    if let Some(problem) = settings.notices.problem() {
        return Err(problem);
    }
    store.hub().set_telling(settings.notices.telling());
    store.listen();
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
        notices: settings.notices.clone(),
        link_key: tokio::sync::OnceCell::new(),
        hashing: auth::Hashing::per_core(),
        photo_quota: ByteQuota::new(settings.photo_quota_bytes),
        min_free_disk: settings.min_free_disk_bytes,
        uploads: UploadMemory::new(settings.upload_memory_bytes),
    }))
}
