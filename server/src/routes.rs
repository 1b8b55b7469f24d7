//! The API's route table: every route under `/api/v1`, its handler and its rate limit, in one
//! place. The staff routes (`/staff/…`) also pass the same-site guard. No answer but the
//! OpenAPI document is ever cached (`no-store`): they carry personal data, or say something
//! about it. What axum refuses before a handler is answered as
//! JSON too; an unknown path is `404 not_found`.

use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::customer::{csp, posts, products, requests, unsubscribe};
use crate::http::error::ApiError;
use crate::http::refusals::plain_refusals_as_json;
use crate::http::same_site::same_site_only;
use crate::http::{cors, limit};
use crate::limit::Guard;
use crate::staff::{figures, privacy, session};
use crate::state::AppState;
use crate::{kiosk, openapi, staff};

/// `Cache-Control: no-store`, over whatever a handler said.
fn no_store() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

/// Everything under `/api/v1`.
pub fn api(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let limited = |guard: &Guard| from_fn_with_state(guard.clone(), limit::enforce);
    let guards = &state.guards;
    let customer = Router::new()
        .route("/requests", post(requests::create_request).route_layer(limited(&guards.create)))
        .route(
            "/requests/{reference}",
            get(requests::request_status).route_layer(limited(&guards.lookup)),
        )
        // A message or a rating tries a contact against a reference as a look-up does (a
        // wrong one is 404, a right one 409 when nothing is asked): each its own limit lets
        // through also counts as a look-up, so the three together guess no faster than
        // look-ups alone.
        .route(
            "/requests/{reference}/messages",
            post(posts::post_message)
                .route_layer(limited(&guards.lookup))
                .route_layer(limited(&guards.message)),
        )
        .route(
            "/requests/{reference}/feedback",
            post(posts::post_feedback)
                .route_layer(limited(&guards.lookup))
                .route_layer(limited(&guards.feedback)),
        )
        .route(
            "/deflections",
            post(requests::record_deflection).route_layer(limited(&guards.deflection)),
        )
        .route("/csp-report", post(csp::csp_report).route_layer(limited(&guards.report)))
        .route("/products/{serial}", get(products::look_up).route_layer(limited(&guards.lookup)))
        .route("/kiosk/unlock", post(kiosk::unlock).route_layer(limited(&guards.kiosk_pin)))
        .route(
            "/unsubscribe/{token}",
            post(unsubscribe::unsubscribe).route_layer(limited(&guards.lookup)),
        );
    let staff = Router::new()
        .route(
            "/staff/session",
            post(session::sign_in).get(session::who_am_i).delete(session::sign_out),
        )
        .route("/staff/members", get(session::members))
        .route("/staff/requests", get(staff::requests::inbox))
        .route("/staff/requests/{reference}", get(staff::requests::request_detail))
        .route("/staff/requests/{reference}/photos/{photo}", get(staff::requests::photo))
        .route("/staff/requests/{reference}/events", post(staff::requests::add_event))
        .route("/staff/visits", get(staff::visits::visits))
        .route("/staff/visits/unscheduled", get(staff::visits::unscheduled))
        .route("/staff/requests/{reference}/notices", get(staff::notices::notices_of))
        .route("/staff/requests/{reference}/typing", post(staff::notices::typing))
        .route("/staff/notices/{id}/resend", post(staff::notices::resend))
        .route("/staff/stream", get(staff::notices::stream))
        .route("/staff/follow-ups", get(staff::follow_ups::due))
        .route("/staff/figures", get(figures::figures))
        .route("/staff/export.csv", get(figures::export_csv))
        .route("/staff/quality", get(figures::quality))
        .route("/staff/quality.csv", get(figures::quality_csv))
        .route("/staff/products/import", post(staff::products::import))
        .route(
            "/staff/products/{product_line}/{serial}",
            get(staff::products::product).put(staff::products::edit_product),
        )
        .route("/staff/erasures", post(privacy::erase))
        .route("/staff/customers/export", get(privacy::customer_export))
        .route("/staff/audit", get(privacy::audit))
        .layer(from_fn_with_state(Arc::clone(state), same_site_only));
    let mut api = customer
        .merge(staff)
        .fallback(|headers: HeaderMap| async move {
            ApiError::new(StatusCode::NOT_FOUND, "not_found", "api.not_found")
                .into_response_for(&headers)
        })
        .layer(from_fn(plain_refusals_as_json))
        // A look-up carries a name, an address and what happened; a post answers with the
        // customer's own words: no answer of the API may stay in a shared browser's cache,
        // refusals and unknown addresses included. The public document, routed after it,
        // may be.
        .layer(no_store())
        .route("/openapi.json", get(openapi::openapi_json).layer(from_fn(plain_refusals_as_json)));
    if !state.cors.0.is_empty() {
        api = api.layer(from_fn_with_state(Arc::clone(&state.cors), cors::enforce));
    }
    api
}
