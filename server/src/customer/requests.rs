//! What the customer's app sends without an account: a new request (idempotent on its
//! `Idempotency-Key`, JSON or multipart with photos), the status look-up by reference and
//! contact, and a deflection count.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use shouhou_core::flow::engine::Deflection;
use shouhou_core::phone::normalize_phone;
use shouhou_core::reference::{new_reference, parse_reference};
use shouhou_core::validate::customer_today;
use shouhou_core::{
    validate_request, CivilDate, ErrorCode, Field, FieldError, Intent, RequestFields,
};

use crate::http::body::{
    in_time, json_body, media_type, multipart_parts, photos_match, require_idempotency_key,
    room_for_photos, upload_bytes,
};
use crate::http::error::{malformed, validation_failed, ApiError};
use crate::http::session::{peer, Staff};
use crate::state::AppState;
use crate::store::{self, NewRequest, PhotoUpload};
use tokio::sync::OwnedSemaphorePermit;

#[utoipa::path(
    post,
    path = "/api/v1/deflections",
    tag = "customer",
    description = "Counts a problem that guided troubleshooting solved (no personal data).",
    params(("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body = shouhou_core::flow::engine::Deflection,
    responses(
        (status = 201, description = "Counted.", body = crate::http::docs::Recorded),
        (status = 200, description = "Counted already (a retry).", body = crate::http::docs::Recorded),
        crate::http::docs::BodyErrors,
        (status = 422, description = "`validation_failed`: not a configured product line, or ids that are not plain.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
    )
)]
pub async fn record_deflection(
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
        let recorded = state.store.record_deflection(key, deflection, store::now()).await?;
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
        JSON without photos, multipart with them. An on-site report needs a staff session (its cookie): anonymously it is refused.",
    params(("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body(content(
        (shouhou_core::RequestFields = "application/json"),
        (crate::http::docs::RequestWithPhotos = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "Stored.", body = crate::http::docs::Created),
        (status = 200, description = "Stored already under this key with this body (a retry).", body = crate::http::docs::Created, headers(("Idempotent-Replayed" = String, description = "`true`"))),
        crate::http::docs::BodyErrors,
        (status = 403, description = "`onsite_report_needs_engineer`: an on-site report is filed only with a staff session cookie.", body = crate::http::docs::ErrorBody),
        (status = 409, description = "`idempotency_key_reused`: the key came with another body.", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`validation_failed`: `fields` names each refused field and why.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
        crate::http::docs::DiskFull,
        crate::http::docs::UploadsBusy,
    )
)]
pub async fn create_request(
    State(state): State<Arc<AppState>>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let client = state.guards.create.clients.client(peer(&extensions), &headers);
    match create(&state, client, &headers, body).await {
        Ok(response) => response,
        Err(error) => error.into_response_for(&headers),
    }
}

/// A request with photos: a multipart body whose `request` part is the JSON of the fields
/// and whose `photo` parts carry each photo's bytes, named by its id (the part's filename).
/// The photos must be exactly the ones the fields list, byte for byte in size and type.
async fn multipart_body(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(RequestFields, Vec<PhotoUpload>, Option<OwnedSemaphorePermit>), ApiError> {
    let (json, photos, memory) = multipart_parts(state, headers, body, "request").await?;
    Ok((serde_json::from_slice(&json).map_err(malformed)?, photos, Some(memory)))
}

async fn create(
    state: &Arc<AppState>,
    client: std::net::IpAddr,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let key = require_idempotency_key(headers)?;
    // The photos' memory is counted until they are stored (`_memory` lives to the end).
    let (fields, uploads, _memory): (RequestFields, Vec<PhotoUpload>, _) =
        if media_type(headers) == "multipart/form-data" {
            in_time(state, multipart_body(state, headers, body)).await?
        } else {
            (in_time(state, json_body(headers, body)).await?, Vec::new(), None)
        };
    // An on-site report is an engineer's account of a visit, signed by the customer: it comes
    // from a staff session (a staff device in staff mode; the field-service app's engineers),
    // never from anyone who can reach this door with any name and signature.
    // Its filer is kept: only the visit's own engineer's report answers a visit.
    let filed_by = match fields.intent.trim() == Intent::OnsiteReport.as_str() {
        true => match Staff::of(state, headers).await? {
            Some(staff) => Some(staff.session.login),
            None => {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "onsite_report_needs_engineer",
                    "api.onsite_report_needs_engineer",
                ))
            }
        },
        false => None,
    };
    let utc_today = {
        let now = chrono::Utc::now();
        CivilDate::at(now.timestamp_millis(), 0)
    };
    let today = customer_today(&fields.local_date, utc_today);
    // Warranty from the product archive, never from what the caller says the archive said.
    let judged =
        RequestFields { warranty_on_record: on_record(state, &fields).await?, ..fields.clone() };
    let request = validate_request(&judged, &state.config, today).map_err(validation_failed)?;
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

    let charged = room_for_photos(state, client, upload_bytes(&uploads), &key, false).await?;
    let now = store::now();
    let reply_by = promised_reply(&state.config, request.priority, now);
    let new = NewRequest {
        idempotency_key: key,
        submitted_json: submitted,
        request,
        photos: uploads,
        now,
        reply_by,
        filed_by,
    };
    let created = state.store.create(new).await.inspect_err(|_| {
        state.photo_quota.refund(client, charged);
    })?;
    if created.replayed {
        // Stored the first time (by a retry racing this one): it costs the client nothing.
        state.photo_quota.refund(client, charged);
    }
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
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// The last day the product archive covers the unit the request names (its line and serial,
/// for the part the checks found at fault), or nothing when the archive does not know it or
/// has no date for it.
async fn on_record(state: &AppState, fields: &RequestFields) -> Result<String, ApiError> {
    let (line, serial) = (fields.product_line.trim(), fields.serial_number.trim());
    if serial.is_empty() || state.config.product_line(line).is_none() {
        return Ok(String::new());
    }
    let Some(record) = state.store.product(line, serial).await? else { return Ok(String::new()) };
    let component = fields.troubleshooting.as_ref().and_then(|t| t.component.as_deref());
    Ok(record.warranty_until(&state.config, component).map(|d| d.to_string()).unwrap_or_default())
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
pub struct StatusQuery {
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
        (status = 200, description = "The request.", body = crate::http::docs::StatusView),
        (status = 400, description = "`missing_contact`, or `bad_request` (a reference or query that cannot be read).", body = crate::http::docs::ErrorBody),
        (status = 404, description = "`not_found`: no such reference, or not with this contact.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
    )
)]
pub async fn request_status(
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
            Json(view.to_json()).into_response()
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
