//! `/api/v1/staff/follow-ups`: today's follow-up calls (回访), for the desk's agents and leads, with
//! the calling hours and the script. The days are core's, from the configuration's
//! `follow_up`; a call is recorded as an event on the request (`POST …/requests/{reference}/events`,
//! `follow_up`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use shouhou_core::follow_up::DueCalls;

use crate::http::error::ApiError;
use crate::http::session::DeskStaff;
use crate::state::AppState;
use crate::store;

#[utoipa::path(
    get,
    path = "/api/v1/staff/follow-ups",
    tag = "staff",
    description = "The requests due a follow-up call today: first resolved `follow_up.after_days` to `follow_up.within_days` days ago (2 to 7 by default), still resolved or closed, whose calls so far reached nobody; the oldest resolution first, at most 500. A call with the outcome `reached` or `refused` takes a request off the list; `no_answer` leaves it there.",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The calls due.", body = shouhou_core::follow_up::DueCalls),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
    )
)]
// Not an engineer's: the list is every due customer's name and phone, and an engineer sees
// only the requests they visit.
pub async fn due(State(state): State<Arc<AppState>>, _: DeskStaff, headers: HeaderMap) -> Response {
    let result = async {
        let settings = &state.config.follow_up;
        let (first, last) = settings.due_between(store::today());
        let (from, to) = (first.to_string(), last.to_string());
        let calls = state.store.due_calls(&from, &to).await?;
        let calling_hours = settings.calling_hours.clone();
        let script = settings.script.clone();
        Ok::<_, ApiError>(Json(DueCalls { from, to, calling_hours, script, calls }).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
