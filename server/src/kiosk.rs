//! `POST /api/v1/kiosk/unlock`: staff type the kiosk PIN on a shared screen to see the
//! outbox's counts or leave kiosk mode. The server checks each attempt against the salted
//! hash in its own settings ([`crate::auth::pin_matches`]), and its rate limit stops guessing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::auth::{pin_matches, HashingError};
use crate::http::body::{in_time, small_body};
use crate::http::error::{busy, ApiError};
use crate::state::AppState;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unlock {
    pin: String,
}

/// `POST /api/v1/kiosk/unlock` `{"pin"}`: 204 when it is the PIN, 401 `wrong_pin` when not,
/// 404 `kiosk_pin_not_set` when the server has none (kiosk mode then cannot be left at the
/// screen). Behind its own rate limit, so guessing stops after a few tries.
#[utoipa::path(
    post,
    path = "/api/v1/kiosk/unlock",
    tag = "customer",
    request_body = Unlock,
    responses(
        (status = 204, description = "It is the PIN."),
        (status = 400, description = "`malformed_json`: not `{\"pin\"}`.", body = crate::http::docs::ErrorBody),
        (status = 401, description = "`wrong_pin`.", body = crate::http::docs::ErrorBody),
        (status = 404, description = "`kiosk_pin_not_set`: this server has no kiosk PIN.", body = crate::http::docs::ErrorBody),
        (status = 408, description = "`request_timeout`: the body did not arrive within `--body-timeout`.", body = crate::http::docs::ErrorBody),
        (status = 413, description = "`payload_too_large`: over 64 KiB.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
        crate::http::docs::Busy,
    )
)]
pub async fn unlock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    // Within --body-timeout like every other body: a PIN trickled a byte a minute must not
    // hold the connection.
    let body = match in_time(&state, small_body(&headers, body)).await {
        Ok(body) => body,
        Err(error) => return error.into_response_for(&headers),
    };
    let Ok(Unlock { pin }) = serde_json::from_slice::<Unlock>(&body) else {
        return ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "api.malformed_pin")
            .into_response_for(&headers);
    };
    let Some(hash) = state.kiosk_pin_hash.clone() else {
        return ApiError::new(StatusCode::NOT_FOUND, "kiosk_pin_not_set", "api.kiosk_pin_not_set")
            .into_response_for(&headers);
    };
    // Argon2 is slow on purpose: on the bounded hashing pool, off the async workers.
    match state.hashing.run(move || pin_matches(&hash, &pin)).await {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => {
            tracing::warn!("a wrong kiosk PIN");
            ApiError::new(StatusCode::UNAUTHORIZED, "wrong_pin", "api.wrong_pin")
                .into_response_for(&headers)
        }
        Err(HashingError::Busy) => busy(&headers),
        Err(HashingError::Failed(why)) => ApiError::internal(why).into_response_for(&headers),
    }
}
