//! PostgreSQL underneath the store, for several intake servers on one database
//! (`--db postgres://…` or `DATABASE_URL`).
//!
//! Concurrency is the database's, not a writer thread's: each operation is one transaction
//! on a pooled connection. A write that reads a request before changing it takes the row
//! `FOR UPDATE` ([`super::sql::Dialect::lock_rows`]), so two instances changing one request
//! take turns; inserts meet at UNIQUE constraints with `ON CONFLICT DO NOTHING`, which makes a
//! second instance's insert of the same key wait for the first's commit and then insert
//! nothing, so it answers with what the first stored.
//!
//! Durability: PostgreSQL's default `synchronous_commit = on` answers a COMMIT only once its
//! WAL is flushed, the same promise the SQLite store's `synchronous=FULL` makes.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use shouhou_core::reference::RANDOM_LEN;
use tokio::sync::Notify;
use tokio_postgres::NoTls;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::error::StoreError;
use super::hub::Hub;
use super::pg_conn::PgConn;
use super::schema;
use super::search;
use super::types::os_random;

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// How many connections one instance holds at most. A create's commit waits for its WAL to
/// be flushed, and one flush carries every commit waiting when it starts (group commit), so
/// the creates in flight at once are what each flush carries: on the bench's 32 clients, 16
/// connections made 3,041 creates/s and 32 made 3,400. Several instances times this must
/// stay under the server's `max_connections` (100 by default: three instances).
const POOL_SIZE: usize = 32;

pub struct PgStore {
    pub(super) pool: Pool,
    /// The random part of each new reference: the OS's; a test's own sequence to force a
    /// clash ([`PgStore::drawing_references_from`]).
    pub(super) draw: Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync>,
    /// What this instance's listeners hear: its own writes and, through `LISTEN`, every
    /// other instance's ([`PgStore::listen`]).
    pub(super) hub: Arc<Hub>,
    /// Where the listening connection goes, and with what TLS ([`super::pg_tls`]).
    listening: Arc<(tokio_postgres::Config, Option<MakeRustlsConnect>)>,
    /// Changes committed and not yet announced ([`PgStore::announce`]).
    unannounced: Arc<Notify>,
    /// The task that announces them, started by the first.
    announcing: Once,
    /// When this instance last stored a request, in milliseconds of the Unix clock: the
    /// words are indexed when creates pause ([`PgStore::keep_words_indexed`]).
    pub(super) last_create: Arc<AtomicI64>,
}

/// How many requests' words one step of the indexer puts in the index.
const WORDS_PER_STEP: i64 = 2_000;

/// Creates paused this long: the indexer takes its step.
const QUIET: Duration = Duration::from_millis(250);

/// The newest requests counted by their text, past which the indexer takes its steps even
/// while creates go on, so that what a word search's count reads without the search table
/// stays bounded: a minute of the bench's creates, three months of a maker filing a million
/// a year. Each 100,000 of them add about 50 ms to the count (of 漏水 at a million requests:
/// 32 ms with none, 79 ms with 100,000).
const MOST_UNINDEXED: i64 = 250_000;

/// The advisory lock of the indexer: one instance indexes at a time ("SHOUHOUW").
const WORDS_LOCK: i64 = 0x5348_4F55_484F_5557;

impl PgStore {
    /// Connects, and migrates unless another instance is doing it or has done it.
    pub async fn open(url: &str) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(url)?;
        store.migrate().await?;
        Ok(store)
    }

    /// Relays what every instance announces (`NOTIFY shouhou`, sent after the store's writes
    /// commit ([`PgStore::announce`]) and by colleagues typing) to this instance's hub, on a connection of its own,
    /// reconnecting after a failure for as long as the hub is used. A change announced while
    /// it reconnects is not lost: the desk's streams read `desk_changes` from their last id
    /// when woken, and so they are woken after every reconnection.
    pub fn listen(&self) {
        // A store opened outside a runtime (a tool, a plain test) has no task to relay with.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::warn!("no runtime: other instances' changes are not relayed here");
            return;
        };
        let (listening, hub) = (Arc::clone(&self.listening), Arc::downgrade(&self.hub));
        runtime.spawn(async move {
            while let Some(alive) = hub.upgrade() {
                drop(alive);
                let (config, tls) = &*listening;
                if let Err(error) = relay(config, tls.as_ref(), &hub).await {
                    tracing::warn!(%error, "listening for other instances' changes failed; again in 1 s");
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        });
    }

    /// Indexes the words of new requests in the background, a step at a time, when this
    /// instance's creates pause (or the requests not in the index are too many), for as long
    /// as the store is used ([`search::index_pending`]).
    pub fn keep_words_indexed(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let (pool, alive, last_create) =
            (self.pool.clone(), Arc::downgrade(&self.hub), Arc::clone(&self.last_create));
        runtime.spawn(async move {
            let mut pause = Duration::ZERO;
            while alive.strong_count() > 0 {
                tokio::time::sleep(pause).await;
                let quiet =
                    now_ms() - last_create.load(Ordering::Relaxed) >= QUIET.as_millis() as i64;
                pause = match index_words(&pool, quiet).await {
                    Ok(done) if done as i64 == WORDS_PER_STEP => Duration::ZERO,
                    Ok(_) => Duration::from_secs(1),
                    Err(error) => {
                        tracing::warn!(%error, "indexing requests' words failed; again in 5 s");
                        Duration::from_secs(5)
                    }
                };
            }
        });
    }

    /// How many statements the database holds prepared for one of the pool's connections
    /// (the one a test that works one query at a time has used throughout): for tests.
    #[doc(hidden)]
    pub async fn statements_prepared(&self) -> Result<i64, StoreError> {
        let client = self.pool.get().await?;
        let row = client.query_one("SELECT count(*) FROM pg_prepared_statements", &[]).await?;
        Ok(row.get(0))
    }

    /// One step of the indexer, whether or not creates go on: for tests.
    #[doc(hidden)]
    pub async fn index_words_now(&self) -> Result<usize, StoreError> {
        index_words(&self.pool, true).await
    }

    /// Tells every instance (`NOTIFY shouhou`) that changes have committed for their desks
    /// to read, after the commit and apart from it: a `NOTIFY` in the writing transaction
    /// holds PostgreSQL's one lock for notifying from its commit until its WAL is flushed, so
    /// every create's commit waited for the one before it (2,108 creates/s, most of the
    /// database's sessions waiting on that lock). One task sends them, one at a time, one
    /// for every change committed while the one before was sent. A change committed just
    /// before this instance stops may go unannounced; the other instances' desks then read
    /// it with the next change.
    pub(super) fn announce(&self) {
        self.unannounced.notify_one();
        // Every write is in a runtime: the task starts with the first.
        self.announcing.call_once(|| {
            let (pool, unannounced) = (self.pool.clone(), Arc::downgrade(&self.unannounced));
            tokio::spawn(announce_changes(pool, unannounced));
        });
    }

    /// The pool alone, not yet migrated (nothing connects before the first query).
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let (mut config, tls) = super::pg_tls::settings(url)?;
        // A database that does not answer (a dropped route, not a refusal) must fail a
        // request in seconds, not hold it and its connection for ever.
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(5));
        }
        // The desk's queries are short and planned often: compiling them (JIT) cost more than
        // it saved, tens of milliseconds a query at a million requests.
        config.options("-c jit=off");
        // Fast: a connection that broke is found by its next query, which the pool's
        // caller sees as an error like any other; no extra round trip per create.
        let recycling = ManagerConfig { recycling_method: RecyclingMethod::Fast };
        let manager = match tls.clone() {
            Some(tls) => Manager::from_config(config.clone(), tls, recycling),
            None => Manager::from_config(config.clone(), NoTls, recycling),
        };
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            // Past this a create answers 500 (and the outbox retries) rather than queue
            // without end behind a pool that never frees up.
            .wait_timeout(Some(std::time::Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(|e| StoreError::Postgres(e.to_string()))?;
        Ok(PgStore {
            pool,
            draw: Arc::new(os_random),
            hub: Arc::new(Hub::default()),
            listening: Arc::new((config, tls)),
            unannounced: Arc::new(Notify::new()),
            announcing: Once::new(),
            last_create: Arc::new(AtomicI64::new(0)),
        })
    }

    /// Runs the migrations not yet run, in one transaction under an advisory lock: when
    /// several instances start at once, one migrates and the others wait for its commit, then
    /// find nothing left to do. Returns how many this call ran.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let ran = schema::migrate_postgres(&tx).await?;
        tx.commit().await?;
        Ok(ran)
    }

    /// Draws references' random parts from `draw` instead of the OS: for a test that makes
    /// two draws collide, as two instances might once in a billion.
    #[doc(hidden)]
    pub fn drawing_references_from(
        self,
        draw: impl Fn() -> [u8; RANDOM_LEN] + Send + Sync + 'static,
    ) -> PgStore {
        PgStore { draw: Arc::new(draw), ..self }
    }
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One step of indexing words, if `quiet` or too many requests wait; how many it indexed.
async fn index_words(pool: &Pool, quiet: bool) -> Result<usize, StoreError> {
    let mut client = pool.get().await?;
    let through: i64 = client
        .query_opt("SELECT value FROM store_state WHERE name = 'words_through'", &[])
        .await?
        .and_then(|row| row.get::<_, String>(0).parse().ok())
        .unwrap_or(0);
    let newest = last_id(&client).await?;
    if newest <= through || (!quiet && newest - through <= MOST_UNINDEXED) {
        return Ok(0);
    }
    let Some(settled) = settled_id(&client, newest).await? else { return Ok(0) };
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&WORDS_LOCK]).await?;
    let done = search::index_pending(&PgConn::new(&tx), WORDS_PER_STEP, Some(settled)).await?;
    tx.commit().await?;
    Ok(done)
}

/// The last id drawn for a request (0 for none yet).
async fn last_id(client: &deadpool_postgres::Client) -> Result<i64, StoreError> {
    let last: Option<i64> = client
        .query_one(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence('requests', 'id')::regclass)",
            &[],
        )
        .await?
        .get(0);
    Ok(last.unwrap_or(0))
}

/// `last` (read before), once every request's transaction up to it has ended, so that the
/// index's mark may pass it: PostgreSQL's transactions commit in any order, and one that
/// drew a smaller id may commit after a larger one is seen. A create's INSERT takes its lock
/// on `requests` before it draws its id and keeps it until it ends, so every id up to `last`
/// was drawn by a transaction that holds that lock when the holders are listed, or has ended:
/// once the listed ones have ended, every id up to `last` is committed or never will be (the
/// wait of `CREATE INDEX CONCURRENTLY`). Only writers of the requests are waited for, not a
/// long read or another database's work. None when some still write after a while (a
/// rebuild of every request): the next step tries again.
async fn settled_id(
    client: &deadpool_postgres::Client,
    last: i64,
) -> Result<Option<i64>, StoreError> {
    const WRITERS: &str = "SELECT virtualtransaction FROM pg_locks
        WHERE locktype = 'relation' AND mode = 'RowExclusiveLock'
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND relation = 'requests'::regclass AND pid <> pg_backend_pid()";
    let writing: Vec<String> = client
        .query(WRITERS, &[])
        .await?
        .iter()
        .filter_map(|row| row.get::<_, Option<String>>(0))
        .collect();
    let give_up = tokio::time::Instant::now() + Duration::from_secs(2);
    loop {
        let left: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_locks
                 WHERE locktype = 'virtualxid' AND virtualxid = ANY($1)",
                &[&writing],
            )
            .await?
            .get(0);
        if left == 0 {
            return Ok(Some(last));
        }
        if tokio::time::Instant::now() >= give_up {
            tracing::warn!(
                writing = left,
                "the index of words waits for requests' writers running over 2 s; again soon"
            );
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends one `NOTIFY` for whatever committed since the last, until the store is dropped; a
/// `NOTIFY` that failed (the database restarting) is sent again a second later.
async fn announce_changes(pool: Pool, unannounced: std::sync::Weak<Notify>) {
    const CHECK: std::time::Duration = std::time::Duration::from_secs(5);
    while let Some(waiting) = unannounced.upgrade() {
        // Woken now and then to see whether the store is gone.
        let woken = tokio::time::timeout(CHECK, waiting.notified()).await.is_ok();
        drop(waiting);
        if !woken {
            continue;
        }
        let sent = async {
            pool.get().await?.execute("SELECT pg_notify('shouhou', 'change')", &[]).await?;
            Ok::<_, StoreError>(())
        };
        if let Err(error) = sent.await {
            tracing::warn!(%error, "announcing changes to the other instances failed; again in 1 s");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            if let Some(waiting) = unannounced.upgrade() {
                waiting.notify_one();
            }
        }
    }
}

/// Listens until the connection fails (or the hub is gone), relaying each announcement.
async fn relay(
    config: &tokio_postgres::Config,
    tls: Option<&MakeRustlsConnect>,
    hub: &std::sync::Weak<Hub>,
) -> Result<(), StoreError> {
    let (tx, mut announcements) = tokio::sync::mpsc::unbounded_channel::<String>();
    // The connection delivers notifications only to whoever polls it for messages.
    let (client, driver) = match tls {
        Some(tls) => {
            let (client, connection) = config.connect(tls.clone()).await?;
            (client, tokio::spawn(announce(connection, tx)))
        }
        None => {
            let (client, connection) = config.connect(NoTls).await?;
            (client, tokio::spawn(announce(connection, tx)))
        }
    };
    client.batch_execute("LISTEN shouhou").await?;
    if let Some(hub) = hub.upgrade() {
        hub.changed();
    }
    loop {
        // A store dropped (a test's, say) lets its listening connection go within seconds.
        let payload = tokio::select! {
            payload = announcements.recv() => payload,
            () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {
                if hub.strong_count() == 0 { break } else { continue }
            }
        };
        let (Some(payload), Some(hub)) = (payload, hub.upgrade()) else { break };
        match payload.strip_prefix("typing:").and_then(|rest| rest.split_once(':')) {
            Some((reference, login)) => hub.typing(reference, login),
            None => hub.changed(),
        }
    }
    driver.abort();
    drop(client);
    match hub.strong_count() {
        0 => Ok(()),
        _ => Err(StoreError::Postgres("the listening connection closed".into())),
    }
}

/// Sends each notification's payload on, until the connection or the receiver is gone.
async fn announce<S, T>(
    mut connection: tokio_postgres::Connection<S, T>,
    tx: tokio::sync::mpsc::UnboundedSender<String>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    while let Some(Ok(message)) =
        futures_util::future::poll_fn(|cx| connection.poll_message(cx)).await
    {
        if let tokio_postgres::AsyncMessage::Notification(note) = message {
            if tx.send(note.payload().to_string()).is_err() {
                break;
            }
        }
    }
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
}
