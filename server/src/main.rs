//! `shouhou-server`, the binary: reads the command line (the server's own settings, never in
//! the public `config.json`), and runs one of three things — the server (opens the store,
//! serves the app and the API until Ctrl-C or SIGTERM, finishing the requests in flight),
//! the staff account commands (`staff add|list|disable`, on either store), or the kiosk PIN
//! hasher (`--hash-kiosk-pin`). Everything it runs is the library's; it only wires it up and
//! owns the process: its logs (JSON on stderr; stdout carries only the "listening" line
//! scripts read for the port), its runtime and its exit codes.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use shouhou_core::notice::delivery::{Backoff, QuietHours, RateCap};
use shouhou_core::notice::robot::Robot;
use shouhou_core::Lang;
use shouhou_server::auth;
use shouhou_server::http::cors::parse_origin;
use shouhou_server::limit::{Limits, Rate};
use shouhou_server::notify::mail::Smtp;
use shouhou_server::notify::outbound::{RobotHook, SmsGateway};
use shouhou_server::notify::NoticeSettings;
use shouhou_server::serve::{serve, ConnectionLimit};
use shouhou_server::state::MB;
use shouhou_server::store::{self, Db, Role, StoreError};
use shouhou_server::{app, open_state, redact, Settings};
use tracing_subscriber::EnvFilter;

/// Shouhou's intake server: serves the app and the /api/v1 request API, storing requests in SQLite
/// (or PostgreSQL, for several instances on one database).
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Without a command, the server runs.
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on. Keep it on loopback unless a reverse proxy fronts it.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// SQLite database file, created with its folder on first start; or a PostgreSQL URL
    /// (postgres://user:password@host:port/database) for several instances on one database.
    #[arg(long, env = "DATABASE_URL", default_value = "data/shouhou.sqlite3", global = true)]
    db: PathBuf,
    /// Run-time configuration shared with the app (served at /config.json).
    #[arg(long, default_value = "static/config.json")]
    config: PathBuf,
    /// The built app to serve (scripts/build-app.sh writes it).
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Creates per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_CREATE",
        default_value = "20:20",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_create: Rate,
    /// Status look-ups per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_LOOKUP",
        default_value = "30:10",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_lookup: Rate,
    /// Deflection counts per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_DEFLECTION",
        default_value = "30:20",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_deflection: Rate,
    /// CSP violation reports per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_CSP_REPORT",
        default_value = "60:30",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_csp_report: Rate,
    /// Failed staff sign-ins per client: PER_MINUTE:BURST (a success costs nothing).
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_SIGN_IN",
        default_value = "6:5",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_sign_in: Rate,
    /// Hours a staff session lasts from sign-in.
    #[arg(
        long,
        env = "SHOUHOU_SESSION_HOURS",
        default_value_t = 12,
        value_name = "HOURS",
        value_parser = clap::value_parser!(u32).range(1..=720)
    )]
    session_hours: u32,
    /// Kiosk PIN attempts per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_KIOSK_PIN",
        default_value = "5:5",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_kiosk_pin: Rate,
    /// Customers' messages (answers to the team) per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_MESSAGE",
        default_value = "10:5",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_message: Rate,
    /// Customers' satisfaction ratings per client: PER_MINUTE:BURST.
    #[arg(
        long,
        env = "SHOUHOU_LIMIT_FEEDBACK",
        default_value = "10:5",
        value_name = "PER_MINUTE:BURST"
    )]
    limit_feedback: Rate,
    /// The kiosk PIN's Argon2id hash, as --hash-kiosk-pin prints it. Without one, kiosks
    /// cannot be left at the screen.
    #[arg(long, env = "SHOUHOU_KIOSK_PIN_HASH", value_name = "ARGON2ID_HASH")]
    kiosk_pin_hash: Option<String>,
    /// Reads a kiosk PIN from standard input, prints the setting that holds its hash, and exits.
    #[arg(long)]
    hash_kiosk_pin: bool,
    /// A reverse proxy in front of this server (repeat for several): only when the peer is
    /// one of these is the client taken from the last X-Forwarded-For hop.
    #[arg(long = "trust-proxy", value_name = "IP")]
    trust_proxy: Vec<IpAddr>,
    /// Another origin the app is served from, allowed to call the API (repeat for several),
    /// e.g. https://shop.example.
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = parse_origin)]
    cors_origin: Vec<String>,
    /// Seconds a request body may take to arrive before 408 request_timeout.
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    body_timeout: u64,
    /// Seconds a connection may serve no request (sending nothing, sending its headers, or
    /// idle between requests) before it is closed.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    header_timeout: u64,
    /// Connections one client (an IPv6 /64 as one) may hold open at once; past it a new one is
    /// closed at once. A --trust-proxy address is not bound by it.
    #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    max_connections_per_client: u64,
    /// Where customers and staff reach this site: the links in notices and alerts
    /// (https://service.example.cn). Needed once any channel below is set up.
    #[arg(long, env = "SHOUHOU_PUBLIC_URL", value_name = "URL")]
    public_url: Option<String>,
    /// The SMTP relay for email notices: smtp://host:port (STARTTLS when offered; add
    /// ?tls=required to insist) or smtps://host:port. User and password from
    /// SHOUHOU_SMTP_USER and SHOUHOU_SMTP_PASSWORD.
    #[arg(long, env = "SHOUHOU_SMTP_URL", value_name = "URL")]
    smtp_url: Option<String>,
    /// The sender of email notices, e.g. "售后服务 <service@example.cn>".
    #[arg(long, env = "SHOUHOU_MAIL_FROM", value_name = "MAILBOX")]
    mail_from: Option<String>,
    /// The SMS gateway's address: text messages are posted there as JSON (--sms-body).
    #[arg(long, env = "SHOUHOU_SMS_URL", value_name = "URL")]
    sms_url: Option<String>,
    /// A header sent to the SMS gateway, its value read from an environment variable:
    /// NAME=ENV_VAR (repeat for several), e.g. Authorization=SHOUHOU_SMS_AUTH.
    #[arg(long = "sms-header", value_name = "NAME=ENV_VAR")]
    sms_header: Vec<String>,
    /// The JSON body posted to the SMS gateway, with placeholders ({phone}, {reference},
    /// {link}, {text}, …): a file.
    #[arg(long, env = "SHOUHOU_SMS_BODY", value_name = "FILE")]
    sms_body: Option<PathBuf>,
    /// Hours without text messages in the operator's time zone (config.json
    /// reply_times.time_zone), emergencies excepted: HH:MM-HH:MM.
    #[arg(long, default_value = "21:00-08:00", value_name = "HH:MM-HH:MM")]
    sms_quiet_hours: String,
    /// Notices to one recipient (an address, a phone, a robot): at most MAX per MINUTES;
    /// the rest wait their turn.
    #[arg(long, default_value = "10:60", value_name = "MAX:MINUTES")]
    limit_notices: String,
    /// The language of the team's alerts: zh-CN or en.
    #[arg(long, default_value = "zh-CN", value_name = "LANG")]
    team_language: String,
    /// First retry of a failed notice after up to this many seconds (doubling up to an
    /// hour): for tests.
    #[arg(long, default_value_t = 30, hide = true)]
    notice_retry_seconds: i64,
    /// Seconds a worker holds a notice it took: for tests.
    #[arg(long, default_value_t = 120, hide = true)]
    notice_lease_seconds: i64,
    /// Megabytes of photos one client may upload in a day.
    #[arg(long, env = "SHOUHOU_PHOTO_QUOTA_MB", default_value_t = 200, value_name = "MB")]
    photo_quota_mb: u64,
    /// Megabytes the database's disk must keep free: below them photos are refused (507).
    #[arg(long, env = "SHOUHOU_MIN_FREE_DISK_MB", default_value_t = 1000, value_name = "MB")]
    min_free_disk_mb: u64,
    /// Megabytes all uploads with photos arriving at once may hold in memory, whoever sends
    /// them: past it `503 busy`.
    #[arg(long, env = "SHOUHOU_UPLOAD_MEMORY_MB", default_value_t = 256, value_name = "MB")]
    upload_memory_mb: u64,
}

#[derive(Subcommand)]
enum Command {
    /// Staff accounts for the desk (/desk/).
    Staff {
        #[command(subcommand)]
        action: StaffAction,
    },
    /// Copies the SQLite database (--db) to FILE while the server keeps taking requests.
    Backup { file: PathBuf },
    /// Replaces the SQLite database (--db) with the backup FILE; refused while a server has
    /// the database open.
    Restore { file: PathBuf },
}

#[derive(Subcommand)]
enum StaffAction {
    /// Adds an account. Its password (at least 10 characters) is read from stdin.
    Add {
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Where the team's alerts reach them: their own requests', and every unassigned
        /// one's for a lead.
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
    },
    /// Sets the address an account gets the team's alerts at (none: clears it).
    Email { login: String, address: Option<String> },
    /// Lists the accounts: login, role, active or disabled, created.
    List,
    /// Disables an account and ends its sessions; its name stays on the timelines.
    Disable { login: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    Agent,
    Lead,
    /// Sees only the requests they have a visit on.
    Engineer,
}

/// Backups are SQLite's: PostgreSQL's own tools do it there.
fn sqlite_only(db: &std::path::Path) -> bool {
    let sqlite = !store::is_url(&db.to_string_lossy());
    if !sqlite {
        eprintln!(
            "shouhou-server: backup and restore are for a SQLite file; for PostgreSQL use \
             pg_dump and pg_restore (README, \"Backups\")"
        );
    }
    sqlite
}

/// What a backup or restore did and what the file holds, on stdout: exit code 0.
fn said(what: &str, held: store::backup::Contents) -> i32 {
    println!("{what}: {} requests, {} photos", held.requests, held.photos);
    0
}

/// `shouhou-server backup FILE --db <sqlite>`: the exit code.
fn backup_command(db: &std::path::Path, file: &std::path::Path) -> i32 {
    if !sqlite_only(db) {
        return 2;
    }
    match store::backup::backup(db, file) {
        Ok(held) => said(&format!("backed up {} to {}", db.display(), file.display()), held),
        Err(why) => {
            eprintln!("shouhou-server: backup failed: {why}");
            2
        }
    }
}

/// `shouhou-server restore FILE --db <path>`: the exit code (1: the database is in use).
fn restore_command(file: &std::path::Path, db: &std::path::Path) -> i32 {
    if !sqlite_only(db) {
        return 2;
    }
    match store::backup::restore(file, db) {
        Ok(held) => said(&format!("restored {} from {}", db.display(), file.display()), held),
        Err(why @ store::backup::RestoreError::InUse) => {
            eprintln!("shouhou-server: {why}");
            1
        }
        Err(why) => {
            eprintln!("shouhou-server: restore failed: {why}");
            2
        }
    }
}

/// `shouhou-server staff …`: the exit code.
fn staff_command(db: &std::path::Path, action: StaffAction) -> i32 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    runtime.block_on(staff_on(db, action))
}

/// The staff command on either store ([`Db`]): accounts made here sign in on every instance.
async fn staff_on(db: &std::path::Path, action: StaffAction) -> i32 {
    let url = db.to_string_lossy().into_owned();
    let store = match Db::open(&url).await {
        Ok(store) => store,
        Err(why) => {
            eprintln!("shouhou-server: cannot open database {}: {why}", redact(&url));
            return 2;
        }
    };
    let now = || store::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    match action {
        StaffAction::Email { login, address } => match store.set_staff_email(&login, address).await
        {
            Ok(()) => {
                println!("set {login}'s address");
                0
            }
            Err(StoreError::NotFound) => {
                eprintln!("shouhou-server: no account {login}");
                1
            }
            Err(why) => {
                eprintln!("shouhou-server: {why}");
                2
            }
        },
        StaffAction::Add { login, role, email } => {
            if !auth::valid_login(&login) {
                eprintln!("shouhou-server: a login is 1 to 64 of a-z 0-9 . _ -");
                return 2;
            }
            // One line: a password manager's paste or `printf '%s\n' … |` alike.
            let mut password = String::new();
            if let Err(why) = std::io::stdin().read_line(&mut password) {
                eprintln!("shouhou-server: cannot read the password from stdin: {why}");
                return 2;
            }
            let password = password.trim_end_matches(['\r', '\n']);
            if let Some(problem) = auth::password_problem(password) {
                eprintln!("shouhou-server: {problem}");
                return 2;
            }
            let role = match role {
                RoleArg::Agent => Role::Agent,
                RoleArg::Lead => Role::Lead,
                RoleArg::Engineer => Role::Engineer,
            };
            let hash = auth::hash_password(password);
            let added = match store.add_staff(&login, role, &hash, &now()).await {
                Ok(()) if email.is_some() => store.set_staff_email(&login, email).await,
                other => other,
            };
            match added {
                Ok(()) => {
                    println!("added {login} ({})", role.as_str());
                    0
                }
                Err(StoreError::Exists) => {
                    eprintln!("shouhou-server: {login} exists already");
                    1
                }
                Err(why) => {
                    eprintln!("shouhou-server: {why}");
                    2
                }
            }
        }
        StaffAction::List => match store.list_staff().await {
            Ok(members) => {
                for member in members {
                    let state = if member.disabled { "disabled" } else { "active" };
                    println!(
                        "{}\t{}\t{state}\t{}",
                        member.login,
                        member.role.as_str(),
                        member.created_at
                    );
                }
                0
            }
            Err(why) => {
                eprintln!("shouhou-server: {why}");
                2
            }
        },
        StaffAction::Disable { login } => match store.disable_staff(&login).await {
            Ok(()) => {
                println!("disabled {login}");
                0
            }
            Err(StoreError::NotFound) => {
                eprintln!("shouhou-server: no account {login}");
                1
            }
            Err(why) => {
                eprintln!("shouhou-server: {why}");
                2
            }
        },
    }
}

fn main() {
    // Logs on stderr: stdout carries only the "listening" line scripts read for the port.
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        // An empty RUST_LOG (some shells and CI set one) would mean errors only: treat it
        // as unset, so warnings such as rate limits and CSP violations are never silenced.
        .with_env_filter(
            std::env::var("RUST_LOG")
                .ok()
                .filter(|filter| !filter.trim().is_empty())
                .and_then(|filter| EnvFilter::try_new(filter).ok())
                .unwrap_or_else(|| EnvFilter::new("info")),
        )
        .init();
    shouhou_server::store::sqlite::configure_sqlite();
    let args = Args::parse();
    if args.hash_kiosk_pin {
        std::process::exit(print_kiosk_pin_hash());
    }
    // The staff commands run on a runtime of their own, before the server's.
    match args.command {
        Some(Command::Staff { action }) => std::process::exit(staff_command(&args.db, action)),
        Some(Command::Backup { file }) => std::process::exit(backup_command(&args.db, &file)),
        Some(Command::Restore { file }) => std::process::exit(restore_command(&file, &args.db)),
        None => {}
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
        .block_on(run(args));
}

async fn run(args: Args) {
    let header_timeout = std::time::Duration::from_secs(args.header_timeout);
    let connection_limit = ConnectionLimit {
        per_client: usize::try_from(args.max_connections_per_client).unwrap_or(usize::MAX),
        exempt: args.trust_proxy.clone(),
        busy: shouhou_server::http::error::busy,
    };
    let notices = notice_settings(&args);
    let settings = Settings {
        db: args.db,
        config: args.config,
        dist: args.dist,
        limits: Limits {
            create: args.limit_create,
            lookup: args.limit_lookup,
            deflection: args.limit_deflection,
            report: args.limit_csp_report,
            sign_in: args.limit_sign_in,
            kiosk_pin: args.limit_kiosk_pin,
            message: args.limit_message,
            feedback: args.limit_feedback,
        },
        session_hours: args.session_hours,
        trusted_proxies: args.trust_proxy,
        cors_origins: args.cors_origin,
        body_timeout: std::time::Duration::from_secs(args.body_timeout),
        kiosk_pin_hash: args.kiosk_pin_hash,
        notices: match notices {
            Ok(notices) => notices,
            Err(why) => {
                eprintln!("shouhou-server: {why}");
                std::process::exit(2);
            }
        },
        photo_quota_bytes: args.photo_quota_mb.saturating_mul(MB),
        min_free_disk_bytes: args.min_free_disk_mb.saturating_mul(MB),
        upload_memory_bytes: args.upload_memory_mb.saturating_mul(MB),
    };
    let state = match open_state(&settings).await {
        Ok(state) => state,
        Err(why) => {
            eprintln!("shouhou-server: {why}");
            std::process::exit(2);
        }
    };
    if !settings.dist.join("index.html").exists() {
        tracing::warn!(dist = %settings.dist.display(), "no built app here; run scripts/build-app.sh");
    }
    shouhou_server::notify::worker::spawn(std::sync::Arc::clone(&state));
    // Personal data of requests closed past privacy.retain_months, erased hour by hour.
    tokio::spawn(shouhou_server::staff::privacy::keep_retention(std::sync::Arc::clone(&state)));
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(why) => {
            eprintln!("shouhou-server: cannot listen on {}: {why}", args.addr);
            std::process::exit(2);
        }
    };
    let local = listener.local_addr().expect("a bound listener has an address");
    // Tests and scripts read this line to learn the port when started with port 0.
    println!("shouhou-server listening on http://{local}");
    let db = redact(&settings.db.to_string_lossy());
    tracing::info!(addr = %local, %db, "listening");
    serve(
        listener,
        app(state, &settings.dist),
        // An answer left untaken has as long as a request body that does not arrive.
        (header_timeout, std::time::Duration::from_secs(args.body_timeout)),
        connection_limit,
        shutdown_signal(),
    )
    .await;
}

/// The notice settings from the command line and the environment (secrets only there).
fn notice_settings(args: &Args) -> Result<NoticeSettings, String> {
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let mut notices = NoticeSettings {
        public_url: args.public_url.clone().map(|url| url.trim_end_matches('/').to_string()),
        quiet_hours: QuietHours::parse(&args.sms_quiet_hours)
            .ok_or("--sms-quiet-hours: give HH:MM-HH:MM, e.g. 21:00-08:00")?,
        cap: RateCap::parse(&args.limit_notices)
            .ok_or("--limit-notices: give MAX:MINUTES, both at least 1")?,
        team_lang: Lang::from_tag(&args.team_language)
            .ok_or("--team-language: give zh-CN or en")?,
        backoff: Backoff { base: args.notice_retry_seconds.max(1), ..Backoff::default() },
        lease_seconds: args.notice_lease_seconds.max(1),
        ..NoticeSettings::default()
    };
    if let Some(url) = &args.smtp_url {
        let from = args.mail_from.as_deref().ok_or("--smtp-url needs --mail-from")?;
        let credentials = env("SHOUHOU_SMTP_USER").zip(env("SHOUHOU_SMTP_PASSWORD"));
        notices.smtp = Some(Smtp::new(url, from, credentials)?);
    }
    if let Some(url) = &args.sms_url {
        let path = args.sms_body.as_deref().ok_or("--sms-url needs --sms-body")?;
        let mut headers = Vec::new();
        for header in &args.sms_header {
            let (name, variable) =
                header.split_once('=').ok_or(format!("--sms-header {header:?}: NAME=ENV_VAR"))?;
            let value =
                env(variable).ok_or(format!("--sms-header {name}: {variable} is not set"))?;
            headers.push((name.to_string(), value));
        }
        let body = NoticeSettings::read_sms_body(path)?;
        notices.sms = Some(SmsGateway { url: url.clone(), headers, body });
    }
    for (robot, hook, secret) in [
        (Robot::WeCom, "SHOUHOU_WECOM_WEBHOOK", None),
        (Robot::DingTalk, "SHOUHOU_DINGTALK_WEBHOOK", Some("SHOUHOU_DINGTALK_SECRET")),
        (Robot::Feishu, "SHOUHOU_FEISHU_WEBHOOK", Some("SHOUHOU_FEISHU_SECRET")),
    ] {
        if let Some(webhook) = env(hook) {
            notices.robots.push(RobotHook { robot, webhook, secret: secret.and_then(env) });
        }
    }
    Ok(notices)
}

/// Ctrl-C or SIGTERM: finish the requests in flight, then stop.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `--hash-kiosk-pin`: the PIN from standard input (4 to 12 digits) to the settings line.
fn print_kiosk_pin_hash() -> i32 {
    let mut pin = String::new();
    if std::io::stdin().read_line(&mut pin).is_err() {
        eprintln!("shouhou-server: could not read the PIN from standard input");
        return 2;
    }
    let pin = pin.trim();
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!("shouhou-server: a kiosk PIN is 4 to 12 digits");
        return 2;
    }
    match shouhou_server::auth::hash_pin(pin) {
        Ok(hash) => {
            println!("SHOUHOU_KIOSK_PIN_HASH='{hash}'");
            0
        }
        Err(why) => {
            eprintln!("shouhou-server: {why}");
            2
        }
    }
}
