//! The staff desk (`desk/`) in layers, lowest first, and no file importing another that
//! imports it back. What each layer is for is in `desk/src/main.rs`.

use std::path::Path;

const LAYERS: &[&[&str]] = &[
    // What the desk decides, pure (tested natively), and the browser's clock.
    &["route", "forms", "format", "time", "messages"],
    // The staff API.
    &["api"],
    // What every screen may read.
    &["context"],
    // Effects as named hooks; components, data and callbacks in (neither uses the other).
    &["hooks", "components"],
    // One page per screen, never importing another.
    &["pages"],
    &["app"],
];

#[test]
fn the_desk_is_layered_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../desk/src/main.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}
