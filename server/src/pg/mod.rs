//! The request store on PostgreSQL, for several intake servers on one database
//! (`--db postgres://…` or `DATABASE_URL`).
//!
//! The customer's create is here (idempotent on the key across instances, references unique
//! across instances, a request and its photos in one transaction) with deflections; the
//! staff desk, the timeline, customers' messages and ratings, and the figures are in
//! [`desk`]. Everything the SQLite store does, this one does the same way ([`crate::Db`]).
//!
//! Concurrency is the database's, not a writer thread's: each create is one transaction on a
//! pooled connection. The key's UNIQUE constraint with `ON CONFLICT DO NOTHING` makes a second
//! instance's insert of the same key wait for the first's commit and then insert nothing, so
//! it answers with the row the first stored. A reference drawn twice (about one in 10⁹ per pair
//! on one day) breaks the reference's UNIQUE and the whole transaction is tried again.
//!
//! Durability: PostgreSQL's default `synchronous_commit = on` answers a COMMIT only once its
//! WAL is flushed, the same promise the SQLite store's `synchronous=FULL` makes.

pub mod desk;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::reference::{new_reference, RANDOM_LEN};
use shouhou_core::{PhotoRef, ValidRequest, WarrantyStatus};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, NoTls};

use crate::store::{Created, NewRequest, PhotoUpload, StoreError, StoredRequest};

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// Any one fixed number: the advisory lock every instance takes to migrate ("SHOUHOU1").
const MIGRATION_LOCK: i64 = 0x5348_4F55_484F_5531;

/// The schema, one entry per version; table `schema_migrations` records which ran. Append a
/// new version; never edit one that may have run. The columns match the SQLite store's final
/// schema, so the two read alike (version 2 added the desk's tables without reshaping the
/// first's). Times stay RFC 3339 text, as in SQLite, so an answer carries the offset the
/// request was made with on both stores.
pub const MIGRATIONS: &[&str] = &[
    r#"
    CREATE TABLE requests (
        id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reference            TEXT NOT NULL CONSTRAINT requests_reference_unique UNIQUE,
        idempotency_key      TEXT NOT NULL CONSTRAINT requests_key_unique UNIQUE,
        status               TEXT NOT NULL DEFAULT 'received',
        intent               TEXT NOT NULL,
        product_line         TEXT NOT NULL,
        full_name            TEXT NOT NULL,
        phone                TEXT NOT NULL,
        email                TEXT,
        description          TEXT NOT NULL,
        request_json         TEXT NOT NULL,
        created_at           TEXT NOT NULL,
        reply_by             TEXT NOT NULL,
        category             TEXT,
        priority             TEXT,
        troubleshooting_json TEXT,
        details_json         TEXT,
        warranty             TEXT,
        submitted_json       TEXT,
        assigned_to          TEXT,
        first_reply_by       TEXT
    );
    CREATE INDEX requests_by_created ON requests (created_at);
    -- Photos' bytes live in the database, as in SQLite: one backup holds everything, and a
    -- request with its photos commits or fails as one.
    CREATE TABLE photos (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id    BIGINT NOT NULL REFERENCES requests(id),
        photo_id      TEXT NOT NULL,
        content_type  TEXT NOT NULL,
        bytes         BIGINT NOT NULL,
        width         BIGINT NOT NULL,
        height        BIGINT NOT NULL,
        data          BYTEA NOT NULL,
        event_id      BIGINT,
        UNIQUE (request_id, photo_id)
    );
    CREATE TABLE deflections (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        flow_id          TEXT NOT NULL,
        flow_version     BIGINT NOT NULL,
        product_line     TEXT NOT NULL,
        outcome          TEXT NOT NULL,
        created_at       TEXT NOT NULL
    );
"#,
    r#"
    -- The staff desk, as in SQLite. Accounts: a password only as an Argon2id PHC string; a
    -- disabled account keeps its row, so the timeline can still name who did what.
    CREATE TABLE staff (
        id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL CHECK (role IN ('agent', 'lead')),
        password_hash  TEXT NOT NULL,
        disabled       BOOLEAN NOT NULL DEFAULT false,
        created_at     TEXT NOT NULL
    );
    -- Only a hash of each session token. Sessions live here, not in an instance's memory,
    -- so a session started on one instance is valid on every other.
    CREATE TABLE staff_sessions (
        token_hash  TEXT PRIMARY KEY,
        staff_id    BIGINT NOT NULL REFERENCES staff(id),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    -- Everything that happened to a request after it was filed, in order (id). `actor` is a
    -- staff login, NULL for the customer; `public` entries are what the customer sees.
    CREATE TABLE events (
        id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id    BIGINT NOT NULL REFERENCES requests(id),
        at            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        actor         TEXT,
        public        BOOLEAN NOT NULL,
        text          TEXT,
        status        TEXT,
        satisfaction  INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        outcome       TEXT,
        reply_by      TEXT,
        assigned_to   TEXT
    );
    CREATE INDEX events_by_request ON events (request_id, id);
    CREATE INDEX events_by_kind ON events (kind, at);
    -- What the customer posts from the status page, idempotent like a create.
    CREATE TABLE customer_posts (
        id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        request_id       BIGINT NOT NULL REFERENCES requests(id),
        event_id         BIGINT NOT NULL REFERENCES events(id),
        submitted_json   TEXT NOT NULL
    );
    -- A message's photos sit beside the request's own; event_id says which message.
    ALTER TABLE photos ADD CONSTRAINT photos_event_fk FOREIGN KEY (event_id) REFERENCES events(id);
    -- One rating per request, whatever a bug above this line might let through.
    CREATE UNIQUE INDEX one_rating_per_request ON events (request_id) WHERE kind = 'rating';
"#,
];

/// How many connections one instance holds at most. Each create is a short transaction, so a
/// few carry a busy instance; several instances times this must stay under the server's
/// `max_connections` (100 by default).
const POOL_SIZE: usize = 16;

pub struct PgStore {
    pool: Pool,
    /// The random part of each new reference: the OS's; a test's own sequence to force a
    /// clash ([`PgStore::drawing_references_from`]).
    draw: std::sync::Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync>,
}

fn pg_error(error: tokio_postgres::Error) -> StoreError {
    // The driver's Display of a server error is only "db error": keep the server's words.
    match error.as_db_error() {
        Some(db) => StoreError::Postgres(format!("{}: {}", db.code().code(), db.message())),
        None => StoreError::Postgres(error.to_string()),
    }
}

fn pool_error(error: deadpool_postgres::PoolError) -> StoreError {
    match error {
        deadpool_postgres::PoolError::Backend(error) => pg_error(error),
        other => StoreError::Postgres(other.to_string()),
    }
}

impl PgStore {
    /// Connects, and migrates unless another instance is doing it or has done it.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(url)?;
        store.migrate().await?;
        Ok(store)
    }

    /// The pool alone, not yet migrated (nothing connects before the first query).
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e: tokio_postgres::Error| StoreError::Postgres(e.to_string()))?;
        // A database that does not answer (a dropped route, not a refusal) must fail a
        // request in seconds, not hold it and its connection for ever.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(5));
        }
        let manager = Manager::from_config(
            config,
            NoTls,
            // Fast: a connection that broke is found by its next query, which the pool's
            // caller sees as an error like any other; no extra round trip per create.
            ManagerConfig { recycling_method: RecyclingMethod::Fast },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            // Past this a create answers 500 (and the outbox retries) rather than queue
            // without end behind a pool that never frees up.
            .wait_timeout(Some(std::time::Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        Ok(PgStore { pool, draw: std::sync::Arc::new(os_random) })
    }

    /// Runs the migrations not yet run, all in one transaction under an advisory lock: when
    /// several instances start at once, one migrates and the others wait for its commit, then
    /// find nothing left to do. Returns how many this call ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // The transaction-scoped lock is released by COMMIT or ROLLBACK, so a pooled
        // connection never keeps it.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await
            .map_err(pg_error)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version     INTEGER PRIMARY KEY,
                 applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await
        .map_err(pg_error)?;
        let done: i32 = tx
            .query_one("SELECT COALESCE(max(version), 0) FROM schema_migrations", &[])
            .await
            .map_err(pg_error)?
            .get(0);
        let mut ran = 0;
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(done as usize) {
            tx.batch_execute(sql).await.map_err(pg_error)?;
            let version = index as i32 + 1;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[&version])
                .await
                .map_err(pg_error)?;
            tracing::info!(version, "migrated the PostgreSQL schema");
            ran += 1;
        }
        tx.commit().await.map_err(pg_error)?;
        Ok(ran)
    }

    /// Draws references' random parts from `draw` instead of the OS: for a test that makes
    /// two draws collide, as two instances might once in a billion.
    #[doc(hidden)]
    pub fn drawing_references_from(
        self,
        draw: impl Fn() -> [u8; RANDOM_LEN] + Send + Sync + 'static,
    ) -> PgStore {
        PgStore { draw: std::sync::Arc::new(draw), ..self }
    }

    /// Stores the request under its idempotency key, or returns what that key stored before
    /// (on this instance or any other). Resolves once the transaction has committed.
    pub async fn create(&self, new: NewRequest) -> Result<Created, StoreError> {
        for _ in 0..16 {
            match self.try_create(&new).await {
                Err(Retry::Again(reference)) => {
                    tracing::warn!(%reference, "reference already taken; drawing another");
                }
                Err(Retry::Failed(error)) => return Err(error),
                Ok(created) => return Ok(created),
            }
        }
        Err(StoreError::Postgres("no free reference after 16 draws".into()))
    }

    async fn try_create(&self, new: &NewRequest) -> Result<Created, Retry<String>> {
        let NewRequest { idempotency_key, submitted_json, request, photos, now, reply_by } = new;
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        // No look-up of the key first: the insert finds an earlier row itself (ON CONFLICT),
        // so a new request costs BEGIN, one INSERT and COMMIT, each one round trip once the
        // connection has the statement prepared (prepare_cached keeps it per connection).
        let insert = tx.prepare_cached(INSERT_REQUEST).await.map_err(pg_error)?;
        let reference = new_reference(&now.format("%Y%m%d").to_string(), (self.draw)());
        let created_at = now.to_rfc3339_opts(SecondsFormat::Secs, false);
        let reply_by = reply_by.to_rfc3339_opts(SecondsFormat::Secs, false);
        let request_json = serde_json::to_string(request).expect("a valid request serialises");
        let troubleshooting = request
            .troubleshooting
            .as_ref()
            .map(|t| serde_json::to_string(t).expect("a transcript serialises"));
        let details = serde_json::to_string(&request.details).expect("details serialise");
        let warranty = request.warranty.as_ref().map(WarrantyStatus::as_str);
        let inserted = tx
            .query_opt(
                &insert,
                &[
                    &reference,
                    idempotency_key,
                    &request.intent.as_str(),
                    &request.product_line,
                    &request.full_name,
                    &request.phone,
                    &request.email,
                    &request.description,
                    &request_json,
                    &created_at,
                    &reply_by,
                    &request.category.map(|c| c.as_str()),
                    &request.priority.map(|p| p.as_str()),
                    &troubleshooting,
                    &details,
                    &warranty,
                    submitted_json,
                ],
            )
            .await;
        let request_id: i64 = match inserted {
            Ok(Some(row)) => row.get(0),
            // This key was stored before, or is being stored by another transaction (here or
            // on another instance), whose commit the insert waited for. This statement sees it.
            Ok(None) => {
                return replay(&*tx, idempotency_key, submitted_json).await?.ok_or_else(|| {
                    Retry::Failed(StoreError::Postgres("a conflicting key vanished".into()))
                })
            }
            Err(error) if violates(&error, "requests_reference_unique") => {
                return Err(Retry::Again(reference));
            }
            Err(error) => return Err(pg_error(error).into()),
        };
        for photo in &request.photos {
            // The API checked that exactly one upload carries each listed photo.
            let Some(upload) = photos.iter().find(|upload| upload.id == photo.id) else {
                continue;
            };
            insert_photo(&*tx, request_id, photo, upload, None).await?;
        }
        // Dropping the transaction on any error above rolls everything back: no request
        // without its photos.
        tx.commit().await.map_err(pg_error)?;
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

    /// Counts a request that guided troubleshooting solved: true when newly recorded, false
    /// for a key recorded before (by any instance).
    pub async fn record_deflection(
        &self,
        idempotency_key: String,
        deflection: Deflection,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let inserted = client
            .execute(
                "INSERT INTO deflections (idempotency_key, flow_id, flow_version, product_line,
                                          outcome, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (idempotency_key) DO NOTHING",
                &[
                    &idempotency_key,
                    &deflection.flow_id,
                    &i64::from(deflection.flow_version),
                    &deflection.product_line,
                    &deflection.outcome,
                    &now.to_rfc3339_opts(SecondsFormat::Secs, false),
                ],
            )
            .await
            .map_err(pg_error)?;
        Ok(inserted == 1)
    }
}

const INSERT_REQUEST: &str = "
    INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name, phone,
                          email, description, request_json, created_at, reply_by, category,
                          priority, troubleshooting_json, details_json, warranty, submitted_json)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id";

/// Stores one photo's bytes with its description: a request's (`event_id` None) or those of
/// the customer's message that is event `event_id`.
pub(crate) async fn insert_photo(
    tx: &impl GenericClient,
    request_id: i64,
    photo: &PhotoRef,
    upload: &PhotoUpload,
    event_id: Option<i64>,
) -> Result<(), StoreError> {
    let params: [&(dyn ToSql + Sync); 8] = [
        &request_id,
        &photo.id,
        &photo.content_type,
        &(upload.bytes.len() as i64),
        &i64::from(photo.width),
        &i64::from(photo.height),
        &upload.bytes,
        &event_id,
    ];
    // Not a cached statement: a photo's upload dwarfs the round trip of preparing it.
    tx.execute(
        "INSERT INTO photos (request_id, photo_id, content_type, bytes, width, height, data,
                             event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &params,
    )
    .await
    .map_err(pg_error)?;
    Ok(())
}

/// Why one try of a write did not make it: a UNIQUE constraint says another transaction got
/// there first (`Again`, with what the retry needs), or it failed.
pub(crate) enum Retry<T> {
    Again(T),
    Failed(StoreError),
}

impl<T> From<StoreError> for Retry<T> {
    fn from(error: StoreError) -> Self {
        Retry::Failed(error)
    }
}

/// The error is this UNIQUE constraint's violation.
pub(crate) fn violates(error: &tokio_postgres::Error, constraint: &str) -> bool {
    error.as_db_error().is_some_and(|db| {
        db.code() == &SqlState::UNIQUE_VIOLATION && db.constraint() == Some(constraint)
    })
}

/// What an earlier try of this key stored, if any; `KeyReused` if it stored other content.
async fn replay(
    client: &impl GenericClient,
    idempotency_key: &str,
    submitted_json: &str,
) -> Result<Option<Created>, StoreError> {
    let earlier = client
        .query_opt(
            "SELECT reference, COALESCE(submitted_json, request_json) FROM requests
             WHERE idempotency_key = $1",
            &[&idempotency_key],
        )
        .await
        .map_err(pg_error)?;
    let Some(row) = earlier else { return Ok(None) };
    let (reference, stored_json): (String, String) = (row.get(0), row.get(1));
    if stored_json != submitted_json {
        return Err(StoreError::KeyReused);
    }
    let stored = find(client, &reference).await?.ok_or(StoreError::NotFound)?;
    Ok(Some(Created { stored, replayed: true }))
}

async fn find(
    client: &impl GenericClient,
    reference: &str,
) -> Result<Option<StoredRequest>, StoreError> {
    let row = client
        .query_opt(
            "SELECT reference, status, created_at, reply_by, request_json FROM requests
             WHERE reference = $1",
            &[&reference],
        )
        .await
        .map_err(pg_error)?;
    let Some(row) = row else { return Ok(None) };
    let request = stored_request(row.get(4))?;
    Ok(Some(StoredRequest {
        reference: row.get(0),
        status: row.get(1),
        created_at: row.get(2),
        reply_by: row.get(3),
        request,
    }))
}

/// A request as stored (`request_json`), read back.
pub(crate) fn stored_request(json: &str) -> Result<ValidRequest, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Postgres(format!("a stored request does not parse: {e}")))
}

fn os_random() -> [u8; RANDOM_LEN] {
    let mut bytes = [0; RANDOM_LEN];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_url_selects_postgresql_and_a_path_keeps_sqlite() {
        assert!(super::is_url("postgres://u@127.0.0.1:5432/db"));
        assert!(super::is_url("postgresql://u@db.internal/shouhou"));
        assert!(!super::is_url("data/shouhou.sqlite3"));
        assert!(!super::is_url("./postgres/shouhou.sqlite3"));
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            crate::redact("postgres://shouhou:s3cret@10.0.0.5:5432/shouhou"),
            "postgres://shouhou:***@10.0.0.5:5432/shouhou"
        );
        assert_eq!(crate::redact("postgres://shouhou@h/db"), "postgres://shouhou@h/db");
    }
}
