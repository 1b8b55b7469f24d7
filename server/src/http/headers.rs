//! Security headers on every answer (the CSP's reports arrive at
//! [`crate::customer::csp::csp_report`]).
//!
//! The policy allows the app exactly what it does: its own scripts and styles (no inline
//! code, no `eval`; `wasm-unsafe-eval` only to compile its WebAssembly; the one stylesheet the
//! rendered pages carry inline, by its hash), images from itself,
//! `data:` (the receipt's QR code) and `blob:` (photos before they are sent), the camera
//! for photos and nothing else, and no framing by any page (clickjacking). Requests go to
//! the app's own origin, plus the backend's origin when `config.json` names one elsewhere
//! (the webhook and form-handler adapters).

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use shouhou_core::AppConfig;

use crate::limit::ClientAddr;

/// Where browsers send violation reports (`report-uri` and the Reporting API's `report-to`).
pub const CSP_REPORT_PATH: &str = "/api/v1/csp-report";

/// The Content-Security-Policy for this configuration; `inline_style` is the `'sha256-…'` of
/// the one stylesheet the rendered pages carry inline (`pages.rs`), allowed by that hash alone.
pub fn content_security_policy(config: &AppConfig, inline_style: Option<&str>) -> String {
    // `data:`: importing a drafts file turns its photos (data: URLs) back into Blobs with
    // fetch, which never leaves the device.
    let mut connect = String::from("'self' data:");
    if let Some(origin) = foreign_origin(&config.backend.url) {
        connect.push(' ');
        connect.push_str(&origin);
    }
    let style = match inline_style {
        Some(hash) => format!("'self' {hash}"),
        None => "'self'".to_string(),
    };
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src {style}; \
         img-src 'self' data: blob:; connect-src {connect}; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'; report-uri {CSP_REPORT_PATH}; report-to csp"
    )
}

/// `https://host[:port]` of an absolute http(s) URL; `None` for a path on this server.
fn foreign_origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next()?;
    // Only what a host and port may hold: nothing can end the directive or add another.
    let plain = !authority.is_empty()
        && !authority.contains('@')
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
    plain.then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// Every header the server sets on every answer, in order.
pub fn security_headers(
    config: &AppConfig,
    inline_style: Option<&str>,
) -> Vec<(HeaderName, HeaderValue)> {
    let csp = HeaderValue::from_str(&content_security_policy(config, inline_style))
        .expect("the policy is plain ASCII");
    vec![
        (header::CONTENT_SECURITY_POLICY, csp),
        (
            HeaderName::from_static("reporting-endpoints"),
            HeaderValue::from_static("csp=\"/api/v1/csp-report\""),
        ),
        (header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")),
        (
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(self), microphone=(), geolocation=(), payment=()"),
        ),
        (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
    ]
}

/// A year: browsers then reach this host over TLS only, even when a link or a typed address
/// says `http://` (no first plain request a network could tamper with).
const HSTS: &str = "max-age=31536000";

/// Middleware: `Strict-Transport-Security` on every answer to a request that came over TLS
/// through a trusted proxy (`--trust-proxy`, `X-Forwarded-Proto: https`). Never on a plain
/// connection: a browser ignores it there, and a server reached directly is not on TLS.
pub async fn strict_transport(
    State(clients): State<Arc<ClientAddr>>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request.extensions().get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
    let https = clients.forwarded_https(peer, request.headers());
    let mut response = next.run(request).await;
    if https {
        response
            .headers_mut()
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_foreign_backend_is_allowed_by_origin_only() {
        assert_eq!(foreign_origin("/api/v1"), None);
        assert_eq!(
            foreign_origin("https://CRM.example.com:8443/hooks/x?y=1").as_deref(),
            Some("https://crm.example.com:8443")
        );
        assert_eq!(foreign_origin("https://evil.example; script-src *"), None);
        assert_eq!(foreign_origin("javascript://x"), None);
        assert_eq!(foreign_origin("https://user@host.example/"), None);
    }

    #[test]
    fn a_webhook_backend_may_be_reached_and_nothing_else() {
        let json = include_str!("../../../static/config.json");
        let mut config = AppConfig::from_json(json).unwrap();
        assert!(content_security_policy(&config, None).contains("connect-src 'self' data:;"));
        config.backend.url = "https://crm.example.com/hooks/after-sales".into();
        assert!(content_security_policy(&config, None)
            .contains("connect-src 'self' data: https://crm.example.com;"));
    }
}
