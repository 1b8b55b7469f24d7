//! `/api/v1/staff`: the staff desk's API — sign-in, the inbox, a request's record and
//! timeline, the actions on it, and (for leads) the figures and the CSV export.
//!
//! A session is a random token in an `HttpOnly; SameSite=Strict` cookie; the database keeps
//! only its hash ([`crate::auth`]). Every route but sign-in needs a valid session ([`Staff`],
//! 401 without). Every state-changing route also refuses what a browser marks as coming
//! from another site ([`same_site_only`], 403): SameSite already keeps the cookie off
//! cross-site requests, and this holds even for a browser or proxy that drops it.
//! Answers carry personal data, so none of them may be cached (`Cache-Control: no-store`).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::SecondsFormat;
use serde::Deserialize;
use serde_json::json;
use shouhou_core::reference::parse_reference;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::{in_time, json_body, rate_limited, ApiError};
use crate::auth;
use crate::store::timeline::{EventRequest, InboxFilter};
use crate::store::{Role, Session, Store, StoreError};
use crate::AppState;

pub const COOKIE: &str = "shouhou_staff";

/// Longest reply, note or follow-up text.
const MAX_TEXT_CHARS: usize = 10_000;

pub fn routes(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/session", post(sign_in).get(who_am_i).delete(sign_out))
        .route("/members", get(members))
        .route("/requests", get(inbox))
        .route("/requests/{reference}", get(request_detail))
        .route("/requests/{reference}/photos/{photo}", get(photo))
        .route("/requests/{reference}/events", post(add_event))
        .route("/figures", get(crate::figures::figures))
        .route("/export.csv", get(crate::figures::export_csv))
        .layer(from_fn_with_state(Arc::clone(state), same_site_only))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

fn peer(extensions: &axum::http::Extensions) -> Option<IpAddr> {
    extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())
}

/// The origin this server is reached at, as a browser on it would send in `Origin`.
fn own_origin(state: &AppState, parts: &Parts) -> Option<String> {
    let host = parts.headers.get(header::HOST)?.to_str().ok()?;
    let https =
        state.guards.sign_in.clients.forwarded_https(peer(&parts.extensions), &parts.headers);
    Some(format!("{}://{}", if https { "https" } else { "http" }, host.to_ascii_lowercase()))
}

/// Middleware: a state-changing request must come from this site. `Sec-Fetch-Site` must be
/// `same-origin` or `none` (typed in, a bookmark) when sent; `Origin`, when sent, must be
/// this server's own or a `--cors-origin`. Tools that send neither (curl, scripts) pass:
/// cross-site forgery needs a browser, and browsers send at least one of them.
async fn same_site_only(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let fetch_site_ok =
        header("sec-fetch-site").is_none_or(|site| site == "same-origin" || site == "none");
    let origin_ok = header("origin").is_none_or(|origin| {
        let origin = origin.trim_end_matches('/');
        own_origin(&state, &parts).is_some_and(|own| own.eq_ignore_ascii_case(origin))
            || state.cors.0.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin))
    });
    if !(fetch_site_ok && origin_ok) {
        tracing::warn!(
            method = %parts.method,
            path = %parts.uri.path(),
            origin = header("origin").unwrap_or(""),
            fetch_site = header("sec-fetch-site").unwrap_or(""),
            "cross-site staff request refused"
        );
        return ApiError::new(StatusCode::FORBIDDEN, "cross_site", "api.cross_site")
            .into_response_for(&parts.headers);
    }
    next.run(Request::from_parts(parts, body)).await
}

/// A signed-in staff member: the extractor every staff route but sign-in takes.
pub struct Staff {
    pub session: Session,
    token_hash: String,
}

impl Staff {
    /// Figures and exports: 403 for an agent.
    pub fn require_lead(&self) -> Result<(), ApiError> {
        if self.session.role == Role::Lead {
            Ok(())
        } else {
            Err(ApiError::new(StatusCode::FORBIDDEN, "forbidden", "api.forbidden"))
        }
    }
}

fn session_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, token)| token.trim())
        .filter(|token| token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl FromRequestParts<Arc<AppState>> for Staff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Staff, Response> {
        let unauthorized = |headers: &HeaderMap| {
            ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", "api.unauthorized")
                .into_response_for(headers)
        };
        let Some(token) = session_token(&parts.headers) else {
            return Err(unauthorized(&parts.headers));
        };
        let token_hash = auth::token_hash(token);
        let found = state.store.session(&token_hash, &now_text()).await.map_err(store_error);
        match found {
            Ok(Some(session)) => Ok(Staff { session, token_hash }),
            Ok(None) => Err(unauthorized(&parts.headers)),
            Err(error) => Err(error.into_response_for(&parts.headers)),
        }
    }
}

fn now_text() -> String {
    Store::now().to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// The one mapping from a store refusal to an API answer.
pub(crate) fn store_error(error: StoreError) -> ApiError {
    match error {
        StoreError::NotFound => {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.request_not_found")
        }
        StoreError::TransitionNotAllowed { from, to } => ApiError::new(
            StatusCode::CONFLICT,
            "transition_not_allowed",
            "api.transition_not_allowed",
        )
        .with_arg("from", from.as_str())
        .with_arg("to", to.as_str()),
        StoreError::UnknownStaff => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unknown_staff", "api.unknown_staff")
        }
        other => ApiError::internal(other),
    }
}

fn request_not_found() -> ApiError {
    store_error(StoreError::NotFound)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Credentials {
    login: String,
    password: String,
}

/// `POST /staff/session`: 204 and the session cookie, or the same 401 whatever was wrong.
#[utoipa::path(
    post,
    path = "/api/v1/staff/session",
    tag = "staff",
    request_body = Credentials,
    responses(
        (status = 204, description = "Signed in.", headers(("Set-Cookie" = String, description = "`shouhou_staff=<token>; HttpOnly; SameSite=Strict; Path=/; Max-Age=…`"))),
        crate::openapi::BodyErrors,
        (status = 401, description = "`invalid_credentials`, whatever was wrong.", body = crate::openapi::ErrorBody),
        crate::openapi::CrossSite,
        crate::openapi::RateLimited,
    )
)]
async fn sign_in(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let guard = &state.guards.sign_in;
    let client = guard.clients.client(peer(&parts.extensions), headers);
    if let Some(wait) = guard.limiter.waiting(client) {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        tracing::warn!(%client, retry_after = seconds, "staff sign-in rate limited");
        return rate_limited(headers, seconds.max(1));
    }
    match try_sign_in(&state, headers, body).await {
        Ok(Some((login, token))) => {
            tracing::info!(%login, "staff signed in");
            let secure = guard.clients.forwarded_https(peer(&parts.extensions), headers);
            let cookie = format!(
                "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
                u64::from(state.session_hours) * 3600,
                if secure { "; Secure" } else { "" }
            );
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).expect("a cookie of hex digits and ASCII"),
            );
            response
        }
        Ok(None) => {
            // Only failures count against the client: a team signing in at nine is fine.
            let _ = guard.limiter.check(client);
            tracing::warn!(%client, "staff sign-in failed");
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "api.invalid_credentials",
            )
            .into_response_for(headers)
        }
        Err(error) => error.into_response_for(headers),
    }
}

/// The login and a new token when the credentials hold; `None` when they do not.
async fn try_sign_in(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Option<(String, String)>, ApiError> {
    let Credentials { login, password } = in_time(state, json_body(headers, body)).await?;
    if password.len() > auth::MAX_PASSWORD_BYTES {
        return Ok(None);
    }
    let account = state.store.credentials(&login).await.map_err(store_error)?;
    // Argon2 is slow on purpose: off the async workers.
    let account = tokio::task::spawn_blocking(move || {
        // Unknown or disabled: the same Argon2 work against a hash nobody knows the password
        // of, so the answer's timing does not tell which logins exist.
        let (id, hash) = account.clone().unwrap_or((0, auth::dummy_hash().to_string()));
        let verified = auth::verify_password(&password, &hash);
        (account.is_some() && verified).then_some(id)
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(staff_id) = account else { return Ok(None) };
    let token = auth::new_token();
    let token_hash = auth::token_hash(&token);
    let now = Store::now();
    let expires = now + chrono::Duration::hours(i64::from(state.session_hours));
    let (now, expires) = (
        now.to_rfc3339_opts(SecondsFormat::Secs, false),
        expires.to_rfc3339_opts(SecondsFormat::Secs, false),
    );
    state.store.start_session(staff_id, &token_hash, &now, &expires).await.map_err(store_error)?;
    Ok(Some((login, token)))
}

/// `GET /staff/session`: who is signed in, their role and when the session ends.
#[utoipa::path(
    get,
    path = "/api/v1/staff/session",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "The session.", body = shouhou_core::desk::Session),
        crate::openapi::Unauthorized,
    )
)]
async fn who_am_i(staff: Staff) -> Response {
    Json(staff.session).into_response()
}

/// `GET /staff/members`: the active accounts, for choosing whom to assign a request to.
#[utoipa::path(
    get,
    path = "/api/v1/staff/members",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 200, description = "Active staff, by login.", body = Vec<shouhou_core::desk::Member>),
        crate::openapi::Unauthorized,
    )
)]
async fn members(
    State(state): State<Arc<AppState>>,
    _staff: Staff,
    headers: HeaderMap,
) -> Response {
    match state.store.list_staff().await {
        Ok(all) => {
            let active: Vec<shouhou_core::desk::Member> = all
                .into_iter()
                .filter(|member| !member.disabled)
                .map(|member| shouhou_core::desk::Member { login: member.login, role: member.role })
                .collect();
            Json(active).into_response()
        }
        Err(error) => store_error(error).into_response_for(&headers),
    }
}

/// `DELETE /staff/session`: ends the session at once, everywhere, and clears the cookie.
#[utoipa::path(
    delete,
    path = "/api/v1/staff/session",
    tag = "staff",
    security(("staff_session" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared.", headers(("Set-Cookie" = String, description = "`shouhou_staff=; …; Max-Age=0`"))),
        crate::openapi::Unauthorized,
        crate::openapi::CrossSite,
    )
)]
async fn sign_out(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
) -> Response {
    match state.store.end_session(&staff.token_hash).await {
        Ok(()) => {
            tracing::info!(login = %staff.session.login, "staff signed out");
            let mut response = StatusCode::NO_CONTENT.into_response();
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&format!(
                    "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"
                ))
                .expect("ASCII"),
            );
            response
        }
        Err(error) => store_error(error).into_response_for(&headers),
    }
}

pub(crate) fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
        .with_arg("detail", rejection.body_text())
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
        (status = 400, description = "`bad_query`.", body = crate::openapi::ErrorBody),
        crate::openapi::Unauthorized,
    )
)]
async fn inbox(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<InboxFilter>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(filter) = query.map_err(bad_query)?;
        let me = staff.session.login.clone();
        let inbox = state.store.inbox(filter, &me, Store::now()).await.map_err(store_error)?;
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
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::openapi::ErrorBody),
        crate::openapi::Unauthorized,
        (status = 404, description = "`not_found`.", body = crate::openapi::ErrorBody),
    )
)]
async fn request_detail(
    State(state): State<Arc<AppState>>,
    _staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_reference(&reference).ok_or_else(request_not_found)?;
        let detail = state
            .store
            .detail(&reference, Store::now())
            .await
            .map_err(store_error)?
            .ok_or_else(request_not_found)?;
        Ok::<_, ApiError>(Json(detail).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
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
        (status = 400, description = "`bad_request`: an address that cannot be read.", body = crate::openapi::ErrorBody),
        crate::openapi::Unauthorized,
        (status = 404, description = "`not_found`.", body = crate::openapi::ErrorBody),
    )
)]
async fn photo(
    State(state): State<Arc<AppState>>,
    _staff: Staff,
    Path((reference, photo)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let reference = parse_reference(&reference).ok_or_else(request_not_found)?;
        let (content_type, bytes) = state
            .store
            .photo(&reference, &photo)
            .await
            .map_err(store_error)?
            .ok_or_else(request_not_found)?;
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
fn checked(event: EventRequest) -> Result<EventRequest, ApiError> {
    let text_ok = |text: &str, required: bool| {
        let chars = text.trim().chars().count();
        (!required || chars > 0) && chars <= MAX_TEXT_CHARS
    };
    match event {
        EventRequest::Reply { ref text } | EventRequest::Note { ref text } => {
            if !text_ok(text, true) {
                return Err(invalid_event("text: 1 to 10000 characters"));
            }
        }
        EventRequest::FollowUp { ref outcome, satisfaction, ref text } => {
            if !text_ok(outcome, true) || outcome.chars().count() > 200 {
                return Err(invalid_event("outcome: 1 to 200 characters"));
            }
            if satisfaction.is_some_and(|s| !(1..=5).contains(&s)) {
                return Err(invalid_event("satisfaction: 1 to 5 or null"));
            }
            if !text_ok(text, false) {
                return Err(invalid_event("text: at most 10000 characters"));
            }
        }
        EventRequest::ReplyBy { at } => {
            let at = chrono::DateTime::parse_from_rfc3339(at.trim())
                .map_err(|_| invalid_event("at: an RFC 3339 time, e.g. 2026-11-28T17:00:00+08:00"))?
                .with_timezone(&chrono::Local)
                .fixed_offset()
                .to_rfc3339_opts(SecondsFormat::Secs, false);
            return Ok(EventRequest::ReplyBy { at });
        }
        EventRequest::Status { .. } | EventRequest::Assign { .. } => {}
        // Recorded once the product archive's store is in (the store's next layout).
        EventRequest::Resolve { .. } | EventRequest::ConfirmWarranty { .. } => {
            return Err(invalid_event("kind: not accepted by this server yet"));
        }
    }
    Ok(event)
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
        crate::openapi::BodyErrors,
        crate::openapi::Unauthorized,
        crate::openapi::CrossSite,
        (status = 404, description = "`not_found`.", body = crate::openapi::ErrorBody),
        (status = 409, description = "`transition_not_allowed`: the status machine does not go there from here.", body = crate::openapi::ErrorBody),
        (status = 422, description = "`invalid_event` (a text, outcome, satisfaction or time out of bounds) or `unknown_staff`.", body = crate::openapi::ErrorBody),
    )
)]
async fn add_event(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let reference = parse_reference(&reference).ok_or_else(request_not_found)?;
        let event: EventRequest = in_time(&state, json_body(&headers, body)).await?;
        let event = checked(event)?;
        let actor = staff.session.login.clone();
        let entry = state
            .store
            .add_event(&reference, event, Some(&actor), &now_text())
            .await
            .map_err(store_error)?;
        tracing::info!(login = %staff.session.login, kind = entry.kind.as_str(), "staff event");
        Ok::<_, ApiError>((StatusCode::CREATED, Json(json!(entry))).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
