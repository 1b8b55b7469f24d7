//! Requests with their timelines written as they stand, many per statement: for a tool that
//! fills a store with a history (the desk's benchmark, `scripts/bench-desk.sh`) or brings one
//! over from elsewhere. Only the rows are written; [`super::facts::rebuild`] then derives
//! what the desk reads by, as it does for a store upgraded from an earlier version.

use std::collections::BTreeMap;

use chrono::SecondsFormat;
use shouhou_core::reference::new_reference;
use shouhou_core::{Status, WarrantyStatus};

use super::error::StoreError;
use super::requests::Draw;
use super::sql::{Conn, Value};
use super::timeline::Entry;
use super::types::NewRequest;

/// A request as it stands after its history: filed as `new` (its photos are not written),
/// now in `status`, and every entry of its timeline, oldest first.
pub struct PastRequest {
    pub new: NewRequest,
    pub status: Status,
    pub assigned_to: Option<String>,
    /// The current promise, once a later one replaced the first.
    pub reply_by: Option<String>,
    pub timeline: Vec<Entry>,
}

/// How many rows one INSERT carries: well under both databases' limit of parameters.
const ROWS_PER_INSERT: usize = 500;

/// Writes the requests and their timelines. Keys already stored are refused whole.
pub async fn insert(c: &impl Conn, past: &[PastRequest], draw: Draw<'_>) -> Result<(), StoreError> {
    let mut ids: BTreeMap<String, i64> = BTreeMap::new();
    for chunk in past.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value<'_>> = Vec::new();
        let mut tuples = Vec::new();
        for request in chunk {
            let new = &request.new;
            let filed = &new.request;
            let created_at = new.now.to_rfc3339_opts(SecondsFormat::Secs, false);
            let first_promise = new.reply_by.to_rfc3339_opts(SecondsFormat::Secs, false);
            let (reply_by, first_reply_by) = match &request.reply_by {
                Some(later) => (later.clone(), Some(first_promise)),
                None => (first_promise, None),
            };
            let row: [Value<'_>; 19] = [
                new_reference(&new.now.format("%Y%m%d").to_string(), draw()).into(),
                new.idempotency_key.as_str().into(),
                request.status.as_str().into(),
                filed.intent.as_str().into(),
                filed.product_line.as_str().into(),
                filed.full_name.as_str().into(),
                filed.phone.as_str().into(),
                filed.email.as_deref().into(),
                filed.description.as_str().into(),
                serde_json::to_string(filed).expect("a valid request serialises").into(),
                created_at.into(),
                reply_by.into(),
                first_reply_by.into(),
                filed.category.map(|c| c.as_str()).into(),
                filed.priority.map(|p| p.as_str()).into(),
                serde_json::to_string(&filed.details).expect("details serialise").into(),
                filed.warranty.as_ref().map(WarrantyStatus::as_str).into(),
                new.submitted_json.as_str().into(),
                request.assigned_to.as_deref().into(),
            ];
            tuples.push(places(values.len(), row.len()));
            values.extend(row);
        }
        let sql = format!(
            "INSERT INTO requests (reference, idempotency_key, status, intent, product_line,
                                   full_name, phone, email, description, request_json,
                                   created_at, reply_by, first_reply_by, category, priority,
                                   details_json, warranty, submitted_json, assigned_to)
             VALUES {} RETURNING id, idempotency_key",
            tuples.join(", ")
        );
        for row in c.query(&sql, &values).await? {
            ids.insert(row.get(1)?, row.get(0)?);
        }
    }
    let entries: Vec<(i64, &Entry)> = past
        .iter()
        .flat_map(|request| {
            let id = ids[&request.new.idempotency_key];
            request.timeline.iter().map(move |entry| (id, entry))
        })
        .collect();
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let mut values: Vec<Value<'_>> = Vec::new();
        let mut tuples = Vec::new();
        for (id, entry) in chunk {
            let row: [Value<'_>; 11] = [
                (*id).into(),
                entry.at.as_str().into(),
                entry.kind.as_str().into(),
                entry.actor.as_deref().into(),
                entry.public.into(),
                entry.text.as_deref().into(),
                entry.status.map(Status::as_str).into(),
                entry.satisfaction.into(),
                entry.outcome.as_deref().into(),
                entry.reply_by.as_deref().into(),
                entry.to.as_deref().into(),
            ];
            tuples.push(places(values.len(), row.len()));
            values.extend(row);
        }
        let sql = format!(
            "INSERT INTO events (request_id, at, kind, actor, public, text, status, satisfaction,
                                 outcome, reply_by, assigned_to)
             VALUES {}",
            tuples.join(", ")
        );
        c.execute(&sql, &values).await?;
    }
    Ok(())
}

/// `($n, $n+1, …)` for a row of `len` parameters after `before` others.
fn places(before: usize, len: usize) -> String {
    let places: Vec<String> = (before + 1..=before + len).map(|n| format!("${n}")).collect();
    format!("({})", places.join(", "))
}
