//! The whole site: the start page, the API ([`crate::routes`]), `config.json`, the staff
//! desk's app at `/desk/` and the customer's app for everything else, with the security
//! headers on every answer and a trace of every request.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::customer::app::{app_files, config_json};
use crate::customer::start_page;
use crate::http::headers;
use crate::routes;
use crate::state::AppState;

/// The router the server serves: the built app in `dist`, the API, the desk.
pub fn app(state: Arc<AppState>, dist: &std::path::Path) -> Router {
    let static_files = app_files(dist);
    // The staff desk is a second app in dist/desk/, never part of the customer's first load;
    // its own deep links (/desk/requests/…) get its own page.
    let desk_files = app_files(&dist.join("desk"));
    let security_headers = headers::security_headers(&state.config);
    let clients = Arc::clone(&state.guards.sign_in.clients);
    let api = routes::api(&state);
    let index_path = dist.join("index.html");
    let mut router = Router::new()
        .route(
            "/",
            get(move |State(state): State<Arc<AppState>>, headers: axum::http::HeaderMap| {
                start_page::start_page(state, index_path.clone(), headers)
            })
            // Rendered per request, so not among the build's precompressed files.
            .layer(tower_http::compression::CompressionLayer::new()),
        )
        .nest("/api/v1", api)
        // The page an email's unsubscribe link opens: it asks, the API's one-click answers.
        .route("/unsubscribe/{token}", get(crate::customer::unsubscribe::ask))
        // Read at start from --config, not a built file: compressed here (both apps fetch it
        // before their first screen).
        .route(
            "/config.json",
            get(config_json).layer(tower_http::compression::CompressionLayer::new()),
        )
        // Relative addresses in the desk's page resolve against /desk/, not /.
        .route("/desk", get(|| async { axum::response::Redirect::permanent("/desk/") }))
        .nest_service("/desk/", desk_files)
        .with_state(state)
        .fallback_service(static_files)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ));
    // Outside every route, the fallback and the rate limits: no answer leaves without them.
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    router
        .layer(from_fn_with_state(clients, headers::strict_transport))
        .layer(TraceLayer::new_for_http())
}
