//! One component per screen of the journey.

pub mod confirmation;
pub mod drafts;
pub mod form;
pub mod guide;
pub mod outbox;
pub mod review;
pub mod start;

use yew::prelude::*;

use crate::components::focus::focus;

/// What a form control reports, as a draft edit stamped with the time.
pub fn edit_callback(
    state: &UseReducerHandle<crate::state::AppState>,
) -> Callback<(shouhou_core::Field, String)> {
    let state = state.clone();
    Callback::from(move |(field, value)| {
        state.dispatch(crate::state::Action::Edit { field, value, now_ms: crate::ids::now_ms() })
    })
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
