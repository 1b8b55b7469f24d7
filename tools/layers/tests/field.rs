//! The engineer's app (`field/`) in layers, lowest first, and no file importing another that
//! imports it back. What each layer is for is in `field/src/main.rs`.

use std::path::Path;

const LAYERS: &[&[&str]] = &[
    // What the app decides, pure (tested natively), its addresses and the browser's clock.
    &["plan", "route", "time"],
    // The staff API; the tablet's storage.
    &["api", "keep"],
    // The server or what was kept.
    &["load"],
    // The outbox's sender.
    &["sender"],
    // What every screen may read.
    &["context"],
    // One page per screen, never importing another.
    &["pages"],
    &["app"],
];

#[test]
fn the_engineers_app_is_layered_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../field/src/main.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}
