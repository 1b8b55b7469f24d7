//! The answer to every refusal: a machine `code`, a human `message` in the caller's language
//! (Accept-Language), and for validation failures the refused fields. A store refusal
//! becomes its answer here, in `From<StoreError>`, and nowhere else.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use shouhou_core::i18n::Messages;
use shouhou_core::{ErrorCode, Field, FieldError, Lang};

use crate::store::StoreError;

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
    /// Seconds for `Retry-After`, on a refusal that passes with time.
    retry_after: Option<u32>,
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
            retry_after: None,
        }
    }

    pub(crate) fn with_retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(u32::try_from(seconds).unwrap_or(u32::MAX).max(1));
        self
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
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

/// The one mapping from a store refusal to an API answer.
impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let conflict = |code, key| ApiError::new(StatusCode::CONFLICT, code, key);
        match error {
            StoreError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.request_not_found")
            }
            // A reference alone must not reveal that a request exists: a wrong contact is
            // answered as an unknown reference is.
            StoreError::NoMatch => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.not_found")
            }
            StoreError::KeyReused => {
                conflict("idempotency_key_reused", "api.idempotency_key_reused")
            }
            StoreError::TransitionNotAllowed { from, to } => {
                conflict("transition_not_allowed", "api.transition_not_allowed")
                    .with_arg("from", from.as_str())
                    .with_arg("to", to.as_str())
            }
            StoreError::UnknownStaff => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_staff",
                "api.unknown_staff",
            ),
            StoreError::NotAnEngineer => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_engineer",
                "api.unknown_engineer",
            ),
            StoreError::InvalidVisit(detail) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_event",
                "api.invalid_event",
            )
            .with_arg("detail", detail),
            StoreError::VisitOverlaps { reference } => {
                conflict("visit_overlaps", "api.visit_overlaps").with_arg("reference", &reference)
            }
            StoreError::VisitNotScheduled(state) => {
                conflict("visit_not_scheduled", "api.visit_not_scheduled")
                    .with_arg("state", state.as_str())
            }
            StoreError::NotYourVisit => {
                ApiError::new(StatusCode::FORBIDDEN, "not_your_visit", "api.not_your_visit")
            }
            StoreError::ReportOfAnother => conflict("report_of_another", "api.report_of_another"),
            StoreError::ReportTaken => conflict("report_taken", "api.report_taken"),
            StoreError::NotWaitingForCustomer => {
                conflict("not_waiting_for_customer", "api.not_waiting_for_customer")
            }
            StoreError::NotResolved => conflict("not_resolved", "api.not_resolved"),
            StoreError::AlreadyRated => conflict("already_rated", "api.already_rated"),
            StoreError::NotFailed => conflict("not_failed", "api.not_failed"),
            StoreError::PhotoIdTaken => validation_failed(vec![FieldError {
                field: Field::Photos,
                code: ErrorCode::InvalidPhoto,
            }]),
            other => ApiError::internal(other),
        }
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

/// `429 rate_limited` with `Retry-After` (seconds): the answer of every rate limit.
pub fn rate_limited(headers: &HeaderMap, retry_after_seconds: u64) -> Response {
    let mut response =
        ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", "api.rate_limited")
            .with_arg("seconds", retry_after_seconds)
            .into_response_for(headers);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
    response
}

/// `503 busy` with `Retry-After: 1`: what is needed is taken (every password hasher, see
/// [`crate::auth::Hashing`]; the memory uploads may hold), and the request is not queued.
pub(crate) fn busy_error() -> ApiError {
    ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "api.busy").with_retry_after(1)
}

/// [`busy_error`] as an answer.
pub fn busy(headers: &HeaderMap) -> Response {
    busy_error().into_response_for(headers)
}

/// `429 photo_quota_exceeded` with `Retry-After` (seconds until the client's next day).
pub(crate) fn photo_quota_exceeded(retry_after_seconds: u64, per_day: u64) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "photo_quota_exceeded", "api.photo_quota_exceeded")
        .with_arg("megabytes", per_day / 1_000_000)
        .with_retry_after(retry_after_seconds)
}

pub fn caller_lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::ZhCn, Lang::from_accept_language)
}

/// `507 insufficient_storage`: the disk is down to its floor; nothing with photos is taken.
pub(crate) fn insufficient_storage() -> ApiError {
    ApiError::new(
        StatusCode::INSUFFICIENT_STORAGE,
        "insufficient_storage",
        "api.insufficient_storage",
    )
}

pub(crate) fn too_large(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "api.payload_too_large")
        .with_arg("limit", limit)
}

pub(crate) fn malformed(detail: impl ToString) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "api.malformed_json")
        .with_arg("detail", detail)
}
