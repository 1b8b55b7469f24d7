//! `POST /api/v1/csp-report`: where browsers report Content-Security-Policy violations.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Reports are small; anything bigger is not a report.
const MAX_REPORT_BYTES: usize = 64 * 1024;

/// `POST /api/v1/csp-report`: logs each violation (`"csp violation"` in the JSON log lines,
/// what a browser test counts) and answers 204 without a body.
#[utoipa::path(
    post,
    path = "/api/v1/csp-report",
    tag = "customer",
    description = "Where browsers report Content-Security-Policy violations: `{\"csp-report\": {…}}` (report-uri) \
        or an array of `{\"type\", \"body\"}` (the Reporting API). Logged, never stored.",
    request_body(content(
        (serde_json::Value = "application/csp-report"),
        (serde_json::Value = "application/reports+json"),
        (serde_json::Value = "application/json"),
    )),
    responses(
        (status = 204, description = "Logged."),
        (status = 400, description = "Not a report (no body)."),
        (status = 408, description = "The body did not arrive in time (no body)."),
        (status = 413, description = "Over 64 KiB (no body)."),
        crate::http::docs::RateLimited,
    )
)]
pub async fn csp_report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let read = tokio::time::timeout(state.body_timeout, to_bytes(body, MAX_REPORT_BYTES));
    let bytes = match read.await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(_) => return StatusCode::REQUEST_TIMEOUT.into_response(),
    };
    let content_type =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        // report-uri sends {"csp-report": {…}}; the Reporting API an array of {type, body}.
        Ok(serde_json::Value::Array(reports)) => {
            for report in reports.iter().filter(|r| r["type"] == "csp-violation") {
                log_violation(&report["body"]);
            }
        }
        Ok(report) if report.get("csp-report").is_some() => log_violation(&report["csp-report"]),
        _ => {
            tracing::warn!(%content_type, "a CSP report that could not be read");
            return StatusCode::BAD_REQUEST.into_response();
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

fn log_violation(report: &serde_json::Value) {
    let field = |a: &str, b: &str| {
        report.get(a).or_else(|| report.get(b)).and_then(|v| v.as_str()).unwrap_or("").to_string()
    };
    tracing::warn!(
        directive = %field("effectiveDirective", "violated-directive"),
        blocked = %field("blockedURL", "blocked-uri"),
        document = %field("documentURL", "document-uri"),
        source = %field("sourceFile", "source-file"),
        "csp violation"
    );
}
