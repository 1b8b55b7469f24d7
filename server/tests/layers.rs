//! The stores sit below the HTTP layer: they know requests, photos, SQLite and PostgreSQL,
//! never a route, a header or axum, so either store or a command-line tool can use them alone.

#[test]
fn the_stores_depend_on_nothing_in_the_http_layer() {
    let sources = [
        ("store.rs", include_str!("../src/store.rs")),
        ("store/staff.rs", include_str!("../src/store/staff.rs")),
        ("store/timeline.rs", include_str!("../src/store/timeline.rs")),
        ("store/customer.rs", include_str!("../src/store/customer.rs")),
        ("store/report.rs", include_str!("../src/store/report.rs")),
        ("pg/mod.rs", include_str!("../src/pg/mod.rs")),
        ("pg/desk.rs", include_str!("../src/pg/desk.rs")),
        ("db.rs", include_str!("../src/db.rs")),
    ];
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
    for (file, source) in sources {
        let code = source.split("#[cfg(test)]").next().unwrap();
        let found: Vec<&str> = http.iter().copied().filter(|name| code.contains(name)).collect();
        assert!(found.is_empty(), "{file} uses the HTTP layer: {found:?}");
    }
}
