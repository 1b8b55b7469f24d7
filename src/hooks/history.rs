//! The address bar and the screen in step (the shared router carries Back, Forward and links;
//! this hook decides which address the state's screen gets, and whether it is a new entry).

use std::cell::Cell;
use std::rc::Rc;

use shouhou_core::Route;
use shouhou_web::router::{self, Site};
use yew::prelude::*;

use crate::state::{Action, AppState};

/// The customer app's addresses: everything on the site but the API and the staff desk.
pub const SITE: Site = Site { base: "/", elsewhere: &["/api/", "/desk/"] };

/// The screen the browser's address names now.
pub fn current_route() -> Route {
    router::current()
}

/// Keeps the address bar and the screen in step, so Back and Forward stay inside the app.
///
/// A screen the customer moves to adds a history entry. An address the browser asked for
/// (Back, Forward, a deep link, a link inside the app) is shown as far as the draft allows;
/// when the draft sends the customer elsewhere (a later step with earlier answers missing),
/// that entry is replaced, so Back never returns to a screen that cannot be shown.
#[hook]
pub fn use_history(state: &UseReducerHandle<AppState>) {
    let on_address = {
        let state = state.clone();
        use_callback((), move |(), _| state.dispatch(Action::Navigate(current_route())))
    };
    router::use_address_changes(SITE, on_address);
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
        if router::showing(&path) {
            return;
        }
        if replace {
            router::replace(&path)
        } else {
            router::push(&path)
        }
    });
}
