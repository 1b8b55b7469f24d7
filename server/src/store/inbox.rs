//! The staff inbox: every request under the desk's filters, a page at a time, with a count
//! per status.
//!
//! The order has three parts, each read through an index of its own so that a page never
//! sorts a whole history: the escalated requests (unanswered past their escalation time,
//! core's rule), most late first; then the ones the team owes an answer, by the promised
//! reply time (so the overdue come first); then all the rest, newest first. A page ends with
//! a cursor (`next`): the part, the place in it and the clock the first page was read at, so
//! later pages follow the same order whatever arrives or time passes meanwhile, and no page
//! skips or repeats a request that was there. Nothing is counted by OFFSET.
//!
//! Counts: the open requests (received, in progress, waiting for the customer) are few and
//! counted from their index; the resolved and closed, nearly all of a store's history, are
//! counted by filter as they change ([`super::facts`]). A word search counts what it found.

use std::collections::BTreeMap;

pub use shouhou_core::desk::{Inbox, InboxFilter, InboxRow, INBOX_LIMIT};
use shouhou_core::escalation::{escalating_statuses, is_escalated};
use shouhou_core::Status;

use super::error::StoreError;
use super::search::Search;
pub use super::sql::status_list;
use super::sql::{Conn, Row, Value};

/// The statuses a request is open in: it may escalate, and is counted live.
fn open() -> String {
    status_list(escalating_statuses())
}

/// The statuses in which the team owes the customer the next word.
fn owed() -> impl Iterator<Item = Status> {
    Status::ALL.into_iter().filter(|status| status.awaits_team())
}

/// [`owed`] as SQL.
fn awaiting() -> String {
    status_list(owed())
}

/// Which part of the order a page is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Escalated = 0,
    Awaiting = 1,
    Rest = 2,
}

const PARTS: [Part; 3] = [Part::Escalated, Part::Awaiting, Part::Rest];

/// Where a page ended, and the clock its first page was read at.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    now: i64,
    part: Part,
    key: i64,
    id: i64,
}

impl Cursor {
    /// `after` as the inbox wrote it; none for anything else.
    pub fn parse(after: &str) -> Option<Cursor> {
        let numbers: Vec<i64> =
            after.split('.').map(|n| n.parse::<i64>().ok()).collect::<Option<_>>()?;
        let [now, part, key, id] = numbers[..] else { return None };
        let part = *PARTS.get(usize::try_from(part).ok()?)?;
        Some(Cursor { now, part, key, id })
    }

    fn text(&self) -> String {
        format!("{}.{}.{}.{}", self.now, self.part as u8, self.key, self.id)
    }
}

/// Conditions as SQL and their arguments.
#[derive(Clone)]
struct Filters {
    clauses: Vec<String>,
    args: Vec<Value<'static>>,
}

impl Filters {
    fn arg(&mut self, value: Value<'static>) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "1 = 1".into()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

/// The SQL that says a request is escalated at `now` (core's [`is_escalated`]).
fn escalated_sql(now: i64) -> String {
    format!("(answered_ts IS NULL AND status IN ({}) AND escalates_ts <= {now})", open())
}

/// The SQL that says a request is overdue at `now`: the team owes an answer whose time passed.
fn overdue_sql(now: i64) -> String {
    format!("(status IN ({}) AND reply_by_ts < {now})", awaiting())
}

/// The filters on what a request was filed as, columns of the requests and of the archive's
/// counts alike.
fn what_it_is(filter: &InboxFilter) -> Filters {
    let mut filters = Filters { clauses: Vec::new(), args: Vec::new() };
    for (column, value) in [
        ("product_line", &filter.product_line),
        ("intent", &filter.intent),
        ("category", &filter.category),
        ("priority", &filter.priority),
    ] {
        if let Some(value) = value {
            let param = filters.arg(value.clone().into());
            filters.clauses.push(format!("{column} = {param}"));
        }
    }
    filters
}

/// The filters but the status and the search, as SQL and its arguments; only the requests
/// an engineer visits when `visiting` names one.
fn filters(filter: &InboxFilter, me: &str, visiting: Option<&str>, now: i64) -> Filters {
    let mut filters = what_it_is(filter);
    if let Some(engineer) = visiting {
        let param = filters.arg(engineer.to_string().into());
        filters.clauses.push(super::visits::visited_by(&param));
    }
    match filter.assigned.as_deref() {
        None => {}
        Some("none") => filters.clauses.push("assigned_to IS NULL".into()),
        Some(login) => {
            let login = if login == "me" { me } else { login };
            let param = filters.arg(login.to_string().into());
            filters.clauses.push(format!("assigned_to = {param}"));
        }
    }
    for (wanted, sql) in
        [(filter.overdue, overdue_sql(now)), (filter.escalated, escalated_sql(now))]
    {
        match wanted {
            Some(true) => filters.clauses.push(sql),
            Some(false) => filters.clauses.push(format!("NOT {sql}")),
            None => {}
        }
    }
    filters
}

/// The filters with the search's own condition.
fn searched(c: &impl Conn, mut filters: Filters, search: Option<&Search>) -> Filters {
    if let Some(search) = search {
        let clause = search.clause(c, &mut filters.args);
        filters.clauses.push(clause);
    }
    filters
}

/// The requests per status under every filter but the status.
async fn counts(
    c: &impl Conn,
    filter: &InboxFilter,
    search: Option<&Search>,
    visiting: bool,
    base: &Filters,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let mut counts: BTreeMap<String, i64> =
        Status::ALL.iter().map(|status| (status.as_str().to_string(), 0)).collect();
    let mut add = |rows: Vec<Row>| -> Result<(), StoreError> {
        for row in rows {
            let status: String = row.get(0)?;
            if let Some(slot) = counts.get_mut(&status) {
                *slot += row.get::<i64>(1)?;
            }
        }
        Ok(())
    };
    // A search's findings and an engineer's visited requests: counted as found.
    if search.is_some() || visiting {
        // Words found once, under no other filter, are counted as they were found.
        if let (Some(Search::Found(found)), true) = (search, base.clauses.is_empty()) {
            for (_, status) in found {
                *counts.entry(status.as_str().to_string()).or_default() += 1;
            }
            return Ok(counts);
        }
        // Under no other filter, SQLite's findings are counted from a narrow index of each
        // request's status, unless their text is read anyway (a longer word checked whole).
        let narrow = match search {
            Some(words @ Search::Words { .. })
                if base.clauses.is_empty() && !words.reads_text() =>
            {
                (c.dialect().index_hint)("requests_status_by_id")
            }
            _ => String::new(),
        };
        let found = searched(c, base.clone(), search);
        let sql = format!(
            "SELECT status, count(*) FROM requests{narrow} WHERE {} GROUP BY status",
            found.sql()
        );
        add(c.query(&sql, &found.args).await?)?;
        return Ok(counts);
    }
    // From the open requests' own index, which holds every column a filter reads.
    let sql = format!(
        "SELECT status, count(*) FROM requests{} WHERE status IN ({}) AND {} GROUP BY status",
        (c.dialect().index_hint)("requests_open"),
        open(),
        base.sql()
    );
    add(c.query(&sql, &base.args).await?)?;
    // Resolved and closed requests are never overdue nor escalated.
    if filter.overdue == Some(true) || filter.escalated == Some(true) {
        return Ok(counts);
    }
    let mut archive = what_it_is(filter);
    if let Some(login) = filter.assigned.as_deref() {
        let login = if login == "none" { "" } else { login };
        let param = archive.arg(login.to_string().into());
        archive.clauses.push(format!("assigned_to = {param}"));
    }
    let sql = format!(
        "SELECT status, CAST(sum(n) AS BIGINT) FROM archive_counts WHERE {} GROUP BY status",
        archive.sql()
    );
    add(c.query(&sql, &archive.args).await?)?;
    Ok(counts)
}

const ROW_COLUMNS: &str = "reference, status, intent, product_line, category, priority, full_name,
                           phone, created_at, reply_by, assigned_to, warranty, reply_by_ts,
                           escalates_ts, answered_ts, id";

/// One part's rows after the cursor, in its order. `base` holds every filter but the status
/// and the search, which each part applies in the way its order reads best: the status as
/// one with the part's own, none when the part holds no request of it. (Said apart, as
/// `status IN (…) AND status = …`, PostgreSQL's planner multiplies the two, expects a few
/// rows of a status that has tens of thousands, and sorts them all instead of reading the
/// first page from the open requests' index in order.)
#[allow(clippy::too_many_arguments)]
async fn part_rows(
    c: &impl Conn,
    part: Part,
    base: &Filters,
    status: Option<Status>,
    search: Option<&Search>,
    now: i64,
    after: Option<&Cursor>,
    limit: usize,
) -> Result<Vec<Row>, StoreError> {
    let hint = |index: &str| match search {
        // One request or a few, found through their own index: read those.
        Some(search) if search.is_exact() => String::new(),
        _ => (c.dialect().index_hint)(index),
    };
    // The two owed statuses at once are two ranges of the open requests' index, which neither
    // store merges in order: PostgreSQL sorted all 26,000 in progress at a million requests
    // for a page (72 ms, 102 at p95). So each status's first rows are read in order, and merged.
    // (With a search, the owed it found are few, and each statement would search again.)
    if part == Part::Awaiting && status.is_none() && search.is_none() {
        // A promise that never read as a time goes where the store's own order put it.
        let unread = if c.dialect().nulls_first { i64::MIN } else { i64::MAX };
        let mut rows = Vec::new();
        for status in owed() {
            let read = part_rows(c, part, base, Some(status), search, now, after, limit);
            for row in Box::pin(read).await? {
                let promised = row.get::<Option<i64>>(12)?.unwrap_or(unread);
                rows.push(((promised, row.get::<i64>(15)?), row));
            }
        }
        rows.sort_by_key(|(order, _)| *order);
        return Ok(rows.into_iter().take(limit).map(|(_, row)| row).collect());
    }
    let statuses: Vec<Status> = match part {
        Part::Escalated => escalating_statuses().collect(),
        Part::Awaiting => owed().collect(),
        Part::Rest => Status::ALL.into_iter().filter(|status| !status.awaits_team()).collect(),
    };
    let wanted = match status {
        Some(wanted) if !statuses.contains(&wanted) => return Ok(Vec::new()),
        wanted => wanted.map(|wanted| format!("status = '{}'", wanted.as_str())),
    };
    // Words found once: this part's among them, by their status.
    let found = search.and_then(|search| {
        search.found_ids(|found| statuses.contains(&found) && status.is_none_or(|s| s == found))
    });
    if found.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Vec::new());
    }
    let (mut from, scope, mut key, mut order) = match part {
        Part::Escalated => (
            format!("requests{}", hint("requests_escalating")),
            [wanted, Some(escalated_sql(now))]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" AND "),
            "escalates_ts",
            "escalates_ts, id",
        ),
        Part::Awaiting => (
            // The open requests' index has them by status, then by reply-by: one status's are
            // read in order (one status at a time, above), none of them from the table.
            format!("requests{}", hint("requests_open")),
            // Open as well as owed, in the words of the open requests' index, where SQLite is
            // told to read that one: it reads a partial index only for a query that says the
            // index's own condition. PostgreSQL proves it from the owed statuses, and said
            // twice, its planner multiplies the two (as above): for `status=in_progress` it
            // sorted all 26,000 of them from another index, 50 ms instead of 0.4.
            format!(
                "{}{} AND NOT {}",
                wanted.unwrap_or_else(|| format!("status IN ({})", awaiting())),
                match hint("requests_open") {
                    hint if hint.is_empty() => String::new(),
                    _ => format!(" AND status IN ({})", open()),
                },
                escalated_sql(now)
            ),
            "reply_by_ts",
            "reply_by_ts, id",
        ),
        Part::Rest => (
            "requests".to_string(),
            format!(
                "{} AND NOT {}",
                wanted.unwrap_or_else(|| format!("status NOT IN ({})", awaiting())),
                escalated_sql(now)
            ),
            "id",
            "id DESC",
        ),
    };
    let mut filters = base.clone();
    filters.clauses.push(scope);
    let newest = match search {
        Some(search) if part == Part::Rest => search.newest_first(c, &mut filters.args),
        _ => None,
    };
    match (newest, search) {
        (Some((source, matched, id)), _) => {
            from = source.to_string();
            filters.clauses.push(matched);
            key = id;
            order = "request_words.rowid DESC";
        }
        // Read below, by their ids.
        (None, Some(Search::Found(_))) => {}
        (None, Some(search)) => {
            let clause = search.clause(c, &mut filters.args);
            filters.clauses.push(clause);
        }
        (None, None) => {}
    }
    match after {
        Some(cursor) if cursor.part == part && part == Part::Rest => {
            let id = filters.arg(cursor.id.into());
            filters.clauses.push(format!("{key} < {id}"));
        }
        Some(cursor) if cursor.part == part => {
            let (key_arg, id_arg) = (filters.arg(cursor.key.into()), filters.arg(cursor.id.into()));
            filters.clauses.push(format!("({key}, id) > ({key_arg}, {id_arg})"));
        }
        _ => {}
    }
    let page = |mut filters: Filters, ids: Option<Vec<i64>>, limit: usize| {
        if let Some(ids) = ids {
            let ids = filters.arg(Value::IdList(ids));
            filters.clauses.push(format!("id = ANY({ids})"));
        }
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM {from} WHERE {} ORDER BY {order} LIMIT {limit}",
            filters.sql()
        );
        async move { c.query(&sql, &filters.args).await }
    };
    let found = match found {
        Some(found) if part == Part::Rest => found,
        found => return page(filters, found, limit).await,
    };
    // The rest, newest first: the newest found are read a few at a time, more each time, until
    // the page is full (the first few fill it unless other filters pass over most).
    let before = after.filter(|cursor| cursor.part == part).map_or(i64::MAX, |cursor| cursor.id);
    let newest: Vec<i64> = found.into_iter().rev().filter(|id| *id < before).collect();
    let mut rows = Vec::new();
    let (mut read, mut step) = (0, limit * 2);
    while rows.len() < limit && read < newest.len() {
        let ids = newest[read..(read + step).min(newest.len())].to_vec();
        read += ids.len();
        step *= 4;
        rows.extend(page(filters.clone(), Some(ids), limit - rows.len()).await?);
    }
    Ok(rows)
}

/// An inbox line, with its flags decided by core at `now`.
fn inbox_row(row: &Row, now: i64) -> Result<InboxRow, StoreError> {
    let status: String = row.get(1)?;
    let parsed = Status::parse(&status).unwrap_or(Status::Received);
    let reply_by: String = row.get(9)?;
    let reply_by_ts: Option<i64> = row.get(12)?;
    let escalates_ts: Option<i64> = row.get(13)?;
    let answered = row.get::<Option<i64>>(14)?.is_some();
    let escalated = escalates_ts.is_some_and(|at| is_escalated(parsed, answered, at, now));
    Ok(InboxRow {
        reference: row.get(0)?,
        status,
        intent: row.get(2)?,
        product_line: row.get(3)?,
        category: row.get(4)?,
        priority: row.get(5)?,
        full_name: row.get(6)?,
        phone: row.get(7)?,
        created_at: row.get(8)?,
        assigned_to: row.get(10)?,
        warranty: row.get(11)?,
        overdue: parsed.awaits_team() && reply_by_ts.is_some_and(|at| at < now),
        escalated,
        escalated_at: escalates_ts.filter(|_| escalated).map(|at| time_like(at, &reply_by)),
        reply_by,
    })
}

/// Unix second `at` as RFC 3339 in the offset of `like`.
fn time_like(at: i64, like: &str) -> String {
    let offset = chrono::DateTime::parse_from_rfc3339(like)
        .map(|t| *t.offset())
        .unwrap_or_else(|_| chrono::FixedOffset::east_opt(0).expect("UTC"));
    chrono::DateTime::from_timestamp(at, 0)
        .map(|utc| utc.with_timezone(&offset).to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
        .unwrap_or_default()
}

/// One page of the inbox at `now` (Unix seconds), or after `cursor` at the clock it carries;
/// for an engineer (`visiting`), of the requests they have a visit on.
pub async fn inbox(
    c: &impl Conn,
    filter: &InboxFilter,
    me: &str,
    visiting: Option<&str>,
    now: i64,
    cursor: Option<&Cursor>,
) -> Result<Inbox, StoreError> {
    let now = cursor.map_or(now, |cursor| cursor.now);
    let search = match filter.q.as_deref() {
        Some(q) => Search::read(c, q).await?,
        None => None,
    };
    let base = filters(filter, me, visiting, now);
    let counts = counts(c, filter, search.as_ref(), visiting.is_some(), &base).await?;
    let total = match filter.status {
        Some(status) => counts.get(status.as_str()).copied().unwrap_or(0),
        None => counts.values().sum(),
    };
    // One more than a page, to know whether another follows.
    let mut rows: Vec<(Part, Row)> = Vec::new();
    for part in PARTS.into_iter().filter(|part| cursor.is_none_or(|c| *part >= c.part)) {
        let wanted = INBOX_LIMIT + 1 - rows.len();
        let found =
            part_rows(c, part, &base, filter.status, search.as_ref(), now, cursor, wanted).await?;
        rows.extend(found.into_iter().map(|row| (part, row)));
        if rows.len() > INBOX_LIMIT {
            break;
        }
    }
    let next = if rows.len() > INBOX_LIMIT {
        rows.truncate(INBOX_LIMIT);
        let (part, last) = rows.last().expect("a full page");
        let key = match part {
            Part::Escalated => last.get::<i64>(13)?,
            Part::Awaiting => last.get::<i64>(12)?,
            Part::Rest => 0,
        };
        Some(Cursor { now, part: *part, key, id: last.get(15)? }.text())
    } else {
        None
    };
    let requests = rows.iter().map(|(_, row)| inbox_row(row, now)).collect::<Result<_, _>>()?;
    Ok(Inbox { counts, total, requests, next })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_written_and_nothing_else_reads() {
        let cursor =
            Cursor { now: 1_764_200_000, part: Part::Awaiting, key: 1_764_210_000, id: 42 };
        assert_eq!(Cursor::parse(&cursor.text()), Some(cursor));
        for bad in ["", "1.2.3", "1.9.3.4", "a.1.2.3", "1.1.2.3.x"] {
            assert_eq!(Cursor::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn the_partial_indexes_are_made_with_the_statuses_the_queries_name() {
        for migrations in [super::super::SQLITE_MIGRATIONS, super::super::POSTGRES_MIGRATIONS] {
            let all = migrations.concat();
            assert!(all.contains(&format!("WHERE status IN ({})", open())), "{}", open());
            assert!(all.contains(&format!("WHERE answered_ts IS NULL AND status IN ({})", open())));
        }
    }
}
