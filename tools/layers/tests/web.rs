//! The browser library both apps share (`web/`) in layers, lowest first, and no file
//! importing another that imports it back.

use std::path::Path;

const LAYERS: &[&[&str]] = &[
    // Reading JSON with only the code JSON needs.
    &["maps"],
    // The page and HTTP, each on its own.
    &["dom", "http"],
    // What is built on them: messages and language, configuration, addresses.
    &["i18n", "config", "router"],
];

#[test]
fn the_browser_library_is_layered_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/src/lib.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}
