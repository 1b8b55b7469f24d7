//! The request store: SQLite, one file, created on first start.
//!
//! Creation is idempotent on the client's `Idempotency-Key`: the key is a UNIQUE column and
//! the look-up, the reference allocation and the insert happen in one transaction behind one
//! connection, so any number of concurrent retries of one request make exactly one row.

use std::path::Path;
use std::sync::Mutex;

use chrono::{DateTime, Duration, FixedOffset, Local, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::reference::format_reference;
use shouhou_core::{ValidRequest, WarrantyStatus};

use crate::api::PhotoUpload;

/// The schema, one entry per version; `PRAGMA user_version` records how far a file got.
const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE requests (
        id               INTEGER PRIMARY KEY,
        reference        TEXT NOT NULL UNIQUE,
        idempotency_key  TEXT NOT NULL UNIQUE,
        status           TEXT NOT NULL DEFAULT 'received',
        intent           TEXT NOT NULL,
        product_line     TEXT NOT NULL,
        full_name        TEXT NOT NULL,
        phone            TEXT NOT NULL,
        email            TEXT,
        description      TEXT NOT NULL,
        request_json     TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        reply_by         TEXT NOT NULL
    );
    CREATE TABLE reference_sequences (
        day   TEXT PRIMARY KEY,
        last  INTEGER NOT NULL
    );
"#,
    r#"
    ALTER TABLE requests ADD COLUMN category TEXT;
    ALTER TABLE requests ADD COLUMN priority TEXT;
    ALTER TABLE requests ADD COLUMN troubleshooting_json TEXT;
    -- Requests guided troubleshooting made unnecessary: anonymous, one row per solved walk.
    CREATE TABLE deflections (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        flow_id          TEXT NOT NULL,
        flow_version     INTEGER NOT NULL,
        product_line     TEXT NOT NULL,
        outcome          TEXT NOT NULL,
        created_at       TEXT NOT NULL
    );
"#,
    r#"
    -- The complete request: every other field by name, the warranty as judged, and what
    -- was submitted exactly (what an idempotency key is compared against).
    ALTER TABLE requests ADD COLUMN details_json TEXT;
    ALTER TABLE requests ADD COLUMN warranty TEXT;
    ALTER TABLE requests ADD COLUMN submitted_json TEXT;
    CREATE TABLE photos (
        id            INTEGER PRIMARY KEY,
        request_id    INTEGER NOT NULL REFERENCES requests(id),
        photo_id      TEXT NOT NULL,
        content_type  TEXT NOT NULL,
        bytes         INTEGER NOT NULL,
        width         INTEGER NOT NULL,
        height        INTEGER NOT NULL,
        data          BLOB NOT NULL,
        UNIQUE (request_id, photo_id)
    );
"#,
];

#[derive(Debug)]
pub enum StoreError {
    /// The key was used before for a request with different content.
    KeyReused,
    Sqlite(rusqlite::Error),
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::KeyReused => write!(f, "idempotency key reused for different content"),
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Io(e) => write!(f, "io: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

/// A stored request as the status look-up returns it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredRequest {
    pub reference: String,
    pub status: String,
    pub created_at: String,
    pub reply_by: String,
    pub request: ValidRequest,
}

/// The outcome of a create: the new request, or the one an earlier try of it made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub stored: StoredRequest,
    pub replayed: bool,
}

pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(StoreError::Io)?;
        }
        let mut conn = Connection::open(path)?;
        // WAL with synchronous=NORMAL survives a process crash and commits without an fsync
        // per request; busy_timeout covers a second process (a backup, the CLI) holding a lock.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    /// Stores `request` under `idempotency_key`, or returns what that key stored before.
    pub fn create(
        &self,
        idempotency_key: &str,
        submitted_json: &str,
        request: &ValidRequest,
        photos: &[PhotoUpload],
        now: DateTime<FixedOffset>,
        reply_within_hours: u32,
    ) -> Result<Created, StoreError> {
        let request_json = serde_json::to_string(request).expect("a valid request serialises");
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;

        let earlier: Option<(String, String)> = tx
            .query_row(
                "SELECT reference, COALESCE(submitted_json, request_json) FROM requests WHERE idempotency_key = ?1",
                [idempotency_key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        if let Some((reference, stored_json)) = earlier {
            if stored_json != submitted_json {
                return Err(StoreError::KeyReused);
            }
            let stored = find_in(&tx, &reference)?.expect("the row just read exists");
            return Ok(Created { stored, replayed: true });
        }

        let day = now.format("%Y%m%d").to_string();
        let sequence: u64 = tx.query_row(
            "INSERT INTO reference_sequences (day, last) VALUES (?1, 1)
             ON CONFLICT(day) DO UPDATE SET last = last + 1
             RETURNING last",
            [&day],
            |row| row.get(0),
        )?;
        let reference = format_reference(&day, sequence);
        let created_at = now.to_rfc3339_opts(SecondsFormat::Secs, false);
        let reply_by = (now + Duration::hours(i64::from(reply_within_hours)))
            .to_rfc3339_opts(SecondsFormat::Secs, false);
        tx.execute(
            "INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name,
                                   phone, email, description, request_json, created_at, reply_by,
                                   category, priority, troubleshooting_json, details_json, warranty,
                                   submitted_json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                reference,
                idempotency_key,
                request.intent.as_str(),
                request.product_line,
                request.full_name,
                request.phone,
                request.email,
                request.description,
                request_json,
                created_at,
                reply_by,
                request.category.map(|c| c.as_str()),
                request.priority.map(|p| p.as_str()),
                request
                    .troubleshooting
                    .as_ref()
                    .map(|t| serde_json::to_string(t).expect("a transcript serialises")),
                serde_json::to_string(&request.details).expect("details serialise"),
                request.warranty.as_ref().map(|w| match w {
                    WarrantyStatus::InWarranty { .. } => "in_warranty",
                    WarrantyStatus::OutOfWarranty { .. } => "out_of_warranty",
                }),
                submitted_json,
            ],
        )?;
        let request_id = tx.last_insert_rowid();
        for photo in &request.photos {
            // The API checked that exactly one upload carries each listed photo.
            let Some(upload) = photos.iter().find(|upload| upload.id == photo.id) else { continue };
            tx.execute(
                "INSERT INTO photos (request_id, photo_id, content_type, bytes, width, height, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![request_id, photo.id, photo.content_type, upload.bytes.len() as i64, photo.width, photo.height, upload.bytes],
            )?;
        }
        // The request and all its photos, or nothing.
        tx.commit()?;
        Ok(Created {
            stored: StoredRequest {
                reference,
                status: "received".into(),
                created_at,
                reply_by,
                request: request.clone(),
            },
            replayed: false,
        })
    }

    /// Counts a request that guided troubleshooting solved. True when newly recorded, false
    /// when this key was recorded before (a retry from the outbox).
    pub fn record_deflection(
        &self,
        idempotency_key: &str,
        deflection: &Deflection,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let inserted = conn.execute(
            "INSERT INTO deflections (idempotency_key, flow_id, flow_version, product_line, outcome, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(idempotency_key) DO NOTHING",
            params![
                idempotency_key,
                deflection.flow_id,
                deflection.flow_version,
                deflection.product_line,
                deflection.outcome,
                now.to_rfc3339_opts(SecondsFormat::Secs, false),
            ],
        )?;
        Ok(inserted == 1)
    }

    pub fn find(&self, reference: &str) -> Result<Option<StoredRequest>, StoreError> {
        let conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(find_in(&conn, reference)?)
    }

    /// The server's clock in its own time zone: reference numbers follow the local day.
    pub fn now() -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

fn find_in(conn: &Connection, reference: &str) -> rusqlite::Result<Option<StoredRequest>> {
    conn.query_row(
        "SELECT reference, status, created_at, reply_by, request_json FROM requests WHERE reference = ?1",
        [reference],
        |row| {
            let json: String = row.get(4)?;
            let request = serde_json::from_str(&json).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
            })?;
            Ok(StoredRequest {
                reference: row.get(0)?,
                status: row.get(1)?,
                created_at: row.get(2)?,
                reply_by: row.get(3)?,
                request,
            })
        },
    )
    .optional()
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let version: usize = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", index + 1)?;
        tx.commit()?;
    }
    Ok(())
}
