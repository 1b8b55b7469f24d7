//! What happens to a request after it is filed: the timeline of events, the staff inbox
//! and a request's full record. Status changes are checked against core's state machine
//! inside the write, so two desks changing one request at once cannot both pass the check.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
pub use shouhou_core::desk::{
    Entry, EventRequest, Inbox, InboxFilter, InboxRow, PublicEntry, RequestDetail, INBOX_LIMIT,
};
use shouhou_core::{transition_allowed, EntryKind, PhotoRef, Status, ValidRequest};

use super::{staff, StoreError};

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
    }
}

/// The entry `event` makes on a request now in `current`, and what it changes: the rules
/// (core's status machine, trimmed texts) both stores apply the same way.
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
            entry.outcome = some_text(outcome);
            entry.satisfaction = *satisfaction;
            entry.text = some_text(text);
            Change::None
        }
        EventRequest::ReplyBy { at } => {
            entry.reply_by = Some(at.clone());
            Change::ReplyBy(at.clone())
        }
        // Refused before the store (the HTTP layer's check).
        EventRequest::Resolve { .. } | EventRequest::ConfirmWarranty { .. } => Change::None,
    };
    Ok((entry, change))
}

/// Adds one event and applies what it changes on the request (status, assignee, reply-by).
pub fn add_event(
    conn: &Connection,
    reference: &str,
    event: &EventRequest,
    actor: Option<&str>,
    now: &str,
) -> Result<Entry, StoreError> {
    let (request_id, current): (i64, String) = conn
        .query_row("SELECT id, status FROM requests WHERE reference = ?1", [reference], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?
        .ok_or(StoreError::NotFound)?;
    let current = Status::parse(&current).unwrap_or(Status::Received);
    let (mut entry, change) = event_entry(current, event, actor, now)?;
    match change {
        Change::None => {}
        Change::Status(status) => {
            conn.execute(
                "UPDATE requests SET status = ?1 WHERE id = ?2",
                params![status.as_str(), request_id],
            )?;
        }
        Change::Assign(to) => {
            if !staff::is_active(conn, &to)? {
                return Err(StoreError::UnknownStaff);
            }
            conn.execute(
                "UPDATE requests SET assigned_to = ?1 WHERE id = ?2",
                params![to, request_id],
            )?;
        }
        Change::ReplyBy(at) => {
            conn.execute(
                "UPDATE requests SET first_reply_by = COALESCE(first_reply_by, reply_by),
                                     reply_by = ?1 WHERE id = ?2",
                params![at, request_id],
            )?;
        }
    }
    insert_entry(conn, request_id, &mut entry)?;
    Ok(entry)
}

/// Writes `entry` on the request's timeline and sets its `id`.
pub(super) fn insert_entry(
    conn: &Connection,
    request_id: i64,
    entry: &mut Entry,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO events (request_id, at, kind, actor, public, text, status, satisfaction,
                             outcome, reply_by, assigned_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            request_id,
            entry.at,
            entry.kind.as_str(),
            entry.actor,
            entry.public,
            entry.text,
            entry.status.map(Status::as_str),
            entry.satisfaction,
            entry.outcome,
            entry.reply_by,
            entry.to,
        ],
    )?;
    entry.id = conn.last_insert_rowid();
    Ok(())
}

const ENTRY_COLUMNS: &str =
    "id, at, kind, actor, public, text, status, satisfaction, outcome, reply_by, assigned_to";

fn entry_from(row: &Row<'_>) -> rusqlite::Result<Entry> {
    let kind: String = row.get(2)?;
    let status: Option<String> = row.get(6)?;
    Ok(Entry {
        id: row.get(0)?,
        at: row.get(1)?,
        kind: EntryKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, kind.into())
        })?,
        actor: row.get(3)?,
        public: row.get(4)?,
        text: row.get(5)?,
        status: status.as_deref().and_then(Status::parse),
        satisfaction: row.get(7)?,
        outcome: row.get(8)?,
        reply_by: row.get(9)?,
        to: row.get(10)?,
        photos: Vec::new(),
        findings: None,
    })
}

/// One entry by its id, with the photos it brought.
pub(super) fn entry(conn: &Connection, id: i64) -> Result<Entry, StoreError> {
    let mut entry = conn.query_row(
        &format!("SELECT {ENTRY_COLUMNS} FROM events WHERE id = ?1"),
        [id],
        entry_from,
    )?;
    entry.photos = event_photos(conn, "event_id = ?1", id)?.into_iter().map(|(_, p)| p).collect();
    Ok(entry)
}

/// The descriptions of the photos customers' messages brought, with the entry each belongs
/// to, oldest first: `filter` is `event_id = ?1` or `request_id = ?1`.
fn event_photos(
    conn: &Connection,
    filter: &str,
    id: i64,
) -> Result<Vec<(i64, PhotoRef)>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT event_id, photo_id, content_type, bytes, width, height FROM photos
         WHERE {filter} AND event_id IS NOT NULL ORDER BY id"
    ))?;
    let rows = statement.query_map([id], |row| {
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
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A request's timeline, oldest first; only what the customer may see when `public_only`.
pub fn timeline(
    conn: &Connection,
    request_id: i64,
    public_only: bool,
) -> Result<Vec<Entry>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {ENTRY_COLUMNS} FROM events WHERE request_id = ?1 AND (public = 1 OR ?2 = 0)
         ORDER BY id"
    ))?;
    let rows = statement.query_map(params![request_id, public_only], entry_from)?;
    let mut entries: Vec<Entry> = rows.collect::<Result<_, _>>()?;
    for (event_id, photo) in event_photos(conn, "request_id = ?1", request_id)? {
        if let Some(entry) = entries.iter_mut().find(|entry| entry.id == event_id) {
            entry.photos.push(photo);
        }
    }
    Ok(entries)
}

/// Where the stores' SQL differs, for the inbox's query; everything else is one text.
pub(crate) struct Dialect {
    /// The nth parameter, from 1 (`?1`, `$1`): one argument may stand in several places.
    pub param: fn(usize) -> String,
    /// `column` matches the pattern parameter, ignoring ASCII case, `\` escaping `%` and `_`.
    pub like: fn(&str, &str) -> String,
    pub serial_number: &'static str,
    pub always: &'static str,
    pub overdue: fn(i64) -> String,
    /// `reply_by` (RFC 3339 text) as a time, to sort by.
    pub reply_by_time: &'static str,
}

pub(crate) const SQLITE: Dialect = Dialect {
    param: |n| format!("?{n}"),
    like: |column, pattern| format!("{column} LIKE {pattern} ESCAPE '\\'"),
    serial_number: "json_extract(details_json, '$.serial_number')",
    always: "1",
    overdue: overdue_sql,
    reply_by_time: "unixepoch(reply_by)",
};

/// The SQL that says a request is overdue at `now` (whole seconds, so it can be inlined).
fn overdue_sql(now: i64) -> String {
    format!("(status IN ('received', 'in_progress') AND unixepoch(reply_by) < {now})")
}

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The desk's inbox filter as SQL: the clauses and their text arguments, in a store's dialect.
pub(crate) struct InboxQuery {
    dialect: &'static Dialect,
    now: i64,
    clauses: Vec<String>,
    pub args: Vec<String>,
}

impl InboxQuery {
    /// Everything but the status, so the per-status counts can be taken first.
    pub fn new(filter: &InboxFilter, me: &str, now: i64, dialect: &'static Dialect) -> InboxQuery {
        let mut query = InboxQuery { dialect, now, clauses: Vec::new(), args: Vec::new() };
        for (column, value) in [
            ("product_line", &filter.product_line),
            ("intent", &filter.intent),
            ("category", &filter.category),
            ("priority", &filter.priority),
        ] {
            if let Some(value) = value {
                let param = query.arg(value.clone());
                query.clauses.push(format!("{column} = {param}"));
            }
        }
        match filter.assigned.as_deref() {
            None => {}
            Some("none") => query.clauses.push("assigned_to IS NULL".into()),
            Some(login) => {
                let login = if login == "me" { me } else { login };
                let param = query.arg(login.to_string());
                query.clauses.push(format!("assigned_to = {param}"));
            }
        }
        match filter.overdue {
            Some(true) => query.clauses.push((dialect.overdue)(now)),
            Some(false) => query.clauses.push(format!("NOT {}", (dialect.overdue)(now))),
            None => {}
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let param = query.arg(like(q));
            let mut any: Vec<String> =
                ["reference", "full_name", "phone", dialect.serial_number, "description"]
                    .iter()
                    .map(|column| (dialect.like)(column, &param))
                    .collect();
            // A phone number typed with spaces or dashes still finds the stored E.164 form.
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 4 && digits.len() != q.len() {
                let param = query.arg(like(&digits));
                any.push((dialect.like)("phone", &param));
            }
            query.clauses.push(format!("({})", any.join(" OR ")));
        }
        query
    }

    fn arg(&mut self, value: String) -> String {
        self.args.push(value);
        (self.dialect.param)(self.args.len())
    }

    pub fn with_status(&mut self, status: Option<Status>) {
        if let Some(status) = status {
            let param = self.arg(status.as_str().into());
            self.clauses.push(format!("status = {param}"));
        }
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            self.dialect.always.into()
        } else {
            self.clauses.join(" AND ")
        }
    }

    pub fn counts_sql(&self) -> String {
        format!("SELECT status, count(*) FROM requests WHERE {} GROUP BY status", self.where_sql())
    }

    pub fn total_sql(&self) -> String {
        format!("SELECT count(*) FROM requests WHERE {}", self.where_sql())
    }

    /// The rows shown: overdue first, then by the promised reply time.
    pub fn rows_sql(&self) -> String {
        let overdue = (self.dialect.overdue)(self.now);
        format!(
            "SELECT reference, status, intent, product_line, category, priority, full_name, phone,
                    created_at, reply_by, assigned_to, warranty, {overdue}
             FROM requests WHERE {}
             ORDER BY {overdue} DESC, {}, id LIMIT {INBOX_LIMIT}",
            self.where_sql(),
            self.dialect.reply_by_time
        )
    }
}

pub fn inbox(
    conn: &Connection,
    filter: &InboxFilter,
    me: &str,
    now: DateTime<FixedOffset>,
) -> Result<Inbox, StoreError> {
    let mut query = InboxQuery::new(filter, me, now.timestamp(), &SQLITE);
    let mut counts: BTreeMap<String, i64> =
        Status::ALL.iter().map(|status| (status.as_str().to_string(), 0)).collect();
    {
        let mut statement = conn.prepare(&query.counts_sql())?;
        let rows = statement.query_map(params_from_iter(query.args.iter()), |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (status, count) = row?;
            if let Some(status) = Status::parse(&status) {
                counts.insert(status.as_str().to_string(), count);
            }
        }
    }
    query.with_status(filter.status);
    let total: i64 =
        conn.query_row(&query.total_sql(), params_from_iter(query.args.iter()), |row| row.get(0))?;
    let mut statement = conn.prepare(&query.rows_sql())?;
    let rows = statement.query_map(params_from_iter(query.args.iter()), |row| {
        Ok(InboxRow {
            reference: row.get(0)?,
            status: row.get(1)?,
            intent: row.get(2)?,
            product_line: row.get(3)?,
            category: row.get(4)?,
            priority: row.get(5)?,
            full_name: row.get(6)?,
            phone: row.get(7)?,
            created_at: row.get(8)?,
            reply_by: row.get(9)?,
            assigned_to: row.get(10)?,
            warranty: row.get(11)?,
            overdue: row.get(12)?,
        })
    })?;
    let requests = rows.collect::<Result<_, _>>()?;
    Ok(Inbox { counts, total, requests })
}

pub fn detail(
    conn: &Connection,
    reference: &str,
    now: DateTime<FixedOffset>,
) -> Result<Option<RequestDetail>, StoreError> {
    let found = conn
        .query_row(
            &format!(
                "SELECT id, reference, status, created_at, reply_by, first_reply_by, assigned_to,
                        request_json, {}
                 FROM requests WHERE reference = ?1",
                overdue_sql(now.timestamp())
            ),
            [reference],
            |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, Option<String>>(5)?,
                    row.get::<_, Option<String>>(6)?,
                    row.get::<_, String>(7)?,
                    row.get::<_, bool>(8)?,
                ))
            },
        )
        .optional()?;
    let Some((
        id,
        reference,
        status,
        created_at,
        reply_by,
        first_reply_by,
        assigned_to,
        json,
        overdue,
    )) = found
    else {
        return Ok(None);
    };
    let request: ValidRequest = serde_json::from_str(&json).map_err(|error| {
        StoreError::Sqlite(rusqlite::Error::FromSqlConversionFailure(
            7,
            rusqlite::types::Type::Text,
            Box::new(error),
        ))
    })?;
    let status = Status::parse(&status).unwrap_or(Status::Received);
    Ok(Some(RequestDetail {
        reference,
        status,
        next_statuses: status.next().to_vec(),
        created_at,
        reply_by,
        first_reply_by,
        overdue,
        assigned_to,
        request,
        timeline: timeline(conn, id, false)?,
        product: None,
        entitlement: None,
        history: Default::default(),
    }))
}

/// A stored photo's content type and bytes.
pub fn photo(
    conn: &Connection,
    reference: &str,
    photo_id: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT photos.content_type, photos.data FROM photos
             JOIN requests ON requests.id = photos.request_id
             WHERE requests.reference = ?1 AND photos.photo_id = ?2",
            params![reference, photo_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?)
}

/// What the customer's status look-up shows beyond the request itself.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerView {
    pub stored: super::StoredRequest,
    pub timeline: Vec<PublicEntry>,
    pub can_reply: bool,
    pub can_rate: bool,
}

pub fn customer_view(
    conn: &Connection,
    reference: &str,
) -> Result<Option<CustomerView>, StoreError> {
    let Some(stored) = super::find_in(conn, reference)? else { return Ok(None) };
    let id: i64 =
        conn.query_row("SELECT id FROM requests WHERE reference = ?1", [reference], |r| r.get(0))?;
    Ok(Some(public_view(stored, timeline(conn, id, true)?)))
}

/// What the customer sees of a request and its timeline, and what they may do now (core's
/// rules): the same on both stores.
pub fn public_view(stored: super::StoredRequest, entries: Vec<Entry>) -> CustomerView {
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
    }
}
