//! The customer's side of the loop, after the status look-up: answering the team
//! (`POST /api/v1/requests/{reference}/messages`) and rating the service
//! (`POST /api/v1/requests/{reference}/feedback`).
//!
//! Both are sent by the app's outbox, so both are idempotent on `Idempotency-Key` as a create
//! is (a retry answers `200` with `Idempotent-Replayed: true`; the key with other content is
//! `409 idempotency_key_reused`). Both need the contact given with the request, and a wrong
//! one is answered exactly like the look-up answers it (`404 not_found`): a reference alone
//! must not reveal that a request exists, nor let anyone write on its timeline.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use shouhou_core::reference::parse_reference;
use shouhou_core::validate::{has_forbidden_characters, is_plain_uuid, PHOTO_CONTENT_TYPES};
use shouhou_core::{ErrorCode, Field, FieldError, PhotoRef};

use crate::customer::requests::contact_matches;
use crate::http::body::{
    in_time, json_body, media_type, multipart_parts, photos_match, require_idempotency_key,
    room_for_photos, upload_bytes,
};
use crate::http::error::{invalid_named, malformed, validation_failed, ApiError};
use crate::http::session::peer;
use crate::state::AppState;
use crate::store::customer::{CustomerPost, Post, Posted};
use crate::store::timeline::Entry;
use crate::store::{self, PhotoUpload, StoreError};

/// A message is an answer to a question, as long as a request's description may be.
pub const MESSAGE_MAX_CHARS: usize = 4000;
pub const COMMENT_MAX_CHARS: usize = 2000;

/// `{"contact", "text", "photos"}`: the JSON body, or the `message` part of a multipart one.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MessageBody {
    contact: String,
    text: String,
    #[serde(default)]
    photos: Vec<PhotoRef>,
}

/// A customer's message with photos: the `message` part is the JSON message, each `photo`
/// part one photo's bytes, as a request with photos has them.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MessageWithPhotos {
    #[schema(value_type = MessageBody)]
    message: String,
    #[schema(value_type = Vec<String>, format = Binary, required = false)]
    photo: Vec<Vec<u8>>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct FeedbackBody {
    contact: String,
    /// Wider than 1–5 so that 0 or 6 is a `422` naming the field, not a parse error.
    rating: i64,
    #[serde(default)]
    comment: Option<String>,
}

/// Plain text as a description is: counted in characters, trimmed, no control characters
/// but line breaks and tabs, no text-direction overrides (which make a text read to staff
/// differently from how it was typed).
fn text_problem(text: &str, required: bool, max: usize) -> Option<ErrorCode> {
    let count = text.chars().count();
    if count == 0 && required {
        Some(ErrorCode::Required)
    } else if count > max {
        Some(ErrorCode::TooLong { max })
    } else if has_forbidden_characters(text) {
        Some(ErrorCode::InvalidCharacters)
    } else {
        None
    }
}

/// The same checks as a request's photos: how many, how large together, and each one's id
/// and type; then that the uploads are exactly the photos listed.
fn photo_problem(
    state: &AppState,
    listed: &[PhotoRef],
    uploads: &[PhotoUpload],
) -> Option<ErrorCode> {
    let limits = state.config.photos;
    // Sizes are the client's claim: two of u64::MAX must not overflow the sum.
    let total = listed.iter().fold(0u64, |total, photo| total.saturating_add(photo.bytes));
    if listed.len() > limits.max_count as usize {
        Some(ErrorCode::TooManyPhotos { max: limits.max_count as usize })
    } else if total > limits.max_total_bytes {
        Some(ErrorCode::PhotosTooLarge { max: limits.max_total_bytes as usize })
    } else if listed.iter().any(|photo| {
        !is_plain_uuid(&photo.id)
            || !PHOTO_CONTENT_TYPES.contains(&photo.content_type.as_str())
            || photo.bytes == 0
    }) || !photos_match(listed, uploads)
    {
        Some(ErrorCode::InvalidPhoto)
    } else {
        None
    }
}

fn missing_contact() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "missing_contact", "api.missing_contact")
}

/// `201` for a new entry, `200` with `Idempotent-Replayed: true` for a retry.
fn answer(posted: &Posted, body: Value) -> Response {
    let status = if posted.replayed { StatusCode::OK } else { StatusCode::CREATED };
    let mut response = (status, Json(body)).into_response();
    if posted.replayed {
        response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    response
}

async fn store_post(
    state: &Arc<AppState>,
    reference: String,
    contact: String,
    new: CustomerPost,
) -> Result<Posted, ApiError> {
    state
        .store
        .customer_post(&reference, move |request| contact_matches(&contact, request), new)
        .await
        .map_err(ApiError::from)
}

fn message_json(entry: &Entry) -> Value {
    json!({ "at": entry.at, "kind": entry.kind, "text": entry.text.as_deref().unwrap_or("") })
}

fn rating_json(entry: &Entry) -> Value {
    json!({
        "at": entry.at,
        "kind": entry.kind,
        "rating": entry.satisfaction,
        "comment": entry.text.as_deref().unwrap_or(""),
    })
}

/// `POST /api/v1/requests/{reference}/messages`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{reference}/messages",
    tag = "customer",
    description = "The customer answers the team (while the request waits for them), idempotent on \
        `Idempotency-Key`. JSON without photos, multipart with them.",
    params(("reference" = String, Path, description = "The request's reference."), ("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body(content(
        (MessageBody = "application/json"),
        (MessageWithPhotos = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "On the timeline.", body = crate::http::docs::MessageEntry),
        (status = 200, description = "On the timeline already (a retry).", body = crate::http::docs::MessageEntry, headers(("Idempotent-Replayed" = String, description = "`true`"))),
        crate::http::docs::BodyErrors,
        (status = 404, description = "`not_found`: no such reference, or not with this contact.", body = crate::http::docs::ErrorBody),
        (status = 409, description = "`idempotency_key_reused`, or `not_waiting_for_customer`.", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`validation_failed`: `text` or `photos`.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
        crate::http::docs::DiskFull,
        crate::http::docs::UploadsBusy,
    )
)]
pub async fn post_message(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    extensions: axum::http::Extensions,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let client = state.guards.message.clients.client(peer(&extensions), &headers);
    let result = async {
        let key = require_idempotency_key(&headers)?;
        // The photos' memory is counted until they are stored (`_memory` lives to the end).
        let (message, uploads, _memory): (MessageBody, _, _) =
            if media_type(&headers) == "multipart/form-data" {
                let (json, uploads, memory) =
                    in_time(&state, multipart_parts(&state, &headers, body, "message")).await?;
                (serde_json::from_slice(&json).map_err(malformed)?, uploads, Some(memory))
            } else {
                (in_time(&state, json_body(&headers, body)).await?, Vec::new(), None)
            };
        if message.contact.trim().is_empty() {
            return Err(missing_contact());
        }
        let text = message.text.trim().to_string();
        if let Some(code) = text_problem(&text, true, MESSAGE_MAX_CHARS) {
            return Err(invalid_named(vec![("text", "api.field.text", code)]));
        }
        if let Some(code) = photo_problem(&state, &message.photos, &uploads) {
            return Err(validation_failed(vec![FieldError { field: Field::Photos, code }]));
        }
        let reference = parse_reference(&reference).ok_or(StoreError::NoMatch)?;
        // A retry must compare equal whatever the JSON's spacing or key order, and a key
        // must not be reusable for another request or for a rating.
        let submitted = json!({
            "kind": "customer_message",
            "reference": reference,
            "contact": message.contact,
            "text": message.text,
            "photos": message.photos,
        })
        .to_string();
        let charged = room_for_photos(&state, client, upload_bytes(&uploads), &key, true).await?;
        // photo_problem checked that each listed photo arrived exactly once.
        let mut uploads = uploads;
        let photos = message
            .photos
            .iter()
            .map(|photo| {
                let index = uploads.iter().position(|u| u.id == photo.id).expect("checked above");
                (photo.clone(), uploads.swap_remove(index))
            })
            .collect();
        let new = CustomerPost {
            idempotency_key: key,
            submitted_json: submitted,
            post: Post::Message { text, photos },
            now: store::now_text(),
        };
        let posted = store_post(&state, reference.clone(), message.contact, new)
            .await
            .inspect_err(|_| state.photo_quota.refund(client, charged))?;
        if posted.replayed {
            state.photo_quota.refund(client, charged);
        }
        tracing::info!(%reference, replayed = posted.replayed, "customer message");
        Ok::<_, ApiError>(answer(&posted, message_json(&posted.entry)))
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// `POST /api/v1/requests/{reference}/feedback`.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{reference}/feedback",
    tag = "customer",
    description = "The customer rates a resolved request, once; idempotent on `Idempotency-Key`.",
    params(("reference" = String, Path, description = "The request's reference."), ("Idempotency-Key" = String, Header, description = "8–128 of `A-Z a-z 0-9 _ -` (a UUID fits), the same on every retry.", pattern = "^[A-Za-z0-9_-]{8,128}$")),
    request_body = FeedbackBody,
    responses(
        (status = 201, description = "On the timeline.", body = crate::http::docs::RatingEntry),
        (status = 200, description = "On the timeline already (a retry).", body = crate::http::docs::RatingEntry, headers(("Idempotent-Replayed" = String, description = "`true`"))),
        crate::http::docs::BodyErrors,
        (status = 404, description = "`not_found`: no such reference, or not with this contact.", body = crate::http::docs::ErrorBody),
        (status = 409, description = "`idempotency_key_reused`, `not_resolved` or `already_rated`.", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`validation_failed`: `rating` (1–5) or `comment`.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
    )
)]
pub async fn post_feedback(
    State(state): State<Arc<AppState>>,
    Path(reference): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let key = require_idempotency_key(&headers)?;
        let feedback: FeedbackBody = in_time(&state, json_body(&headers, body)).await?;
        if feedback.contact.trim().is_empty() {
            return Err(missing_contact());
        }
        let mut refused = Vec::new();
        if !(1..=5).contains(&feedback.rating) {
            refused.push(("rating", "api.field.rating", ErrorCode::OutOfRange { min: 1, max: 5 }));
        }
        let comment = feedback.comment.as_deref().unwrap_or("").trim().to_string();
        if let Some(code) = text_problem(&comment, false, COMMENT_MAX_CHARS) {
            refused.push(("comment", "api.field.comment", code));
        }
        if !refused.is_empty() {
            return Err(invalid_named(refused));
        }
        let reference = parse_reference(&reference).ok_or(StoreError::NoMatch)?;
        let submitted = json!({
            "kind": "rating",
            "reference": reference,
            "contact": feedback.contact,
            "rating": feedback.rating,
            "comment": comment,
        })
        .to_string();
        let new = CustomerPost {
            idempotency_key: key,
            submitted_json: submitted,
            post: Post::Rating { rating: feedback.rating as u8, comment },
            now: store::now_text(),
        };
        let posted = store_post(&state, reference.clone(), feedback.contact, new).await?;
        tracing::info!(%reference, replayed = posted.replayed, "customer rating");
        Ok::<_, ApiError>(answer(&posted, rating_json(&posted.entry)))
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
