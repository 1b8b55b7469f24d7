//! Personal data on request and on schedule (PIPL), for leads: erasing one customer's data
//! (`POST /staff/erasures`), handing one customer's data over (`GET /staff/customers/export`),
//! reading the audit trail (`GET /staff/audit`); and the retention schedule, which erases the
//! personal data of requests closed longer than `privacy.retain_months` ago.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;
use shouhou_core::desk::{AuditPage, Erased};
use shouhou_core::phone::normalize_phone;
use shouhou_core::ErrorCode;

use crate::http::body::{in_time, json_body};
use crate::http::error::{invalid_named, ApiError};
use crate::http::query::bad_query;
use crate::http::session::Staff;
use crate::state::AppState;

/// `{"contact"}`: the phone number or e-mail address the customer gave.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    contact: String,
}

/// `422` unless `contact` is an e-mail address or a phone number.
fn checked_contact(contact: &str) -> Result<&str, ApiError> {
    let contact = contact.trim();
    let code = if contact.is_empty() {
        Some(ErrorCode::Required)
    } else if contact.contains('@') {
        (contact.len() < 3 || contact.len() > 254).then_some(ErrorCode::InvalidEmail)
    } else {
        normalize_phone(contact).is_err().then_some(ErrorCode::InvalidPhone)
    };
    match code {
        Some(code) => Err(invalid_named(vec![("contact", "api.field.contact", code)])),
        None => Ok(contact),
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/staff/erasures",
    tag = "staff",
    description = "Erases one customer's personal data on their request (PIPL): every request given with \
        this phone or e-mail keeps its reference, line, dates, statuses and ratings, and loses the rest. \
        In the audit trail. Leads only.",
    security(("staff_session" = [])),
    request_body = Contact,
    responses(
        (status = 200, description = "Erased.", body = Erased),
        crate::http::docs::BodyErrors,
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSite,
        (status = 403, description = "`forbidden`: leads only (or `cross_site`).", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`validation_failed`: `contact` is neither a phone number nor an e-mail address.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn erase(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let Contact { contact } = in_time(&state, json_body(&headers, body)).await?;
        let contact = checked_contact(&contact)?;
        let login = &staff.session.login;
        let requests = state.store.erase_customer(contact, login).await?;
        tracing::info!(%login, requests, "a customer's personal data erased on request");
        Ok::<_, ApiError>(Json(Erased { requests }).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// The phone number or e-mail address the customer gave.
    contact: String,
}

/// One customer's data: each request as their status look-up shows it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CustomerData {
    contact: String,
    requests: Vec<crate::http::docs::StatusView>,
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/customers/export",
    tag = "staff",
    description = "Everything kept of one customer, request by request, as JSON to hand over (PIPL's right of \
        access). In the audit trail. Leads only.",
    security(("staff_session" = [])),
    params(ContactQuery),
    responses(
        (status = 200, description = "The customer's data.", body = CustomerData),
        (status = 400, description = "`bad_query`: no `contact`.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        (status = 403, description = "`forbidden`: leads only.", body = crate::http::docs::ErrorBody),
        (status = 422, description = "`validation_failed`: `contact` is neither a phone number nor an e-mail address.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn customer_export(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<ContactQuery>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let Query(ContactQuery { contact }) = query.map_err(bad_query)?;
        let contact = checked_contact(&contact)?;
        let login = &staff.session.login;
        let views = state.store.customer_data(contact, login).await?;
        tracing::info!(%login, requests = views.len(), "a customer's data exported");
        let requests: Vec<serde_json::Value> = views
            .into_iter()
            .map(|view| {
                let mut body =
                    serde_json::to_value(&view.stored).expect("a stored request serialises");
                body["timeline"] = json!(view.timeline);
                body["can_reply"] = json!(view.can_reply);
                body["can_rate"] = json!(view.can_rate);
                body
            })
            .collect();
        let body = json!({ "contact": contact, "requests": requests });
        Ok::<_, ApiError>(
            (
                [(
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"shouhou-customer.json\""),
                )],
                Json(body),
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// Lines per page of the audit trail.
const AUDIT_PAGE: i64 = 50;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The `next` of an earlier page: the lines older than those.
    #[param(pattern = r"^[1-9][0-9]{0,17}$")]
    after: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/audit",
    tag = "staff",
    description = "The audit trail, newest first, 50 lines a page: every staff view of a request, photo \
        download, export and erasure. Nothing in the API edits or erases it. Leads only.",
    security(("staff_session" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "A page of the trail.", body = AuditPage),
        (status = 400, description = "`bad_query`: `after` is not a `next` of an earlier page.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        (status = 403, description = "`forbidden`: leads only.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn audit(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let Query(AuditQuery { after }) = query.map_err(bad_query)?;
        let before = match after.as_deref() {
            Some(after) => {
                Some(after.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_query", "api.bad_query")
                        .with_arg("detail", "after: the `next` of an earlier page")
                })?)
            }
            None => None,
        };
        let (entries, next) = state.store.audit_page(before, AUDIT_PAGE).await?;
        let page = AuditPage { entries, next: next.map(|id| id.to_string()) };
        Ok::<_, ApiError>(Json(page).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

/// Requests erased per write: one batch holds SQLite's writer briefly.
const RETENTION_BATCH: i64 = 200;

/// One pass of the retention schedule at `now`: erases the personal data of every request
/// closed more than `privacy.retain_months` before it. How many requests it took.
pub async fn retention_pass(
    state: &AppState,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<usize, crate::store::StoreError> {
    let months = chrono::Months::new(state.config.privacy.retain_months);
    let Some(cutoff) = now.checked_sub_months(months) else { return Ok(0) };
    let mut erased = 0;
    loop {
        let step = state.store.erase_expired(cutoff.timestamp(), RETENTION_BATCH).await?;
        erased += step;
        if (step as i64) < RETENTION_BATCH {
            return Ok(erased);
        }
    }
}

/// How often the schedule looks for requests past their retention.
const RETENTION_EVERY: Duration = Duration::from_secs(3600);

/// The retention schedule: a pass at start, then every hour, for as long as the server runs.
pub async fn keep_retention(state: Arc<AppState>) {
    loop {
        match retention_pass(&state, crate::store::now()).await {
            Ok(0) => {}
            Ok(erased) => tracing::info!(erased, "personal data of closed requests erased"),
            Err(error) => tracing::error!(%error, "the retention pass failed; tried again later"),
        }
        tokio::time::sleep(RETENTION_EVERY).await;
    }
}
