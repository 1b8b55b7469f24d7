//! The store sits below the HTTP layer: it knows requests, photos, SQLite and PostgreSQL,
//! never a route, a header or axum, so either database or a command-line tool can use it alone.

#[test]
fn the_store_depends_on_nothing_in_the_http_layer() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let http = [
        "crate::api",
        "crate::headers",
        "crate::limit",
        "crate::cors",
        "crate::serve",
        "crate::desk",
        "crate::customer",
        "crate::figures",
        "axum",
    ];
    let mut read = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        let code = source.split("#[cfg(test)]").next().unwrap();
        let found: Vec<&str> = http.iter().copied().filter(|name| code.contains(name)).collect();
        assert!(found.is_empty(), "{} uses the HTTP layer: {found:?}", path.display());
        read += 1;
    }
    assert!(read >= 8, "the store's files were not found in {}", folder.display());
}
