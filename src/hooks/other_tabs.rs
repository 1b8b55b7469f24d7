//! Owns listening to other tabs: a draft changed elsewhere arrives through its journal entry,
//! and the reducer decides whether it is newer, older or a conflict.

use yew::prelude::*;

use crate::state::{Action, AppState};

/// Another tab's change to a draft arrives through its journal entry; the reducer decides
/// whether it is newer, older, or a conflict.
#[hook]
pub fn use_other_tabs(state: &UseReducerHandle<AppState>) {
    let state = state.clone();
    use_effect_with((), move |_| {
        let window = web_sys::window().expect("a browser window");
        let listener = gloo_events::EventListener::new(&window, "storage", move |event| {
            let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::StorageEvent>(event) else {
                return;
            };
            let (Some(key), Some(value)) = (event.key(), event.new_value()) else { return };
            if crate::storage::drafts::journalled_draft(&key).is_some() {
                if let Ok(draft) = shouhou_core::Draft::decode(&value) {
                    state.dispatch(Action::OtherTab(draft));
                }
            }
        });
        move || drop(listener)
    });
}
