//! The built app itself: its files (precompressed, with its page for every deep link) and
//! `config.json`, the run-time configuration it reads.

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tower_http::services::{ServeDir, ServeFile};

use crate::state::AppState;

/// An app's files in `folder`, precompressed, with its page for any deep link (a path whose
/// last part has no dot); a missing file (say flows/<line>.json for a line without a flow)
/// stays a 404, or the app would read the page as that file.
pub fn app_files(folder: &std::path::Path) -> ServeDir<axum::routing::MethodRouter> {
    let index = ServeFile::new(folder.join("index.html")).precompressed_br().precompressed_gzip();
    let page_or_not_found = axum::routing::any(move |request: axum::extract::Request| {
        let index = index.clone();
        async move {
            let last = request.uri().path().rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return axum::http::StatusCode::NOT_FOUND.into_response();
            }
            match tower::ServiceExt::oneshot(index, request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            }
        }
    });
    // The build writes a .br and a .gz beside each text and wasm file, so the first load
    // costs no compression work here; Brotli goes to browsers that accept it (all current
    // ones), gzip to the rest. The page must be revalidated so a new version is found.
    ServeDir::new(folder).precompressed_br().precompressed_gzip().fallback(page_or_not_found)
}

/// Whether a path names a file under a content-hashed name (`/app.1f2e3d4c5b.css`,
/// `scripts/hash-files.mjs`): ten lowercase hex digits between the name and its extension.
pub fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let mut parts = name.rsplitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(extension), Some(hash), Some(stem)) => {
            !extension.is_empty()
                && !stem.is_empty()
                && hash.len() == 10
                && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        _ => false,
    }
}

/// A file under a content-hashed name never changes: browsers keep it for good, so the next
/// page waits on no revalidation of its stylesheet, boot script or app. Everything else —
/// the pages, sw.js, config.json, plain names — is revalidated (`no-cache`, the site's
/// default).
pub async fn kept_for_good_if_hashed(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let hashed = is_hashed_name(request.uri().path());
    let mut response = next.run(request).await;
    if hashed && response.status() == axum::http::StatusCode::OK {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

pub async fn config_json(State(state): State<Arc<AppState>>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        state.config_json.clone(),
    )
        .into_response()
}
