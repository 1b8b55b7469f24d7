//! `/api/v1/staff/products`: the product archive (产品档案) as staff keep it — a unit's record
//! read and edited (each edit in the audit trail), and leads' imports of whole files (CSV or
//! Excel), checked row by row and written in one transaction or not at all. The audit trail
//! itself is read at `/api/v1/staff/audit` (staff/privacy.rs).

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shouhou_core::i18n::Messages;
use shouhou_core::product::{ImportError, ImportSummary, ProductRecord};
use shouhou_core::schema::is_plain_id;
use shouhou_core::Lang;

use crate::http::body::{declared_length_within, in_time, json_body};
use crate::http::error::{caller_lang, too_large, ApiError};
use crate::http::query::bad_query;
use crate::http::session::{DeskStaff, Staff};
use crate::spreadsheet::FileProblem;
use crate::state::AppState;
use crate::store::products::{ImportOutcome, Refusal};
use crate::store::{self};

/// The largest import: a million units of a long CSV line each, or Excel's limit of rows.
pub const MAX_IMPORT_BYTES: usize = 256 * 1024 * 1024;

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.product_not_found")
}

/// `422 invalid_record` with what core found wrong, in the caller's words.
fn invalid_record(detail: String) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_record", "api.invalid_record")
        .with_arg("detail", detail)
}

/// A refusal in the caller's language (`product.<code>` with its placeholders).
fn said(lang: Lang, why: &Refusal) -> String {
    let messages = Messages::builtin();
    let (key, args) = match why {
        Refusal::Row(problem) => (problem.code().to_string(), problem.args()),
        Refusal::Header(problem) => {
            (problem.code().to_string(), vec![("columns", problem.columns())])
        }
        Refusal::File(FileProblem::Empty) => ("file_empty".into(), vec![]),
        Refusal::File(FileProblem::Workbook(detail)) => {
            ("file_workbook".into(), vec![("detail", detail.clone())])
        }
        Refusal::File(FileProblem::Csv(detail)) => {
            ("file_csv".into(), vec![("detail", detail.clone())])
        }
    };
    messages.format(lang, &["product.", &key].concat(), &args)
}

fn summary(outcome: ImportOutcome, lang: Lang) -> ImportSummary {
    let errors = outcome
        .refusals
        .iter()
        .map(|(line, why)| ImportError { line: *line, message: said(lang, why) })
        .collect();
    ImportSummary {
        rows: outcome.rows,
        imported: outcome.imported,
        updated: outcome.updated,
        errors,
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/staff/products/{product_line}/{serial}",
    tag = "staff",
    security(("staff_session" = [])),
    params(("product_line" = String, Path, description = "The unit's product line."), ("serial" = String, Path, description = "Its serial number.")),
    responses(
        (status = 200, description = "The unit's record.", body = shouhou_core::product::ProductRecord),
        crate::http::docs::Unauthorized,
        crate::http::docs::EngineerForbidden,
        (status = 404, description = "`not_found`: the archive does not have it.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn product(
    State(state): State<Arc<AppState>>,
    _staff: DeskStaff,
    Path((line, serial)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        if !is_plain_id(&line) {
            return Err(not_found());
        }
        let record = state.store.product(&line, &serial).await?.ok_or_else(not_found)?;
        Ok::<_, ApiError>(Json(record).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[utoipa::path(
    put,
    path = "/api/v1/staff/products/{product_line}/{serial}",
    tag = "staff",
    description = "Adds or edits a unit's record (as core checks it); the change is recorded in the audit trail.",
    security(("staff_session" = [])),
    params(("product_line" = String, Path, description = "The unit's product line."), ("serial" = String, Path, description = "Its serial number.")),
    request_body = shouhou_core::product::ProductRecord,
    responses(
        (status = 200, description = "The record as kept (trimmed, the serial normalised).", body = shouhou_core::product::ProductRecord),
        crate::http::docs::BodyErrors,
        crate::http::docs::Unauthorized,
        crate::http::docs::CrossSiteOrEngineer,
        (status = 422, description = "`invalid_record`: what is wrong with it. The path names the unit; the body's line and serial are not read.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn edit_product(
    State(state): State<Arc<AppState>>,
    staff: DeskStaff,
    Path((line, serial)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let result = async {
        let body: ProductRecord = in_time(&state, json_body(&headers, body)).await?;
        // The address names the unit; the body says what it is.
        let record = ProductRecord { product_line: line, serial_number: serial, ..body }
            .checked(&state.config, store::today())
            .map_err(|problem| {
                invalid_record(said(caller_lang(&headers), &Refusal::Row(problem)))
            })?;
        let kept =
            state.store.edit_product(record, &staff.session.login, &store::now_text()).await?;
        tracing::info!(login = %staff.session.login, "product record edited");
        Ok::<_, ApiError>(Json(kept).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true`: check every row and say what the file would add and change, writing nothing.
    #[serde(default)]
    dry_run: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/staff/products/import",
    tag = "staff",
    description = "Imports product records from a CSV (UTF-8, or GBK as Excel saves it in a Chinese locale) or an Excel workbook (.xlsx, its first sheet), the file as the body. The first row names the columns: serial_number, product_line, model, configuration, produced_on, delivered_on, warranty_months, owner (any order; serial_number and product_line required; any other name is refused). Every row is checked; with any refused, nothing is written. An empty cell leaves what the archive has. Leads only.",
    security(("staff_session" = [])),
    params(ImportQuery),
    // The file as it is, bytes that are no JSON: a string of them (an array of numbers would
    // describe a JSON body no spreadsheet is).
    request_body(content(
        (String = "text/csv"),
        (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 200, description = "What the file adds and changes (or would, in a dry run), and every refused row by its line (the header is line 1); with refused rows nothing was written.", body = shouhou_core::product::ImportSummary),
        (status = 400, description = "`bad_query`, or `empty_file`: no file in the body.", body = crate::http::docs::ErrorBody),
        crate::http::docs::Unauthorized,
        (status = 403, description = "`forbidden`: leads only.", body = crate::http::docs::ErrorBody),
        crate::http::docs::CrossSite,
        (status = 413, description = "`payload_too_large`: over 256 MiB.", body = crate::http::docs::ErrorBody),
    )
)]
pub async fn import(
    State(state): State<Arc<AppState>>,
    staff: Staff,
    headers: HeaderMap,
    query: Result<Query<ImportQuery>, QueryRejection>,
    body: Body,
) -> Response {
    let result = async {
        staff.require_lead()?;
        let Query(ImportQuery { dry_run }) = query.map_err(bad_query)?;
        declared_length_within(&headers, MAX_IMPORT_BYTES)?;
        // Within the body timeout, as every body: a file trickled in would hold the import
        // (and up to its 256 MiB) for as long as the sender liked.
        let read = async {
            to_bytes(body, MAX_IMPORT_BYTES).await.map_err(|_| too_large(MAX_IMPORT_BYTES))
        };
        let body = in_time(&state, read).await?;
        // No file at all is a request to refuse, not a file with no rows.
        if body.is_empty() {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "empty_file", "api.empty_file"));
        }
        let config = Arc::new(state.config.clone());
        let outcome = state
            .store
            .import_products(body, config, store::today(), dry_run, &store::now_text())
            .await?;
        tracing::info!(login = %staff.session.login, dry_run, rows = outcome.rows,
            imported = outcome.imported, updated = outcome.updated, refused = outcome.refused, "product import");
        Ok::<_, ApiError>(Json(summary(outcome, caller_lang(&headers))).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
