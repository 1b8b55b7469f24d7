//! The whole site: the screens drawn from their address (the start step, guided help's
//! offer, the form's first step), the API ([`crate::routes`]), `config.json`, the staff
//! desk's app at `/desk/` and the customer's app for everything else, with the security
//! headers on every answer and a trace of every request.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::customer::app::{app_files, config_json, kept_for_good_if_hashed};
use crate::customer::{install, pages};
use crate::http::headers;
use crate::routes;
use crate::state::AppState;

/// Each installable app's manifest (`customer/install.rs`), compressed here: it is drawn from
/// the configuration, and a page's browser fetches it on every load.
fn manifests() -> Router<Arc<AppState>> {
    let mut router = Router::new();
    for installable in install::APPS {
        let manifest = move |state: State<Arc<AppState>>,
                             headers: HeaderMap,
                             query: Query<install::ManifestQuery>| {
            install::manifest(installable, state, headers, query)
        };
        router = router.route(&installable.manifest_path(), get(manifest));
    }
    router.layer(tower_http::compression::CompressionLayer::new())
}

/// The router the server serves: the built app in `dist`, the API, the desk, the
/// engineer's app.
pub fn app(state: Arc<AppState>, dist: &std::path::Path) -> Router {
    let static_files = tower::ServiceBuilder::new()
        .layer(axum::middleware::from_fn(kept_for_good_if_hashed))
        .service(app_files(dist));
    // The staff desk is a second app in dist/desk/, never part of the customer's first load;
    // its own deep links (/desk/requests/…) get its own page.
    let desk_files = app_files(&dist.join("desk"));
    // The engineer's app, a third one in dist/field/, the same way (docs/field.md).
    let field_files = app_files(&dist.join("field"));
    let pages = Arc::new(pages::Pages::load(dist));
    let security_headers = headers::security_headers(&state.config, pages.style_hash.as_deref());
    let clients = Arc::clone(&state.guards.sign_in.clients);
    let api = routes::api(&state);
    // The screens drawn from their address by the app's components (customer/pages.rs);
    // rendered per request, so compressed here rather than by the build.
    let page_state =
        pages::PageState { app: Arc::clone(&state), pages, dist: Arc::from(dist.to_path_buf()) };
    let rendered = Router::new()
        .route("/", get(pages::start))
        .route("/help", get(pages::help))
        .route("/form/contact", get(pages::contact))
        .route("/kiosk", get(pages::kiosk))
        .with_state(page_state)
        .layer(tower_http::compression::CompressionLayer::new());
    let mut router = Router::new()
        .merge(rendered)
        .nest("/api/v1", api)
        // The page an email's unsubscribe link opens: it asks, the API's one-click answers.
        .route("/unsubscribe/{token}", get(crate::customer::unsubscribe::ask))
        // Read at start from --config, not a built file: compressed here (both apps fetch it
        // before their first screen), as hard as the build compresses its files: about 700 B
        // less than the default level, for a few milliseconds of one 8 KB file.
        .route(
            "/config.json",
            get(config_json).layer(
                tower_http::compression::CompressionLayer::new()
                    .quality(tower_http::CompressionLevel::Best),
            ),
        )
        .merge(manifests())
        // Relative addresses in the desk's page resolve against /desk/, not /.
        .route("/desk", get(|| async { axum::response::Redirect::permanent("/desk/") }))
        .nest_service("/desk/", desk_files)
        .route("/field", get(|| async { axum::response::Redirect::permanent("/field/") }))
        .nest_service("/field/", field_files)
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
