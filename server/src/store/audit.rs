//! The audit trail: who did what to which record, when — one row per staff action that
//! changes a record outside a request's timeline (a product record's edit). Written in the
//! transaction of the change it records; the API has no way to edit or erase it.
//!
//! Issue 24 makes this the one record of staff access and edits (views, photos, exports,
//! erasures); the product archive's edits are its first entries.

use serde::Serialize;

use super::error::StoreError;
use super::sql::{params, Conn};

/// One line of the trail: `GET /api/v1/staff/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    /// `product_edit`.
    pub action: String,
    /// What was acted on (`inverter/INV-7K5-0042`).
    pub target: String,
    /// What changed (the fields' names, or `created`).
    pub detail: String,
}

pub async fn record(
    c: &impl Conn,
    at: &str,
    actor: &str,
    action: &str,
    target: &str,
    detail: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
        params![at, actor, action, target, detail],
    )
    .await
    .map(drop)
}

/// The newest `limit` entries, newest first.
pub async fn recent(c: &impl Conn, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let rows = c
        .query(
            "SELECT at, actor, action, target, detail FROM audit_log ORDER BY id DESC LIMIT $1",
            params![limit],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(AuditEntry {
                at: row.get(0)?,
                actor: row.get(1)?,
                action: row.get(2)?,
                target: row.get(3)?,
                detail: row.get(4)?,
            })
        })
        .collect()
}
