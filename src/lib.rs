//! Shouhou's browser app: a Yew single-page app that collects a complete after-sales
//! request, keeps it as a draft in the browser on every keystroke, and sends it to the
//! configured backend.
//!
//! Implementation note: the domain rules (what is valid, how a draft changes, what a
//! message says) come from `shouhou-core`; this crate renders them and performs their
//! effects — IndexedDB and localStorage (`storage`), HTTP (`services`) — and keeps screen
//! state in one reducer (`state`).

// Actions, sender reports and screen messages are moved once into the reducer or a
// component and dropped: boxing their large variants would add allocations and download
// size for no saving.
#![allow(clippy::large_enum_variant)]

pub mod app;
pub mod components;
pub mod hooks;
pub mod ids;
pub mod js;
pub mod pages;
pub mod sender;
pub mod services;
pub mod state;
pub mod storage;

/// Mounts the app into `#app`, replacing the loading text the page shows before wasm runs.
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"))
        .expect("index.html has an #app element");
    root.set_inner_html("");
    yew::Renderer::<app::App>::with_root(root).render();
}
