//! Addresses, for both apps: every screen has a URL kept in the History API, so Back and
//! Forward stay inside the app, a reload shows the same screen and a link opens in a new tab.
//!
//! An app names its screens with a [`Routable`] enum (the customer app's is core's
//! [`shouhou_core::Route`]); links are plain `<a href>`, followed in place by one listener on
//! the window, so a component that shows a link needs no router of its own.

use yew::prelude::*;

/// An app's screens, read from an address and written back to one.
pub trait Routable: Clone + PartialEq + 'static {
    /// The screen `path` (with `query`, the search part without `?`) names.
    fn parse(path: &str, query: &str) -> Self;
    fn path(&self) -> String;
}

impl Routable for shouhou_core::Route {
    fn parse(path: &str, query: &str) -> Self {
        shouhou_core::Route::parse(path, query)
    }

    fn path(&self) -> String {
        shouhou_core::Route::path(self)
    }
}

/// Where an app lives: the paths under `base`, except those under one of `elsewhere` (the
/// API, another app on the same site).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    pub base: &'static str,
    pub elsewhere: &'static [&'static str],
}

impl Site {
    /// The path of a link (`href`) into this app, for a plain click to follow in place.
    pub fn in_app<'a>(&self, href: &'a str) -> Option<&'a str> {
        (href.starts_with(self.base)
            && !href.starts_with("//")
            && !self.elsewhere.iter().any(|other| href.starts_with(other)))
        .then_some(href)
    }
}

/// The address the browser shows: its path, and its query without `?`.
pub fn address() -> (String, String) {
    let location = web_sys::window().map(|w| w.location());
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    (path, search.trim_start_matches('?').to_string())
}

/// The screen the address names now.
pub fn current<R: Routable>() -> R {
    let (path, query) = address();
    R::parse(&path, &query)
}

/// Whether the address bar shows exactly `path` already (a query too means it does not: the
/// screens the server draws from their address carry their choices in one, and once the app
/// has taken over, its own address replaces it).
pub fn showing(path: &str) -> bool {
    let (shown, query) = address();
    shown == path && query.is_empty()
}

/// A new history entry for `path`.
pub fn push(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// `path` in place of the current history entry (Back never returns to it).
pub fn replace(path: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

/// Tells `on_change` whenever the address changes under the app: Back and Forward, and a plain
/// click on a link into the app, which is followed in place (pushed first). A modified click
/// (new tab, download) and a click a control has handled are the browser's.
#[hook]
pub fn use_address_changes(site: Site, on_change: Callback<()>) {
    use_effect_with(site, move |site| {
        let site = *site;
        let window = web_sys::window().expect("a browser window");
        let on_pop = {
            let on_change = on_change.clone();
            gloo_events::EventListener::new(&window, "popstate", move |_| on_change.emit(()))
        };
        let on_click = gloo_events::EventListener::new_with_options(
            &window,
            "click",
            gloo_events::EventListenerOptions::enable_prevent_default(),
            move |event| {
                if let Some(path) = clicked_link(event).and_then(|href| {
                    let path = site.in_app(&href)?;
                    Some(path.to_string())
                }) {
                    event.prevent_default();
                    push(&path);
                    on_change.emit(());
                }
            },
        );
        move || drop((on_pop, on_click))
    });
}

/// The `href` of a link a plain click landed on, if it is a same-site path.
fn clicked_link(event: &web_sys::Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    let click = event.dyn_ref::<web_sys::MouseEvent>()?;
    if event.default_prevented()
        || click.button() != 0
        || click.ctrl_key()
        || click.meta_key()
        || click.shift_key()
        || click.alt_key()
    {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let link = target.closest("a[href^='/']:not([download]):not([target])").ok()??;
    link.get_attribute("href")
}

/// The screen shown, and a way to show another.
#[derive(Clone, PartialEq)]
pub struct RouteHandle<R: Routable> {
    pub route: R,
    /// Shows a screen as a new history entry, from the top of the page.
    pub navigate: Callback<R>,
}

/// The screen the address names, kept in step with Back, Forward and links into `site`.
#[hook]
pub fn use_route<R: Routable>(site: Site) -> RouteHandle<R> {
    let route = use_state(current::<R>);
    let on_change = {
        let route = route.clone();
        use_callback((), move |(), _| route.set(current()))
    };
    use_address_changes(site, on_change);
    let navigate = {
        let route = route.clone();
        use_callback((), move |to: R, _| {
            push(&to.path());
            route.set(to);
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    };
    RouteHandle { route: (*route).clone(), navigate }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: Site = Site { base: "/", elsewhere: &["/api/", "/desk/"] };
    const DESK: Site = Site { base: "/desk/", elsewhere: &[] };

    #[test]
    fn a_link_is_followed_in_place_only_inside_its_own_app() {
        assert_eq!(APP.in_app("/status/SR-1"), Some("/status/SR-1"));
        assert_eq!(APP.in_app("/"), Some("/"));
        assert_eq!(APP.in_app("/desk/requests/SR-1"), None);
        assert_eq!(APP.in_app("/api/v1/requests"), None);
        assert_eq!(APP.in_app("//elsewhere.example/x"), None);
        assert_eq!(DESK.in_app("/desk/figures"), Some("/desk/figures"));
        assert_eq!(DESK.in_app("/status/SR-1"), None);
    }

    #[test]
    fn the_customer_apps_screens_read_back_through_the_router() {
        let route = <shouhou_core::Route as Routable>::parse("/status/SR-1", "");
        assert_eq!(Routable::path(&route), "/status/SR-1");
    }
}
