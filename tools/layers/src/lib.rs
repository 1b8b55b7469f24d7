//! The layering check every crate of the workspace runs: which source file uses which, read
//! with `syn` as the compiler reads it, so `use crate::{a, b::c}`, `super::`, paths written in
//! code and re-exports all count, and test code (`#[cfg(test)]` items) does not.
//!
//! Two rules, each crate stating its layers in one table (lowest first):
//! - no two files import each other, directly or round a longer loop (a cycle means neither
//!   can be understood, tested or moved without the other);
//! - a module uses only the layers below its own: entries on one line are one layer and do
//!   not use each other either. The crate's root file (`lib.rs`, `main.rs`) stands above all.
//!
//! A use is traced to the file that defines the name, through re-exports (`pub use`) and the
//! private imports a child may reach with `super::`, so `crate::AppConfig` re-exported by
//! `lib.rs` is a use of `config.rs`, not of `lib.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// One source file of the crate and the module path it is (`[]` for the root).
struct SourceFile {
    path: PathBuf,
    module: Vec<String>,
    /// Names of the items the file defines, inline modules included.
    defined: BTreeSet<String>,
    /// `use` bindings: the name they bind in this file → the absolute path they name.
    imports: BTreeMap<String, Vec<String>>,
    /// `use a::b::*`: absolute module paths.
    globs: Vec<Vec<String>>,
    /// Every path the file's non-test code names that may be the crate's (absolute, with
    /// the line it is on).
    mentions: Vec<(Vec<String>, usize)>,
    /// The child modules it declares (`mod x;`), by name.
    children: BTreeSet<String>,
}

/// A use of one file by another, with where it is written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Use {
    pub from: PathBuf,
    pub to: PathBuf,
    pub line: usize,
    /// The path as resolved (`crate::validate::checks::phone`).
    pub path: String,
}

/// What a check found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Files that import each other, round the loop, with one use of each step.
    Cycle(Vec<Use>),
    /// A module using one of its own layer or above.
    AgainstLayers { used: Use, from_layer: String, to_layer: String },
    /// A module the table does not place.
    Unplaced { module: String, file: PathBuf },
    /// A file that does not parse, or a `mod x;` without its file.
    Unreadable { file: PathBuf, why: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |u: &Use| {
            format!("{}:{} uses {} ({})", u.from.display(), u.line, u.to.display(), u.path)
        };
        match self {
            Problem::Cycle(steps) => {
                writeln!(f, "import cycle between {} files:", steps.len())?;
                for step in steps {
                    writeln!(f, "    {}", at(step))?;
                }
                Ok(())
            }
            Problem::AgainstLayers { used, from_layer, to_layer } => {
                write!(f, "{} — layer `{from_layer}` may not use `{to_layer}`", at(used))
            }
            Problem::Unplaced { module, file } => write!(
                f,
                "module `{module}` ({}) is in no layer: add it to the crate's table",
                file.display()
            ),
            Problem::Unreadable { file, why } => write!(f, "{}: {why}", file.display()),
        }
    }
}

/// A crate's layers, lowest first; an entry is a module path (`store`, `http::errors`) and
/// covers that module and everything inside it. The longest entry that fits a file wins.
pub type Layers<'a> = &'a [&'a [&'a str]];

/// Checks the crate whose root file is `root` (`…/src/lib.rs` or `…/src/main.rs`): every
/// cycle between files, and every use against `layers`. Empty when all is well.
pub fn check(root: &Path, layers: Layers<'_>) -> Vec<Problem> {
    let (files, mut problems) = read_crate(root);
    let uses = uses(&files);
    problems.extend(cycles(&files, &uses));
    problems.extend(against_layers(&files, &uses, layers));
    problems
}

/// [`check`], as a test wants it: panics listing every problem.
pub fn assert_layered(root: &Path, layers: Layers<'_>) {
    let problems = check(root, layers);
    assert!(
        problems.is_empty(),
        "{} layering problem(s) in {}:\n{}",
        problems.len(),
        root.display(),
        problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("\n")
    );
}

// Reading the crate

fn read_crate(root: &Path) -> (Vec<SourceFile>, Vec<Problem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut pending = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((path, module)) = pending.pop() {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                problems.push(Problem::Unreadable { file: path, why: e.to_string() });
                continue;
            }
        };
        let ast = match syn::parse_file(&text) {
            Ok(ast) => ast,
            Err(e) => {
                let line = e.span().start().line;
                problems.push(Problem::Unreadable { file: path, why: format!("line {line}: {e}") });
                continue;
            }
        };
        let owns_folder = matches!(
            path.file_name().and_then(|n| n.to_str()),
            Some("lib.rs" | "main.rs" | "mod.rs")
        );
        let folder = if owns_folder {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        let mut file = SourceFile {
            path: path.clone(),
            module: module.clone(),
            defined: BTreeSet::new(),
            imports: BTreeMap::new(),
            globs: Vec::new(),
            mentions: Vec::new(),
            children: BTreeSet::new(),
        };
        for item in ast.items.iter().filter(|item| !is_test(attrs_of(item))) {
            if let syn::Item::Mod(m) = item {
                let name = m.ident.to_string();
                if m.content.is_none() {
                    file.children.insert(name.clone());
                    let candidates =
                        [folder.join(format!("{name}.rs")), folder.join(&name).join("mod.rs")];
                    match candidates.iter().find(|c| c.exists()) {
                        Some(found) => {
                            let mut child = module.clone();
                            child.push(name);
                            pending.push((found.clone(), child));
                        }
                        None => problems.push(Problem::Unreadable {
                            file: path.clone(),
                            why: format!("`mod {name};` has no file"),
                        }),
                    }
                    continue;
                }
            }
        }
        let mut reader = Reader { file: &mut file, scope: module.clone() };
        reader.items(&ast.items);
        files.push(file);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, problems)
}

fn attrs_of(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]`, `#[cfg(all(test, …))]`: code only tests see. `not(test)` is real code.
fn is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("cfg") && {
            let tokens = attr.meta.require_list().map(|l| l.tokens.to_string()).unwrap_or_default();
            tokens.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == "test")
                && !tokens.replace(' ', "").contains("not(test)")
        }
    })
}

/// Collects what one file defines, imports and mentions. `scope` is the module the items
/// being read are in (an inline `mod x { … }` deepens it).
struct Reader<'a> {
    file: &'a mut SourceFile,
    scope: Vec<String>,
}

impl Reader<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items.iter().filter(|item| !is_test(attrs_of(item))) {
            match item {
                syn::Item::Use(u) => {
                    let mut prefix = Vec::new();
                    self.use_tree(&u.tree, &mut prefix, u.use_token.span.start().line);
                }
                syn::Item::Mod(m) => {
                    self.file.defined.insert(m.ident.to_string());
                    if let Some((_, inner)) = &m.content {
                        self.scope.push(m.ident.to_string());
                        self.items(inner);
                        self.scope.pop();
                    }
                }
                other => {
                    if let Some(name) = defined_name(other) {
                        self.file.defined.insert(name);
                    }
                    let mut mentions = Mentions { found: Vec::new() };
                    mentions.visit_item(other);
                    for (path, line) in mentions.found {
                        self.file.mentions.push((path, line));
                    }
                }
            }
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, line: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, line);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let (path, bound) = if name == "self" {
                    (prefix.clone(), prefix.last().cloned().unwrap_or_default())
                } else {
                    let mut path = prefix.clone();
                    path.push(name.clone());
                    (path, name)
                };
                self.import(path, bound, line);
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                self.import(path, r.rename.to_string(), line);
            }
            syn::UseTree::Glob(_) => {
                if let Some(absolute) = self.absolute(prefix) {
                    self.file.globs.push(absolute.clone());
                    self.file.mentions.push((absolute, line));
                }
            }
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(tree, prefix, line);
                }
            }
        }
    }

    fn import(&mut self, path: Vec<String>, bound: String, line: usize) {
        if let Some(absolute) = self.absolute(&path) {
            self.file.imports.insert(bound, absolute.clone());
            self.file.mentions.push((absolute, line));
        }
    }

    /// The crate-absolute form of a path written in this scope, or `None` for another
    /// crate's. A first segment that is neither `crate`, `self` nor `super` is left for the
    /// resolver to judge (a child module, a local import, or an external crate).
    fn absolute(&self, path: &[String]) -> Option<Vec<String>> {
        absolute_in(&self.scope, path)
    }
}

fn absolute_in(scope: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "self" => Some(scope.iter().chain(&path[1..]).cloned().collect()),
        "super" => {
            let mut base = scope.to_vec();
            let mut rest = path;
            while rest.first().map(String::as_str) == Some("super") {
                base.pop()?;
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        // Relative to the scope: resolved (or dropped as external) later.
        _ => Some(
            std::iter::once("\u{0}".to_string())
                .chain(scope.iter().cloned())
                .chain(std::iter::once("\u{1}".to_string()))
                .chain(path.iter().cloned())
                .collect(),
        ),
    }
}

fn defined_name(item: &syn::Item) -> Option<String> {
    Some(
        match item {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::TraitAlias(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            syn::Item::Macro(i) => i.ident.as_ref()?,
            _ => return None,
        }
        .to_string(),
    )
}

/// Every multi-segment path in some code, and every single name that may be an import
/// (`Ctx`, `focus(...)`), with its line; test items inside are skipped.
struct Mentions {
    found: Vec<(Vec<String>, usize)>,
}

impl<'ast> Visit<'ast> for Mentions {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if path.leading_colon.is_none() && !segments.is_empty() {
            let line = path.segments[0].ident.span().start().line;
            // Stored relative; `Reader` has no scope here, so mark it for the file's scope.
            self.found.push((segments, line));
        }
        syn::visit::visit_path(self, path);
    }

    /// `pub(crate)`, `pub(in crate::x)`: who may see an item, not a use of anything.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    /// A `use` inside a function body: each path it names.
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if is_test(&u.attrs) {
            return;
        }
        let line = u.use_token.span.start().line;
        let mut paths = Vec::new();
        flatten(&u.tree, &mut Vec::new(), &mut paths);
        self.found.extend(paths.into_iter().map(|path| (path, line)));
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if !is_test(&m.attrs) {
            syn::visit::visit_item_mod(self, m);
        }
    }

    /// A macro's body is tokens, not code (`html! { <crate::pages::Inbox /> }`, `format!`'s
    /// arguments): every `a::b…` path in it counts, as the compiler will read it after
    /// expansion. Single names stay unread: in markup they are mostly tags and attributes.
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        syn::visit::visit_macro(self, mac);
        paths_in_tokens(mac.tokens.clone(), &mut self.found);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_item_fn(self, f);
        }
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        if !is_test(&f.attrs) {
            syn::visit::visit_impl_item_fn(self, f);
        }
    }
}

/// The `a::b…` paths in a token stream (groups included), with their lines.
fn paths_in_tokens(tokens: proc_macro2::TokenStream, found: &mut Vec<(Vec<String>, usize)>) {
    use proc_macro2::TokenTree;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let colons = |i: usize| {
        matches!((tokens.get(i), tokens.get(i + 1)), (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint)
    };
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(group) => paths_in_tokens(group.stream(), found),
            // The start of a path: not itself after `::` (that is the middle of one) or a `.`.
            TokenTree::Ident(first) if !(i >= 2 && colons(i - 2)) => {
                let line = first.span().start().line;
                let mut path = vec![first.to_string()];
                let mut next = i + 1;
                while colons(next) {
                    match tokens.get(next + 2) {
                        Some(TokenTree::Ident(ident)) => {
                            path.push(ident.to_string());
                            next += 3;
                        }
                        _ => break,
                    }
                }
                if path.len() > 1 {
                    found.push((path, line));
                    i = next;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The full paths a use tree names (`a::{b, c::d}` → `a::b`, `a::c::d`; a glob names its module).
fn flatten(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) if n.ident == "self" => out.push(prefix.clone()),
        syn::UseTree::Name(n) => {
            out.push(prefix.iter().cloned().chain([n.ident.to_string()]).collect())
        }
        syn::UseTree::Rename(r) if r.ident == "self" => out.push(prefix.clone()),
        syn::UseTree::Rename(r) => {
            out.push(prefix.iter().cloned().chain([r.ident.to_string()]).collect())
        }
        syn::UseTree::Glob(_) => out.push(prefix.clone()),
        syn::UseTree::Group(g) => g.items.iter().for_each(|tree| flatten(tree, prefix, out)),
    }
}

// Resolving uses to files

struct Crate<'a> {
    files: &'a [SourceFile],
    by_module: HashMap<&'a [String], usize>,
}

impl<'a> Crate<'a> {
    fn new(files: &'a [SourceFile]) -> Crate<'a> {
        let by_module = files.iter().enumerate().map(|(i, f)| (f.module.as_slice(), i)).collect();
        Crate { files, by_module }
    }

    /// The file a crate-absolute path leads to: where its first name past the longest module
    /// file is defined, following imports and globs; the module's own file when not found.
    fn resolve(&self, path: &[String], depth: usize) -> Option<usize> {
        let (at, file) = (0..=path.len())
            .rev()
            .find_map(|n| self.by_module.get(&path[..n]).map(|&file| (n, file)))?;
        let rest = &path[at..];
        let Some(name) = rest.first() else { return Some(file) };
        let source = &self.files[file];
        if source.defined.contains(name) || depth > 16 {
            return Some(file);
        }
        if let Some(target) = source.imports.get(name) {
            let target = self.absolute_target(file, target)?;
            let mut next = target;
            next.extend(rest[1..].iter().cloned());
            return self.resolve(&next, depth + 1).or(Some(file));
        }
        for glob in &source.globs {
            let Some(glob) = self.absolute_target(file, glob) else { continue };
            let mut next = glob.clone();
            next.extend(rest.iter().cloned());
            if let Some(found) = self.resolve(&next, depth + 1) {
                if self.by_module.get(glob.as_slice()) != Some(&found)
                    || self.files[found].defined.contains(name)
                {
                    return Some(found);
                }
            }
        }
        Some(file)
    }

    /// A path as stored by the reader, made crate-absolute: relative paths (marked with the
    /// scope they were written in) are tried as a child module, an inline module, a local
    /// item or an import of that scope's file; anything else is another crate's (`None`).
    fn absolute_target(&self, file: usize, path: &[String]) -> Option<Vec<String>> {
        self.absolute_within(file, path, 0)
    }

    fn absolute_within(&self, file: usize, path: &[String], depth: usize) -> Option<Vec<String>> {
        if path.first().map(String::as_str) != Some("\u{0}") {
            return Some(path.to_vec());
        }
        let end = path.iter().position(|s| s == "\u{1}")?;
        let scope = &path[1..end];
        let rest = &path[end + 1..];
        let first = rest.first()?;
        let source = &self.files[file];
        let mut within = scope.to_vec();
        within.push(first.clone());
        if self.by_module.contains_key(within.as_slice())
            || source.children.contains(first)
            || source.defined.contains(first)
        {
            return Some(scope.iter().chain(rest).cloned().collect());
        }
        if let Some(target) = source.imports.get(first).filter(|_| depth < 8) {
            // `use serde;`, `use yew::prelude::Html;`: another crate's, found by running out.
            let target = self.absolute_within(file, target, depth + 1)?;
            return Some(target.into_iter().chain(rest[1..].iter().cloned()).collect());
        }
        None
    }
}

fn uses(files: &[SourceFile]) -> Vec<Use> {
    let krate = Crate::new(files);
    let mut found = BTreeSet::new();
    for (index, file) in files.iter().enumerate() {
        for (path, line) in &file.mentions {
            let absolute = if path.first().map(String::as_str) == Some("\u{0}") {
                krate.absolute_target(index, path)
            } else if matches!(path.first().map(String::as_str), Some("crate" | "self" | "super")) {
                absolute_in(&file.module, path)
            } else if path.iter().any(|s| s == "\u{1}") {
                Some(path.clone())
            } else {
                // A path written in code: relative to the file's module.
                let marked: Vec<String> = std::iter::once("\u{0}".to_string())
                    .chain(file.module.iter().cloned())
                    .chain(std::iter::once("\u{1}".to_string()))
                    .chain(path.iter().cloned())
                    .collect();
                krate.absolute_target(index, &marked)
            };
            let Some(absolute) = absolute else { continue };
            let Some(target) = krate.resolve(&absolute, 0) else { continue };
            if target != index {
                found.insert(Use {
                    from: file.path.clone(),
                    to: files[target].path.clone(),
                    line: *line,
                    path: format!("crate::{}", absolute.join("::")),
                });
            }
        }
    }
    // One use per pair of files is enough to show: the first line.
    let mut first: BTreeMap<(PathBuf, PathBuf), Use> = BTreeMap::new();
    for used in found {
        first.entry((used.from.clone(), used.to.clone())).or_insert(used);
    }
    first.into_values().collect()
}

// The two rules

fn cycles(files: &[SourceFile], uses: &[Use]) -> Vec<Problem> {
    let index: HashMap<&Path, usize> =
        files.iter().enumerate().map(|(i, f)| (f.path.as_path(), i)).collect();
    let mut edges = vec![Vec::new(); files.len()];
    for used in uses {
        edges[index[used.from.as_path()]].push(index[used.to.as_path()]);
    }
    strongly_connected(&edges)
        .into_iter()
        .filter(|component| component.len() > 1)
        .map(|component| {
            let members: BTreeSet<usize> = component.iter().copied().collect();
            let steps = uses
                .iter()
                .filter(|u| {
                    members.contains(&index[u.from.as_path()])
                        && members.contains(&index[u.to.as_path()])
                })
                .cloned()
                .collect();
            Problem::Cycle(steps)
        })
        .collect()
}

/// Tarjan's algorithm, iteratively (a deep crate must not overflow the test's stack).
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut components, mut next) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = edges[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

fn against_layers(files: &[SourceFile], uses: &[Use], layers: Layers<'_>) -> Vec<Problem> {
    let place = |module: &[String]| -> Option<(usize, String)> {
        let name = module.join("::");
        layers
            .iter()
            .enumerate()
            .flat_map(|(level, entries)| entries.iter().map(move |e| (level, *e)))
            .filter(|(_, entry)| name == *entry || name.starts_with(&format!("{entry}::")))
            .max_by_key(|(_, entry)| entry.len())
            .map(|(level, entry)| (level, entry.to_string()))
    };
    let by_path: HashMap<&Path, &SourceFile> =
        files.iter().map(|f| (f.path.as_path(), f)).collect();
    let mut problems: Vec<Problem> = files
        .iter()
        .filter(|f| !f.module.is_empty() && place(&f.module).is_none())
        .map(|f| Problem::Unplaced { module: f.module.join("::"), file: f.path.clone() })
        .collect();
    for used in uses {
        let (from, to) = (by_path[used.from.as_path()], by_path[used.to.as_path()]);
        if from.module.is_empty() {
            continue; // the root stands above every layer
        }
        let (Some((from_level, from_entry)), Some((to_level, to_entry))) =
            (place(&from.module), place(&to.module))
        else {
            continue;
        };
        if from_entry != to_entry && to_level >= from_level {
            problems.push(Problem::AgainstLayers {
                used: used.clone(),
                from_layer: from_entry,
                to_layer: to_entry,
            });
        }
    }
    problems
}
