//! The core's modules depend on each other in one direction only: each may use the layers
//! below it and never one above, so no two modules can need each other. Read from the source
//! (non-test code, outside comments), so a new `use` that breaks the order fails here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Lowest first. Modules on one line are one layer and must not use each other either.
const LAYERS: &[&[&str]] = &[
    &["i18n", "phone", "warranty", "reference", "eviction", "status"],
    &["schema", "calendar"],
    &["adapter", "escalation", "reply", "emergency", "charges", "guarantees", "quality", "privacy"],
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

fn layer_of(module: &str) -> usize {
    LAYERS
        .iter()
        .position(|layer| layer.contains(&module))
        .unwrap_or_else(|| panic!("core module `{module}` is in no layer: add it to LAYERS"))
}

/// The source files of a module: its file, or every file in its folder.
fn files_of(path: &Path) -> Vec<PathBuf> {
    if !path.is_dir() {
        return vec![path.to_path_buf()];
    }
    std::fs::read_dir(path).unwrap().flat_map(|entry| files_of(&entry.unwrap().path())).collect()
}

/// Every `crate::<module>` the module's own (non-test, non-comment) code names, with a file
/// that names it.
fn uses(files: &[PathBuf], module: &str) -> BTreeMap<String, PathBuf> {
    let mut found = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap();
        let code = code.split("#[cfg(all(test").next().unwrap();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (at, _) in line.match_indices("crate::") {
                let name: String = line[at + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name != module && !name.is_empty() {
                    found.entry(name).or_insert_with(|| file.clone());
                }
            }
        }
    }
    found
}

#[test]
fn core_modules_only_use_the_layers_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let module = path.file_stem().unwrap().to_str().unwrap().to_string();
        if module == "lib" {
            continue;
        }
        for (used, file) in uses(&files_of(&path), &module) {
            if layer_of(&used) >= layer_of(&module) {
                problems.push(format!("{module} uses {used} ({})", file.display()));
            }
        }
    }
    assert!(problems.is_empty(), "dependencies against the layer order:\n{}", problems.join("\n"));
}
