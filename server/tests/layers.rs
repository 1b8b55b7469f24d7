//! The store sits below the HTTP layer: it knows requests, photos and SQLite, never a route,
//! a header or axum, so a second store (PostgreSQL) or a command-line tool can use it alone.

#[test]
fn the_store_depends_on_nothing_in_the_http_layer() {
    let source = include_str!("../src/store.rs");
    let code = source.split("#[cfg(test)]").next().unwrap();
    let http =
        ["crate::api", "crate::headers", "crate::limit", "crate::cors", "crate::serve", "axum"];
    let found: Vec<&str> = http.iter().copied().filter(|name| code.contains(name)).collect();
    assert!(found.is_empty(), "store.rs uses the HTTP layer: {found:?}");
}
