//! Owns fetching the chosen product line's troubleshooting flow, so guided help knows whether
//! there is one, it is broken, or it is ready.

use std::rc::Rc;

use yew::prelude::*;

use crate::services::flows::load_flow;
use crate::state::{Action, AppState, GuidedHelp};

/// Fetches the chosen product line's troubleshooting flow whenever the choice changes.
#[hook]
pub fn use_flow_loading(state: &UseReducerHandle<AppState>) {
    let state = state.clone();
    let product_line =
        state.draft.as_ref().map(|d| d.fields.product_line.clone()).unwrap_or_default();
    let configured = state.config.as_ref().is_some_and(|c| c.product_line(&product_line).is_some());
    use_effect_with((product_line, configured), move |(product_line, configured)| {
        let product_line = product_line.clone();
        if *configured && state.guided_for != product_line {
            state.dispatch(Action::FlowLoaded {
                product_line: product_line.clone(),
                guided: GuidedHelp::Unknown,
            });
            wasm_bindgen_futures::spawn_local(async move {
                let guided = match load_flow(&product_line).await {
                    Ok(Some(flow)) => GuidedHelp::Available(Rc::new(flow)),
                    Ok(None) => GuidedHelp::Missing,
                    Err(problem) => {
                        // For whoever maintains the flow files; the customer sees a plain notice.
                        web_sys::console::warn_1(
                            &format!("flows/{product_line}.json: {problem}").into(),
                        );
                        GuidedHelp::Broken
                    }
                };
                state.dispatch(Action::FlowLoaded { product_line, guided });
            });
        }
    });
}
