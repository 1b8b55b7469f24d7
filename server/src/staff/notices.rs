//! `/api/v1/staff`: what was sent about a request (each notice and alert, to whom, when, and
//! what failed with the reason), a lead's resend of a failed one, and the live desk: the
//! event stream every open desk listens to (`/staff/stream`, Server-Sent Events) and the
//! "someone is typing a reply" signal it carries.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, Stream};
use serde_json::json;
use shouhou_core::reference::parse_issued_reference;
use tokio::sync::broadcast::error::RecvError;

use crate::http::error::ApiError;
use crate::http::session::{DeskStaff, Staff};
use crate::state::AppState;
use crate::store::hub::Signal;
use crate::store::StoreError;

/// `GET /staff/requests/{reference}/notices`: every notice and alert of the request, oldest
/// first.
#[utoipa::path(
    get,
    path = "/api/v1/staff/requests/{reference}/notices",
    tag = "staff",
    security(("staff_session" = [])),
    params(("reference" = String, Path, description = "The request's reference.")),
    responses(
        (status = 200, description = "What was sent to whom and when, and what failed with the reason.", body = [shouhou_core::desk::NoticeRecord]),
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn notices_of(
    State(state): State<Arc<AppState>>,
    _staff: DeskStaff,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_issued_reference(&reference)
            .ok_or_else(|| ApiError::from(StoreError::NotFound))?;
        if state.store.find(&reference).await.map_err(ApiError::from)?.is_none() {
            return Err(ApiError::from(StoreError::NotFound));
        }
        let notices = state.store.notices_of(&reference).await.map_err(ApiError::from)?;
        Ok::<_, ApiError>(Json(notices).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// `POST /staff/notices/{id}/resend` (leads): a notice that failed for good is queued again.
#[utoipa::path(
    post,
    path = "/api/v1/staff/notices/{id}/resend",
    tag = "staff",
    security(("staff_session" = [])),
    params(("id" = i64, Path, description = "The notice's id, as the request's notices list it.")),
    responses(
        (status = 202, description = "Queued again; the worker sends it at once."),
        (status = 400, description = "`bad_request`: an id that is not a number.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSite,
        (status = 403, description = "`forbidden`: an agent, not a lead (or `cross_site`).", body = crate::http::docs::ErrorBody),
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
        (status = 409, description = "`not_failed`: it was sent, or is still being tried.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn resend(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let now = chrono::Utc::now().timestamp();
        let reference = state.store.resend_notice(id, now).await.map_err(ApiError::from)?;
        tracing::info!(login = %staff.session.login, id, %reference, "notice sent again");
        Ok::<_, ApiError>(StatusCode::ACCEPTED.into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// `POST /staff/requests/{reference}/typing`: the signed-in member of staff is typing a reply
/// on the request; every open desk hears it (not stored).
#[utoipa::path(
    post,
    path = "/api/v1/staff/requests/{reference}/typing",
    tag = "staff",
    security(("staff_session" = [])),
    params(("reference" = String, Path, description = "The request's reference.")),
    responses(
        (status = 204, description = "Told to every open desk."),
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSiteOrEngineer,
        (status = 404, description = "`not_found`.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn typing(
    State(state): State<Arc<AppState>>,
    staff: DeskStaff,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_issued_reference(&reference)
            .ok_or_else(|| ApiError::from(StoreError::NotFound))?;
        state.store.typing(&reference, &staff.session.login).await.map_err(ApiError::from)?;
        Ok::<_, ApiError>(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// Changes sent in one go after a reconnection, at most.
const CATCH_UP: i64 = 500;

/// `GET /staff/stream`: Server-Sent Events for the live desk. Each change stored on any
/// instance is an event `change` (`{"reference", "what"}`: `filed`, `event`, `notice`,
/// `escalated`) whose id is the change's; a browser reconnecting (after a restart, a dropped
/// connection) sends the last id it had as `Last-Event-ID` and gets every change since,
/// before the new ones. A colleague typing a reply is an event `typing` (`{"reference",
/// "login"}`). A comment every 15 s keeps proxies from closing a quiet stream.
#[utoipa::path(
    get,
    path = "/api/v1/staff/stream",
    tag = "staff",
    security(("staff_session" = [])),
    params(("Last-Event-ID" = Option<i64>, Header, description = "The last change's id the desk had: the changes since are sent first.")),
    responses(
        (status = 200, description = "`text/event-stream`: `change` and `typing` events.", content_type = "text/event-stream", body = crate::http::docs::StreamEvent),
        (status = 400, description = "`bad_request`: a `Last-Event-ID` that is no change's id.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
    )
)]
pub async fn stream(
    State(state): State<Arc<AppState>>,
    staff: DeskStaff,
    headers: HeaderMap,
) -> Response {
    // A browser sends back only an id this stream gave it; anything else is no resumption
    // point, and starting from now would silently miss the changes in between.
    let last = match headers.get("last-event-id") {
        None => None,
        Some(value) => match value.to_str().ok().and_then(|v| v.trim().parse::<i64>().ok()) {
            Some(id) if id >= 0 => Some(id),
            _ => {
                return ApiError::new(StatusCode::BAD_REQUEST, "bad_request", "api.bad_request")
                    .with_arg("detail", "Last-Event-ID")
                    .into_response_for(&headers)
            }
        },
    };
    let after = match last {
        Some(last) => last,
        None => match state.store.last_desk_change().await {
            Ok(last) => last,
            Err(error) => return ApiError::from(error).into_response_for(&headers),
        },
    };
    let signals = state.store.hub().subscribe();
    let DeskStaff(Staff { session, token_hash }) = staff;
    Sse::new(events(state, signals, after, session.login, token_hash))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

/// How often an open stream asks whether its session still holds: at most this often before
/// a colleague's typing goes out (changes are read from the store, and the session with
/// them, every time), and at least this often while nothing happens.
const SESSION_RECHECK: Duration = Duration::from_secs(1);
const SESSION_RECHECK_IDLE: Duration = Duration::from_secs(15);

struct Listening {
    state: Arc<AppState>,
    signals: tokio::sync::broadcast::Receiver<Signal>,
    after: i64,
    me: String,
    /// The session the stream was opened in: signed out, disabled or expired, it ends the
    /// stream as it ends every other call.
    token_hash: String,
    checked: tokio::time::Instant,
    pending: std::collections::VecDeque<Event>,
    /// Read the changes first (a reconnection's catch-up), then on every signal.
    read: bool,
}

impl Listening {
    /// Whether the stream's session still holds: asked of the store, or (`recently`) taken
    /// as it was if asked within a [`SESSION_RECHECK`]. A store that cannot answer keeps the
    /// stream (and says so).
    async fn still_signed_in(&mut self, recently: bool) -> bool {
        if recently && self.checked.elapsed() < SESSION_RECHECK {
            return true;
        }
        match self.state.store.session(&self.token_hash, &crate::store::now_text()).await {
            Ok(Some(_)) => {
                self.checked = tokio::time::Instant::now();
                true
            }
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, "cannot check a live desk's session");
                true
            }
        }
    }
}

fn events(
    state: Arc<AppState>,
    signals: tokio::sync::broadcast::Receiver<Signal>,
    after: i64,
    me: String,
    token_hash: String,
) -> impl Stream<Item = Result<Event, Infallible>> {
    // A browser waits 3 s or so before reconnecting unless told otherwise: 1 s, so a desk
    // is back soon after a restart.
    let pending = std::collections::VecDeque::from([Event::default()
        .retry(Duration::from_secs(1))
        .comment("live")]);
    let checked = tokio::time::Instant::now();
    let listening =
        Listening { state, signals, after, me, token_hash, checked, pending, read: true };
    stream::unfold(listening, |mut l| async move {
        loop {
            if let Some(event) = l.pending.pop_front() {
                if !l.still_signed_in(true).await {
                    return None;
                }
                return Some((Ok(event), l));
            }
            if l.read {
                l.read = false;
                if !l.still_signed_in(false).await {
                    return None;
                }
                match l.state.store.desk_changes(l.after, CATCH_UP).await {
                    Ok(changes) => {
                        l.read = changes.len() as i64 == CATCH_UP;
                        for change in changes {
                            l.after = change.id;
                            l.pending.push_back(
                                Event::default().event("change").id(change.id.to_string()).data(
                                    json!({"reference": change.reference, "what": change.what})
                                        .to_string(),
                                ),
                            );
                        }
                    }
                    Err(error) => tracing::warn!(%error, "cannot read the desk's changes"),
                }
                continue;
            }
            let signal = tokio::select! {
                signal = l.signals.recv() => signal,
                () = tokio::time::sleep(SESSION_RECHECK_IDLE) => {
                    if !l.still_signed_in(false).await {
                        return None;
                    }
                    continue;
                }
            };
            match signal {
                Ok(Signal::Changed) | Err(RecvError::Lagged(_)) => l.read = true,
                Ok(Signal::Typing { reference, login }) if login != l.me => {
                    l.pending.push_back(
                        Event::default()
                            .event("typing")
                            .data(json!({"reference": reference, "login": login}).to_string()),
                    );
                }
                Ok(Signal::Typing { .. }) => {}
                // The store is gone: the server is stopping.
                Err(RecvError::Closed) => return None,
            }
        }
    })
}
