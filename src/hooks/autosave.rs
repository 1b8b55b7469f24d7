//! Owns saving the draft on screen: every change goes to storage's writer (journal first, then
//! IndexedDB), so nothing typed waits for a save button.

use yew::prelude::*;

use crate::state::AppState;
use crate::storage::drafts::Writer;

/// Saves every change of the draft on screen; an untouched new draft is not worth a record.
#[hook]
pub fn use_autosave(state: &UseReducerHandle<AppState>, writer: Option<Writer>) {
    use_effect_with((state.draft.clone(), writer, state.taking_over), |(draft, writer, held)| {
        if let (Some(draft), Some(writer)) = (draft, writer) {
            if draft.revision > 0 {
                writer.save(draft);
                // The journal (written at once) holds what boot.js kept of the customer's typing
                // on the page the app took over: boot.js's copy goes, or the next visit would
                // make a second draft of it.
                if !*held {
                    crate::storage::early::done();
                }
            }
        }
    });
}
