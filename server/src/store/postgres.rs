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

use std::sync::{Arc, Once};

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use shouhou_core::reference::RANDOM_LEN;
use tokio::sync::Notify;
use tokio_postgres::NoTls;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::error::StoreError;
use super::hub::Hub;
use super::schema;
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
}

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
