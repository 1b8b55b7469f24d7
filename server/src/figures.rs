//! `/api/v1/staff/figures` and `/api/v1/staff/export.csv`: what a lead reports upwards.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::desk::Staff;
use crate::AppState;

pub async fn figures(
    State(_state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
) -> Response {
    if let Err(error) = staff.require_lead() {
        return error.into_response_for(&headers);
    }
    StatusCode::NOT_IMPLEMENTED.into_response()
}

pub async fn export_csv(
    State(_state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
) -> Response {
    if let Err(error) = staff.require_lead() {
        return error.into_response_for(&headers);
    }
    StatusCode::NOT_IMPLEMENTED.into_response()
}
