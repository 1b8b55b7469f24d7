//! Shouhou's staff desk: a second Yew app, served by the intake server at `/desk/` and never
//! part of the customer's first load. Sign-in, the inbox, one request, the figures.

mod api;
mod app;
mod figures;
mod i18n;
mod inbox;
mod request;
mod route;
mod signin;
mod time;
mod widgets;

fn main() {
    yew::Renderer::<app::App>::with_root(
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("desk"))
            .expect("the page has a #desk element"),
    )
    .render();
}
