//! The app's effects as named hooks: each owns one conversation with the browser (storage,
//! the network, other tabs, the address bar) and reports into the reducer. `App` only wires
//! them together, so what happens at start, on every change and on reconnect is found by
//! name rather than read out of one long function.

pub mod autosave;
pub mod boot;
pub mod document;
pub mod flows;
pub mod form;
pub mod history;
pub mod kiosk;
pub mod lookup;
pub mod other_tabs;
pub mod outbox;
pub mod photos;
pub mod sender;
pub mod takeover;
pub mod update;

use shouhou_web::dom::focus;
use yew::prelude::*;

use crate::state::AppState;
use crate::storage::drafts::Writer;

/// What every screen can reach.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    /// `None` until storage is open.
    pub writer: Option<Writer>,
    /// Sends what is due in the outbox now (`true`: everything unsent, backoff or not).
    pub send_outbox: Callback<bool>,
}

/// The app's context, for a screen rendered inside [`crate::app::App`].
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("screens are rendered inside the app")
}

/// Moves focus to a new screen's heading when the customer navigated to it.
#[hook]
pub fn use_heading_focus(navigated: bool) -> NodeRef {
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with((), move |_| {
            if navigated {
                focus(&heading);
            }
        });
    }
    heading
}
