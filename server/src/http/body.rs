//! Reading what a client sends: a JSON body under its size limit and within the server's
//! `--body-timeout`, a multipart body with photos, the `Idempotency-Key` header, and the
//! check that uploaded photos are exactly the ones listed.

use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, StatusCode};
use shouhou_core::PhotoRef;
use tokio::sync::OwnedSemaphorePermit;

use crate::http::error::{
    busy_error, insufficient_storage, malformed, photo_quota_exceeded, too_large, ApiError,
};
use crate::state::AppState;
use crate::store::PhotoUpload;

/// A service request is text; 64 KiB holds the longest description many times over.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// 8–128 of `[A-Za-z0-9_-]`: a UUID fits, and nothing that could smuggle markup into logs.
fn idempotency_key(headers: &HeaderMap) -> Option<&str> {
    let key = headers.get("idempotency-key")?.to_str().ok()?.trim();
    let plain = key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    ((8..=128).contains(&key.len()) && plain).then_some(key)
}

/// Reads a JSON body under the size limit, refusing other content types.
pub(crate) async fn json_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Body,
) -> Result<T, ApiError> {
    if media_type(headers) != "application/json" {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "api.unsupported_media_type",
        ));
    }
    let bytes = small_body(headers, body).await?;
    serde_json::from_slice(&bytes).map_err(malformed)
}

/// Reads a body of any content type under the size limit (the kiosk PIN's, read as it is).
pub(crate) async fn small_body(
    headers: &HeaderMap,
    body: Body,
) -> Result<axum::body::Bytes, ApiError> {
    declared_length_within(headers, MAX_REQUEST_BYTES)?;
    to_bytes(body, MAX_REQUEST_BYTES).await.map_err(|_| too_large(MAX_REQUEST_BYTES))
}

/// Reads a body within the server's `--body-timeout`: a client sending slowly (on purpose or
/// not) cannot hold a connection and a half-read body for ever. `408 request_timeout`.
pub(crate) async fn in_time<T>(
    state: &AppState,
    read: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    tokio::time::timeout(state.body_timeout, read).await.unwrap_or_else(|_| {
        Err(ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", "api.request_timeout"))
    })
}

/// The memory an upload holds until its photos are stored, taken from what all uploads may
/// hold at once (`--upload-memory-mb`): each client's are bounded by its own limits, but many clients
/// together are bounded only here. Weighed by its declared length, else by `limit`, and never
/// more than the whole (a budget smaller than one upload takes them one at a time). One that
/// does not fit now is `503 busy`, to come back in a second, rather than waited for.
fn upload_memory(
    state: &AppState,
    headers: &HeaderMap,
    limit: usize,
) -> Result<OwnedSemaphorePermit, ApiError> {
    let kib = declared_length(headers).unwrap_or(limit).div_ceil(1024).min(state.uploads.kib);
    let kib = u32::try_from(kib).unwrap_or(u32::MAX);
    state.uploads.free.clone().try_acquire_many_owned(kib).map_err(|_| busy_error())
}

fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// Refuses a body whose declared length is over `limit` before reading any of it.
pub(crate) fn declared_length_within(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    match declared_length(headers) {
        Some(length) if length > limit => Err(too_large(limit)),
        _ => Ok(()),
    }
}

pub(crate) fn require_idempotency_key(headers: &HeaderMap) -> Result<String, ApiError> {
    idempotency_key(headers).map(str::to_owned).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "missing_idempotency_key",
            "api.missing_idempotency_key",
        )
    })
}

pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// A multipart body of one JSON part named `json_part` and any number of `photo` parts,
/// under the size limit that JSON and `photos.max_total_bytes` of photos allow: what a
/// request with photos and a customer's message with photos both are. With the memory it is
/// weighed at ([`upload_memory`]): the caller holds it until the photos are stored.
pub(crate) async fn multipart_parts(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    json_part: &'static str,
) -> Result<(Vec<u8>, Vec<PhotoUpload>, OwnedSemaphorePermit), ApiError> {
    let limit = MAX_REQUEST_BYTES + state.config.photos.max_total_bytes as usize + 64 * 1024;
    declared_length_within(headers, limit)?;
    let held = upload_memory(state, headers, limit)?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| malformed("multipart body without a boundary"))?;
    // The JSON part is held to what a JSON body may be: the photos' allowance is for photos,
    // and the part is stored as it came (a 6 MB one was, before).
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limit as u64)
            .for_field(json_part, MAX_REQUEST_BYTES as u64),
    );
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, constraints);
    let mut json: Option<Vec<u8>> = None;
    let mut photos = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(multer::Error::StreamSizeExceeded { .. }) => return Err(too_large(limit)),
            Err(error) => return Err(malformed(error)),
        };
        let name = field.name().unwrap_or_default().to_string();
        let content_type =
            field.content_type().map(|m| m.essence_str().to_string()).unwrap_or_default();
        let file_name = field.file_name().unwrap_or_default().to_string();
        let bytes = field.bytes().await.map_err(|error| match error {
            multer::Error::StreamSizeExceeded { .. } => too_large(limit),
            multer::Error::FieldSizeExceeded { .. } => too_large(MAX_REQUEST_BYTES),
            other => malformed(other),
        })?;
        match name.as_str() {
            // Moved, not copied, where multer's buffer is this part's alone.
            part if part == json_part && json.is_none() => json = Some(Vec::from(bytes)),
            "photo" => {
                photos.push(PhotoUpload { id: file_name, content_type, bytes: Vec::from(bytes) })
            }
            other => return Err(malformed(format!("unexpected part {other:?}"))),
        }
    }
    let json = json.ok_or_else(|| malformed(format!("no {json_part} part")))?;
    Ok((json, photos, held))
}

/// Whether photos of `bytes` may be taken from `client` now: the disk keeps its floor after
/// them (`507 insufficient_storage`, before anything is charged), and the client's daily
/// allowance covers them (charged here; `429 photo_quota_exceeded` when it does not, unless
/// `key` stored them already: its retry is answered as a replay and stores nothing). The
/// bytes charged, to give back if nothing new is stored after all.
pub(crate) async fn room_for_photos(
    state: &AppState,
    client: std::net::IpAddr,
    bytes: u64,
    key: &str,
    posts: bool,
) -> Result<u64, ApiError> {
    if bytes == 0 || state.store.key_stored(key, posts).await? {
        return Ok(0);
    }
    let free = state.store.free_disk();
    if free.is_some_and(|free| free < bytes.saturating_add(state.min_free_disk)) {
        tracing::error!(free, floor = state.min_free_disk, "disk at its floor: photos refused");
        return Err(insufficient_storage());
    }
    state.photo_quota.charge(client, bytes).map_err(|wait| {
        tracing::warn!(%client, bytes, "photo quota exceeded");
        photo_quota_exceeded(wait.as_secs(), state.photo_quota.per_day())
    })?;
    Ok(bytes)
}

/// What the uploads weigh, as the quota counts them.
pub(crate) fn upload_bytes(uploads: &[PhotoUpload]) -> u64 {
    uploads.iter().map(|upload| upload.bytes.len() as u64).sum()
}

/// Whether the bytes are what their content type says (a renamed PDF is not a photo).
fn looks_like(content_type: &str, bytes: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/webp" => bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        _ => false,
    }
}

/// Every listed photo arrived once, as declared, and nothing else did.
pub(crate) fn photos_match(listed: &[PhotoRef], uploads: &[PhotoUpload]) -> bool {
    uploads.len() == listed.len()
        && listed.iter().all(|photo| {
            uploads.iter().filter(|upload| upload.id == photo.id).count() == 1
                && uploads.iter().any(|upload| {
                    upload.id == photo.id
                        && upload.content_type == photo.content_type
                        && upload.bytes.len() as u64 == photo.bytes
                        && looks_like(&upload.content_type, &upload.bytes)
                })
        })
}
