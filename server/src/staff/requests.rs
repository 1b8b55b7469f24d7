//! `/api/v1/staff/requests`: the inbox, a request's record and its photos, and the actions
//! on it (each a timeline entry, as durable as a create).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SecondsFormat;
use serde_json::json;
use shouhou_core::desk::RequestDetail;
use shouhou_core::product::{request_entitlement, ProductRecord};
use shouhou_core::quality::check_resolution;
use shouhou_core::reference::parse_issued_reference;
use shouhou_core::validate::has_forbidden_characters;
use shouhou_core::{AppConfig, Intent, WarrantyStatus};

use crate::auth::valid_login;
use crate::http::body::{in_time, json_body};
use crate::http::error::ApiError;
use crate::http::query::bad_query;
use crate::http::session::Staff;
use crate::state::AppState;
use crate::store::audit::Action;
use crate::store::inbox::{Cursor, InboxFilter};
use crate::store::timeline::EventRequest;
use crate::store::{self, StoreError};

/// Longest reply, note or follow-up text.
const MAX_TEXT_CHARS: usize = 10_000;

/// Most words in one search: each is a condition of the query, and SQLite refuses a query
/// of a thousand (a 500 before this limit).
const MAX_SEARCH_WORDS: usize = 20;

/// `404 not_found` for a reference that cannot be read or is not stored.
fn request_not_found() -> ApiError {
    ApiError::from(StoreError::NotFound)
}

/// `GET /staff/requests?…`: the inbox, overdue first, then by reply-by time.
#[utoipa::path(
    get,
    path = "/api/v1/staff/requests",
    tag = "staff",
    security(("staff_session" = [])),
    params(InboxFilter),
    responses(
        (status = 200, description = "The inbox.", body = shouhou_core::desk::Inbox),
        (status = 400, description = "`bad_query`.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
    )
)]
pub async fn inbox(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<InboxFilter>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(filter) = query.map_err(bad_query)?;
        let typed = [
            &filter.product_line,
            &filter.intent,
            &filter.category,
            &filter.priority,
            &filter.assigned,
            &filter.q,
        ];
        if typed.into_iter().flatten().any(|value| value.chars().any(char::is_control)) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
                .with_arg("detail", "no control characters in a filter"));
        }
        if filter.q.as_deref().is_some_and(|q| q.split_whitespace().count() > MAX_SEARCH_WORDS) {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
                .with_arg("detail", format!("q: at most {MAX_SEARCH_WORDS} words")));
        }
        let cursor = match filter.after.as_deref() {
            Some(after) => Some(Cursor::parse(after).ok_or_else(|| {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
                    .with_arg("detail", "after: the `next` of an earlier page")
            })?),
            None => None,
        };
        let me = staff.session.login.clone();
        let inbox = state
            .store
            .inbox(filter, &me, staff.visiting(), store::now(), cursor)
            .await
            .map_err(ApiError::from)?;
        Ok::<_, ApiError>(Json(inbox).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// `GET /staff/requests/{reference}`: every field, the photos' descriptions, the warranty as
/// judged, the troubleshooting transcript and the whole timeline.
#[utoipa::path(
    get,
    path = "/api/v1/staff/requests/{reference}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("reference" = String, Path, description = "The request's reference.")),
    responses(
        (status = 200, description = "The request.", body = shouhou_core::desk::RequestDetail),
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn request_detail(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_issued_reference(&reference).ok_or_else(request_not_found)?;
        staff.may_see(&state, &reference).await?;
        let mut detail = state
            .store
            .detail(&reference, store::now())
            .await
            .map_err(ApiError::from)?
            .ok_or_else(request_not_found)?;
        with_unit(&state, &mut detail, staff.visiting()).await?;
        // Nothing personal leaves before the view is on the audit trail, durably.
        state.store.record_access(&staff.session.login, Action::View, &reference, "").await?;
        Ok::<_, ApiError>(Json(detail).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// The unit a request is about, beside it: its archive record, its service history, and what
/// 三包 entitles the customer to, judged (by core) on the day it was filed. An engineer
/// (`visiting`) is shown only the earlier requests they visit.
async fn with_unit(
    state: &AppState,
    detail: &mut RequestDetail,
    visiting: Option<&str>,
) -> Result<(), ApiError> {
    let config = &state.config;
    let performance: Vec<String> =
        config.fault_causes.iter().filter(|c| c.performance).map(|c| c.id.clone()).collect();
    let Some(unit) = state.store.unit_context(&detail.reference, performance, visiting).await?
    else {
        return Ok(());
    };
    let filed = shouhou_core::CivilDate::parse(detail.created_at.get(..10).unwrap_or_default());
    // 三包 is about faults of the product: repairs, returns and what engineers found on site.
    let about_a_fault = matches!(
        detail.request.intent,
        Intent::Repair | Intent::ReturnExchangeRefund | Intent::OnsiteReport
    );
    detail.entitlement = filed.filter(|_| about_a_fault).and_then(|filed| {
        request_entitlement(
            &detail.request,
            unit.record.as_ref(),
            config,
            &unit.earlier_repairs,
            filed,
        )
    });
    detail.product = unit.record;
    detail.history = unit.history;
    Ok(())
}

/// `GET /staff/requests/{reference}/photos/{id}`: the bytes as stored, shown in the page,
/// never sniffed into something else.
#[utoipa::path(
    get,
    path = "/api/v1/staff/requests/{reference}/photos/{photo}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("reference" = String, Path, description = "The request's reference."), ("photo" = String, Path, description = "The photo's id (a UUID).")),
    responses(
        (status = 200, description = "The photo's bytes as stored.", content(
            (Vec<u8> = "image/jpeg"),
            (Vec<u8> = "image/png"),
            (Vec<u8> = "image/webp"),
        )),
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn photo(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path((reference, photo)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_issued_reference(&reference).ok_or_else(request_not_found)?;
        // No stored photo has a control character in its id (PostgreSQL cannot compare one).
        if photo.chars().any(char::is_control) {
            return Err(request_not_found());
        }
        staff.may_see(&state, &reference).await?;
        let (content_type, bytes) = state
            .store
            .photo(&reference, &photo)
            .await
            .map_err(ApiError::from)?
            .ok_or_else(request_not_found)?;
        let target = format!("{reference}/{photo}");
        state.store.record_access(&staff.session.login, Action::Photo, &target, "").await?;
        // Stored content types are the three the create allowed; anything else is bytes.
        let content_type = HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream"));
        Ok::<_, ApiError>(
            (
                [
                    (header::CONTENT_TYPE, content_type),
                    (header::CONTENT_DISPOSITION, HeaderValue::from_static("inline")),
                    (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
                ],
                bytes,
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

fn invalid_event(detail: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_event", "api.invalid_event")
        .with_arg("detail", detail)
}

/// Checks what the store cannot: texts present and not too long, satisfaction 1–5, and a
/// reply-by time that is a time (kept in the server's own offset, like every other time).
fn checked(event: EventRequest, config: &AppConfig) -> Result<EventRequest, ApiError> {
    let text_ok = |text: &str, required: bool| {
        let chars = text.trim().chars().count();
        (!required || chars > 0) && chars <= MAX_TEXT_CHARS && !has_forbidden_characters(text)
    };
    match event {
        EventRequest::Reply { ref text } | EventRequest::Note { ref text } => {
            if !text_ok(text, true) {
                return Err(invalid_event("text: 1 to 10000 characters, no control characters"));
            }
        }
        EventRequest::FollowUp { satisfaction, ref text, .. } => {
            if satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
                return Err(invalid_event("satisfaction: 1 to 5 or null"));
            }
            if !text_ok(text, false) {
                return Err(invalid_event("text: at most 10000 characters, no control characters"));
            }
        }
        EventRequest::ReplyBy { at } => {
            let at = server_time(&at).ok_or_else(|| {
                invalid_event("at: an RFC 3339 time, e.g. 2026-11-28T17:00:00+08:00")
            })?;
            return Ok(EventRequest::ReplyBy { at });
        }
        EventRequest::Visit { engineer, from, to, note } => {
            if !text_ok(&note, false) {
                return Err(invalid_event("note: at most 10000 characters, no control characters"));
            }
            let (from, to) = window_times(&from, &to)?;
            return Ok(EventRequest::Visit { engineer: known_login(engineer)?, from, to, note });
        }
        EventRequest::MoveVisit { visit, from, to, engineer, reason } => {
            if !text_ok(&reason, true) {
                return Err(invalid_event("reason: 1 to 10000 characters, no control characters"));
            }
            let (from, to) = window_times(&from, &to)?;
            let engineer = engineer.map(known_login).transpose()?;
            return Ok(EventRequest::MoveVisit { visit, from, to, engineer, reason });
        }
        EventRequest::VisitReport { visit, report, parts_expected_on } => {
            let report = parse_issued_reference(&report)
                .ok_or_else(|| invalid_event("report: the reference of an on-site report"))?;
            let parts_expected_on = parts_expected_on
                .map(|day| {
                    shouhou_core::CivilDate::parse(day.trim())
                        .map(|day| day.to_string())
                        .ok_or_else(|| invalid_event("parts_expected_on: a day, YYYY-MM-DD"))
                })
                .transpose()?;
            return Ok(EventRequest::VisitReport { visit, report, parts_expected_on });
        }
        EventRequest::CancelVisit { ref reason, .. } => {
            if !text_ok(reason, true) {
                return Err(invalid_event("reason: 1 to 10000 characters, no control characters"));
            }
        }
        // A login no account can have is nobody's, found without asking the store.
        EventRequest::Assign { ref to } if !valid_login(to) => {
            return Err(StoreError::UnknownStaff.into());
        }
        EventRequest::Status { .. } | EventRequest::Assign { .. } => {}
        EventRequest::Resolve { ref fault_cause, ref parts } => {
            check_resolution(fault_cause.as_deref(), parts, &config.fault_causes, &config.parts)
                .map_err(|why| invalid_event(&why))?;
        }
        EventRequest::ConfirmWarranty { ref delivered_on } => {
            let date = shouhou_core::CivilDate::parse(delivered_on.trim())
                .filter(|date| *date <= store::today())
                .ok_or_else(|| invalid_event("delivered_on: a day, YYYY-MM-DD, not after today"))?;
            return Ok(EventRequest::ConfirmWarranty { delivered_on: date.to_string() });
        }
    }
    Ok(event)
}

/// An RFC 3339 time as every stored time is written: to the second, in the server's own
/// offset. A leap second (`23:59:60`, which RFC 3339 allows and a browser's `Date` cannot
/// read) is written as the second after it, the next minute's first.
fn server_time(at: &str) -> Option<String> {
    let time = chrono::DateTime::parse_from_rfc3339(at.trim()).ok()?;
    let leap = i64::from(time.timestamp_subsec_nanos() >= 1_000_000_000);
    Some(
        chrono::DateTime::from_timestamp(time.timestamp() + leap, 0)?
            .with_timezone(&chrono::Local)
            .fixed_offset()
            .to_rfc3339_opts(SecondsFormat::Secs, false),
    )
}

/// A visit's `from` and `to` in the server's offset; whether they make a window is core's
/// to judge, in the store.
fn window_times(from: &str, to: &str) -> Result<(String, String), ApiError> {
    let time = |at: &str| {
        server_time(at).ok_or_else(|| {
            invalid_event("from, to: RFC 3339 times, e.g. 2026-12-08T09:00:00+08:00")
        })
    };
    Ok((time(from)?, time(to)?))
}

/// An engineer's login as given, or 422 `unknown_engineer` for one no account can have.
fn known_login(login: String) -> Result<String, ApiError> {
    match valid_login(&login) {
        true => Ok(login),
        false => Err(StoreError::NotAnEngineer.into()),
    }
}

/// The warranty of a request once staff confirmed its unit was delivered on `delivered_on`:
/// counted from that date with the unit's (or the line's, or the part's) months, on the day
/// the request was filed, as core counts an archive record's.
async fn confirmed_warranty(
    state: &AppState,
    reference: &str,
    delivered_on: &str,
) -> Result<Option<WarrantyStatus>, ApiError> {
    let detail =
        state.store.detail(reference, store::now()).await?.ok_or_else(request_not_found)?;
    let request = &detail.request;
    let serial = request.details.get("serial_number").cloned().unwrap_or_default();
    let known = match serial.is_empty() {
        true => None,
        false => state.store.product(&request.product_line, &serial).await?,
    };
    let unit = ProductRecord {
        product_line: request.product_line.clone(),
        delivered_on: delivered_on.to_string(),
        warranty_months: known.and_then(|k| k.warranty_months),
        ..ProductRecord::default()
    };
    let component = request.troubleshooting.as_ref().and_then(|t| t.component.as_deref());
    let filed = shouhou_core::CivilDate::parse(detail.created_at.get(..10).unwrap_or_default());
    Ok(unit.warranty_until(&state.config, component).zip(filed).map(|(until, filed)| {
        match filed <= until {
            true => WarrantyStatus::InWarranty { until: until.to_string() },
            false => WarrantyStatus::OutOfWarranty { ended: until.to_string() },
        }
    }))
}

/// `POST /staff/requests/{reference}/events`: 201 with the new timeline entry.
#[utoipa::path(
    post,
    path = "/api/v1/staff/requests/{reference}/events",
    tag = "staff",
    security(("staff_session" = [])),
    params(("reference" = String, Path, description = "The request's reference.")),
    request_body = EventRequest,
    responses(
        (status = 201, description = "On the timeline.", body = shouhou_core::desk::Entry),
        crate::http::docs::BodyErrors,
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSite,
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
        (status = 403, description = "`forbidden`: an engineer sends no event but `visit_report`; `not_your_visit`: an engineer joins a report to another engineer's visit.", body = crate::http::docs::ErrorBody),
        (status = 409, description = "`transition_not_allowed`: the status machine does not go there from here; `visit_overlaps`: the engineer is booked on another request then (the message names it); `visit_not_scheduled`: the visit was cancelled or done; `report_of_another`: the report was not filed by the visit's engineer; `report_taken`: the report answers another visit already.", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`invalid_event` (a text, outcome, satisfaction, time or visit's window out of bounds: a window begins no more than a day ago and no more than a year ahead), `unknown_staff` or `unknown_engineer`.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn add_event(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let reference = parse_issued_reference(&reference).ok_or_else(request_not_found)?;
        staff.may_see(&state, &reference).await?;
        let event: EventRequest = in_time(&state, json_body(&headers, body)).await?;
        // An engineer answers their visit with its report, the one thing the engineer's app
        // sends; the rest (what the customer is told and promised, statuses, assignments,
        // follow-ups that feed the figures, the archive, the bookings) is the desk's.
        let report = matches!(event, EventRequest::VisitReport { .. });
        if !staff.session.role.works_requests() && !report {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "api.engineer_event_forbidden",
            ));
        }
        let event = checked(event, &state.config)?;
        let actor = staff.session.login.clone();
        let entry = match event {
            EventRequest::ConfirmWarranty { delivered_on } => {
                let judged = confirmed_warranty(&state, &reference, &delivered_on).await?;
                state
                    .store
                    .confirm_warranty(&reference, &delivered_on, judged, &actor, &store::now_text())
                    .await?
            }
            event => state
                .store
                .add_event(&reference, event, Some(&actor), &store::now_text())
                .await
                .map_err(ApiError::from)?,
        };
        tracing::info!(login = %staff.session.login, kind = entry.kind.as_str(), "staff event");
        Ok::<_, ApiError>((StatusCode::CREATED, Json(json!(entry))).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
