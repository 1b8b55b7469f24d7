//! CORS for a company that hosts the app on another origin (`--cors-origin`, repeatable).
//!
//! Written out instead of taken from a general CORS layer so that an origin not on the list
//! gets no `Access-Control-*` header at all, preflight included: nothing to probe.
//! No credentials are ever allowed; the API needs none.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AllowedOrigins;

/// Checks an origin given on the command line: `https://shop.example` or
/// `http://127.0.0.1:8081`, nothing after the host and port.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let origin = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let bad = || format!("{text:?}: expected an origin like https://shop.example");
    let (scheme, authority) = origin.split_once("://").ok_or_else(bad)?;
    let plain = (scheme == "https" || scheme == "http")
        && !authority.is_empty()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    plain.then_some(origin.clone()).ok_or_else(bad)
}

/// What a cross-origin caller may send and read.
const ALLOW_METHODS: &str = "GET, POST";
const ALLOW_HEADERS: &str = "content-type, idempotency-key, accept-language";
const EXPOSE_HEADERS: &str = "retry-after, idempotent-replayed";

/// Middleware on `/api/v1`: answers an allowed origin's preflight, and marks answers to an
/// allowed origin as readable by it.
pub async fn enforce(
    State(allowed): State<Arc<AllowedOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    let origin = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|origin| allowed.0.iter().any(|a| a.eq_ignore_ascii_case(origin)))
        .and_then(|origin| HeaderValue::from_str(origin).ok());
    let preflight = request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = match (&origin, preflight) {
        (Some(_), true) => {
            let mut response = StatusCode::NO_CONTENT.into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
            response
        }
        _ => next.run(request).await,
    };
    let headers = response.headers_mut();
    // The answer depends on Origin whenever a list exists: caches must keep them apart.
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static(EXPOSE_HEADERS),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_when_given() {
        assert_eq!(parse_origin("https://Shop.Example/").as_deref(), Ok("https://shop.example"));
        assert_eq!(parse_origin("http://127.0.0.1:8081").as_deref(), Ok("http://127.0.0.1:8081"));
        for bad in ["shop.example", "https://shop.example/app", "*", "ftp://x", "https://"] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }
}
