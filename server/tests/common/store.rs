//! Which store the server's tests run on, and a store-neutral way to look at what it holds.
//!
//! SQLite by default. With `SHOUHOU_TEST_STORE=postgres` and `DATABASE_URL` naming a
//! PostgreSQL cluster (`scripts/with-postgres.sh` exports it), every test gets a database of
//! its own, made with a random name on that cluster, so tests run in parallel and never see
//! each other's rows. [`test_db`] is what a test passes as `--db`. The databases are left
//! for the cluster's removal: point it at a throwaway cluster, as with-postgres.sh makes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;
use shouhou_server::store::PgStore;
use shouhou_server::{load_state, state_on, AppState, Db, Settings};

/// Whether this run is on PostgreSQL (`SHOUHOU_TEST_STORE=postgres`).
pub fn on_postgres() -> bool {
    match std::env::var("SHOUHOU_TEST_STORE").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("SHOUHOU_TEST_STORE is sqlite or postgres, not {other:?}"),
    }
}

/// Runs `work` on a runtime of its own in a thread of its own, so a sync test, an async
/// one and a static harness can all reach PostgreSQL the same way.
fn on_own_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(work)
    })
    .join()
    .unwrap()
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot reach PostgreSQL at {url}: {e}"));
    tokio::spawn(connection);
    client
}

/// A new, empty database on the cluster `DATABASE_URL` names, with a random name.
pub fn fresh_postgres_database() -> String {
    let url = std::env::var("DATABASE_URL")
        .ok()
        .filter(|url| shouhou_server::store::is_url(url))
        .expect(
        "SHOUHOU_TEST_STORE=postgres needs DATABASE_URL=postgres://… (scripts/with-postgres.sh)",
    );
    let mut random = [0u8; 6];
    getrandom::getrandom(&mut random).unwrap();
    let name = format!(
        "t_{}_{}",
        std::process::id(),
        random.iter().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let server_url = url.clone();
    let create = format!("CREATE DATABASE {name}");
    on_own_runtime(async move { connect(&server_url).await.batch_execute(&create).await.unwrap() });
    let (server, _) = url.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The `--db` of one test: `file` in `dir` on SQLite, a fresh database on PostgreSQL.
pub fn test_db(dir: &Path, file: &str) -> PathBuf {
    if on_postgres() {
        fresh_postgres_database().into()
    } else {
        dir.join(file)
    }
}

/// The app's state on `settings.db`, whichever store it names, from sync or async code.
/// On PostgreSQL the schema is migrated first, and the pool then connects lazily on the
/// caller's own runtime.
pub fn state(settings: &Settings) -> Arc<AppState> {
    let url = settings.db.to_string_lossy().into_owned();
    if !shouhou_server::store::is_url(&url) {
        return load_state(settings).unwrap();
    }
    let migrate = url.clone();
    on_own_runtime(async move { PgStore::open(&migrate).await.map(drop) }).unwrap();
    state_on(settings, Db::Postgres(PgStore::connect(&url).unwrap())).unwrap()
}

/// Runs SQL that both stores understand (plain SQL, `true`/`false` for booleans).
pub fn db_exec(db: &Path, sql: &str) {
    let url = db.to_string_lossy().into_owned();
    if shouhou_server::store::is_url(&url) {
        let sql = sql.to_string();
        on_own_runtime(async move { connect(&url).await.batch_execute(&sql).await.unwrap() });
    } else {
        rusqlite::Connection::open(db).unwrap().execute_batch(sql).unwrap();
    }
}

/// Every row of a query, each value as text: NULL as empty, a number as its digits, a
/// boolean as 1 or 0 (SQLite's way), bytes as `<N bytes>`.
pub fn db_rows(db: &Path, sql: &str) -> Vec<Vec<String>> {
    let url = db.to_string_lossy().into_owned();
    if !shouhou_server::store::is_url(&url) {
        return sqlite_rows(db, sql);
    }
    // Every row as a JSON array in column order (json, unlike jsonb, keeps it), so one
    // helper reads counts, text and NULLs alike.
    let sql = format!(
        "SELECT (SELECT json_agg(value) FROM json_each(row_to_json(q)))::text FROM ({sql}) q"
    );
    on_own_runtime(async move {
        let client = connect(&url).await;
        let rows = client.query(&sql, &[]).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.iter()
            .map(|row| {
                let values: Vec<Value> = serde_json::from_str(row.get(0)).unwrap();
                values
                    .iter()
                    .map(|value| match value {
                        // bytea comes as \x and its hex digits.
                        Value::String(text) => match text.strip_prefix("\\x") {
                            Some(hex) if hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                                format!("<{} bytes>", hex.len() / 2)
                            }
                            _ => text.clone(),
                        },
                        Value::Null => String::new(),
                        Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .collect()
    })
}

fn sqlite_rows(db: &Path, sql: &str) -> Vec<Vec<String>> {
    use rusqlite::types::Value as Sql;
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut statement = conn.prepare(sql).unwrap();
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    row.get::<_, Sql>(i).map(|value| match value {
                        Sql::Null => String::new(),
                        Sql::Integer(n) => n.to_string(),
                        Sql::Real(x) => x.to_string(),
                        Sql::Text(text) => text,
                        Sql::Blob(bytes) => format!("<{} bytes>", bytes.len()),
                    })
                })
                .collect::<Result<Vec<String>, _>>()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// One number from a query (a count).
pub fn db_count(db: &Path, sql: &str) -> i64 {
    db_rows(db, sql)[0][0].parse().unwrap()
}
