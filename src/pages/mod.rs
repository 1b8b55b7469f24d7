//! One component per screen of the journey.

pub mod confirmation;
pub mod details;
pub mod guide;
pub mod outbox;
pub mod start;

use yew::prelude::*;

use crate::components::focus::focus;

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
