use std::cell::Cell;
use std::rc::Rc;

use shouhou_core::Route;
use yew::prelude::*;

use crate::state::{Action, AppState};

/// The screen the browser's address names now.
pub fn current_route() -> Route {
    let location = web_sys::window().map(|w| w.location());
    let path = location.as_ref().and_then(|l| l.pathname().ok()).unwrap_or_default();
    let search = location.as_ref().and_then(|l| l.search().ok()).unwrap_or_default();
    Route::parse(&path, search.trim_start_matches('?'))
}

/// Keeps the address bar and the screen in step, so Back and Forward stay inside the app.
///
/// A screen the customer moves to adds a history entry. An address the browser asked for
/// (Back, Forward, a deep link) is shown as far as the draft allows; when the draft sends
/// the customer elsewhere (a later step with earlier answers missing), that entry is
/// replaced, so Back never returns to a screen that cannot be shown.
#[hook]
pub fn use_history(state: &UseReducerHandle<AppState>) {
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let on_pop = {
                let state = state.clone();
                gloo_events::EventListener::new(&window, "popstate", move |_| {
                    state.dispatch(Action::Navigate(current_route()))
                })
            };
            // Links inside the app (`<a href="/status/…">`) change the screen without
            // reloading the page; a modified click (new tab, download) is the browser's.
            let on_click = gloo_events::EventListener::new_with_options(
                &window,
                "click",
                gloo_events::EventListenerOptions::enable_prevent_default(),
                move |event| {
                    if let Some(path) = in_app_link(event) {
                        event.prevent_default();
                        if let Ok(history) = web_sys::window().expect("a window").history() {
                            let _ = history.push_state_with_url(
                                &wasm_bindgen::JsValue::NULL,
                                "",
                                Some(&path),
                            );
                        }
                        state.dispatch(Action::Navigate(current_route()));
                    }
                },
            );
            move || drop((on_pop, on_click))
        });
    }
    let answered = use_memo((), |_| Rc::new(Cell::new(0u32)));
    let route = state.route();
    use_effect_with((route, state.address_asked, state.routed), move |(route, asked, routed)| {
        if !*routed {
            return;
        }
        let showing = current_route();
        let replace = answered.replace(*asked) != *asked
            || matches!((&showing, route), (Route::Sent(_), Route::Sent(_)))
            || showing == *route;
        let path = route.path();
        let same_address = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .is_some_and(|current| current == path);
        if same_address {
            return;
        }
        let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else { return };
        let _ = if replace {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path))
        };
    });
}

/// The path of a plain click on a link to another screen of the app, if it is one.
fn in_app_link(event: &web_sys::Event) -> Option<String> {
    use wasm_bindgen::JsCast;
    let click = event.dyn_ref::<web_sys::MouseEvent>()?;
    if click.button() != 0 || click.ctrl_key() || click.meta_key() || click.shift_key() {
        return None;
    }
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let link = target.closest("a[href^='/']:not([download]):not([target])").ok()??;
    let path = link.get_attribute("href")?;
    (!path.starts_with("//") && !path.starts_with("/api/")).then_some(path)
}
