//! The pure core (`core/`) in layers, lowest first, and no file importing another that
//! imports it back (a module's files included: a folder's `mod.rs` and its parts).

use std::path::Path;

/// Modules on one line are one layer and must not use each other either.
const LAYERS: &[&[&str]] = &[
    &["i18n", "phone", "warranty", "reference", "eviction", "status", "csv"],
    &["schema", "calendar"],
    &[
        "adapter",
        "escalation",
        "reply",
        "emergency",
        "charges",
        "guarantees",
        "quality",
        "privacy",
        "visit",
    ],
    &["follow_up"],
    &["config"],
    &["flow"],
    &["rules"],
    &["product"],
    &["steps"],
    &["validate"],
    &["draft", "route"],
    &["archive", "outbox", "desk"],
    &["notice"],
];

#[test]
fn the_core_is_layered_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../core/src/lib.rs");
    shouhou_layers::assert_layered(&root, LAYERS);
}
