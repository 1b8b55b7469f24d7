//! The checker on small planted crates: each rule must catch what it is for, and must not
//! cry wolf at what the workspace's crates legitimately do.

use std::path::PathBuf;

use shouhou_layers::{check, Problem};

/// Writes a crate's files (`src/…` paths) under a fresh folder and returns its root file.
fn planted(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("shouhou-layers-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir.join("src/lib.rs")
}

fn cycles(problems: &[Problem]) -> Vec<Vec<String>> {
    problems
        .iter()
        .filter_map(|p| match p {
            Problem::Cycle(steps) => Some(
                steps
                    .iter()
                    .map(|s| {
                        format!(
                            "{}->{}",
                            s.from.file_name().unwrap().to_str().unwrap(),
                            s.to.file_name().unwrap().to_str().unwrap()
                        )
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

const FLAT: &[&[&str]] = &[&["a", "b", "c", "config", "validate"]];

#[test]
fn a_planted_cycle_between_two_files_is_found_with_both_uses() {
    let root = planted(
        "two",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            ("src/a.rs", "use crate::b::Beta;\npub struct Alpha(pub Beta);\n"),
            (
                "src/b.rs",
                "pub struct Beta;\npub fn make() -> crate::a::Alpha { crate::a::Alpha(Beta) }\n",
            ),
        ],
    );
    let found = cycles(&check(&root, FLAT));
    assert_eq!(found, vec![vec!["a.rs->b.rs".to_string(), "b.rs->a.rs".to_string()]]);
}

#[test]
fn a_longer_loop_and_grouped_imports_are_read_as_the_compiler_reads_them() {
    let root = planted(
        "three",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\npub mod c;\n"),
            ("src/a.rs", "use crate::{b::{self, Beta}, c as _};\npub struct Alpha;\npub fn f(_: Beta) { b::g() }\n"),
            ("src/b.rs", "pub struct Beta;\npub fn g() { crate::c::h() }\n"),
            // A `use` inside a function body counts too.
            ("src/c.rs", "pub fn h() { use crate::a::Alpha; let _ = Alpha; }\n"),
        ],
    );
    let found = cycles(&check(&root, FLAT));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].len(), 3, "{found:?}");
}

#[test]
fn names_re_exported_by_the_root_are_uses_of_the_file_that_defines_them() {
    let root = planted(
        "reexport",
        &[
            ("src/lib.rs", "pub mod config;\npub mod validate;\npub use config::Config;\npub use validate::check;\n"),
            ("src/config.rs", "pub struct Config;\nimpl Config { pub fn me(&self) -> &crate::Config { self } }\n"),
            ("src/validate.rs", "use crate::Config;\npub fn check(_: &Config) {}\n"),
        ],
    );
    assert_eq!(check(&root, &[&["config"], &["validate"]]), vec![]);
}

#[test]
fn test_code_does_not_count_but_code_after_a_test_module_does() {
    let root = planted(
        "tests",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            (
                "src/a.rs",
                "pub struct Alpha;\n#[cfg(test)]\nmod tests { use crate::b::Beta; }\n\
                 #[cfg(all(test, feature = \"x\"))]\nfn only_tests() { crate::b::g() }\n",
            ),
            ("src/b.rs", "use crate::a::Alpha;\npub struct Beta(Alpha);\npub fn g() {}\n"),
        ],
    );
    assert_eq!(check(&root, &[&["a"], &["b"]]), vec![]);

    let root = planted(
        "after-tests",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            (
                "src/a.rs",
                "pub struct Alpha;\n#[cfg(test)]\nmod tests {}\npub fn late() { crate::b::g() }\n",
            ),
            ("src/b.rs", "use crate::a::Alpha;\npub struct Beta(Alpha);\npub fn g() {}\n"),
        ],
    );
    assert_eq!(cycles(&check(&root, &[&["a"], &["b"]])).len(), 1);
}

#[test]
fn a_child_using_its_parent_that_re_exports_it_is_a_cycle_inside_one_folder() {
    let root = planted(
        "folder",
        &[
            ("src/lib.rs", "pub mod validate;\n"),
            ("src/validate/mod.rs", "mod error;\npub use error::FieldError;\npub struct Code;\n"),
            ("src/validate/error.rs", "use super::Code;\npub struct FieldError(pub Code);\n"),
        ],
    );
    let found = cycles(&check(&root, FLAT));
    assert_eq!(found, vec![vec!["error.rs->mod.rs".to_string(), "mod.rs->error.rs".to_string()]]);
}

#[test]
fn a_lower_layer_using_a_higher_one_and_a_module_without_a_layer_are_reported() {
    let root = planted(
        "layers",
        &[
            ("src/lib.rs", "pub mod store;\npub mod http;\npub mod extra;\n"),
            ("src/store.rs", "pub fn save() { crate::http::answer() }\n"),
            ("src/http.rs", "pub fn answer() {}\n"),
            ("src/extra.rs", "\n"),
        ],
    );
    let problems = check(&root, &[&["store"], &["http"]]);
    let said: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(said.iter().any(|s| s.contains("layer `store` may not use `http`")), "{said:?}");
    assert!(said.iter().any(|s| s.contains("module `extra`")), "{said:?}");
    assert_eq!(said.len(), 2, "{said:?}");
}

#[test]
fn other_crates_and_local_names_are_not_mistaken_for_the_crates_modules() {
    let root = planted(
        "external",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            (
                "src/a.rs",
                "use serde::Serialize;\nuse std::fmt;\npub fn f() { let b = 1; let _ = b; }\n",
            ),
            ("src/b.rs", "use crate::a;\npub fn g() { a::f() }\n"),
        ],
    );
    assert_eq!(check(&root, &[&["a"], &["b"]]), vec![]);
}

#[test]
fn visibility_is_not_a_use_of_the_root() {
    let root = planted(
        "visibility",
        &[
            ("src/lib.rs", "pub mod a;\npub fn top() { a::f() }\n"),
            ("src/a.rs", "pub(crate) fn f() {}\npub(in crate::a) struct Hidden;\n"),
        ],
    );
    assert_eq!(check(&root, FLAT), vec![]);
}

#[test]
fn paths_written_inside_macros_count_as_the_compiler_will_read_them() {
    let root = planted(
        "macros",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            // A page named in markup, and a helper named in a `format!` argument.
            ("src/a.rs", "pub fn view() -> String { html! { <crate::b::Page /> } }\n"),
            (
                "src/b.rs",
                "pub struct Page;\npub fn g() -> String { format!(\"{}\", super::a::view()) }\n",
            ),
        ],
    );
    assert_eq!(cycles(&check(&root, FLAT)).len(), 1);

    // Tags, attributes and local names in markup are not the crate's modules.
    let root = planted(
        "markup",
        &[
            ("src/lib.rs", "pub mod a;\npub mod b;\n"),
            ("src/a.rs", "pub fn view() -> String { html! { <b class={a}>{ Vec::<u8>::new().len() }</b> } }\n"),
            ("src/b.rs", "pub fn g() { crate::a::view(); }\n"),
        ],
    );
    assert_eq!(check(&root, &[&["a"], &["b"]]), vec![]);
}
