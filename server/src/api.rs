//! `/api/v1`: create a request (idempotent), look one up by reference and contact, count a
//! deflection, take CSP reports; each route behind its own rate limit. The staff routes are
//! nested under `/staff` ([`crate::desk`]) and share this module's error type.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::i18n::Messages;
use shouhou_core::phone::normalize_phone;
use shouhou_core::reference::{new_reference, parse_reference};
use shouhou_core::validate::customer_today;
use shouhou_core::{
    validate_request, CivilDate, ErrorCode, Field, FieldError, Lang, PhotoRef, RequestFields,
};

use crate::headers;
use crate::limit::{self, Guard};
use crate::store::{self, NewRequest, PhotoUpload, StoreError};
use crate::AppState;

/// A service request is text; 64 KiB holds the longest description many times over.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

pub fn routes(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let limited = |guard: &Guard| from_fn_with_state(guard.clone(), limit::enforce);
    let guards = &state.guards;
    let router = Router::new()
        .route("/requests", post(create_request).layer(limited(&guards.create)))
        .route("/requests/{reference}", get(request_status).layer(limited(&guards.lookup)))
        .route("/deflections", post(record_deflection).layer(limited(&guards.deflection)))
        .route("/csp-report", post(headers::csp_report).layer(limited(&guards.report)))
        .route("/kiosk/unlock", post(crate::kiosk::unlock).layer(limited(&guards.kiosk_pin)))
        .route("/openapi.json", get(crate::openapi::openapi_json));
    let router = router
        .route(
            "/requests/{reference}/messages",
            post(crate::customer::post_message).layer(limited(&guards.message)),
        )
        .route(
            "/requests/{reference}/feedback",
            post(crate::customer::post_feedback).layer(limited(&guards.feedback)),
        )
        .nest("/staff", crate::desk::routes(state));
    router
        .fallback(|headers: HeaderMap| async move {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.not_found")
                .into_response_for(&headers)
        })
        .layer(axum::middleware::from_fn(plain_refusals_as_json))
}

/// Middleware: what axum's extractors refuse before a handler runs (a path that is not
/// UTF-8, a query parameter given twice, a body over the kiosk unlock's 2 MiB default limit)
/// is answered in plain text; here it becomes the JSON error every other refusal is, as the
/// OpenAPI document says (Schemathesis's kind of finding, from reading the extractors).
async fn plain_refusals_as_json(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers().clone();
    let response = next.run(request).await;
    let plain_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"text/plain"));
    if !(response.status().is_client_error() && plain_text) {
        return response;
    }
    let status = response.status();
    let detail = to_bytes(response.into_body(), 4096)
        .await
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let error = match status {
        // axum's DefaultBodyLimit, the only limit an extractor enforces on these routes.
        StatusCode::PAYLOAD_TOO_LARGE => too_large(2 * 1024 * 1024),
        _ => ApiError::new(status, "bad_request", "api.bad_request").with_arg("detail", detail),
    };
    error.into_response_for(&headers)
}

/// An API error: a machine code, a human message in the caller's language, and for
/// validation failures the refused fields.
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message_key: &'static str,
    args: Vec<(&'static str, String)>,
    fields: Vec<FieldError>,
    /// Refused fields that are not a request's (a message's `text`, a rating's `rating`):
    /// the wire name, the i18n key of its label, and why.
    named_fields: Vec<(&'static str, &'static str, ErrorCode)>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        code: &'static str,
        message_key: &'static str,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message_key,
            args: Vec::new(),
            fields: Vec::new(),
            named_fields: Vec::new(),
        }
    }

    pub(crate) fn with_arg(mut self, name: &'static str, value: impl ToString) -> ApiError {
        self.args.push((name, value.to_string()));
        self
    }

    pub(crate) fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(%error, "request failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "api.internal")
    }

    pub(crate) fn into_response_for(self, headers: &HeaderMap) -> Response {
        let lang = caller_lang(headers);
        let message = Messages::builtin().format(lang, self.message_key, &self.args);
        let fields: Vec<Value> = self
            .fields
            .iter()
            .map(|error| {
                let mut value = serde_json::to_value(error).expect("field errors serialise");
                value["message"] = Value::String(error.message(lang));
                value
            })
            .chain(
                self.named_fields
                    .iter()
                    .map(|&(name, label, code)| named_field(lang, name, label, code)),
            )
            .collect();
        let mut body = json!({ "code": self.code, "message": message });
        if !fields.is_empty() {
            body["fields"] = Value::Array(fields);
        }
        (self.status, Json(body)).into_response()
    }
}

/// A refused field outside the request's schema, in the same shape as a request's:
/// `{"field", "code", "min"/"max" where the code has them, "message"}`.
fn named_field(lang: Lang, name: &str, label: &str, code: ErrorCode) -> Value {
    let messages = Messages::builtin();
    let mut value = json!({ "field": name, "code": code.as_str() });
    match code {
        ErrorCode::TooShort { min } => value["min"] = json!(min),
        ErrorCode::TooLong { max } => value["max"] = json!(max),
        ErrorCode::OutOfRange { min, max } => {
            value["min"] = json!(min);
            value["max"] = json!(max);
        }
        _ => {}
    }
    let mut args = code.message_args();
    args.push(("field", messages.get(lang, label).to_string()));
    // A range's message names a unit; a rating has none.
    args.push(("unit", String::new()));
    value["message"] = json!(messages.format(lang, &code.message_key(), &args).trim_end());
    value
}

/// `422 validation_failed` naming fields outside the request's schema.
pub(crate) fn invalid_named(fields: Vec<(&'static str, &'static str, ErrorCode)>) -> ApiError {
    ApiError {
        named_fields: fields,
        ..ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "api.validation_failed",
        )
    }
}

/// `429 rate_limited` with `Retry-After` (seconds): the answer of every rate limit.
pub fn rate_limited(headers: &HeaderMap, retry_after_seconds: u64) -> Response {
    let mut response =
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "api.rate_limited")
            .with_arg("seconds", retry_after_seconds)
            .into_response_for(headers);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
    response
}

fn caller_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::ZhCn, Lang::from_accept_language)
}

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
    declared_length_within(headers, MAX_REQUEST_BYTES)?;
    let bytes =
        to_bytes(body, MAX_REQUEST_BYTES).await.map_err(|_| too_large(MAX_REQUEST_BYTES))?;
    serde_json::from_slice(&bytes).map_err(malformed)
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

pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "api.payload_too_large")
        .with_arg("limit", limit)
}

pub(crate) fn malformed(detail: impl ToString) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "api.malformed_json")
        .with_arg("detail", detail)
}

/// Refuses a body whose declared length is over `limit` before reading any of it.
pub(crate) fn declared_length_within(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match declared {
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

#[utoipa::path(
    post,
    path = "/api/v1/deflections",
    tag = "customer",
    description = "Counts a problem that guided troubleshooting solved (no personal data).",
    params(("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body = shouhou_core::flow::engine::Deflection,
    responses(
        (status = 201, description = "Counted.", body = crate::openapi::Recorded),
        (status = 200, description = "Counted already (a retry).", body = crate::openapi::Recorded),
        crate::openapi::BodyErrors,
        (status = 422, description = "`validation_failed`: not a configured product line, or ids that are not plain.", body = crate::openapi::ErrorBody),
        crate::openapi::RateLimited,
    )
)]
async fn record_deflection(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let key = require_idempotency_key(&headers)?;
        let deflection: Deflection = in_time(&state, json_body(&headers, body)).await?;
        if !deflection.is_valid(&state.config) {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "api.validation_failed",
            ));
        }
        let recorded = state
            .store
            .record_deflection(key, deflection, store::now())
            .await
            .map_err(ApiError::internal)?;
        let status = if recorded { StatusCode::CREATED } else { StatusCode::OK };
        Ok((status, Json(json!({ "recorded": true }))).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[utoipa::path(
    post,
    path = "/api/v1/requests",
    tag = "customer",
    description = "Files a service request, idempotent on `Idempotency-Key`. A `201` means it is on disk. \
        JSON without photos, multipart with them (an on-site report's signature is one of them).",
    params(("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body(content(
        (shouhou_core::RequestFields = "application/json"),
        (crate::openapi::RequestWithPhotos = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Stored.", body = crate::openapi::Created),
        (status = 200, description = "Stored already under this key with this body (a retry).", body = crate::openapi::Created, headers(("Idempotent-Replayed" = String, description = "`true`"))),
        crate::openapi::BodyErrors,
        (status = 409, description = "`idempotency_key_reused`: the key came with another body.", body = crate::openapi::ErrorBody),
        (status = 422, description = "`validation_failed`: `fields` names each refused field and why.", body = crate::openapi::ErrorBody),
        crate::openapi::RateLimited,
    )
)]
async fn create_request(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match create(&state, &headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response_for(&headers),
    }
}

pub(crate) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

pub(crate) fn validation_failed(fields: Vec<FieldError>) -> ApiError {
    ApiError {
        fields,
        ..ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "api.validation_failed",
        )
    }
}

/// A request with photos: a multipart body whose `request` part is the JSON of the fields
/// and whose `photo` parts carry each photo's bytes, named by its id (the part's filename).
/// The photos must be exactly the ones the fields list, byte for byte in size and type.
async fn multipart_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(RequestFields, Vec<PhotoUpload>), ApiError> {
    let (json, photos) = multipart_parts(state, headers, body, "request").await?;
    Ok((serde_json::from_slice(&json).map_err(malformed)?, photos))
}

/// A multipart body of one JSON part named `json_part` and any number of `photo` parts,
/// under the size limit that JSON and `photos.max_total_bytes` of photos allow: what a
/// request with photos and a customer's message with photos both are.
pub(crate) async fn multipart_parts(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    json_part: &'static str,
) -> Result<(Vec<u8>, Vec<PhotoUpload>), ApiError> {
    let limit = MAX_REQUEST_BYTES + state.config.photos.max_total_bytes as usize + 64 * 1024;
    declared_length_within(headers, limit)?;
    let boundary = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or_else(|| malformed("multipart body without a boundary"))?;
    let constraints =
        multer::Constraints::new().size_limit(multer::SizeLimit::new().whole_stream(limit as u64));
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
            other => malformed(other),
        })?;
        match name.as_str() {
            part if part == json_part && json.is_none() => json = Some(bytes.to_vec()),
            "photo" => {
                photos.push(PhotoUpload { id: file_name, content_type, bytes: bytes.to_vec() })
            }
            other => return Err(malformed(format!("unexpected part {other:?}"))),
        }
    }
    let json = json.ok_or_else(|| malformed(format!("no {json_part} part")))?;
    Ok((json, photos))
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

async fn create(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let key = require_idempotency_key(headers)?;
    let (fields, uploads): (RequestFields, Vec<PhotoUpload>) =
        if media_type(headers) == "multipart/form-data" {
            in_time(state, multipart_body(state, headers, body)).await?
        } else {
            (in_time(state, json_body(headers, body)).await?, Vec::new())
        };
    let utc_today = {
        let now = chrono::Utc::now();
        CivilDate::at(now.timestamp_millis(), 0)
    };
    let today = customer_today(&fields.local_date, utc_today);
    let request = validate_request(&fields, &state.config, today).map_err(validation_failed)?;
    if !photos_match(&fields.photos, &uploads) {
        return Err(validation_failed(vec![FieldError {
            field: Field::Photos,
            code: ErrorCode::InvalidPhoto,
        }]));
    }
    // Only a request that would have been stored gets the made-up answer: a malformed or
    // invalid one is refused as anyone's is, so the honeypot accepts nothing a real create
    // would refuse, and a bot cannot tell it from the refusal either.
    if !fields.website.is_empty() {
        return Ok(honeypot_answer(&key, &state.config));
    }
    // Judged on the customer's date, but the same submission must compare equal on every
    // retry whatever day it arrives: the key is checked against what was submitted.
    let submitted = serde_json::to_string(&fields).expect("fields serialise");

    let now = store::now();
    let reply_by = promised_reply(&state.config, request.priority, now);
    let new = NewRequest {
        idempotency_key: key,
        submitted_json: submitted,
        request,
        photos: uploads,
        now,
        reply_by,
    };
    let created = state.store.create(new).await;
    match created {
        Ok(created) => {
            let status = if created.replayed { StatusCode::OK } else { StatusCode::CREATED };
            let stored = created.stored;
            tracing::info!(reference = %stored.reference, replayed = created.replayed, "request stored");
            let body = json!({
                "reference": stored.reference,
                "status": stored.status,
                "created_at": stored.created_at,
                "reply_by": stored.reply_by,
            });
            let mut response = (status, Json(body)).into_response();
            if created.replayed {
                response
                    .headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        Err(StoreError::KeyReused) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "idempotency_key_reused",
            "api.idempotency_key_reused",
        )),
        Err(other) => Err(ApiError::internal(other)),
    }
}

/// A bot filled in the honeypot (`website`): nothing is stored, and the answer is shaped like
/// a new request's, with a reference that looks real, so the bot learns nothing to adapt to.
/// The same key gets the same made-up reference for as long as the process runs.
fn honeypot_answer(key: &str, config: &shouhou_core::AppConfig) -> Response {
    use std::hash::BuildHasher;
    static SEED: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let hash = SEED.get_or_init(Default::default).hash_one(key).to_le_bytes();
    let now = store::now();
    let reference = new_reference(
        &now.format("%Y%m%d").to_string(),
        [hash[0], hash[1], hash[2], hash[3], hash[4], hash[5]],
    );
    tracing::warn!(%reference, "honeypot filled in: request not stored");
    let reply_by = promised_reply(config, None, now);
    let body = json!({
        "reference": reference,
        "status": "received",
        "created_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        "reply_by": reply_by.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    });
    (StatusCode::CREATED, Json(body)).into_response()
}

/// The next reply as core promises it (working hours, priority), in the server's offset.
fn promised_reply(
    config: &shouhou_core::AppConfig,
    priority: Option<shouhou_core::Priority>,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> chrono::DateTime<chrono::FixedOffset> {
    let at = config.reply_by(priority, now.timestamp_millis());
    chrono::DateTime::from_timestamp_millis(at).map_or(now, |utc| utc.with_timezone(now.offset()))
}

#[derive(Deserialize)]
struct StatusQuery {
    contact: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/requests/{reference}",
    tag = "customer",
    description = "A request, its public timeline and what the customer may do now, for its reference and \
        the phone or e-mail given with it. A wrong contact answers as an unknown reference does.",
    params(
        ("reference" = String, Path, description = "`SR-YYYYMMDD-…`, as printed on the receipt."),
        ("contact" = String, Query, description = "The phone number or e-mail address given with the request."),
    ),
    responses(
        (status = 200, description = "The request.", body = crate::openapi::StatusView),
        (status = 400, description = "`missing_contact`, or `bad_request` (a reference or query that cannot be read).", body = crate::openapi::ErrorBody),
        (status = 404, description = "`not_found`: no such reference, or not with this contact.", body = crate::openapi::ErrorBody),
        crate::openapi::RateLimited,
    )
)]
async fn request_status(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    Query(query): Query<StatusQuery>,
    headers: HeaderMap,
) -> Response {
    let not_found = || ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.not_found");
    let contact = query.contact.unwrap_or_default();
    if contact.trim().is_empty() {
        return ApiError::new(StatusCode::BAD_REQUEST, "missing_contact", "api.missing_contact")
            .into_response_for(&headers);
    }
    let Some(reference) = parse_reference(&reference) else {
        return not_found().into_response_for(&headers);
    };
    match state.store.customer_view(&reference).await {
        Ok(Some(view)) if contact_matches(&contact, &view.stored.request) => {
            let mut body = serde_json::to_value(&view.stored).expect("a stored request serialises");
            body["timeline"] = json!(view.timeline);
            body["can_reply"] = json!(view.can_reply);
            body["can_rate"] = json!(view.can_rate);
            Json(body).into_response()
        }
        // A wrong contact answers exactly like an unknown reference: a reference alone must not
        // reveal that a request exists.
        Ok(_) => not_found().into_response_for(&headers),
        Err(error) => ApiError::internal(error).into_response_for(&headers),
    }
}

pub(crate) fn contact_matches(contact: &str, request: &shouhou_core::ValidRequest) -> bool {
    let contact = contact.trim();
    if contact.contains('@') {
        request.email.as_deref().is_some_and(|email| email.to_lowercase() == contact.to_lowercase())
    } else {
        normalize_phone(contact).is_ok_and(|phone| phone == request.phone)
    }
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
