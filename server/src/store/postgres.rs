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

use std::sync::Arc;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use shouhou_core::reference::RANDOM_LEN;
use tokio_postgres::NoTls;

use super::error::StoreError;
use super::schema;
use super::types::os_random;

/// Whether `--db` names a PostgreSQL database rather than a SQLite file.
pub fn is_url(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

/// How many connections one instance holds at most. Each operation is a short transaction,
/// so a few carry a busy instance; several instances times this must stay under the
/// server's `max_connections` (100 by default).
const POOL_SIZE: usize = 16;

pub struct PgStore {
    pub(super) pool: Pool,
    /// The random part of each new reference: the OS's; a test's own sequence to force a
    /// clash ([`PgStore::drawing_references_from`]).
    pub(super) draw: Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync>,
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
        // The desk's queries are short and planned often: compiling them (JIT) cost more than
        // it saved, tens of milliseconds a query at a million requests.
        config.options("-c jit=off");
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
        Ok(PgStore { pool, draw: Arc::new(os_random) })
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
