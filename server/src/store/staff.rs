//! Staff accounts and their sessions. Passwords and tokens arrive here already hashed
//! ([`crate::auth`]): this module never sees a secret.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
pub use shouhou_core::desk::{Role, Session};

use super::StoreError;

fn role_column(text: String) -> rusqlite::Result<Role> {
    Role::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, text.into())
    })
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMember {
    pub login: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
}

pub fn add(
    conn: &Connection,
    login: &str,
    role: Role,
    password_hash: &str,
    now: &str,
) -> Result<(), StoreError> {
    let inserted = conn.execute(
        "INSERT INTO staff (login, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(login) DO NOTHING",
        params![login, role.as_str(), password_hash, now],
    )?;
    if inserted == 0 {
        return Err(StoreError::Exists);
    }
    Ok(())
}

pub fn list(conn: &Connection) -> Result<Vec<StaffMember>, StoreError> {
    let mut statement =
        conn.prepare("SELECT login, role, disabled, created_at FROM staff ORDER BY login")?;
    let rows = statement.query_map([], |row| {
        Ok(StaffMember {
            login: row.get(0)?,
            role: role_column(row.get(1)?)?,
            disabled: row.get(2)?,
            created_at: row.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Disables the account and ends its sessions at once.
pub fn disable(conn: &Connection, login: &str) -> Result<(), StoreError> {
    let changed = conn.execute("UPDATE staff SET disabled = 1 WHERE login = ?1", [login])?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    conn.execute(
        "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE login = ?1)",
        [login],
    )?;
    Ok(())
}

/// The id and password hash of an active account.
pub fn credentials(conn: &Connection, login: &str) -> Result<Option<(i64, String)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT id, password_hash FROM staff WHERE login = ?1 AND disabled = 0",
            [login],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

pub fn is_active(conn: &Connection, login: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM staff WHERE login = ?1 AND disabled = 0)",
        [login],
        |row| row.get(0),
    )?)
}

/// Starts a session, and forgets the expired ones while at it.
pub fn start_session(
    conn: &Connection,
    staff_id: i64,
    token_hash: &str,
    now: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    conn.execute("DELETE FROM staff_sessions WHERE unixepoch(expires_at) <= unixepoch(?1)", [now])?;
    conn.execute(
        "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, staff_id, now, expires_at],
    )?;
    Ok(())
}

/// The session's owner while it is unexpired and the account active.
pub fn session(
    conn: &Connection,
    token_hash: &str,
    now: &str,
) -> Result<Option<Session>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT staff.login, staff.role, staff_sessions.expires_at
             FROM staff_sessions JOIN staff ON staff.id = staff_sessions.staff_id
             WHERE token_hash = ?1 AND staff.disabled = 0
               AND unixepoch(staff_sessions.expires_at) > unixepoch(?2)",
            params![token_hash, now],
            |row| {
                Ok(Session {
                    login: row.get(0)?,
                    role: role_column(row.get(1)?)?,
                    expires_at: row.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn end_session(conn: &Connection, token_hash: &str) -> Result<(), StoreError> {
    conn.execute("DELETE FROM staff_sessions WHERE token_hash = ?1", [token_hash])?;
    Ok(())
}
