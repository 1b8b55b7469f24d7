//! What the store keeps beside each request so that the desk never has to read a whole
//! history: the request's times as numbers (filed, promised, escalates, answered, resolved),
//! the figures' running counts per day, and the count of resolved and closed requests per
//! inbox filter.
//!
//! All of it follows from the request's row and its timeline by the pure functions here
//! ([`Snapshot::facts`], [`Snapshot::contributions`], [`Snapshot::archive_key`]), with core's
//! rules deciding what is an answer and when a request escalates. A write that changes a
//! request reads it before and after ([`snapshot`]) and applies the difference ([`settle`]);
//! [`rebuild`] derives everything from the rows alone (an upgraded store, a filled one), so
//! the running counts always equal a full recount of the same functions.
//!
//! What a request was filed as never changes, so the counts of requests filed (and of
//! deflections) per day are not kept by each create, which would make every create on every
//! instance update the same few rows: a day's are counted once it has passed
//! ([`super::report::settle_days`]), and the days since are counted live.

use std::collections::BTreeMap;

use chrono::DateTime;
use shouhou_core::escalation::escalates_at;
use shouhou_core::follow_up::call_done;
use shouhou_core::status::ReplyPromise;
use shouhou_core::{EntryKind, Intent, Status};

use super::error::StoreError;
use super::search::Words;
use super::sql::{params, Conn, Row, Value};

/// Unix seconds of an RFC 3339 time; a time that does not parse is none.
pub fn seconds(time: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(time).ok().map(|t| t.timestamp())
}

/// The day of an RFC 3339 time, in the offset it was written with (the server's own).
pub fn day(time: &str) -> String {
    time.get(..10).unwrap_or_default().to_string()
}

/// The day, in the offset of `like` (an RFC 3339 time), of Unix second `at`.
fn day_at(at: i64, like: &str) -> String {
    let offset = DateTime::parse_from_rfc3339(like).map(|t| *t.offset()).ok();
    match (DateTime::from_timestamp(at, 0), offset) {
        (Some(utc), Some(offset)) => utc.with_timezone(&offset).format("%Y-%m-%d").to_string(),
        _ => day(like),
    }
}

/// A request's own columns that its facts follow from.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRow {
    pub id: i64,
    pub intent: String,
    pub status: String,
    pub product_line: String,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub assigned_to: Option<String>,
    pub created_at: String,
    pub reply_by: String,
    pub first_reply_by: Option<String>,
    /// As judged when it was filed (`in_warranty`, …).
    pub warranty: Option<String>,
}

const REQUEST_COLUMNS: &str = "id, intent, status, product_line, category, priority, assigned_to,
                               created_at, reply_by, first_reply_by, warranty";

fn request_row(row: &Row) -> Result<RequestRow, StoreError> {
    Ok(RequestRow {
        id: row.get(0)?,
        intent: row.get(1)?,
        status: row.get(2)?,
        product_line: row.get(3)?,
        category: row.get(4)?,
        priority: row.get(5)?,
        assigned_to: row.get(6)?,
        created_at: row.get(7)?,
        reply_by: row.get(8)?,
        first_reply_by: row.get(9)?,
        warranty: row.get(10)?,
    })
}

/// One timeline entry, as much of it as the facts need.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub kind: Option<EntryKind>,
    pub at: String,
    pub actor: Option<String>,
    pub status: Option<String>,
    pub satisfaction: Option<u8>,
    /// What it said to the customer, if anything.
    pub text: Option<String>,
    /// How a follow-up call went.
    pub outcome: Option<String>,
}

const EVENT_COLUMNS: &str = "request_id, kind, at, actor, status, satisfaction, text, outcome";

fn event_row(row: &Row) -> Result<(i64, EventRow), StoreError> {
    let kind: String = row.get(1)?;
    Ok((
        row.get(0)?,
        EventRow {
            kind: EntryKind::parse(&kind),
            at: row.get(2)?,
            actor: row.get(3)?,
            status: row.get(4)?,
            satisfaction: row.get(5)?,
            text: row.get(6)?,
            outcome: row.get(7)?,
        },
    ))
}

/// A request and its timeline, oldest entry first.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub request: RequestRow,
    pub events: Vec<EventRow>,
}

/// The columns [`Snapshot::facts`] fills, as they are stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub created_ts: Option<i64>,
    pub created_day: String,
    pub reply_by_ts: Option<i64>,
    /// The first promise, which timeliness is measured against.
    pub promised_ts: Option<i64>,
    pub promised_day: String,
    pub escalates_ts: Option<i64>,
    pub escalates_day: String,
    /// The first answer from the team the customer saw (core's rule), if any yet.
    pub answered_ts: Option<i64>,
    /// The first resolution, if any.
    pub resolved_ts: Option<i64>,
    pub resolved_day: Option<String>,
    pub followed_up: bool,
    /// The latest score: the customer's rating or a follow-up call's.
    pub satisfaction: Option<u8>,
}

/// What the inbox counts resolved and closed requests by; `''` for none.
pub type ArchiveKey = [String; 6];

impl Snapshot {
    pub fn facts(&self) -> Facts {
        let request = &self.request;
        let promised = request.first_reply_by.as_deref().unwrap_or(&request.reply_by);
        let created_ts = seconds(&request.created_at);
        let promised_ts = seconds(promised);
        let intent = Intent::parse(&request.intent);
        let escalates_ts = match (intent, created_ts, promised_ts) {
            (Some(intent), Some(filed), Some(promised)) => {
                Some(escalates_at(intent, filed, promised))
            }
            _ => promised_ts,
        };
        let resolved = self.events.iter().find(|event| {
            event.kind == Some(EntryKind::Status) && event.status.as_deref() == Some("resolved")
        });
        Facts {
            created_ts,
            created_day: day(&request.created_at),
            reply_by_ts: seconds(&request.reply_by),
            promised_ts,
            promised_day: day(promised),
            escalates_ts,
            escalates_day: escalates_ts.map_or_else(|| day(promised), |at| day_at(at, promised)),
            answered_ts: self
                .events
                .iter()
                .filter(|event| {
                    event.actor.is_some()
                        && event
                            .kind
                            .is_some_and(|kind| ReplyPromise::answers(kind, event.text.as_deref()))
                })
                .filter_map(|event| seconds(&event.at))
                .min(),
            resolved_ts: resolved.and_then(|event| seconds(&event.at)),
            resolved_day: resolved.map(|event| day(&event.at)),
            followed_up: self.events.iter().any(|event| {
                event.kind == Some(EntryKind::FollowUp) && call_done(event.outcome.as_deref())
            }),
            satisfaction: self.events.iter().rev().find_map(|event| event.satisfaction),
        }
    }

    /// What this request adds to the figures' counts: `(day, name, key) → n`. Filings and
    /// deflections are counted apart (see the module's note).
    pub fn contributions(&self) -> BTreeMap<(String, &'static str, String), i64> {
        let facts = self.facts();
        let mut counts = BTreeMap::new();
        let mut add = |day: &str, name: &'static str, key: String| {
            *counts.entry((day.to_string(), name, key)).or_insert(0) += 1;
        };
        if let (Some(day), Some(resolved), Some(created)) =
            (&facts.resolved_day, facts.resolved_ts, facts.created_ts)
        {
            // By what the follow-up rate's scope is decided on, which the configuration
            // sets: the figures choose the keys they count.
            let scope = follow_up_key(&self.request.intent, self.request.warranty.as_deref());
            add(day, "resolved", scope.clone());
            add(day, "resolve_hours", hours(resolved - created).to_string());
            if facts.followed_up {
                add(day, "followed_up", scope);
            }
        }
        for event in &self.events {
            let source = match event.kind {
                Some(EntryKind::Rating) => "rating_customer",
                Some(EntryKind::FollowUp) => "rating_follow_up",
                _ => continue,
            };
            if let Some(score) = event.satisfaction {
                add(&day(&event.at), source, score.to_string());
            }
        }
        if let (Some(answered), Some(promised)) = (facts.answered_ts, facts.promised_ts) {
            let kept = if answered <= promised { "on_time" } else { "late" };
            add(&facts.promised_day, "answered", kept.into());
            if facts.escalates_ts.is_some_and(|escalates| answered > escalates) {
                add(&facts.escalates_day, "escalated", String::new());
            }
        }
        counts
    }

    /// The inbox filters a resolved or closed request is counted under; none while open.
    pub fn archive_key(&self) -> Option<ArchiveKey> {
        let request = &self.request;
        let archived =
            matches!(Status::parse(&request.status), Some(Status::Resolved | Status::Closed));
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        archived.then(|| {
            [
                request.status.clone(),
                request.product_line.clone(),
                request.intent.clone(),
                text(&request.category),
                text(&request.priority),
                text(&request.assigned_to),
            ]
        })
    }
}

/// The key a resolved request is counted under: its intent, and whether it was judged in
/// warranty when filed (`repair|in_warranty`, `complaint|`).
pub fn follow_up_key(intent: &str, warranty: Option<&str>) -> String {
    format!("{intent}|{}", warranty.unwrap_or_default())
}

/// Whole hours, rounded: the unit the median time to resolve is counted in.
pub fn hours(seconds: i64) -> i64 {
    (seconds + 1800).div_euclid(3600)
}

/// The request with id `id` and its timeline.
pub async fn snapshot(c: &impl Conn, id: i64) -> Result<Snapshot, StoreError> {
    let sql = format!("SELECT {REQUEST_COLUMNS} FROM requests WHERE id = $1");
    let row = c.query_opt(&sql, params![id]).await?.ok_or(StoreError::NotFound)?;
    let sql = format!("SELECT {EVENT_COLUMNS} FROM events WHERE request_id = $1 ORDER BY id");
    let events = c.query(&sql, params![id]).await?;
    Ok(Snapshot {
        request: request_row(&row)?,
        events: events
            .iter()
            .map(|row| Ok(event_row(row)?.1))
            .collect::<Result<_, StoreError>>()?,
    })
}

/// The columns [`Facts`] are stored in, in order.
pub const FACT_COLUMNS: [&str; 12] = [
    "created_ts",
    "created_day",
    "reply_by_ts",
    "promised_ts",
    "promised_day",
    "escalates_ts",
    "escalates_day",
    "answered_ts",
    "resolved_ts",
    "resolved_day",
    "followed_up",
    "satisfaction",
];

/// The values of [`FACT_COLUMNS`] in order.
pub fn fact_values(facts: &Facts) -> [Value<'_>; 12] {
    [
        facts.created_ts.into(),
        facts.created_day.as_str().into(),
        facts.reply_by_ts.into(),
        facts.promised_ts.into(),
        facts.promised_day.as_str().into(),
        facts.escalates_ts.into(),
        facts.escalates_day.as_str().into(),
        facts.answered_ts.into(),
        facts.resolved_ts.into(),
        facts.resolved_day.as_deref().into(),
        facts.followed_up.into(),
        facts.satisfaction.into(),
    ]
}

/// Writes `facts` on request `id`.
pub async fn store_facts(c: &impl Conn, id: i64, facts: &Facts) -> Result<(), StoreError> {
    let set: Vec<String> = FACT_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 1))
        .collect();
    let sql =
        format!("UPDATE requests SET {} WHERE id = ${}", set.join(", "), FACT_COLUMNS.len() + 1);
    let mut values = fact_values(facts).to_vec();
    values.push(id.into());
    c.execute(&sql, &values).await?;
    Ok(())
}

/// Adds `n` to a figure's count of a day.
pub async fn count(
    c: &impl Conn,
    day: &str,
    name: &str,
    key: &str,
    n: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO daily_counts (day, name, key, n) VALUES ($1, $2, $3, $4)
         ON CONFLICT (day, name, key) DO UPDATE SET n = daily_counts.n + excluded.n",
        params![day, name, key, n],
    )
    .await?;
    Ok(())
}

async fn count_archived(c: &impl Conn, key: &ArchiveKey, n: i64) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO archive_counts (status, product_line, intent, category, priority,
                                     assigned_to, n)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (status, product_line, intent, category, priority, assigned_to)
         DO UPDATE SET n = archive_counts.n + excluded.n",
        params![&key[0], &key[1], &key[2], &key[3], &key[4], &key[5], n],
    )
    .await?;
    Ok(())
}

/// Brings what is kept beside a request from `before` to `after` (the same request read
/// before and after a write changed it): its facts, the figures' counts, the archive's.
pub async fn settle(c: &impl Conn, before: &Snapshot, after: &Snapshot) -> Result<(), StoreError> {
    let facts = after.facts();
    if facts != before.facts() {
        store_facts(c, after.request.id, &facts).await?;
    }
    let mut delta: BTreeMap<_, i64> = after.contributions();
    for (key, n) in before.contributions() {
        *delta.entry(key).or_insert(0) -= n;
    }
    for ((day, name, key), n) in delta.into_iter().filter(|(_, n)| *n != 0) {
        count(c, &day, name, &key, n).await?;
    }
    let (was, is) = (before.archive_key(), after.archive_key());
    if was != is {
        if let Some(was) = was {
            count_archived(c, &was, -1).await?;
        }
        if let Some(is) = is {
            count_archived(c, &is, 1).await?;
        }
    }
    Ok(())
}

/// How many requests [`rebuild`] reads at a time.
const REBUILD_BATCH: i64 = 2000;

/// How many requests one UPDATE of [`store_many`] writes.
const UPDATE_CHUNK: usize = 400;

/// The stored type of each of [`FACT_COLUMNS`], then `search_text` and `serial_key`.
const FACT_TYPES: [&str; 14] = [
    "BIGINT", "TEXT", "BIGINT", "BIGINT", "TEXT", "BIGINT", "TEXT", "BIGINT", "BIGINT", "TEXT",
    "BOOLEAN", "INTEGER", "TEXT", "TEXT",
];

/// Writes the facts and words of many requests, a few hundred per statement: an UPDATE from a
/// `VALUES` list, whose texts each column casts to its own type.
async fn store_many(c: &impl Conn, rows: &[(i64, Facts, Words)]) -> Result<(), StoreError> {
    let columns: Vec<&str> =
        FACT_COLUMNS.iter().copied().chain(["search_text", "serial_key"]).collect();
    let set: Vec<String> = columns
        .iter()
        .zip(FACT_TYPES)
        .enumerate()
        .map(|(i, (column, ty))| format!("{column} = CAST(v.column{} AS {ty})", i + 2))
        .collect();
    for chunk in rows.chunks(UPDATE_CHUNK) {
        let mut values: Vec<Value<'_>> = Vec::with_capacity(chunk.len() * (columns.len() + 1));
        let mut tuples = Vec::with_capacity(chunk.len());
        for (id, facts, words) in chunk {
            let first = values.len() + 1;
            values.push(Value::Int(*id));
            values.extend(fact_values(facts));
            values.push(words.search_text.as_str().into());
            values.push(words.serial_key.as_deref().into());
            let places: Vec<String> = (first..=values.len()).map(|n| format!("${n}")).collect();
            tuples.push(format!("({})", places.join(", ")));
        }
        let sql = format!(
            "UPDATE requests SET {} FROM (VALUES {}) AS v WHERE requests.id = CAST(v.column1 AS BIGINT)",
            set.join(", "),
            tuples.join(", ")
        );
        c.execute(&sql, &values).await?;
    }
    Ok(())
}

/// Derives everything kept beside the requests from the rows alone: every request's facts
/// and search words, the figures' counts and the archive's. What a store upgraded from an
/// earlier version runs once, and what a full recount is.
pub async fn rebuild(c: &impl Conn) -> Result<(), StoreError> {
    c.execute("DELETE FROM daily_counts", params![]).await?;
    c.execute("DELETE FROM archive_counts", params![]).await?;
    c.execute("DELETE FROM store_state WHERE name = 'settled_through'", params![]).await?;
    super::search::forget_all(c).await?;
    let mut counts: BTreeMap<(String, &'static str, String), i64> = BTreeMap::new();
    let mut archived: BTreeMap<ArchiveKey, i64> = BTreeMap::new();
    let mut after = 0;
    loop {
        let sql = format!(
            "SELECT {REQUEST_COLUMNS}, description, full_name, details_json FROM requests
             WHERE id > $1 ORDER BY id LIMIT {REBUILD_BATCH}"
        );
        let rows = c.query(&sql, params![after]).await?;
        let Some(last) = rows.last() else { break };
        let last: i64 = last.get(0)?;
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE request_id > $1 AND request_id <= $2
             ORDER BY request_id, id"
        );
        let mut events: BTreeMap<i64, Vec<EventRow>> = BTreeMap::new();
        for row in c.query(&sql, params![after, last]).await? {
            let (id, event) = event_row(&row)?;
            events.entry(id).or_default().push(event);
        }
        let mut derived = Vec::with_capacity(rows.len());
        for row in &rows {
            let request = request_row(row)?;
            let id = request.id;
            let snapshot = Snapshot { request, events: events.remove(&id).unwrap_or_default() };
            let details: Option<String> = row.get(13)?;
            let words =
                Words::of(&row.get::<String>(11)?, &row.get::<String>(12)?, details.as_deref());
            words.index(c, id).await?;
            for (key, n) in snapshot.contributions() {
                *counts.entry(key).or_insert(0) += n;
            }
            if let Some(key) = snapshot.archive_key() {
                *archived.entry(key).or_insert(0) += 1;
            }
            derived.push((id, snapshot.facts(), words));
        }
        store_many(c, &derived).await?;
        after = last;
    }
    for ((day, name, key), n) in counts {
        count(c, &day, name, &key, n).await?;
    }
    for (key, n) in archived {
        count_archived(c, &key, n).await?;
    }
    c.execute(
        "UPDATE deflections SET created_day = substr(created_at, 1, 10) WHERE created_day IS NULL",
        params![],
    )
    .await?;
    // SQLite's index of words now holds every request; PostgreSQL's was kept, with its mark.
    c.execute(
        "INSERT INTO store_state (name, value) SELECT 'words_through', CAST(max(id) AS TEXT)
         FROM requests HAVING max(id) IS NOT NULL ON CONFLICT (name) DO NOTHING",
        params![],
    )
    .await?;
    // What the planner knows of the tables now is all wrong; both databases read ANALYZE.
    c.execute("ANALYZE", params![]).await?;
    Ok(())
}
