//! Shouhou's staff desk: a second Yew app, served by the intake server at `/desk/` and never
//! part of the customer's first load. Sign-in, the inbox, one request, the figures.
//!
//! Implementation note: the customer app's shape. `app.rs` wires the named hooks (`hooks/`:
//! the language, the session, the product lines, each screen's data) and shows the page for
//! the address (`pages/`, one per screen of `route.rs`); pages hand data and callbacks to
//! `components/`, which fetch nothing; `api.rs` is the staff API, one function per endpoint
//! over the shared browser library (`shouhou-web`: messages, configuration, HTTP, the
//! router). What the desk decides — addresses, the forms' rules, how figures and details are
//! written — is in `route.rs`, `forms.rs` and `format.rs`, tested natively with
//! `cargo test -p shouhou-desk`; `tools/layers/tests/desk.rs` keeps the layers one way.

mod api;
mod app;
mod components;
mod context;
mod format;
mod forms;
mod hooks;
#[cfg(test)]
mod messages;
mod pages;
mod route;
mod time;

fn main() {
    yew::Renderer::<app::App>::with_root(
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("desk"))
            .expect("the page has a #desk element"),
    )
    .render();
}
