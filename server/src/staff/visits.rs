//! `GET /api/v1/staff/visits`: the engineers' visits of a day or a week, for the dispatch
//! board, and an engineer's own list. Booking, moving and cancelling a visit are events on
//! the request's timeline (`staff::requests::add_event`).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{Local, NaiveDate, TimeZone};
use serde::Deserialize;

use crate::auth::valid_login;
use crate::http::error::ApiError;
use crate::http::query::bad_query;
use crate::http::session::Staff;
use crate::state::AppState;

/// The longest list: a month of the board.
const MOST_DAYS: i64 = 31;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// The first day, `YYYY-MM-DD`, on the server's calendar.
    #[param(format = Date)]
    from: String,
    /// The last day, `YYYY-MM-DD`, not before `from` and at most 31 days after it.
    #[param(format = Date)]
    to: String,
    /// One engineer's visits (an engineer sees only their own, whatever this says).
    #[serde(default)]
    engineer: Option<String>,
}

fn bad_days() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
        .with_arg("detail", "from and to are days, YYYY-MM-DD, from not after to, at most 31 days")
}

/// The start of `day` on the server's calendar, in Unix seconds.
fn day_start(day: NaiveDate) -> Option<i64> {
    Local.from_local_datetime(&day.and_hms_opt(0, 0, 0)?).earliest().map(|t| t.timestamp())
}

/// `from` and `to` as the Unix seconds from the first day's start to the last day's end.
fn days(from: &str, to: &str) -> Result<(i64, i64), ApiError> {
    let day = |text: &str| {
        (text.len() == 10).then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten()
    };
    let (first, last) = day(from).zip(day(to)).ok_or_else(bad_days)?;
    let span = (last - first).num_days();
    if !(0..MOST_DAYS).contains(&span) {
        return Err(bad_days());
    }
    let after = last.succ_opt().ok_or_else(bad_days)?;
    day_start(first).zip(day_start(after)).ok_or_else(bad_days)
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/visits",
    tag = "staff",
    description = "The visits that share any time with the days from `from` to `to`, in the order \
        they begin, with their request's reference, status, product line and customer's name: \
        every engineer's, or one's. An engineer gets only their own.",
    security(("staff_session" = [])),
    params(VisitQuery),
    responses(
        (status = 200, description = "The visits.", body = Vec<shouhou_core::desk::VisitRow>),
        (status = 400, description = "`bad_query`.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
    )
)]
pub async fn visits(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<VisitQuery>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(query) = query.map_err(bad_query)?;
        let (from, to) = days(&query.from, &query.to)?;
        let engineer = staff.visiting().map(str::to_string).or(query.engineer);
        // A login no account can have has no visits (and is never handed to the database).
        if engineer.as_deref().is_some_and(|login| !valid_login(login)) {
            return Ok(Json(Vec::<shouhou_core::desk::VisitRow>::new()).into_response());
        }
        let visits = state.store.visits_between(from, to, engineer.as_deref()).await?;
        Ok::<_, ApiError>(Json(visits).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/visits/unscheduled",
    tag = "staff",
    description = "The open requests waiting for a visit to be booked, beside the dispatch board, \
        oldest first (at most 200): an on-site request nobody is booked for yet, or one whose \
        engineer's report asked for another visit. Booking a `visit` on the request books it. \
        For the desk's agents and leads.",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The requests waiting for a visit.", body = Vec<shouhou_core::desk::UnscheduledVisit>),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
    )
)]
pub async fn unscheduled(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
) -> Response {
    let result = async {
        staff.require_desk()?;
        Ok::<_, ApiError>(Json(state.store.unscheduled_visits().await?).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
