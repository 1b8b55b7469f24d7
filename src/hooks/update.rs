//! Owns the offer of a new version: the service worker's waiting update is announced to the
//! reducer, which shows it; it is applied only when the customer asks.

use yew::prelude::*;

use crate::state::{Action, AppState};

/// A new version installed by the service worker (index.html) is offered, never forced.
#[hook]
pub fn use_update_offer(state: &UseReducerHandle<AppState>) {
    let state = state.clone();
    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a browser window");
        let waiting = js_sys::Reflect::get(&window, &"shouhouUpdateWaiting".into())
            .ok()
            .is_some_and(|v| v.is_truthy());
        if waiting {
            state.dispatch(Action::UpdateReady);
        }
        let listener = gloo_events::EventListener::new(&window, "shouhou-update", move |_| {
            state.dispatch(Action::UpdateReady)
        });
        move || drop(listener)
    });
}
