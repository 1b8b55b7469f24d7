//! Backups of a SQLite database (`shouhou-server backup` and `restore`); PostgreSQL has
//! pg_dump and pg_restore (README).
//!
//! A backup is SQLite's online backup API copying every page in one step: it reads one
//! snapshot, as any reader in WAL mode does, so the server goes on taking requests and the
//! copy holds exactly what was committed when it began — every request answered 201 before
//! then, with its photos (they are rows of the same file). It is written beside its name and
//! renamed once on disk, so a file by that name is always a whole backup.
//!
//! A restore refuses a database a server has open (the `-inuse` lock every store holds
//! shared, see [`super::sqlite`]) and a file that is not a whole database of this server,
//! and holds the lock while it copies, so no server starts on half a database.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::error::StoreError;
use super::schema::SQLITE_MIGRATIONS;
use super::sqlite::{in_use_lock, open_connection};

/// What a backup or restore holds: requests and photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub requests: i64,
    pub photos: i64,
}

fn contents(conn: &Connection) -> Result<Contents, StoreError> {
    let count = |table: &str| {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |row| row.get::<_, i64>(0))
    };
    Ok(Contents { requests: count("requests")?, photos: count("photos")? })
}

/// Why a restore did not happen.
#[derive(Debug)]
pub enum RestoreError {
    /// A server (or a staff command) has the database open.
    InUse,
    /// The file is not a whole database of this server: what is wrong with it.
    NotABackup(String),
    Store(StoreError),
}

impl std::fmt::Display for RestoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RestoreError::InUse => {
                write!(f, "the database is in use by a running server; stop it first")
            }
            RestoreError::NotABackup(why) => write!(f, "not a backup of this server: {why}"),
            RestoreError::Store(error) => write!(f, "{error}"),
        }
    }
}

impl From<StoreError> for RestoreError {
    fn from(error: StoreError) -> Self {
        RestoreError::Store(error)
    }
}

impl From<rusqlite::Error> for RestoreError {
    fn from(error: rusqlite::Error) -> Self {
        RestoreError::Store(StoreError::Sqlite(error))
    }
}

/// Copies the database at `db` (in use or not) to `to`: what the copy holds.
pub fn backup(db: &Path, to: &Path) -> Result<Contents, StoreError> {
    if !db.is_file() {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no database at {}", db.display()),
        )));
    }
    let source = open_connection(db)?;
    let mut partial = to.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let mut copy = Connection::open(&partial)?;
    {
        let backup = Backup::new(&source, &mut copy)?;
        // Every page in one step: one snapshot, which writes meanwhile cannot restart.
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                // A lock on the copy's side, held by nobody else: tried again shortly.
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    let held = contents(&copy)?;
    drop(copy);
    std::fs::File::open(&partial).and_then(|file| file.sync_all()).map_err(StoreError::Io)?;
    std::fs::rename(&partial, to).map_err(StoreError::Io)?;
    if let Some(folder) = to.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(folder).and_then(|dir| dir.sync_all()).map_err(StoreError::Io)?;
    }
    Ok(held)
}

/// Replaces the database at `db` (made when missing) with the backup `from`, unless a
/// server has it open: what it holds now.
pub fn restore(from: &Path, db: &Path) -> Result<Contents, RestoreError> {
    let backup = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|error| RestoreError::NotABackup(error.to_string()))?;
    let check: String = backup
        .query_row("PRAGMA quick_check", [], |row| row.get(0))
        .map_err(|error| RestoreError::NotABackup(error.to_string()))?;
    if check != "ok" {
        return Err(RestoreError::NotABackup(check));
    }
    let version: usize = backup.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if version == 0 || version > SQLITE_MIGRATIONS.len() {
        return Err(RestoreError::NotABackup(format!(
            "schema version {version}, where this server knows 1 to {}",
            SQLITE_MIGRATIONS.len()
        )));
    }
    let held = contents(&backup).map_err(|error| RestoreError::NotABackup(error.to_string()))?;
    drop(backup);
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(StoreError::Io)?;
    }
    let in_use = in_use_lock(db).map_err(StoreError::Io)?;
    if in_use.try_lock().is_err() {
        return Err(RestoreError::InUse);
    }
    let mut target = open_connection(db)?;
    target.restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
    // Back in WAL mode (the backup's header may say otherwise), everything checkpointed into
    // the file when the connection closes.
    target.pragma_update(None, "journal_mode", "WAL")?;
    drop(target);
    drop(in_use);
    Ok(held)
}
