//! The request store: SQLite, one file, created on first start.
//!
//! Creation is idempotent on the client's `Idempotency-Key`: the key is a UNIQUE column, and
//! every write goes through one writer thread that looks the key up, allocates the reference
//! and inserts in one transaction, so any number of concurrent retries of one request make
//! exactly one row — within one batch or across batches.
//!
//! Durability: nothing is acknowledged before the transaction holding it has been fsynced
//! (`synchronous=FULL` in WAL mode). The browser deletes its copy on a 201, so after that the
//! server's copy is the only one.

use std::path::Path;
use std::sync::{mpsc, Mutex};

use chrono::{DateTime, FixedOffset, Local, SecondsFormat};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::reference::{new_reference, RANDOM_LEN};
use shouhou_core::{Status, ValidRequest, WarrantyStatus};
use tokio::sync::oneshot;

/// The bytes of one attached photo as they arrived.
pub struct PhotoUpload {
    pub id: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub mod customer;
pub mod report;
pub mod staff;
pub mod timeline;

pub use staff::{Role, Session, StaffMember};
pub use timeline::{Entry, EventRequest, Inbox, InboxFilter, InboxRow, RequestDetail};

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
    r#"
    -- The staff desk. Accounts: a password only as an Argon2id PHC string; a disabled
    -- account keeps its row, so the timeline can still name who did what.
    CREATE TABLE staff (
        id             INTEGER PRIMARY KEY,
        login          TEXT NOT NULL UNIQUE,
        role           TEXT NOT NULL CHECK (role IN ('agent', 'lead')),
        password_hash  TEXT NOT NULL,
        disabled       INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL
    );
    -- Only a hash of each session token: a copy of the file signs nobody in.
    CREATE TABLE staff_sessions (
        token_hash  TEXT PRIMARY KEY,
        staff_id    INTEGER NOT NULL REFERENCES staff(id),
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL
    );
    -- Everything that happened to a request after it was filed, in order (id). `actor` is a
    -- staff login, NULL for the customer; `public` entries are what the customer sees.
    CREATE TABLE events (
        id            INTEGER PRIMARY KEY,
        request_id    INTEGER NOT NULL REFERENCES requests(id),
        at            TEXT NOT NULL,
        kind          TEXT NOT NULL,
        actor         TEXT,
        public        INTEGER NOT NULL,
        text          TEXT,
        status        TEXT,
        satisfaction  INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
        outcome       TEXT,
        reply_by      TEXT,
        assigned_to   TEXT
    );
    CREATE INDEX events_by_request ON events (request_id, id);
    CREATE INDEX events_by_kind ON events (kind, at);
    ALTER TABLE requests ADD COLUMN assigned_to TEXT;
    -- The reply time first promised, kept once staff promise another: timeliness is
    -- measured against what the customer was told first.
    ALTER TABLE requests ADD COLUMN first_reply_by TEXT;
    CREATE INDEX requests_by_created ON requests (created_at);
"#,
    r#"
    -- What the customer posts from the status page (a message, a rating) comes from the
    -- outbox, so it is idempotent like a create: the key, what was sent under it (what a
    -- retry is compared against) and the timeline entry it made, which a retry is answered with.
    CREATE TABLE customer_posts (
        id               INTEGER PRIMARY KEY,
        idempotency_key  TEXT NOT NULL UNIQUE,
        request_id       INTEGER NOT NULL REFERENCES requests(id),
        event_id         INTEGER NOT NULL REFERENCES events(id),
        submitted_json   TEXT NOT NULL
    );
    -- A message's photos sit beside the request's own (so the desk's photo route serves
    -- both); event_id says which message brought them, NULL for the request's.
    ALTER TABLE photos ADD COLUMN event_id INTEGER REFERENCES events(id);
    -- One rating per request, whatever a bug above this line might let through.
    CREATE UNIQUE INDEX one_rating_per_request ON events (request_id) WHERE kind = 'rating';
"#,
];

#[derive(Debug)]
pub enum StoreError {
    /// The key was used before for a request with different content.
    KeyReused,
    /// No request, staff member or photo by that name.
    NotFound,
    /// The login is taken already.
    Exists,
    /// The status machine (core) refuses this change.
    TransitionNotAllowed {
        from: Status,
        to: Status,
    },
    /// An assignment to a login that is unknown or disabled.
    UnknownStaff,
    /// A customer's message while the team is not waiting for one.
    NotWaitingForCustomer,
    /// A rating before the request is resolved.
    NotResolved,
    /// A second rating for one request (under another key).
    AlreadyRated,
    /// A message's photo has the id of a photo the request already holds.
    PhotoIdTaken,
    /// The batch this write was part of did not commit; nothing of it was stored.
    BatchFailed(String),
    /// The writer thread is gone (the store is shutting down).
    WriterGone,
    Sqlite(rusqlite::Error),
    /// PostgreSQL's error, in the server's words (see `crate::pg`).
    Postgres(String),
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::KeyReused => write!(f, "idempotency key reused for different content"),
            StoreError::NotFound => write!(f, "not found"),
            StoreError::Exists => write!(f, "already exists"),
            StoreError::TransitionNotAllowed { from, to } => {
                write!(f, "{} cannot become {}", from.as_str(), to.as_str())
            }
            StoreError::UnknownStaff => write!(f, "no active staff member by that login"),
            StoreError::NotWaitingForCustomer => {
                write!(f, "the team is not waiting for the customer")
            }
            StoreError::NotResolved => write!(f, "the request is not resolved"),
            StoreError::AlreadyRated => write!(f, "the request is rated already"),
            StoreError::PhotoIdTaken => write!(f, "the request has a photo by that id already"),
            StoreError::BatchFailed(why) => write!(f, "the batch did not commit: {why}"),
            StoreError::WriterGone => write!(f, "the writer has stopped"),
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Postgres(e) => write!(f, "postgres: {e}"),
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

/// Everything a create needs, owned, so it can travel to the writer thread.
pub struct NewRequest {
    pub idempotency_key: String,
    /// What was submitted exactly: a retry under the same key must match it.
    pub submitted_json: String,
    pub request: ValidRequest,
    pub photos: Vec<PhotoUpload>,
    pub now: DateTime<FixedOffset>,
    /// The promised time of the next reply (`AppConfig::reply_by`, core's one rule).
    pub reply_by: DateTime<FixedOffset>,
}

/// Work for the writer thread; each job carries where its answer goes once it is durable.
enum Job {
    Create(Box<NewRequest>, oneshot::Sender<Result<Created, StoreError>>),
    /// Any other write (staff, timeline): see [`Store::write`].
    Write(Box<dyn Write>),
    Deflection {
        idempotency_key: String,
        deflection: Deflection,
        now: DateTime<FixedOffset>,
        reply: oneshot::Sender<Result<bool, StoreError>>,
    },
}

/// How many waiting jobs one transaction takes at most: enough to carry every connection
/// of a busy server in one fsync, few enough that one batch never holds the file for long.
const MAX_BATCH: usize = 256;

pub struct Store {
    /// The one writer: a thread that owns the writing connection (see [`Store::open`]).
    writer: mpsc::Sender<Job>,
    /// Look-ups read through their own connection; in WAL mode they never wait for a write.
    reader: Mutex<Connection>,
}

impl Store {
    /// Opens (and migrates) the database and starts its writer thread.
    ///
    /// A 201 promises the request is on stable storage, so every commit is fsynced
    /// (`synchronous=FULL`). One fsync per request would cap the server well below its budget,
    /// so writes go through one thread that takes every create waiting at that moment into one
    /// transaction (group commit) and answers each only after that transaction committed.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(StoreError::Io)?;
        }
        let mut conn = open_connection(path)?;
        migrate(&mut conn)?;
        let reader = open_connection(path)?;
        let (writer, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("shouhou-writer".into())
            .spawn(move || write_loop(conn, jobs))
            .map_err(StoreError::Io)?;
        Ok(Store { writer, reader: Mutex::new(reader) })
    }

    /// Stores the request under its idempotency key, or returns what that key stored before.
    /// Resolves only once the transaction holding it has committed to stable storage.
    pub async fn create(&self, new: NewRequest) -> Result<Created, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer.send(Job::Create(Box::new(new), reply)).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// [`Store::create`] for callers outside an async runtime (tools, tests).
    pub fn create_blocking(&self, new: NewRequest) -> Result<Created, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer.send(Job::Create(Box::new(new), reply)).map_err(|_| StoreError::WriterGone)?;
        answer.blocking_recv().map_err(|_| StoreError::WriterGone)?
    }

    /// Counts a request that guided troubleshooting solved. True when newly recorded, false
    /// when this key was recorded before (a retry from the outbox).
    pub async fn record_deflection(
        &self,
        idempotency_key: String,
        deflection: Deflection,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.writer
            .send(Job::Deflection { idempotency_key, deflection, now, reply })
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `apply` in the writer's next transaction, in its own savepoint (an error undoes
    /// only it), and resolves once that transaction is on stable storage. Every write that
    /// answers a client goes through here, so staff actions are as durable as creates and
    /// never contend with the writer for the file.
    pub async fn write<T: Send + 'static>(
        &self,
        apply: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Pending { apply: Some(apply), result: None, reply };
        self.writer.send(Job::Write(Box::new(job))).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// [`Store::write`] for callers outside an async runtime (the command line, tests).
    pub fn write_blocking<T: Send + 'static>(
        &self,
        apply: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = Pending { apply: Some(apply), result: None, reply };
        self.writer.send(Job::Write(Box::new(job))).map_err(|_| StoreError::WriterGone)?;
        answer.blocking_recv().map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `read` on the reading connection. It blocks: async callers use `spawn_blocking`.
    pub fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = self.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        read(&conn)
    }

    pub fn find(&self, reference: &str) -> Result<Option<StoredRequest>, StoreError> {
        let conn = self.reader.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(find_in(&conn, reference)?)
    }

    /// The server's clock in its own time zone: reference numbers follow the local day.
    pub fn now() -> DateTime<FixedOffset> {
        Local::now().fixed_offset()
    }
}

fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    // FULL makes every commit wait for the WAL to reach the disk: what a 201 promises.
    // busy_timeout covers a second process (a backup, the CLI) holding a lock.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// The writer thread: waits for a job, takes everything else already waiting, and writes
/// the lot in one transaction. Ends when the store is dropped.
fn write_loop(mut conn: Connection, jobs: mpsc::Receiver<Job>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A bug in one batch must not stop every later create: its callers get an error
        // (their reply channels drop) and the thread goes on with the next batch.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_batch(&mut conn, batch, &mut os_random)
        }));
        if outcome.is_err() {
            tracing::error!(
                "the writer panicked in a batch; its requests were answered with an error"
            );
        }
    }
}

/// A [`Store::write`] on its way through the writer, its result type erased so that writes
/// of every kind share the batch.
trait Write: Send {
    /// Applies the write; false when it failed (its savepoint is then rolled back).
    fn apply(&mut self, conn: &Connection) -> bool;
    /// The savepoint itself failed: the write did not happen.
    fn fail(&mut self, why: String);
    /// Answers the caller once the batch's commit says whether the write stands.
    fn answer(self: Box<Self>, committed: Result<(), String>);
}

struct Pending<T, F> {
    apply: Option<F>,
    result: Option<Result<T, StoreError>>,
    reply: oneshot::Sender<Result<T, StoreError>>,
}

impl<T, F> Write for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> Result<T, StoreError> + Send,
{
    fn apply(&mut self, conn: &Connection) -> bool {
        let Some(apply) = self.apply.take() else { return false };
        let result = apply(conn);
        let applied = result.is_ok();
        self.result = Some(result);
        applied
    }

    fn fail(&mut self, why: String) {
        self.result = Some(Err(StoreError::BatchFailed(why)));
    }

    fn answer(self: Box<Self>, committed: Result<(), String>) {
        let result = match (committed, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(StoreError::BatchFailed("the write never ran".into())),
            (Err(why), _) => Err(StoreError::BatchFailed(why)),
        };
        let _ = self.reply.send(result);
    }
}

/// One result per job, held back until the batch's commit says whether any of them stand.
enum Outcome {
    Write(Box<dyn Write>),
    Create(oneshot::Sender<Result<Created, StoreError>>, Box<Result<Created, StoreError>>),
    Deflection(oneshot::Sender<Result<bool, StoreError>>, Result<bool, StoreError>),
}

fn write_batch(conn: &mut Connection, batch: Vec<Job>, random: &mut Random) {
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(error) => {
            tracing::error!(%error, "cannot begin a write");
            for job in batch {
                answer_failed(job, &error.to_string());
            }
            return;
        }
    };
    // Later jobs see earlier ones, so a key twice in one batch is one row and one replay.
    let outcomes: Vec<Outcome> = batch
        .into_iter()
        .map(|job| match job {
            Job::Create(new, reply) => Outcome::Create(
                reply,
                Box::new(in_savepoint(&mut tx, |c| create_in(c, &new, random))),
            ),
            Job::Deflection { idempotency_key, deflection, now, reply } => Outcome::Deflection(
                reply,
                in_savepoint(&mut tx, |c| deflection_in(c, &idempotency_key, &deflection, now)),
            ),
            Job::Write(mut write) => {
                let applied = tx.savepoint().and_then(|mut savepoint| {
                    if write.apply(&savepoint) {
                        savepoint.commit()
                    } else {
                        savepoint.rollback()
                    }
                });
                if let Err(error) = applied {
                    write.fail(error.to_string());
                }
                Outcome::Write(write)
            }
        })
        .collect();
    let committed = tx.commit();
    for outcome in outcomes {
        // A caller that went away (a closed connection) simply gets no answer.
        match (outcome, &committed) {
            (Outcome::Write(write), committed) => {
                write.answer(committed.as_ref().map(|_| ()).map_err(|error| error.to_string()));
            }
            (Outcome::Create(reply, result), Ok(())) => {
                let _ = reply.send(*result);
            }
            (Outcome::Deflection(reply, result), Ok(())) => {
                let _ = reply.send(result);
            }
            (Outcome::Create(reply, _), Err(error)) => {
                let _ = reply.send(Err(StoreError::BatchFailed(error.to_string())));
            }
            (Outcome::Deflection(reply, _), Err(error)) => {
                let _ = reply.send(Err(StoreError::BatchFailed(error.to_string())));
            }
        }
    }
    if let Err(error) = committed {
        tracing::error!(%error, "a batch of writes failed to commit; none of it was acknowledged");
    }
}

/// Runs one job in its own savepoint: a refused or failed job leaves nothing behind (a
/// request without its photos included) and does not undo the others in its batch.
fn in_savepoint<T>(
    tx: &mut rusqlite::Transaction<'_>,
    apply: impl FnOnce(&Connection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut savepoint = tx.savepoint()?;
    match apply(&savepoint) {
        Ok(applied) => {
            savepoint.commit()?;
            Ok(applied)
        }
        Err(error) => {
            savepoint.rollback()?;
            Err(error)
        }
    }
}

fn answer_failed(job: Job, why: &str) {
    match job {
        Job::Create(_, reply) => {
            let _ = reply.send(Err(StoreError::BatchFailed(why.to_string())));
        }
        Job::Deflection { reply, .. } => {
            let _ = reply.send(Err(StoreError::BatchFailed(why.to_string())));
        }
        Job::Write(write) => write.answer(Err(why.to_string())),
    }
}

/// A random reference no request has yet. A clash is about one in 10⁹ per pair on one day,
/// so a few tries always do; the bound only keeps a broken random source from looping.
fn fresh_reference(tx: &Connection, day: &str, random: &mut Random) -> Result<String, StoreError> {
    for _ in 0..16 {
        let reference = new_reference(day, random());
        let taken: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM requests WHERE reference = ?1)",
            [&reference],
            |row| row.get(0),
        )?;
        if !taken {
            return Ok(reference);
        }
        tracing::warn!(%reference, "reference already taken; drawing another");
    }
    Err(StoreError::BatchFailed("no free reference after 16 draws".into()))
}

/// Where the random part of references comes from: the OS in the server, a script in tests.
type Random = dyn FnMut() -> [u8; RANDOM_LEN] + Send;

fn os_random() -> [u8; RANDOM_LEN] {
    let mut bytes = [0; RANDOM_LEN];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes
}

fn create_in(
    tx: &Connection,
    new: &NewRequest,
    random: &mut Random,
) -> Result<Created, StoreError> {
    let NewRequest { idempotency_key, submitted_json, request, photos, now, reply_by } = new;
    let request_json = serde_json::to_string(request).expect("a valid request serialises");
    let earlier: Option<(String, String)> = tx
        .query_row(
            "SELECT reference, COALESCE(submitted_json, request_json) FROM requests WHERE idempotency_key = ?1",
            [idempotency_key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    if let Some((reference, stored_json)) = earlier {
        if &stored_json != submitted_json {
            return Err(StoreError::KeyReused);
        }
        let stored = find_in(tx, &reference)?.expect("the row just read exists");
        return Ok(Created { stored, replayed: true });
    }

    let reference = fresh_reference(tx, &now.format("%Y%m%d").to_string(), random)?;
    let created_at = now.to_rfc3339_opts(SecondsFormat::Secs, false);
    let reply_by = reply_by.to_rfc3339_opts(SecondsFormat::Secs, false);
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
            request.warranty.as_ref().map(WarrantyStatus::as_str),
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
            params![
                request_id,
                photo.id,
                photo.content_type,
                upload.bytes.len() as i64,
                photo.width,
                photo.height,
                upload.bytes
            ],
        )?;
    }
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

fn deflection_in(
    tx: &Connection,
    idempotency_key: &str,
    deflection: &Deflection,
    now: DateTime<FixedOffset>,
) -> Result<bool, StoreError> {
    let inserted = tx.execute(
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

#[cfg(test)]
mod tests {
    use super::*;

    mod sample {
        include!("../tests/common/sample.rs");
    }
    use sample::{sample_request as request, SAMPLE_PHOTO_BYTES};

    fn job(
        key: &str,
        submitted: &str,
        photo_ids: &[&str],
    ) -> (Job, oneshot::Receiver<Result<Created, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let new = NewRequest {
            idempotency_key: key.into(),
            submitted_json: submitted.into(),
            request: request(photo_ids),
            photos: photo_ids
                .iter()
                .map(|id| PhotoUpload {
                    id: (*id).into(),
                    content_type: "image/jpeg".into(),
                    bytes: SAMPLE_PHOTO_BYTES.to_vec(),
                })
                .collect(),
            now: Store::now(),
            reply_by: Store::now() + chrono::Duration::hours(24),
        };
        (Job::Create(Box::new(new), reply), answer)
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn one_batch_keeps_keys_unique_and_each_request_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("batch.sqlite3")).unwrap();
        migrate(&mut conn).unwrap();
        let (first, first_answer) = job("batch-key-1", "{\"a\":1}", &[]);
        let (same, same_answer) = job("batch-key-1", "{\"a\":1}", &[]);
        let (reused, reused_answer) = job("batch-key-1", "{\"a\":2}", &[]);
        // The same photo id twice breaks the photos' UNIQUE after the request row went in.
        let (broken, broken_answer) = job("batch-key-2", "{}", &["p1", "p1"]);
        let (photos, photos_answer) = job("batch-key-3", "{}", &["p1", "p2"]);
        write_batch(&mut conn, vec![first, same, reused, broken, photos], &mut os_random);

        let first = first_answer.blocking_recv().unwrap().unwrap();
        let same = same_answer.blocking_recv().unwrap().unwrap();
        assert!(!first.replayed && same.replayed, "a key twice in one batch is one request");
        assert_eq!(first.stored.reference, same.stored.reference);
        assert!(matches!(reused_answer.blocking_recv().unwrap(), Err(StoreError::KeyReused)));
        assert!(matches!(broken_answer.blocking_recv().unwrap(), Err(StoreError::Sqlite(_))));
        assert!(!photos_answer.blocking_recv().unwrap().unwrap().replayed);

        assert_eq!(count(&conn, "SELECT count(*) FROM requests"), 2);
        assert_eq!(
            count(&conn, "SELECT count(*) FROM requests WHERE idempotency_key = 'batch-key-2'"),
            0,
            "a request whose photos failed is not stored at all"
        );
        assert_eq!(count(&conn, "SELECT count(*) FROM photos"), 2);
    }

    #[test]
    fn a_reference_already_taken_is_drawn_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("clash.sqlite3")).unwrap();
        migrate(&mut conn).unwrap();
        let mut draws = [[7; 6], [7; 6], [7; 6], [9; 6]].into_iter();
        let mut random = move || draws.next().unwrap();
        let (first, first_answer) = job("clash-key-1", "{}", &[]);
        let (second, second_answer) = job("clash-key-2", "{}", &[]);
        write_batch(&mut conn, vec![first], &mut random);
        write_batch(&mut conn, vec![second], &mut random);
        let first = first_answer.blocking_recv().unwrap().unwrap().stored.reference;
        let second = second_answer.blocking_recv().unwrap().unwrap().stored.reference;
        assert!(first.contains("-777777"), "{first}");
        assert!(second.contains("-999999"), "{second}");
        assert_eq!(count(&conn, "SELECT count(DISTINCT reference) FROM requests"), 2);
    }

    #[test]
    fn staff_writes_share_the_writer_and_follow_the_status_machine() {
        use timeline::{add_event, EventRequest};
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("desk.sqlite3")).unwrap();
        let (Job::Create(new, _), _) = job("desk-key-1", "{}", &[]) else { unreachable!() };
        let reference = store.create_blocking(*new).unwrap().stored.reference;
        let now = Store::now().to_rfc3339();
        let at = now.clone();
        store
            .write_blocking(move |c| staff::add(c, "zhang.wei", Role::Agent, "$argon2id$x", &at))
            .unwrap();
        let at = now.clone();
        let again =
            store.write_blocking(move |c| staff::add(c, "zhang.wei", Role::Lead, "$x", &at));
        assert!(matches!(again, Err(StoreError::Exists)));

        let apply = |event: EventRequest| {
            let (reference, now) = (reference.clone(), now.clone());
            store.write_blocking(move |c| add_event(c, &reference, &event, Some("zhang.wei"), &now))
        };
        let status = |status| EventRequest::Status { status };
        assert!(matches!(
            apply(status(Status::Resolved)),
            Err(StoreError::TransitionNotAllowed { from: Status::Received, to: Status::Resolved })
        ));
        let entry = apply(status(Status::InProgress)).unwrap();
        assert_eq!((entry.actor.as_deref(), entry.public), (Some("zhang.wei"), true));
        assert!(matches!(
            apply(EventRequest::Assign { to: "nobody".into() }),
            Err(StoreError::UnknownStaff)
        ));
        apply(EventRequest::Assign { to: "zhang.wei".into() }).unwrap();
        let note = apply(EventRequest::Note { text: " 备件已订 ".into() }).unwrap();
        assert_eq!((note.text.as_deref(), note.public), (Some("备件已订"), false));
        apply(EventRequest::ReplyBy { at: "2030-01-02T09:00:00+08:00".into() }).unwrap();

        let detail =
            store.read(|c| timeline::detail(c, &reference, Store::now())).unwrap().unwrap();
        assert_eq!(detail.status, Status::InProgress);
        assert_eq!(detail.assigned_to.as_deref(), Some("zhang.wei"));
        assert_eq!(detail.reply_by, "2030-01-02T09:00:00+08:00");
        assert!(detail.first_reply_by.is_some(), "the first promise is kept");
        let kinds: Vec<&str> = detail.timeline.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["status", "assign", "note", "reply_by"], "refused changes left nothing");
        let missing = store.write_blocking(|c| {
            add_event(c, "SR-20200101-0001", &EventRequest::Note { text: "x".into() }, None, "")
        });
        assert!(matches!(missing, Err(StoreError::NotFound)));
    }

    #[test]
    fn every_connection_syncs_each_commit_to_disk() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_connection(&dir.path().join("sync.sqlite3")).unwrap();
        let synchronous: i64 =
            conn.pragma_query_value(None, "synchronous", |row| row.get(0)).unwrap();
        let journal: String =
            conn.pragma_query_value(None, "journal_mode", |row| row.get(0)).unwrap();
        assert_eq!((synchronous, journal.as_str()), (2, "wal"), "2 is FULL");
    }
}
