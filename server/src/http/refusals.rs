//! What axum's extractors refuse before a handler runs, answered like every other refusal.

use axum::body::to_bytes;
use axum::http::{header, StatusCode};
use axum::response::Response;

use crate::http::error::{too_large, ApiError};

/// Middleware: what axum's extractors refuse before a handler runs (a path that is not
/// UTF-8, a query parameter given twice, a body over the kiosk unlock's 2 MiB default limit)
/// is answered in plain text; here it becomes the JSON error every other refusal is, as the
/// OpenAPI document says (Schemathesis's kind of finding, from reading the extractors).
pub async fn plain_refusals_as_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let content_type = response.headers().get(header::CONTENT_TYPE);
    let plain_text = content_type.is_some_and(|value| value.as_bytes().starts_with(b"text/plain"));
    // axum answers a method a route does not take with an empty 405.
    let bare_405 = response.status() == StatusCode::METHOD_NOT_ALLOWED && content_type.is_none();
    if !(response.status().is_client_error() && (plain_text || bare_405)) {
        return response;
    }
    let status = response.status();
    let allow = response.headers().get(header::ALLOW).cloned();
    let detail = to_bytes(response.into_body(), 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let error = match status {
        // axum's DefaultBodyLimit, the only limit an extractor enforces on these routes.
        StatusCode::PAYLOAD_TOO_LARGE => too_large(2 * 1024 * 1024),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "api.method_not_allowed")
        }
        _ => ApiError::new(status, "bad_request", "api.bad_request").with_arg("detail", detail),
    };
    let mut refusal = error.into_response_for(&headers);
    if let Some(allow) = allow {
        refusal.headers_mut().insert(header::ALLOW, allow);
    }
    refusal
}
