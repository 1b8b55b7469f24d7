//! The server's files in layers, lowest first: each uses only the layers below its own, and no
//! two files import each other (tools/layers reads the source as the compiler does). The store
//! knows requests, SQLite and PostgreSQL, never HTTP; the HTTP layer (`http/`) knows no
//! route; the handlers, grouped by audience, use both; the OpenAPI document lists the
//! handlers; the route table mounts them; the site wraps it all.

const LAYERS: &[&[&str]] = &[
    // The store: its values and refusals, the SQL both databases run, each operation once.
    &["store::error", "store::types", "spreadsheet"],
    &["store::sql"],
    &[
        "store::sqlite_conn",
        "store::pg_conn",
        "store::pg_tls",
        "store::search",
        "store::staff",
        "store::audit",
    ],
    &["store::visits"],
    &["store::facts", "store::follow_ups", "store::inbox", "store::notices", "store::products"],
    &["store::report", "store::hub", "store::quality"],
    &["store::requests"],
    &["store::timeline"],
    &["store::customer", "store::history", "store::privacy"],
    &["store::schema"],
    &["store::sqlite", "store::postgres"],
    &["store::db", "store::backup"],
    &["store"],
    // Secrets, rate limits and the accept loop, which know no handler; how notices go out.
    &["auth", "limit", "notify::links", "notify::mail", "notify::outbound"],
    // The accept loop keys its connection limit on a client as the rate limits do.
    &["serve"],
    &["notify"],
    // What every handler shares.
    &["state"],
    // The notice worker, which reads the settings every handler shares.
    &["notify::worker"],
    // The HTTP layer below the handlers.
    &["http::error"],
    &[
        "http::body",
        "http::cors",
        "http::docs",
        "http::headers",
        "http::limit",
        "http::query",
        "http::refusals",
        "http::session",
    ],
    &["http::same_site"],
    &["http"],
    // The installable apps and their manifests, which the customer's pages link.
    &["customer::install"],
    // The handlers, by audience.
    &[
        "customer::app",
        "customer::csp",
        "customer::products",
        "customer::requests",
        "customer::pages",
        "customer::unsubscribe",
        "staff::figures",
        "staff::follow_ups",
        "staff::notices",
        "staff::privacy",
        "staff::products",
        "staff::requests",
        "staff::session",
        "staff::visits",
        "kiosk",
    ],
    &["customer::posts"],
    &["customer", "staff"],
    // The document, the route table, the site.
    &["openapi"],
    &["routes"],
    &["site"],
];

#[test]
fn the_server_is_layered_without_cycles() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}

#[test]
fn the_binary_only_wires_the_library_up() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs");
    shouhou_layers::assert_layered(&root, &[]);
}
