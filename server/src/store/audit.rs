//! The audit trail: the one record of staff access to personal data and of staff edits
//! outside a request's timeline — who viewed which request, downloaded which photo, exported
//! what, erased whose data, edited which unit of the product archive, when. Written in the
//! transaction of the change it records, or durably just before the read it records; the
//! API reads it (leads, newest first, a page at a time) and has no way to edit or erase it.

pub use shouhou_core::desk::AuditEntry;

use super::error::StoreError;
use super::sql::{params, Conn};

/// What a line of the trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A request's record opened in the desk.
    View,
    /// A request's photo downloaded.
    Photo,
    /// Personal data taken out: the CSV export of a period, or one customer's data.
    Export,
    /// One customer's data erased on request, or closed requests' by the retention schedule.
    Erasure,
    /// A unit's record in the product archive added or changed.
    ProductEdit,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::View => "view",
            Action::Photo => "photo",
            Action::Export => "export",
            Action::Erasure => "erasure",
            Action::ProductEdit => "product_edit",
        }
    }
}

/// Adds a line.
pub async fn record(
    c: &impl Conn,
    at: &str,
    actor: &str,
    action: Action,
    target: &str,
    detail: &str,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
        params![at, actor, action.as_str(), target, detail],
    )
    .await
    .map(drop)
}

/// Up to `limit` lines older than line `before` (the newest without), newest first, and
/// where the next page starts (`None`: no more). Keyset by the line's id: lines added
/// meanwhile never shift a page.
pub async fn page(
    c: &impl Conn,
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<AuditEntry>, Option<i64>), StoreError> {
    let rows = c
        .query(
            "SELECT id, at, actor, action, target, detail FROM audit_log
             WHERE id < $1 ORDER BY id DESC LIMIT $2",
            params![before.unwrap_or(i64::MAX), limit + 1],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    let mut entries = Vec::new();
    let mut last = None;
    for row in rows.iter().take(limit as usize) {
        last = Some(row.get::<i64>(0)?);
        entries.push(AuditEntry {
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            target: row.get(4)?,
            detail: row.get(5)?,
        });
    }
    Ok((entries, if more { last } else { None }))
}
