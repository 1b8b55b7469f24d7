//! Shouhou's engineer's app: a third Yew app, served by the intake server at `/field/`, for
//! the tablet an engineer takes on site. Sign-in with the staff account; today's and the
//! coming visits; each visit's request (details, photos, history, the troubleshooting
//! transcript); the on-site report, prefilled from the request and the visit, drafted on
//! every keystroke and queued in an outbox that sends it (and joins it to the visit) once
//! there is signal. All of it works offline: the service worker (`static/sw.js`) serves the
//! shell, IndexedDB (`keep.rs`) holds what was fetched and what is written.
//!
//! Implementation note: the desk's shape. `app.rs` wires the language, the session, the
//! storage and the sender, and shows the page for the address (`pages/`, one per screen of
//! `route.rs`); `api.rs` has one function per endpoint over the shared browser library
//! (`shouhou-web`); `load.rs` chooses between the server and what was kept. What the app
//! decides — which visits are today's, the prefilled report, where a queued report stands —
//! is in `plan.rs`, tested natively with `cargo test -p shouhou-field`. It borrows from the
//! customer app's library (`shouhou`) the IndexedDB layer, the form's controls and the
//! signature pad rather than write them twice; LTO keeps only those in its wasm.

mod api;
mod app;
mod context;
mod keep;
mod load;
mod pages;
mod plan;
mod route;
mod sender;
mod time;

fn main() {
    yew::Renderer::<app::App>::with_root(
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("field"))
            .expect("the page has a #field element"),
    )
    .render();
}
