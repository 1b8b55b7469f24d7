//! The kiosk PIN: staff type it on a shared screen to see the outbox's counts or leave kiosk
//! mode. Nothing a passer-by can download holds it or anything to guess it from offline: the
//! server keeps a salted Argon2id hash in its own settings (never in the public config.json),
//! checks each attempt, and its rate limit stops guessing.

use std::sync::Arc;

use argon2::password_hash::PasswordHash;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::api::ApiError;
use crate::AppState;

/// The line to put in the server's settings for `pin`: a PHC string (`$argon2id$…`) with a
/// fresh random salt.
pub fn hash_pin(pin: &str) -> Result<String, String> {
    Ok(crate::auth::hash_password(pin))
}

/// Whether `pin` matches the stored hash. A hash that cannot be read matches nothing.
pub fn pin_matches(hash: &str, pin: &str) -> bool {
    crate::auth::verify_password(pin, hash)
}

/// Whether a stored hash is one `pin_matches` can check: refused at start, not at the kiosk.
pub fn is_pin_hash(hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|hash| hash.algorithm.as_str() == "argon2id")
}

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
        (status = 400, description = "`malformed_json`: not `{\"pin\"}`.", body = crate::openapi::ErrorBody),
        (status = 401, description = "`wrong_pin`.", body = crate::openapi::ErrorBody),
        (status = 404, description = "`kiosk_pin_not_set`: this server has no kiosk PIN.", body = crate::openapi::ErrorBody),
        (status = 413, description = "`payload_too_large`: over 2 MiB.", body = crate::openapi::ErrorBody),
        crate::openapi::RateLimited,
    )
)]
pub async fn unlock(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Ok(Unlock { pin }) = serde_json::from_slice::<Unlock>(&body) else {
        return ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", "api.malformed_pin")
            .into_response_for(&headers);
    };
    let Some(hash) = state.kiosk_pin_hash.clone() else {
        return ApiError::new(StatusCode::NOT_FOUND, "kiosk_pin_not_set", "api.kiosk_pin_not_set")
            .into_response_for(&headers);
    };
    // Argon2 is slow on purpose: off the async workers.
    let matches = tokio::task::spawn_blocking(move || pin_matches(&hash, &pin)).await;
    match matches {
        Ok(true) => StatusCode::NO_CONTENT.into_response(),
        Ok(false) => {
            tracing::warn!("a wrong kiosk PIN");
            ApiError::new(StatusCode::UNAUTHORIZED, "wrong_pin", "api.wrong_pin")
                .into_response_for(&headers)
        }
        Err(error) => ApiError::internal(error).into_response_for(&headers),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_hash_is_salted_and_checks_only_that_pin() {
        let (first, second) = (hash_pin("482916").unwrap(), hash_pin("482916").unwrap());
        assert_ne!(first, second, "a fresh salt each time");
        assert!(first.starts_with("$argon2id$") && is_pin_hash(&first));
        assert!(pin_matches(&first, "482916") && pin_matches(&second, "482916"));
        assert!(!pin_matches(&first, "482917") && !pin_matches(&first, ""));
        assert!(!pin_matches("not a hash", "482916") && !is_pin_hash("482916"));
    }
}
