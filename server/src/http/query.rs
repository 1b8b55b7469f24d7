//! A query string that cannot be read: `400 bad_query` with what was wrong.

use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;

use crate::http::error::ApiError;

pub(crate) fn bad_query(rejection: QueryRejection) -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
        .with_arg("detail", rejection.body_text())
}
