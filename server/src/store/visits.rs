//! Engineers' visits to a request's site: booked, moved and cancelled in the write that puts
//! the event on the request's timeline, the clash check made with the engineer's account
//! held, and the lists the dispatch board and the engineer read. What a window is, when two
//! clash and what a change leaves of a visit are core's rules ([`shouhou_core::visit`]).

use chrono::DateTime;
use shouhou_core::desk::Role;
use shouhou_core::desk::{EventRequest, PartsAwaited, UnscheduledVisit, VisitRecord, VisitRow};
use shouhou_core::notice::Happening;
use shouhou_core::visit::{
    after_report, clash, Visit, VisitResult, VisitState, Window, LONGEST_WINDOW_SECONDS,
};
use shouhou_core::Status;
use shouhou_core::{Intent, ValidRequest};

use super::error::StoreError;
use super::sql::{params, Conn, Row};

/// What an event did to a visit: the visit as it left it, for the customer's notice
/// whether it was a move (`Some(true)`), a new booking (`Some(false)`) or neither, and the
/// status a report moves the request to.
pub struct Booked {
    pub record: VisitRecord,
    pub window: Window,
    /// What the customer is told of it, if anything.
    pub told: Option<Happening>,
    pub status: Option<Status>,
}

/// `from` and `to` (RFC 3339) as a window core accepts for a booking made at `now`.
fn window_of(from: &str, to: &str, now: &str) -> Result<Window, StoreError> {
    let seconds = |at: &str| {
        DateTime::parse_from_rfc3339(at)
            .map(|time| time.timestamp())
            .map_err(|_| StoreError::InvalidVisit("from, to: RFC 3339 times"))
    };
    let now = DateTime::parse_from_rfc3339(now)
        .map_err(|e| StoreError::Data(format!("the time of a booking: {e}")))?
        .timestamp();
    let window = Window::new(seconds(from)?, seconds(to)?)
        .map_err(|why| StoreError::InvalidVisit(why.detail()))?;
    window.bookable(now).map_err(|why| StoreError::InvalidVisit(why.detail()))
}

/// The engineer's account, active and an engineer's, held for the rest of the write: two
/// desks booking one engineer at once take turns, so both cannot pass the clash check.
async fn lock_engineer(c: &impl Conn, login: &str) -> Result<(), StoreError> {
    let sql = format!(
        "SELECT role FROM staff WHERE login = $1 AND disabled = false{}",
        c.dialect().lock_rows
    );
    let role: Option<String> = match c.query_opt(&sql, params![login]).await? {
        Some(row) => row.get(0)?,
        None => None,
    };
    match role.as_deref().and_then(Role::parse) {
        Some(Role::Engineer) => Ok(()),
        _ => Err(StoreError::NotAnEngineer),
    }
}

/// Refuses `window` when it clashes with another of the engineer's booked visits (but
/// `moving`, the visit being moved), naming that visit's request. The engineer's visits
/// that begin within a longest window before it are read (by their index); core decides.
async fn refuse_clash(
    c: &impl Conn,
    engineer: &str,
    window: Window,
    moving: i64,
) -> Result<(), StoreError> {
    let rows = c
        .query(
            "SELECT requests.reference, visits.from_ts, visits.to_ts
             FROM visits JOIN requests ON requests.id = visits.request_id
             WHERE visits.engineer = $1 AND visits.from_ts > $2 AND visits.from_ts < $3
               AND visits.state = $4 AND visits.id <> $5
             ORDER BY visits.from_ts, visits.id",
            params![
                engineer,
                window.from - LONGEST_WINDOW_SECONDS,
                window.to,
                VisitState::Scheduled.as_str(),
                moving
            ],
        )
        .await?;
    let booked = rows
        .iter()
        .map(|row| Ok((row.get::<String>(0)?, Window { from: row.get(1)?, to: row.get(2)? })))
        .collect::<Result<Vec<_>, StoreError>>()?;
    match clash(window, booked) {
        Some(reference) => Err(StoreError::VisitOverlaps { reference }),
        None => Ok(()),
    }
}

const VISIT_COLUMNS: &str = "visits.id, visits.engineer, visits.from_at, visits.to_at, \
                             visits.state, visits.note, visits.from_ts, visits.to_ts, \
                             visits.moved_at, visits.report";

fn record_from(row: &Row, first: usize) -> Result<(VisitRecord, Window), StoreError> {
    let state: String = row.get(first + 4)?;
    let record = VisitRecord {
        id: row.get(first)?,
        engineer: row.get(first + 1)?,
        from: row.get(first + 2)?,
        to: row.get(first + 3)?,
        state: VisitState::parse(&state)
            .ok_or_else(|| StoreError::Data(format!("unknown visit state {state:?}")))?,
        note: row.get(first + 5)?,
        moved_at: row.get(first + 8)?,
        report: row.get(first + 9)?,
    };
    Ok((record, Window { from: row.get(first + 6)?, to: row.get(first + 7)? }))
}

/// Visit `id` of request `request_id` (another request's, and one not booked yet, are not
/// found).
async fn find(c: &impl Conn, request_id: i64, id: i64) -> Result<(VisitRecord, Visit), StoreError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1 AND request_id = $2 AND state <> $3"
    );
    let unscheduled = VisitState::Unscheduled.as_str();
    let row = c
        .query_opt(&sql, params![id, request_id, unscheduled])
        .await?
        .ok_or(StoreError::NotFound)?;
    let (record, window) = record_from(&row, 0)?;
    let visit = Visit { engineer: record.engineer.clone(), window, state: record.state };
    Ok((record, visit))
}

/// Applies a visit event to request `request_id` (held by the caller); `None` for any other
/// event.
pub async fn apply(
    c: &impl Conn,
    request_id: i64,
    current: Status,
    event: &EventRequest,
    now: &str,
) -> Result<Option<Booked>, StoreError> {
    let booked = match event {
        EventRequest::Visit { engineer, from, to, note } => {
            let window = window_of(from, to, now)?;
            lock_engineer(c, engineer).await?;
            refuse_clash(c, engineer, window, 0).await?;
            let note = Some(note.trim()).filter(|note| !note.is_empty());
            let state = VisitState::Scheduled;
            // The visit a report asked for is the one booked, when there is one.
            let asked: Option<i64> = match c
                .query_opt(
                    "SELECT id FROM visits WHERE request_id = $1 AND state = $2 ORDER BY id LIMIT 1",
                    params![request_id, VisitState::Unscheduled.as_str()],
                )
                .await?
            {
                Some(row) => Some(row.get(0)?),
                None => None,
            };
            let id = c
                .value(
                    "INSERT INTO visits (request_id, engineer, from_at, to_at, from_ts, to_ts,
                                         note, state)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    params![
                        request_id,
                        engineer,
                        from,
                        to,
                        window.from,
                        window.to,
                        note,
                        state.as_str()
                    ],
                )
                .await?;
            if let Some(asked) = asked {
                c.execute("DELETE FROM visits WHERE id = $1", params![asked]).await?;
            }
            let record = VisitRecord {
                id,
                engineer: engineer.clone(),
                from: from.clone(),
                to: to.clone(),
                state,
                note: note.map(str::to_string),
                moved_at: None,
                report: None,
            };
            Booked { record, window, told: Some(Happening::Visit { moved: false }), status: None }
        }
        EventRequest::MoveVisit { visit, from, to, engineer, .. } => {
            let (record, stored) = find(c, request_id, *visit).await?;
            let window = window_of(from, to, now)?;
            let moved = stored.moved(window, engineer.as_deref()).map_err(refused)?;
            lock_engineer(c, &moved.engineer).await?;
            refuse_clash(c, &moved.engineer, window, *visit).await?;
            c.execute(
                "UPDATE visits SET engineer = $1, from_at = $2, to_at = $3, from_ts = $4,
                                   to_ts = $5, moved_at = $6
                 WHERE id = $7",
                params![&moved.engineer, from, to, window.from, window.to, now, *visit],
            )
            .await?;
            let record = VisitRecord {
                engineer: moved.engineer,
                from: from.clone(),
                to: to.clone(),
                moved_at: Some(now.to_string()),
                ..record
            };
            Booked { record, window, told: Some(Happening::Visit { moved: true }), status: None }
        }
        EventRequest::CancelVisit { visit, .. } => {
            let (record, stored) = find(c, request_id, *visit).await?;
            let cancelled = stored.cancelled().map_err(refused)?;
            c.execute(
                "UPDATE visits SET state = $1 WHERE id = $2",
                params![cancelled.state.as_str(), *visit],
            )
            .await?;
            Booked {
                record: VisitRecord { state: cancelled.state, ..record },
                window: cancelled.window,
                told: Some(Happening::VisitCancelled),
                status: None,
            }
        }
        EventRequest::VisitReport { visit, report, parts_expected_on } => {
            let (record, stored) = find(c, request_id, *visit).await?;
            let (filed, filed_by) = filed_report(c, report).await?;
            if filed_by.as_deref() != Some(record.engineer.as_str()) {
                return Err(StoreError::ReportOfAnother);
            }
            let taken: bool = c
                .value("SELECT EXISTS (SELECT 1 FROM visits WHERE report = $1)", params![report])
                .await?;
            if taken {
                return Err(StoreError::ReportTaken);
            }
            let result = filed
                .details
                .get("result")
                .and_then(|result| VisitResult::parse(result))
                .ok_or(StoreError::InvalidVisit("report: an on-site report with its result"))?;
            let after = after_report(current, result)
                .ok_or(StoreError::TransitionNotAllowed { from: current, to: result.status() })?;
            let done = stored.done().map_err(refused)?;
            let (needed, expected) = match result {
                VisitResult::NeedsParts => {
                    let expected = parts_expected_on.clone().ok_or(StoreError::InvalidVisit(
                        "parts_expected_on: the day the parts are expected, YYYY-MM-DD",
                    ))?;
                    (filed.details.get("parts_needed").cloned(), Some(expected))
                }
                _ => (None, None),
            };
            c.execute(
                "UPDATE visits SET state = $1, report = $2, parts_needed = $3,
                                   parts_expected_on = $4
                 WHERE id = $5",
                params![done.state.as_str(), report, needed, expected, *visit],
            )
            .await?;
            if after.another_visit {
                ask_for_visit(c, request_id).await?;
            }
            Booked {
                record: VisitRecord { state: done.state, report: Some(report.clone()), ..record },
                window: done.window,
                told: None,
                status: Some(after.status),
            }
        }
        _ => return Ok(None),
    };
    Ok(Some(booked))
}

/// The timeline entry of `report` answering visit `visit` of request `request_id`, when it
/// already did: a report sent again (its answer lost on the way, the outbox trying again)
/// is answered with what it made the first time, not refused.
pub async fn reported_entry(
    c: &impl Conn,
    request_id: i64,
    visit: i64,
    report: &str,
) -> Result<Option<i64>, StoreError> {
    let answered: bool = c
        .value(
            "SELECT EXISTS (SELECT 1 FROM visits
                            WHERE id = $1 AND request_id = $2 AND state = $3 AND report = $4)",
            params![visit, request_id, VisitState::Done.as_str(), report],
        )
        .await?;
    if !answered {
        return Ok(None);
    }
    // An entry's visit is written with its id first (`VisitRecord`).
    let row = c
        .query_opt(
            "SELECT id FROM events WHERE request_id = $1 AND outcome = 'reported'
               AND visit_json LIKE $2 ORDER BY id LIMIT 1",
            params![request_id, format!("{{\"id\":{visit},%")],
        )
        .await?;
    row.map(|row| row.get(0)).transpose()
}

/// The on-site report filed under `reference` (an engineer's, not any other request), and
/// the login whose session filed it.
async fn filed_report(
    c: &impl Conn,
    reference: &str,
) -> Result<(ValidRequest, Option<String>), StoreError> {
    // Taken FOR UPDATE: two joins of one report (to two visits, at the same moment) take
    // turns, and the second then finds it taken (a 409) rather than meeting the unique
    // index of reports (a 500).
    let sql = format!(
        "SELECT intent, request_json, filed_by FROM requests WHERE reference = $1{}",
        c.dialect().lock_rows
    );
    let row = c.query_opt(&sql, params![reference]).await?;
    let not_a_report = StoreError::InvalidVisit("report: the reference of an on-site report");
    let Some(row) = row else { return Err(not_a_report) };
    if row.get::<String>(0)? != Intent::OnsiteReport.as_str() {
        return Err(not_a_report);
    }
    let filed = serde_json::from_str(&row.get::<String>(1)?)
        .map_err(|e| StoreError::Data(format!("a stored request does not read: {e}")))?;
    Ok((filed, row.get(2)?))
}

/// Refuses `actor` joining a report to visit `visit` of request `request_id` when the visit
/// is another engineer's and `actor` is an engineer too. A lead or agent may join one for
/// its engineer (the report must still be that engineer's: [`apply`]).
pub async fn may_join(
    c: &impl Conn,
    request_id: i64,
    visit: i64,
    actor: Option<&str>,
) -> Result<(), StoreError> {
    let (record, _) = find(c, request_id, visit).await?;
    let Some(actor) = actor.filter(|actor| *actor != record.engineer) else {
        return Ok(());
    };
    let role: Option<String> =
        match c.query_opt("SELECT role FROM staff WHERE login = $1", params![actor]).await? {
            Some(row) => row.get(0)?,
            None => None,
        };
    match role.as_deref().and_then(Role::parse) {
        Some(Role::Lead | Role::Agent) => Ok(()),
        _ => Err(StoreError::NotYourVisit),
    }
}

/// The parts the request waits for, from the report of its last visit that found them
/// needed.
pub async fn parts_awaited(
    c: &impl Conn,
    request_id: i64,
) -> Result<Option<PartsAwaited>, StoreError> {
    let row = c
        .query_opt(
            "SELECT parts_needed, parts_expected_on FROM visits
             WHERE request_id = $1 AND parts_expected_on IS NOT NULL ORDER BY id DESC LIMIT 1",
            params![request_id],
        )
        .await?;
    row.map(|row| {
        Ok(PartsAwaited {
            needed: row.get::<Option<String>>(0)?.unwrap_or_default(),
            expected_on: row.get(1)?,
        })
    })
    .transpose()
}

fn refused(refusal: shouhou_core::visit::VisitRefusal) -> StoreError {
    let shouhou_core::visit::VisitRefusal::NotScheduled(state) = refusal;
    StoreError::VisitNotScheduled(state)
}

/// The visits that share any time with `from`..`to` (Unix seconds), of one engineer or of
/// all, in the order they begin: a day or a week of the dispatch board, an engineer's list.
pub async fn between(
    c: &impl Conn,
    from: i64,
    to: i64,
    engineer: Option<&str>,
) -> Result<Vec<VisitRow>, StoreError> {
    let mut sql = format!(
        "SELECT requests.reference, requests.status, requests.product_line, requests.full_name,
                {VISIT_COLUMNS}
         FROM visits JOIN requests ON requests.id = visits.request_id
         WHERE visits.from_ts > $1 AND visits.from_ts < $2 AND visits.to_ts > $3"
    );
    if engineer.is_some() {
        sql.push_str(" AND visits.engineer = $4");
    }
    sql.push_str(" ORDER BY visits.from_ts, visits.id");
    let earliest = from - LONGEST_WINDOW_SECONDS;
    let rows = match engineer {
        Some(login) => c.query(&sql, params![earliest, to, from, login]).await?,
        None => c.query(&sql, params![earliest, to, from]).await?,
    };
    rows.iter()
        .map(|row| {
            let status: String = row.get(1)?;
            let VisitRecord { id, engineer, from, to, state, note, moved_at, report } =
                record_from(row, 4)?.0;
            Ok(VisitRow {
                reference: row.get(0)?,
                status: Status::parse(&status).unwrap_or(Status::Received),
                product_line: row.get(2)?,
                full_name: row.get(3)?,
                id,
                engineer,
                from,
                to,
                state,
                note,
                moved_at,
                report,
            })
        })
        .collect()
}

/// The most the list beside the board holds: more waiting than this is a day's work for
/// the whole team, and the oldest are what to book first.
pub const UNSCHEDULED_LIST: i64 = 200;

/// Asks for a visit to request `request_id`, not booked yet: the list beside the dispatch
/// board shows it until a visit is booked on the request.
pub async fn ask_for_visit(c: &impl Conn, request_id: i64) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO visits (request_id, state) VALUES ($1, $2)",
        params![request_id, VisitState::Unscheduled.as_str()],
    )
    .await?;
    Ok(())
}

/// The open requests waiting for a visit to be booked, oldest first. An unscheduled visit
/// has no engineer, so the engineers' index finds them without reading the others.
pub async fn unscheduled(c: &impl Conn) -> Result<Vec<UnscheduledVisit>, StoreError> {
    let rows = c
        .query(
            "SELECT requests.reference, requests.status, requests.product_line,
                    requests.full_name, requests.created_at, visits.id,
                    EXISTS (SELECT 1 FROM visits done
                            WHERE done.request_id = visits.request_id AND done.state = $2)
             FROM visits JOIN requests ON requests.id = visits.request_id
             WHERE visits.engineer IS NULL AND visits.state = $1
               AND requests.status IN ($3, $4, $5, $6)
             ORDER BY visits.request_id, visits.id
             LIMIT $7",
            params![
                VisitState::Unscheduled.as_str(),
                VisitState::Done.as_str(),
                Status::Received.as_str(),
                Status::InProgress.as_str(),
                Status::WaitingCustomer.as_str(),
                Status::WaitingParts.as_str(),
                UNSCHEDULED_LIST
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let status: String = row.get(1)?;
            Ok(UnscheduledVisit {
                reference: row.get(0)?,
                status: Status::parse(&status).unwrap_or(Status::Received),
                product_line: row.get(2)?,
                full_name: row.get(3)?,
                created_at: row.get(4)?,
                id: row.get(5)?,
                asked_by_report: row.get(6)?,
            })
        })
        .collect()
}

/// Whether `engineer` has a visit on the request that is not called off: what lets an
/// engineer see it.
pub async fn visits_request(
    c: &impl Conn,
    reference: &str,
    engineer: &str,
) -> Result<bool, StoreError> {
    c.value(
        "SELECT EXISTS (SELECT 1 FROM visits JOIN requests ON requests.id = visits.request_id
                        WHERE requests.reference = $1 AND visits.engineer = $2
                          AND visits.state <> $3)",
        params![reference, engineer, VisitState::Cancelled.as_str()],
    )
    .await
}

/// The SQL that keeps, of the requests, those `engineer` (a parameter) has a visit on.
pub fn visited_by(engineer: &str) -> String {
    format!(
        "id IN (SELECT request_id FROM visits WHERE engineer = {engineer} AND state <> '{}')",
        VisitState::Cancelled.as_str()
    )
}

/// The request's next booked visit, for the customer: its window, and whether it was moved.
pub async fn next_for_customer(
    c: &impl Conn,
    request_id: i64,
) -> Result<Option<VisitRecord>, StoreError> {
    let sql = format!(
        "SELECT {VISIT_COLUMNS} FROM visits WHERE request_id = $1 AND state = $2
         ORDER BY from_ts, id LIMIT 1"
    );
    let row = c.query_opt(&sql, params![request_id, VisitState::Scheduled.as_str()]).await?;
    row.map(|row| record_from(&row, 0).map(|(record, _)| record)).transpose()
}
