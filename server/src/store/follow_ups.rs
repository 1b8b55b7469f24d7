//! The follow-up list (回访): the requests first resolved on the days given and not followed
//! up yet, oldest first, each with what the caller needs. Which days is core's
//! ([`shouhou_core::follow_up::FollowUpSettings::due_between`]), and so is what a follow-up
//! is ([`shouhou_core::follow_up::call_done`], kept on the request as `followed_up`): a call
//! nobody answered leaves the request on the list.

use std::collections::BTreeMap;

use shouhou_core::follow_up::DueCall;
use shouhou_core::quality::Findings;
use shouhou_core::Intent;

use super::error::StoreError;
use super::sql::{params, Conn, Row};

/// The most one list holds: a day's calls for a team, and an answer of a few hundred
/// kilobytes at most. The oldest come first, so none is left out for good.
pub const MAX_CALLS: i64 = 500;

/// The requests first resolved from `from` to `to` (days, inclusive), still resolved or
/// closed, not followed up: the oldest resolution first.
pub async fn due_calls(c: &impl Conn, from: &str, to: &str) -> Result<Vec<DueCall>, StoreError> {
    // Read by `requests_to_call`, whose condition this repeats word for word.
    let rows = c
        .query(
            "SELECT r.reference, r.full_name, r.phone, r.intent, r.product_line, r.details_json,
                    r.fault_cause, r.parts_json,
                    (SELECT e.at FROM events e WHERE e.request_id = r.id AND e.kind = 'status'
                       AND e.status = 'resolved' ORDER BY e.id LIMIT 1),
                    (SELECT e.text FROM events e WHERE e.request_id = r.id AND e.kind = 'reply'
                       ORDER BY e.id DESC LIMIT 1),
                    (SELECT count(*) FROM events e WHERE e.request_id = r.id
                       AND e.kind = 'follow_up' AND e.outcome = 'no_answer')
             FROM requests r
             WHERE r.resolved_day BETWEEN $1 AND $2
               AND NOT r.followed_up AND r.status IN ('resolved', 'closed')
             ORDER BY r.resolved_day, r.resolved_ts, r.id LIMIT $3",
            params![from, to, MAX_CALLS],
        )
        .await?;
    rows.iter().map(due_call).collect()
}

fn due_call(row: &Row) -> Result<DueCall, StoreError> {
    let intent: String = row.get(3)?;
    let details: BTreeMap<String, String> = row
        .get::<Option<String>>(5)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let parts = match row.get::<Option<String>>(7)? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Data(format!("a request's parts: {e}")))?,
        None => Vec::new(),
    };
    Ok(DueCall {
        reference: row.get(0)?,
        full_name: row.get(1)?,
        phone: row.get(2)?,
        intent: Intent::parse(&intent)
            .ok_or_else(|| StoreError::Data(format!("a request's intent: {intent}")))?,
        product_line: row.get(4)?,
        model: details.get("model").cloned(),
        findings: Findings { fault_cause: row.get(6)?, parts },
        resolved_at: row.get::<Option<String>>(8)?.unwrap_or_default(),
        last_reply: row.get(9)?,
        unanswered: row.get(10)?,
    })
}
