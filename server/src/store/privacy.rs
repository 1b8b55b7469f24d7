//! Erasing personal data: a customer's, on their request, and every closed request's once it
//! is past its retention (`privacy.retain_months`). What is erased and what is kept is core's
//! rule ([`shouhou_core::privacy::erased`]); here it is applied to every place a request's
//! personal data lies — its columns and its JSON, the words it is found by, its photos and
//! signature, the free text on its timeline (replies, notes, messages, comments, follow-up
//! outcomes) and on its visits (the note for the engineer), what the customer's posts were checked against and the notices sent to the
//! customer's phone or e-mail — in the same write as the audit trail's line for it. The
//! reference, the line, the dates, the statuses and the ratings stay, so every figure reads
//! the same before and after. The product archive keeps nothing of a customer (a unit's
//! `owner` is an organisation staff enter, never taken from a request).

use shouhou_core::desk::VisitRecord;
use shouhou_core::phone::normalize_phone;
use shouhou_core::privacy::erased;

use super::audit::{self, Action};
use super::error::StoreError;
use super::requests::stored_request;
use super::search::Words;
use super::sql::{params, Conn};
use super::timeline::{self, CustomerView};

/// The ids of the requests given with `contact` (a phone in any notation, or an e-mail,
/// case-insensitively), not yet erased, oldest first.
async fn requests_of(c: &impl Conn, contact: &str) -> Result<Vec<(i64, String)>, StoreError> {
    let contact = contact.trim();
    let rows = if contact.contains('@') {
        c.query(
            "SELECT id, reference FROM requests WHERE lower(email) = lower($1)
             AND erased_at IS NULL ORDER BY id",
            params![contact],
        )
        .await?
    } else {
        let Ok(phone) = normalize_phone(contact) else { return Ok(Vec::new()) };
        c.query(
            "SELECT id, reference FROM requests WHERE phone = $1 AND erased_at IS NULL ORDER BY id",
            params![&phone],
        )
        .await?
    };
    rows.iter().map(|row| Ok((row.get(0)?, row.get(1)?))).collect()
}

/// Erases one request's personal data everywhere it lies.
async fn erase_one(c: &impl Conn, id: i64, now: &str) -> Result<(), StoreError> {
    let json: String =
        c.value("SELECT request_json FROM requests WHERE id = $1", params![id]).await?;
    let kept = erased(&stored_request(&json)?);
    let details = serde_json::to_string(&kept.details).expect("details serialise");
    let request_json = serde_json::to_string(&kept).expect("a request serialises");
    c.execute(
        "UPDATE requests SET full_name = '', phone = '', email = NULL, description = '',
             request_json = $1, details_json = $2, submitted_json = NULL, erased_at = $3
         WHERE id = $4",
        params![&request_json, &details, now, id],
    )
    .await?;
    let words = Words::of_request(&kept);
    words.forget(c, id).await?;
    words.store(c, id).await?;
    words.index(c, id).await?;
    c.execute("DELETE FROM photos WHERE request_id = $1", params![id]).await?;
    c.execute("UPDATE events SET text = NULL, outcome = NULL WHERE request_id = $1", params![id])
        .await?;
    // A visit's note is the dispatcher's free text for the engineer ("ask for Mr Wang,
    // 13755556666, the back door's code…"): on the visit and on each timeline entry that
    // recorded the visit as it stood.
    c.execute("UPDATE visits SET note = NULL WHERE request_id = $1", params![id]).await?;
    let recorded = c
        .query(
            "SELECT id, visit_json FROM events WHERE request_id = $1 AND visit_json IS NOT NULL",
            params![id],
        )
        .await?;
    for row in &recorded {
        let (event, json): (i64, String) = (row.get(0)?, row.get(1)?);
        let mut visit: VisitRecord = serde_json::from_str(&json)
            .map_err(|e| StoreError::Data(format!("a visit on the timeline does not read: {e}")))?;
        if visit.note.take().is_some() {
            let json = serde_json::to_string(&visit).expect("a visit serialises");
            c.execute("UPDATE events SET visit_json = $1 WHERE id = $2", params![&json, event])
                .await?;
        }
    }
    // What a retry of a message or rating is compared against held the contact and the
    // text: a retry now is refused as another body under the key would be.
    c.execute("UPDATE customer_posts SET submitted_json = '{}' WHERE request_id = $1", params![id])
        .await?;
    // The customer's notices held their phone or e-mail (and their tries, what the gateway
    // answered to it); one still queued is never sent. The team's alerts stay.
    c.execute(
        "DELETE FROM notice_attempts WHERE notice_id IN
             (SELECT id FROM notices WHERE request_id = $1 AND audience = 'customer')",
        params![id],
    )
    .await?;
    c.execute("DELETE FROM notices WHERE request_id = $1 AND audience = 'customer'", params![id])
        .await?;
    Ok(())
}

/// Erases the data of the customer given by `contact` (`actor` is the lead who does it, on
/// the customer's request): how many requests it took.
pub async fn erase_customer(
    c: &impl Conn,
    contact: &str,
    actor: &str,
    now: &str,
) -> Result<usize, StoreError> {
    let requests = requests_of(c, contact).await?;
    for (id, _) in &requests {
        erase_one(c, *id, now).await?;
    }
    let references: Vec<&str> = requests.iter().map(|(_, r)| r.as_str()).collect();
    let detail = format!("{} requests, on the customer's request", requests.len());
    audit::record(c, now, actor, Action::Erasure, &references.join(" "), &detail).await?;
    Ok(requests.len())
}

/// Erases up to `limit` requests closed before `cutoff` (Unix seconds) whose personal data is
/// still there, as the retention schedule does: how many it took (fewer than `limit`: done).
pub async fn erase_expired(
    c: &impl Conn,
    cutoff: i64,
    limit: i64,
    now: &str,
) -> Result<usize, StoreError> {
    let epoch = c.dialect().epoch;
    let rows = c
        .query(
            &format!(
                "SELECT id, reference FROM requests
                 WHERE status = 'closed' AND erased_at IS NULL
                   -- A request is closed only once resolved: its first resolution came
                   -- before its closing, so only those resolved before the cutoff are read.
                   AND resolved_ts < $1
                   AND (SELECT max({}) FROM events
                        WHERE events.request_id = requests.id AND kind = 'status'
                          AND events.status = 'closed') < $1
                 ORDER BY id LIMIT $2",
                epoch("events.at")
            ),
            params![cutoff, limit],
        )
        .await?;
    let mut references = Vec::new();
    for row in &rows {
        erase_one(c, row.get(0)?, now).await?;
        references.push(row.get::<String>(1)?);
    }
    if !references.is_empty() {
        let detail = format!("{} requests closed past their retention", references.len());
        audit::record(c, now, "retention", Action::Erasure, &references.join(" "), &detail).await?;
    }
    Ok(references.len())
}

/// Everything kept of the customer given by `contact`, request by request (as their status
/// look-up shows each), for a lead to hand over; the export is in the audit trail.
pub async fn customer_data(
    c: &impl Conn,
    contact: &str,
    actor: &str,
    now: &str,
) -> Result<Vec<CustomerView>, StoreError> {
    let requests = requests_of(c, contact).await?;
    let mut views = Vec::new();
    for (_, reference) in &requests {
        if let Some(view) = timeline::customer_view(c, reference).await? {
            views.push(view);
        }
    }
    let references: Vec<&str> = requests.iter().map(|(_, r)| r.as_str()).collect();
    let detail = format!("{} requests, one customer's data", requests.len());
    audit::record(c, now, actor, Action::Export, &references.join(" "), &detail).await?;
    Ok(views)
}
