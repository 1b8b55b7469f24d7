//! Refuses a state-changing staff request that a browser marks as coming from another site.
//! SameSite already keeps the session cookie off cross-site requests; this holds even for a
//! browser or proxy that drops it.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use crate::http::error::ApiError;
use crate::http::session::peer;
use crate::state::AppState;

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
pub async fn same_site_only(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // Sent but not text (no browser sends that): refused like a foreign value, never read as
    // not sent.
    let sent = |name: &str| parts.headers.get(name).map(|v| v.to_str().unwrap_or("\u{fffd}"));
    let header = |name: &str| sent(name).filter(|value| *value != "\u{fffd}");
    let fetch_site_ok =
        sent("sec-fetch-site").is_none_or(|site| site == "same-origin" || site == "none");
    let origin_ok = sent("origin").is_none_or(|origin| {
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
