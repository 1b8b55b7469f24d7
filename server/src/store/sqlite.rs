//! SQLite underneath the store: one file, created on first start, written by one thread.
//!
//! Durability: nothing is acknowledged before the transaction holding it has been fsynced
//! (`synchronous=FULL` in WAL mode). The browser deletes its copy on a 201, so after that the
//! server's copy is the only one. One fsync per request would cap the server well below its
//! budget, so every write goes to one writer thread that takes every write waiting at that
//! moment into one transaction (group commit), each in its own savepoint, and answers each
//! only after that transaction committed. Reads use connections of their own, which in WAL
//! mode never wait for the writer.

use std::path::Path;
use std::sync::{mpsc, Arc, Mutex};

use rusqlite::{Connection, TransactionBehavior};
use shouhou_core::reference::RANDOM_LEN;
use tokio::sync::oneshot;

use super::error::StoreError;
use super::hub::Hub;
use super::schema;
use super::search;
use super::sql;
use super::sqlite_conn::SqliteConn;
use super::types::os_random;

/// How many waiting writes one transaction takes at most: enough to carry every connection
/// of a busy server in one fsync, few enough that one batch never holds the file for long.
const MAX_BATCH: usize = 256;

/// A batch that takes this long is logged: its clients' requests waited as long.
const SLOW_BATCH: std::time::Duration = std::time::Duration::from_secs(1);

/// Reading connections kept open; more readers than cores would only queue on them.
const READERS: usize = 4;

/// How long a connection waits for a lock another process holds (a backup, the CLI).
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Whether SQLite refused for a lock held elsewhere, rather than failed.
fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// How large a savepoint's journal grows in memory before SQLite moves it to a temporary file.
const STATEMENT_JOURNAL_IN_MEMORY: std::ffi::c_int = 16 << 20;

/// Sets SQLite's process-wide options. Call it first in `main`, while the process has one
/// thread: nothing else may use SQLite meanwhile, and once SQLite is initialised (by the
/// first open) it is too late.
///
/// Every write runs in a savepoint of its batch's transaction, and a savepoint keeps what the
/// pages it changes held before (its statement journal). SQLite moves that journal to a
/// temporary file past 64 KiB, which one create passes: every batch made, wrote and deleted
/// a file on the one writer thread, a fifth of that thread's time per create. In memory up to
/// 16 MiB, any batch of creates stays there, and an archive import that changes more spills.
pub fn configure_sqlite() {
    // SAFETY: this option takes one int. The caller ensures no other thread uses SQLite; on an
    // initialised SQLite the call changes nothing and returns SQLITE_MISUSE.
    let code = unsafe {
        rusqlite::ffi::sqlite3_config(
            rusqlite::ffi::SQLITE_CONFIG_STMTJRNL_SPILL,
            STATEMENT_JOURNAL_IN_MEMORY,
        )
    };
    if code != rusqlite::ffi::SQLITE_OK {
        tracing::warn!(code, "SQLite was in use before its statement journals could be sized");
    }
}

pub struct SqliteStore {
    /// A shared lock on the database's `-inuse` file for as long as the store is open: a
    /// restore takes it exclusively, so it never overwrites a database a server is using.
    _in_use: std::fs::File,
    /// The one writer: a thread that owns the writing connection (see [`SqliteStore::open`]).
    writer: mpsc::Sender<Box<dyn Write>>,
    /// Idle reading connections; a read takes one, or opens one when all are busy.
    readers: Mutex<Vec<Connection>>,
    path: std::path::PathBuf,
    /// The random part of each new reference: the OS's, or a test's own sequence.
    pub(super) draw: Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync>,
    /// What this instance's listeners hear of its writes.
    pub(super) hub: Arc<Hub>,
}

impl SqliteStore {
    /// Opens (and migrates) the database and starts its writer thread.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(StoreError::Io)?;
        }
        let in_use = in_use_lock(path).map_err(StoreError::Io)?;
        in_use.try_lock_shared().map_err(|_| {
            StoreError::Io(std::io::Error::other(
                "the database is being restored; start again after",
            ))
        })?;
        let mut conn = open_connection(path)?;
        schema::migrate_sqlite(&mut conn)?;
        // The planner's statistics brought up to date where the tables grew a lot since.
        conn.execute_batch("PRAGMA optimize")?;
        let (writer, jobs) = mpsc::channel();
        std::thread::Builder::new()
            .name("shouhou-writer".into())
            .spawn(move || write_loop(conn, jobs))
            .map_err(StoreError::Io)?;
        Ok(SqliteStore {
            _in_use: in_use,
            writer,
            readers: Mutex::new(Vec::new()),
            path: path.to_path_buf(),
            draw: Arc::new(os_random),
            hub: Arc::new(Hub::default()),
        })
    }

    /// Draws references' random parts from `draw` instead of the OS: for a test that makes
    /// two draws collide.
    #[doc(hidden)]
    pub fn drawing_references_from(
        self,
        draw: impl Fn() -> [u8; RANDOM_LEN] + Send + Sync + 'static,
    ) -> SqliteStore {
        SqliteStore { draw: Arc::new(draw), ..self }
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
        self.writer.send(Box::new(job)).map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Runs `read` on a reading connection. It blocks: async callers use [`SqliteStore::read`].
    pub fn read_blocking<T>(
        &self,
        read: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let conn = match self.idle_reader() {
            Some(conn) => conn,
            None => open_connection(&self.path)?,
        };
        let result = read(&conn);
        self.put_back(conn);
        result
    }

    fn idle_reader(&self) -> Option<Connection> {
        self.readers.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop()
    }

    /// Keeps a reading connection for the next read, while the pool has room.
    fn put_back(&self, conn: Connection) {
        let mut readers = self.readers.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if readers.len() < READERS {
            readers.push(conn);
        }
    }

    /// A read of a few rows by key, on the calling thread when a reading connection is idle:
    /// handing it to a blocking thread and back cost more than the read (a create's look-up
    /// of its unit in the archive took a quarter of the server's time per create that way).
    /// In WAL mode such a read waits for no lock but one held while a connection recovers the
    /// file; then it answers busy at once instead of stalling the async thread, and goes the
    /// way of [`SqliteStore::read`]. What it does not avoid is reading its few pages from the
    /// file (every commit empties a reader's page cache): milliseconds when the OS has not
    /// cached them, so only key look-ups come here.
    pub async fn look_up<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl Fn(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        if let Some(conn) = self.idle_reader() {
            let answer = conn
                .busy_timeout(std::time::Duration::ZERO)
                .map_err(StoreError::from)
                .and_then(|()| {
                    let answer = read(&conn);
                    conn.busy_timeout(BUSY_TIMEOUT)?;
                    Ok(answer)
                });
            // A connection whose busy timeout could not be set back is not kept.
            if let Ok(answer) = answer {
                self.put_back(conn);
                match answer {
                    Err(StoreError::Sqlite(error)) if is_busy(&error) => {}
                    answer => return answer,
                }
            }
        }
        self.read(read).await
    }

    /// A read on a reading connection, off the async threads.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(self);
        tokio::task::spawn_blocking(move || store.read_blocking(read))
            .await
            .map_err(|error| StoreError::Io(std::io::Error::other(error)))?
    }
}

impl SqliteStore {
    /// Bytes an unprivileged writer may still use on the disk holding the database.
    pub fn free_disk(&self) -> Option<u64> {
        let folder =
            self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let stat = rustix::fs::statvfs(folder).ok()?;
        Some(stat.f_bavail.saturating_mul(stat.f_frsize))
    }
}

/// The file beside the database whose lock says who uses it: every open store holds it
/// shared, a restore exclusively. A file of its own, because closing any other handle on the
/// database would drop SQLite's own locks on it in this process.
pub(super) fn in_use_lock(path: &Path) -> std::io::Result<std::fs::File> {
    let mut name = path.as_os_str().to_owned();
    name.push("-inuse");
    std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(name)
}

pub(super) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open(path)?;
    // FULL makes every commit wait for the WAL to reach the disk: what a 201 promises.
    // busy_timeout covers a second process (a backup, the CLI) holding a lock.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // The operations' statements, prepared once per connection.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

/// The writer thread: waits for a write, takes everything else already waiting, and writes
/// the lot in one transaction. Ends when the store is dropped.
fn write_loop(mut conn: Connection, jobs: mpsc::Receiver<Box<dyn Write>>) {
    // Whether the index of words may be behind the requests: so at first, and after writes.
    let mut words_behind = true;
    loop {
        let first = if words_behind {
            match jobs.try_recv() {
                Ok(job) => job,
                Err(mpsc::TryRecvError::Empty) => {
                    words_behind = index_words(&mut conn);
                    continue;
                }
                Err(mpsc::TryRecvError::Disconnected) => break,
            }
        } else {
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        };
        words_behind = true;
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        // A bug in one batch must not stop every later write: its callers get an error
        // (their reply channels drop) and the thread goes on with the next batch.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            write_batch(&mut conn, batch)
        }));
        if outcome.is_err() {
            tracing::error!(
                "the writer panicked in a batch; its writes were answered with an error"
            );
        }
    }
}

/// How many requests' words one idle moment of the writer indexes.
const WORDS_PER_STEP: i64 = 500;

/// Indexes the words of the requests not in the index yet, a step at a time, while nothing
/// else waits for the writer ([`search::index_pending`]); true while more remain.
fn index_words(conn: &mut Connection) -> bool {
    let step = conn.transaction_with_behavior(TransactionBehavior::Immediate).and_then(|tx| {
        let done = sql::ready(search::index_pending(&SqliteConn(&tx), WORDS_PER_STEP, None));
        tx.commit().map(|()| done)
    });
    match step {
        Ok(Ok(done)) => done as i64 == WORDS_PER_STEP,
        Ok(Err(error)) => {
            tracing::error!(%error, "indexing requests' words failed; trying again after the next write");
            false
        }
        Err(error) => {
            tracing::error!(%error, "indexing requests' words failed; trying again after the next write");
            false
        }
    }
}

/// A [`SqliteStore::write`] on its way through the writer, its result type erased so that
/// writes of every kind share the batch.
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
        // A caller that went away (a closed connection) simply gets no answer.
        let _ = self.reply.send(result);
    }
}

/// Writes a batch in one transaction, each write in its own savepoint: a refused or failed
/// write leaves nothing behind (a request without its photos included) and does not undo the
/// others. Later writes see earlier ones, so a key twice in one batch is one row and one
/// replay. Nobody is answered before the commit.
fn write_batch(conn: &mut Connection, mut batch: Vec<Box<dyn Write>>) {
    let started = std::time::Instant::now();
    let mut tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(error) => {
            tracing::error!(%error, "cannot begin a write");
            for write in batch {
                write.answer(Err(error.to_string()));
            }
            return;
        }
    };
    // BEGIN IMMEDIATE waits while another process (a backup, the CLI) holds the file.
    let began = started.elapsed();
    for write in &mut batch {
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
    }
    let applied = started.elapsed();
    let committed = tx.commit().map_err(|error| error.to_string());
    let took = started.elapsed();
    if took >= SLOW_BATCH {
        // Every client in the batch waited this long: whether for another process's lock,
        // SQLite's work or the disk's (the commit is mostly its fsync) tells an operator
        // where to look.
        tracing::warn!(
            writes = batch.len(),
            waiting_ms = began.as_millis() as u64,
            applying_ms = (applied - began).as_millis() as u64,
            committing_ms = (took - applied).as_millis() as u64,
            "a batch of writes took over a second"
        );
    }
    if let Err(error) = &committed {
        tracing::error!(%error, "a batch of writes failed to commit; none of it was acknowledged");
    }
    for write in batch {
        write.answer(committed.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql;
    use crate::store::sqlite_conn::SqliteConn;
    use crate::store::{requests, Created, Db, NewRequest, PhotoUpload};

    mod sample {
        include!("../../tests/common/sample.rs");
    }
    use sample::{sample_request, SAMPLE_PHOTO_BYTES};

    fn new_request(key: &str, submitted: &str, photo_ids: &[&str]) -> NewRequest {
        NewRequest {
            idempotency_key: key.into(),
            submitted_json: submitted.into(),
            request: sample_request(photo_ids),
            photos: photo_ids
                .iter()
                .map(|id| PhotoUpload {
                    id: (*id).into(),
                    content_type: "image/jpeg".into(),
                    bytes: SAMPLE_PHOTO_BYTES.to_vec(),
                })
                .collect(),
            now: crate::store::now(),
            reply_by: crate::store::now() + chrono::Duration::hours(24),
            filed_by: None,
        }
    }

    /// A create as the writer receives it, and where its answer arrives.
    fn create_job(
        new: NewRequest,
    ) -> (Box<dyn Write>, oneshot::Receiver<Result<Created, StoreError>>) {
        let (reply, answer) = oneshot::channel();
        let apply = move |conn: &Connection| {
            sql::ready(requests::create(
                &SqliteConn(conn),
                &new,
                &crate::store::types::os_random,
                "0000-00-00",
                &Default::default(),
            ))
        };
        (Box::new(Pending { apply: Some(apply), result: None, reply }), answer)
    }

    #[tokio::test]
    async fn a_look_up_that_finds_the_file_locked_waits_off_the_async_thread() {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("look-up.sqlite3")).unwrap());
        // The first read leaves an idle reading connection for the look-ups.
        store.read(|conn| Ok(count(conn, "SELECT count(*) FROM requests"))).await.unwrap();
        let tries = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&tries);
        let answer = store
            .look_up(move |conn| {
                let mut tries = seen.lock().unwrap();
                tries.push((std::thread::current().id(), busy_timeout_ms(conn)));
                if tries.len() == 1 {
                    // What a reader meets while another connection recovers the file.
                    let busy = rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY);
                    return Err(StoreError::Sqlite(rusqlite::Error::SqliteFailure(busy, None)));
                }
                Ok(count(conn, "SELECT count(*) FROM requests"))
            })
            .await;
        assert_eq!(answer.unwrap(), 0);
        let tries = std::mem::take(&mut *tries.lock().unwrap());
        assert_eq!(tries.len(), 2, "tried at once, then once more");
        let here = std::thread::current().id();
        assert_eq!(tries[0], (here, 0), "first on the asking thread, waiting for no lock");
        assert_ne!(tries[1].0, here, "then on a blocking thread, where waiting stalls nothing");
        assert_eq!(tries[1].1, BUSY_TIMEOUT.as_millis() as i64);
        // The connection went back with its busy timeout: a read takes it, and a look-up
        // after finds it idle and runs at once.
        let kept = store.read(|conn| Ok(busy_timeout_ms(conn))).await.unwrap();
        assert_eq!(kept, BUSY_TIMEOUT.as_millis() as i64);
        let ran_on = store.look_up(|_| Ok(std::thread::current().id())).await.unwrap();
        assert_eq!(ran_on, here);
    }

    fn busy_timeout_ms(conn: &Connection) -> i64 {
        conn.pragma_query_value(None, "busy_timeout", |row| row.get(0)).unwrap()
    }

    fn count(conn: &Connection, sql: &str) -> i64 {
        conn.query_row(sql, [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn one_batch_keeps_keys_unique_and_each_request_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_connection(&dir.path().join("batch.sqlite3")).unwrap();
        schema::migrate_sqlite(&mut conn).unwrap();
        let (first, first_answer) = create_job(new_request("batch-key-1", "{\"a\":1}", &[]));
        let (same, same_answer) = create_job(new_request("batch-key-1", "{\"a\":1}", &[]));
        let (reused, reused_answer) = create_job(new_request("batch-key-1", "{\"a\":2}", &[]));
        // The same photo id twice breaks the photos' UNIQUE after the request row went in.
        let (broken, broken_answer) = create_job(new_request("batch-key-2", "{}", &["p1", "p1"]));
        let (photos, photos_answer) = create_job(new_request("batch-key-3", "{}", &["p1", "p2"]));
        write_batch(&mut conn, vec![first, same, reused, broken, photos]);

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

    #[tokio::test]
    async fn a_reference_already_taken_is_drawn_again() {
        let dir = tempfile::tempdir().unwrap();
        let draws = std::sync::atomic::AtomicUsize::new(0);
        let store = SqliteStore::open(&dir.path().join("clash.sqlite3"))
            .unwrap()
            .drawing_references_from(move || {
                let n = draws.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                [if n < 2 { 7 } else { 9 }; RANDOM_LEN]
            });
        let db = Db::Sqlite(Arc::new(store));
        let first = db.create(new_request("clash-key-1", "{}", &[])).await.unwrap();
        let second = db.create(new_request("clash-key-2", "{}", &[])).await.unwrap();
        assert!(first.stored.reference.contains("-777777"), "{}", first.stored.reference);
        assert!(second.stored.reference.contains("-999999"), "{}", second.stored.reference);
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
