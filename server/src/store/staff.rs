//! Staff accounts and their sessions. Passwords and tokens arrive here already hashed
//! ([`crate::auth`]): this module never sees a secret.

use serde::Serialize;
pub use shouhou_core::desk::{Role, Session};

use super::error::StoreError;
use super::sql::{params, Conn, Row};

fn role_of(row: &Row, index: usize) -> Result<Role, StoreError> {
    let text: String = row.get(index)?;
    Role::parse(&text).ok_or_else(|| StoreError::Data(format!("unknown role {text:?}")))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffMember {
    pub login: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: String,
}

/// A new account; `Exists` when the login is taken.
pub async fn add(
    c: &impl Conn,
    login: &str,
    role: Role,
    password_hash: &str,
    now: &str,
) -> Result<(), StoreError> {
    let inserted = c
        .execute(
            "INSERT INTO staff (login, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (login) DO NOTHING",
            params![login, role.as_str(), password_hash, now],
        )
        .await?;
    if inserted == 0 {
        return Err(StoreError::Exists);
    }
    Ok(())
}

/// Every account, by login in byte order (as SQLite sorts, whatever PostgreSQL's collation).
pub async fn list(c: &impl Conn) -> Result<Vec<StaffMember>, StoreError> {
    let sql = format!(
        "SELECT login, role, disabled, created_at FROM staff ORDER BY login{}",
        c.dialect().byte_order
    );
    let rows = c.query(&sql, params![]).await?;
    rows.iter()
        .map(|row| {
            Ok(StaffMember {
                login: row.get(0)?,
                role: role_of(row, 1)?,
                disabled: row.get(2)?,
                created_at: row.get(3)?,
            })
        })
        .collect()
}

/// Disables the account and ends its sessions at once; `NotFound` for no such login.
pub async fn disable(c: &impl Conn, login: &str) -> Result<(), StoreError> {
    let changed =
        c.execute("UPDATE staff SET disabled = true WHERE login = $1", params![login]).await?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    c.execute(
        "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE login = $1)",
        params![login],
    )
    .await?;
    Ok(())
}

/// The id and password hash of an active account.
pub async fn credentials(c: &impl Conn, login: &str) -> Result<Option<(i64, String)>, StoreError> {
    let row = c
        .query_opt(
            "SELECT id, password_hash FROM staff WHERE login = $1 AND disabled = false",
            params![login],
        )
        .await?;
    row.map(|row| Ok((row.get(0)?, row.get(1)?))).transpose()
}

pub async fn is_active(c: &impl Conn, login: &str) -> Result<bool, StoreError> {
    c.value(
        "SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1 AND disabled = false)",
        params![login],
    )
    .await
}

/// Starts a session, and forgets the expired ones while at it.
pub async fn start_session(
    c: &impl Conn,
    staff_id: i64,
    token_hash: &str,
    now: &str,
    expires_at: &str,
) -> Result<(), StoreError> {
    let epoch = c.dialect().epoch;
    c.execute(
        &format!("DELETE FROM staff_sessions WHERE {} <= {}", epoch("expires_at"), epoch("$1")),
        params![now],
    )
    .await?;
    c.execute(
        "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4)",
        params![token_hash, staff_id, now, expires_at],
    )
    .await?;
    Ok(())
}

/// The session's owner while it is unexpired and the account active, whichever instance
/// started it.
pub async fn session(
    c: &impl Conn,
    token_hash: &str,
    now: &str,
) -> Result<Option<Session>, StoreError> {
    let epoch = c.dialect().epoch;
    let row = c
        .query_opt(
            &format!(
                "SELECT staff.login, staff.role, staff_sessions.expires_at
                 FROM staff_sessions JOIN staff ON staff.id = staff_sessions.staff_id
                 WHERE token_hash = $1 AND staff.disabled = false
                   AND {} > {}",
                epoch("staff_sessions.expires_at"),
                epoch("$2")
            ),
            params![token_hash, now],
        )
        .await?;
    row.map(|row| {
        Ok(Session { login: row.get(0)?, role: role_of(&row, 1)?, expires_at: row.get(2)? })
    })
    .transpose()
}

pub async fn end_session(c: &impl Conn, token_hash: &str) -> Result<(), StoreError> {
    c.execute("DELETE FROM staff_sessions WHERE token_hash = $1", params![token_hash]).await?;
    Ok(())
}
