//! What happens to a request after it is filed: the timeline of events and a request's full
//! record. Status changes are checked against core's state machine inside the write, with
//! the request's row held ([`super::sql::Dialect::lock_rows`]), so two desks changing one
//! request at once cannot both pass the check.

use chrono::{DateTime, FixedOffset};
pub use shouhou_core::desk::{
    Entry, EventRequest, PartsAwaited, PublicEntry, PublicVisit, RequestDetail,
};
use shouhou_core::escalation::is_escalated;
use shouhou_core::notice::Happening;
use shouhou_core::product::ProductRecord;
use shouhou_core::quality::Findings;
use shouhou_core::{transition_allowed, EntryKind, PhotoRef, Status, WarrantyStatus};

use super::error::StoreError;
use super::notices::{self, Telling};
use super::requests::{find, stored_request};
use super::sql::{params, Conn, Row};
use super::types::StoredRequest;
use super::visits::{self, Booked};
use super::{facts, products, staff};

fn some_text(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// What an event changes on its request besides its timeline, for the store to apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    None,
    /// Core's status machine allowed it from the status the store read (and holds locked).
    Status(Status),
    /// To a login the store must still find active ([`StoreError::UnknownStaff`] if not).
    Assign(String),
    /// The new promise; the first one is kept (`first_reply_by`).
    ReplyBy(String),
    /// Resolved (core allowed it), with what the repair found and used.
    Resolve(Findings),
}

/// A timeline entry with nothing in it yet but its kind, time and author.
pub fn blank_entry(kind: EntryKind, actor: Option<&str>, now: &str) -> Entry {
    Entry {
        id: 0,
        at: now.to_string(),
        kind,
        actor: actor.map(str::to_string),
        public: kind.is_public(),
        text: None,
        status: None,
        satisfaction: None,
        outcome: None,
        reply_by: None,
        to: None,
        photos: Vec::new(),
        findings: None,
        visit: None,
    }
}

/// The entry `event` makes on a request now in `current`, and what it changes: core's status
/// machine, trimmed texts.
pub fn event_entry(
    current: Status,
    event: &EventRequest,
    actor: Option<&str>,
    now: &str,
) -> Result<(Entry, Change), StoreError> {
    let mut entry = blank_entry(event.kind(), actor, now);
    let change = match event {
        EventRequest::Status { status } => {
            if !transition_allowed(current, *status) {
                return Err(StoreError::TransitionNotAllowed { from: current, to: *status });
            }
            entry.status = Some(*status);
            Change::Status(*status)
        }
        EventRequest::Assign { to } => {
            entry.to = Some(to.clone());
            Change::Assign(to.clone())
        }
        EventRequest::Reply { text } | EventRequest::Note { text } => {
            entry.text = some_text(text);
            Change::None
        }
        EventRequest::FollowUp { outcome, satisfaction, text } => {
            entry.outcome = Some(outcome.as_str().to_string());
            entry.satisfaction = *satisfaction;
            entry.text = some_text(text);
            Change::None
        }
        EventRequest::ReplyBy { at } => {
            entry.reply_by = Some(at.clone());
            Change::ReplyBy(at.clone())
        }
        EventRequest::Resolve { fault_cause, parts } => {
            if !transition_allowed(current, Status::Resolved) {
                return Err(StoreError::TransitionNotAllowed {
                    from: current,
                    to: Status::Resolved,
                });
            }
            let findings = Findings { fault_cause: fault_cause.clone(), parts: parts.clone() };
            entry.status = Some(Status::Resolved);
            entry.findings = Some(findings.clone());
            Change::Resolve(findings)
        }
        // Judged with the configuration, so the HTTP layer hands it to [`confirm_warranty`].
        EventRequest::ConfirmWarranty { delivered_on } => {
            entry.outcome = Some(delivered_on.clone());
            Change::None
        }
        // The visit itself is the store's to change ([`visits::apply`]); the entry says
        // which change it was, with the note or the reason.
        EventRequest::Visit { note, .. } => {
            entry.outcome = Some("scheduled".into());
            entry.text = some_text(note);
            Change::None
        }
        EventRequest::MoveVisit { reason, .. } => {
            entry.outcome = Some("moved".into());
            entry.text = some_text(reason);
            Change::None
        }
        EventRequest::CancelVisit { reason, .. } => {
            entry.outcome = Some("cancelled".into());
            entry.text = some_text(reason);
            Change::None
        }
        // What the report's result does to the status is known once the store has read it.
        EventRequest::VisitReport { .. } => {
            entry.outcome = Some("reported".into());
            Change::None
        }
    };
    Ok((entry, change))
}

/// The request's row id and status, held for the rest of the write.
pub(super) async fn lock_request(
    c: &impl Conn,
    reference: &str,
) -> Result<Option<(i64, Status)>, StoreError> {
    let sql =
        format!("SELECT id, status FROM requests WHERE reference = $1{}", c.dialect().lock_rows);
    let Some(row) = c.query_opt(&sql, params![reference]).await? else { return Ok(None) };
    let status: String = row.get(1)?;
    Ok(Some((row.get(0)?, Status::parse(&status).unwrap_or(Status::Received))))
}

/// Adds one event and applies what it changes on the request (status, assignee, reply-by).
pub async fn add_event(
    c: &impl Conn,
    reference: &str,
    event: &EventRequest,
    actor: Option<&str>,
    now: &str,
    telling: &Telling,
) -> Result<Entry, StoreError> {
    let (request_id, current) = lock_request(c, reference).await?.ok_or(StoreError::NotFound)?;
    if let EventRequest::VisitReport { visit, report, .. } = event {
        visits::may_join(c, request_id, *visit, actor).await?;
        if let Some(id) = visits::reported_entry(c, request_id, *visit, report).await? {
            return self::entry(c, id).await;
        }
    }
    let (mut entry, change) = event_entry(current, event, actor, now)?;
    let before = facts::snapshot(c, request_id).await?;
    let closed = change == Change::Status(Status::Closed);
    apply_change(c, request_id, change).await?;
    let booked = visits::apply(c, request_id, current, event, now).await?;
    entry.visit = booked.as_ref().map(|booked| booked.record.clone());
    // A report that moves the request is a change of status, as the customer sees it.
    if let Some(status) = booked.as_ref().and_then(|b| b.status).filter(|s| *s != current) {
        apply_change(c, request_id, Change::Status(status)).await?;
        entry.kind = EntryKind::Status;
        entry.status = Some(status);
        entry.public = true;
    }
    insert_entry(c, request_id, &mut entry).await?;
    facts::settle(c, &before, &facts::snapshot(c, request_id).await?).await?;
    tell(c, telling, request_id, reference, &entry, current).await?;
    if let Some(Booked { window, told: Some(happening), .. }) = booked {
        let args = serde_json::json!({ "at": window.from, "until": window.to });
        let cause = format!("event:{}", entry.id);
        notices::queue(
            c,
            telling,
            notices::About::Stored(request_id),
            &cause,
            happening,
            args,
            epoch(now),
        )
        .await?;
    }
    // A closed request about a unit makes or completes the unit's archive record.
    if closed {
        let json: String =
            c.value("SELECT request_json FROM requests WHERE id = $1", params![request_id]).await?;
        products::complete_from_request(c, &stored_request(&json)?, now).await?;
    }
    Ok(entry)
}

/// Staff confirmed a customer's invoice or delivery note: the timeline says so (with the date
/// read from it), the request's warranty is as `judged` from that date (the figures keep
/// what was judged at filing), and the unit's archive record, when the request names one,
/// takes the date as its delivery.
pub async fn confirm_warranty(
    c: &impl Conn,
    reference: &str,
    delivered_on: &str,
    judged: Option<WarrantyStatus>,
    actor: &str,
    now: &str,
) -> Result<Entry, StoreError> {
    let (request_id, _) = lock_request(c, reference).await?.ok_or(StoreError::NotFound)?;
    let json: String =
        c.value("SELECT request_json FROM requests WHERE id = $1", params![request_id]).await?;
    let mut request = stored_request(&json)?;
    if let Some(judged) = judged {
        request.warranty = Some(judged);
        let json = serde_json::to_string(&request).expect("a valid request serialises");
        c.execute(
            "UPDATE requests SET request_json = $1 WHERE id = $2",
            params![&json, request_id],
        )
        .await?;
    }
    if let Some(mut seen) = ProductRecord::from_request(&request) {
        seen.delivered_on = delivered_on.to_string();
        let record = match products::get(c, &seen.product_line, &seen.serial_number).await? {
            Some(mut known) => {
                known.delivered_on = delivered_on.to_string();
                known.complete_from(&seen);
                known
            }
            None => seen,
        };
        // On the audit trail like any other change to the archive.
        products::edit(c, record, actor, now).await?;
    }
    let mut entry = blank_entry(EntryKind::Warranty, Some(actor), now);
    entry.outcome = Some(delivered_on.to_string());
    insert_entry(c, request_id, &mut entry).await?;
    Ok(entry)
}

/// Queues what a new entry tells the customer and the team (core's rule), and shows it on
/// the live desk, in the entry's own transaction.
pub(super) async fn tell(
    c: &impl Conn,
    telling: &Telling,
    request_id: i64,
    reference: &str,
    entry: &Entry,
    before: Status,
) -> Result<(), StoreError> {
    let at = epoch(&entry.at);
    let happening = Happening::Entry {
        kind: entry.kind,
        status: entry.status,
        by_staff: entry.actor.is_some(),
        rating: entry.satisfaction,
        before,
    };
    let args = serde_json::json!({
        "at": entry.reply_by.as_deref().map(epoch),
        "rating": entry.satisfaction,
    });
    let cause = format!("event:{}", entry.id);
    notices::queue(c, telling, notices::About::Stored(request_id), &cause, happening, args, at)
        .await?;
    notices::desk_changed(c, reference, "event", at).await
}

/// An RFC 3339 time as Unix seconds (0 for one that does not read).
pub(super) fn epoch(at: &str) -> i64 {
    DateTime::parse_from_rfc3339(at).map_or(0, |time| time.timestamp())
}

pub(super) async fn apply_change(
    c: &impl Conn,
    request_id: i64,
    change: Change,
) -> Result<(), StoreError> {
    match change {
        Change::None => {}
        Change::Status(status) => {
            c.execute(
                "UPDATE requests SET status = $1 WHERE id = $2",
                params![status.as_str(), request_id],
            )
            .await?;
        }
        Change::Assign(to) => {
            if !staff::is_active(c, &to).await? {
                return Err(StoreError::UnknownStaff);
            }
            c.execute(
                "UPDATE requests SET assigned_to = $1 WHERE id = $2",
                params![&to, request_id],
            )
            .await?;
        }
        Change::Resolve(findings) => {
            let parts = serde_json::to_string(&findings.parts).expect("parts serialise");
            c.execute(
                "UPDATE requests SET status = $1, fault_cause = $2, parts_json = $3 WHERE id = $4",
                params![
                    Status::Resolved.as_str(),
                    findings.fault_cause.as_deref(),
                    &parts,
                    request_id
                ],
            )
            .await?;
        }
        Change::ReplyBy(at) => {
            c.execute(
                "UPDATE requests SET first_reply_by = COALESCE(first_reply_by, reply_by),
                                     reply_by = $1 WHERE id = $2",
                params![&at, request_id],
            )
            .await?;
        }
    }
    Ok(())
}

/// Writes `entry` on the request's timeline and sets its `id`.
pub(super) async fn insert_entry(
    c: &impl Conn,
    request_id: i64,
    entry: &mut Entry,
) -> Result<(), StoreError> {
    entry.id = c
        .value(
            "INSERT INTO events (request_id, at, kind, actor, public, text, status, satisfaction,
                                 outcome, reply_by, assigned_to, findings_json, visit_json)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            params![
                request_id,
                &entry.at,
                entry.kind.as_str(),
                entry.actor.as_deref(),
                entry.public,
                entry.text.as_deref(),
                entry.status.map(Status::as_str),
                entry.satisfaction,
                entry.outcome.as_deref(),
                entry.reply_by.as_deref(),
                entry.to.as_deref(),
                entry
                    .findings
                    .as_ref()
                    .map(|f| serde_json::to_string(f).expect("findings serialise")),
                entry.visit.as_ref().map(|v| serde_json::to_string(v).expect("a visit serialises")),
            ],
        )
        .await?;
    Ok(())
}

const ENTRY_COLUMNS: &str = "id, at, kind, actor, public, text, status, satisfaction, outcome, \
                             reply_by, assigned_to, findings_json, visit_json";

fn entry_from(row: &Row) -> Result<Entry, StoreError> {
    let kind: String = row.get(2)?;
    let status: Option<String> = row.get(6)?;
    Ok(Entry {
        id: row.get(0)?,
        at: row.get(1)?,
        kind: EntryKind::parse(&kind)
            .ok_or_else(|| StoreError::Data(format!("unknown entry kind {kind:?}")))?,
        actor: row.get(3)?,
        public: row.get(4)?,
        text: row.get(5)?,
        status: status.as_deref().and_then(Status::parse),
        satisfaction: row.get(7)?,
        outcome: row.get(8)?,
        reply_by: row.get(9)?,
        to: row.get(10)?,
        photos: Vec::new(),
        findings: row
            .get::<Option<String>>(11)?
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Data(format!("an entry's findings: {e}")))?,
        visit: row
            .get::<Option<String>>(12)?
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Data(format!("an entry's visit: {e}")))?,
    })
}

/// The descriptions of the photos customers' messages brought, with the entry each belongs
/// to, oldest first: `column` is `event_id` or `request_id`.
async fn event_photos(
    c: &impl Conn,
    column: &str,
    id: i64,
) -> Result<Vec<(i64, PhotoRef)>, StoreError> {
    let rows = c
        .query(
            &format!(
                "SELECT event_id, photo_id, content_type, bytes, width, height FROM photos
                 WHERE {column} = $1 AND event_id IS NOT NULL ORDER BY id"
            ),
            params![id],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.get(0)?,
                PhotoRef {
                    id: row.get(1)?,
                    content_type: row.get(2)?,
                    bytes: row.get(3)?,
                    width: row.get(4)?,
                    height: row.get(5)?,
                },
            ))
        })
        .collect()
}

/// One entry by its id, with the photos it brought.
pub(super) async fn entry(c: &impl Conn, id: i64) -> Result<Entry, StoreError> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM events WHERE id = $1");
    let row = c.query_opt(&sql, params![id]).await?.ok_or(StoreError::NotFound)?;
    let mut entry = entry_from(&row)?;
    entry.photos = event_photos(c, "event_id", id).await?.into_iter().map(|(_, p)| p).collect();
    Ok(entry)
}

/// A request's timeline, oldest first; only what the customer may see when `public_only`.
pub async fn timeline(
    c: &impl Conn,
    request_id: i64,
    public_only: bool,
) -> Result<Vec<Entry>, StoreError> {
    let sql = format!(
        "SELECT {ENTRY_COLUMNS} FROM events WHERE request_id = $1 AND (public = true OR $2 = false)
         ORDER BY id"
    );
    let rows = c.query(&sql, params![request_id, public_only]).await?;
    let mut entries = rows.iter().map(entry_from).collect::<Result<Vec<_>, _>>()?;
    for (event_id, photo) in event_photos(c, "request_id", request_id).await? {
        if let Some(entry) = entries.iter_mut().find(|entry| entry.id == event_id) {
            entry.photos.push(photo);
        }
    }
    Ok(entries)
}

/// Everything about one request, for the desk; its flags as core decides them at `now`.
pub async fn detail(
    c: &impl Conn,
    reference: &str,
    now: DateTime<FixedOffset>,
) -> Result<Option<RequestDetail>, StoreError> {
    let sql = "SELECT id, reference, status, created_at, reply_by, first_reply_by, assigned_to,
                      request_json, reply_by_ts, escalates_ts, answered_ts
               FROM requests WHERE reference = $1";
    let Some(row) = c.query_opt(sql, params![reference]).await? else { return Ok(None) };
    let status: String = row.get(2)?;
    let status = Status::parse(&status).unwrap_or(Status::Received);
    let now = now.timestamp();
    let reply_by_ts: Option<i64> = row.get(8)?;
    let escalates_ts: Option<i64> = row.get(9)?;
    let answered = row.get::<Option<i64>>(10)?.is_some();
    Ok(Some(RequestDetail {
        reference: row.get(1)?,
        status,
        next_statuses: status.next().to_vec(),
        created_at: row.get(3)?,
        reply_by: row.get(4)?,
        first_reply_by: row.get(5)?,
        overdue: status.awaits_team() && reply_by_ts.is_some_and(|at| at < now),
        escalated: escalates_ts.is_some_and(|at| is_escalated(status, answered, at, now)),
        assigned_to: row.get(6)?,
        request: stored_request(&row.get::<String>(7)?)?,
        timeline: timeline(c, row.get(0)?, false).await?,
        product: None,
        entitlement: None,
        history: Default::default(),
    }))
}

/// What the customer's status look-up shows beyond the request itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerView {
    pub stored: StoredRequest,
    pub timeline: Vec<PublicEntry>,
    pub can_reply: bool,
    pub can_rate: bool,
    /// The next booked visit, when there is one.
    pub visit: Option<PublicVisit>,
    /// What the request waits for, while it is `waiting_parts`.
    pub parts: Option<PartsAwaited>,
}

impl CustomerView {
    /// The look-up's answer (and a customer's data export's, one per request): the request
    /// as stored, its public timeline, what the customer may do, the next visit.
    pub fn to_json(&self) -> serde_json::Value {
        let mut body = serde_json::to_value(&self.stored).expect("a stored request serialises");
        body["timeline"] = serde_json::json!(self.timeline);
        body["can_reply"] = serde_json::json!(self.can_reply);
        body["can_rate"] = serde_json::json!(self.can_rate);
        if let Some(visit) = &self.visit {
            body["visit"] = serde_json::json!(visit);
        }
        if let Some(parts) = &self.parts {
            body["parts"] = serde_json::json!(parts);
        }
        body
    }
}

/// The customer's status look-up: the request, its public timeline, what they may do now.
pub async fn customer_view(
    c: &impl Conn,
    reference: &str,
) -> Result<Option<CustomerView>, StoreError> {
    let Some(stored) = find(c, reference).await? else { return Ok(None) };
    let id: i64 =
        c.value("SELECT id FROM requests WHERE reference = $1", params![reference]).await?;
    let mut view = public_view(stored, timeline(c, id, true).await?);
    view.visit = visits::next_for_customer(c, id).await?.as_ref().map(PublicVisit::from);
    if view.stored.status == Status::WaitingParts.as_str() {
        view.parts = visits::parts_awaited(c, id).await?;
    }
    Ok(Some(view))
}

/// What the customer sees of a request and its timeline, and what they may do now (core's
/// rules).
pub fn public_view(stored: StoredRequest, entries: Vec<Entry>) -> CustomerView {
    let timeline: Vec<PublicEntry> = entries
        .into_iter()
        .filter(|entry| entry.public && entry.kind.is_public())
        .map(|entry| PublicEntry {
            at: entry.at,
            kind: entry.kind,
            text: entry.text,
            status: entry.status,
            reply_by: entry.reply_by,
            rating: entry.satisfaction.filter(|_| entry.kind == EntryKind::Rating),
        })
        .collect();
    let status = Status::parse(&stored.status).unwrap_or(Status::Received);
    let rated = timeline.iter().any(|entry| entry.kind == EntryKind::Rating);
    CustomerView {
        can_reply: status.customer_may_reply(),
        can_rate: status.customer_may_rate() && !rated,
        stored,
        timeline,
        visit: None,
        parts: None,
    }
}
