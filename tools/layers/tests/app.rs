//! The customer app (`src/`) in layers, lowest first, and no file importing another that
//! imports it back. What each layer is for is in `src/lib.rs`.

use std::path::Path;

const LAYERS: &[&[&str]] = &[
    // Browser helpers: random ids, the clock, a few JS shims.
    &["ids", "js"],
    // What the device keeps: IndexedDB, the keystroke journal, photos, settings.
    &["storage"],
    // The backend: one async function per endpoint.
    &["services"],
    // The outbox sender: storage and services, no screen.
    &["sender"],
    // What the first render is drawn from: the device, or the screen the server drew.
    &["seed"],
    // The reducer: what core decides and what the screen shows.
    &["state"],
    // Data and callbacks in, markup out.
    &["components"],
    // The effects, wired by the shell.
    &["hooks"],
    // One component per screen.
    &["pages"],
    &["app"],
];

#[test]
fn the_customer_app_is_layered_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../src/lib.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}
