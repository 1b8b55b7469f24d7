//! One component per screen of the journey.

pub mod confirmation;
pub mod drafts;
pub mod form;
pub mod guide;
pub mod outbox;
pub mod review;
pub mod start;
pub mod status;

use yew::prelude::*;

/// What a form control reports, as a draft edit stamped with the time.
pub fn edit_callback(
    state: &UseReducerHandle<crate::state::AppState>,
) -> Callback<(shouhou_core::Field, String)> {
    let state = state.clone();
    Callback::from(move |(field, value)| {
        state.dispatch(crate::state::Action::Edit { field, value, now_ms: crate::ids::now_ms() })
    })
}

pub use crate::hooks::use_heading_focus;
