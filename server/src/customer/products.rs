//! "Look up my product": what the product archive says of a serial number, for the customer's
//! form — the line, the model and the warranty, and nothing else it holds (never the owner,
//! the configuration or the dates). Rate-limited like the status look-up.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shouhou_core::product::ProductLookup;
use shouhou_core::schema::is_plain_id;

use crate::http::error::ApiError;
use crate::http::query::bad_query;
use crate::state::AppState;
use crate::store;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// The line the customer chose: preferred when the serial is in more than one.
    #[serde(default)]
    product_line: Option<String>,
    /// A part the checks found at fault, with a warranty of its own on its line
    /// (`waterproofing`): the warranty is judged for it.
    #[serde(default)]
    component: Option<String>,
}

fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.product_not_found")
}

#[utoipa::path(
    get,
    path = "/api/v1/products/{serial}",
    tag = "customer",
    description = "What the product archive says of a serial number: its product line, model, last covered day and whether it is covered today. Nothing else the archive holds.",
    params(("serial" = String, Path, description = "The serial number as the customer typed it (case and full-width letters do not matter)."), LookupQuery),
    responses(
        (status = 200, description = "The unit.", body = shouhou_core::product::ProductLookup),
        (status = 400, description = "`bad_query`.", body = crate::http::docs::ErrorBody),
        (status = 404, description = "`not_found`: the archive does not know it.", body = crate::http::docs::ErrorBody),
        crate::http::docs::RateLimited,
    )
)]
pub async fn look_up(
    State(state): State<Arc<AppState>>,
    Path(serial): Path<String>,
    headers: HeaderMap,
    query: Result<Query<LookupQuery>, QueryRejection>,
) -> Response {
    let result = async {
        let Query(query) = query.map_err(bad_query)?;
        let serial = serial.trim();
        if serial.is_empty() || serial.chars().count() > 100 {
            return Err(not_found());
        }
        let preferred = query.product_line.as_deref().filter(|line| is_plain_id(line));
        let record = state.store.find_product(serial, preferred).await?.ok_or_else(not_found)?;
        let today = store::today();
        let component = query.component.as_deref().filter(|c| is_plain_id(c));
        let answer = ProductLookup::of(&record, &state.config, component, today);
        Ok::<_, ApiError>(Json(answer).into_response())
    }
    .await;
    result.unwrap_or_else(|error| error.into_response_for(&headers))
}
