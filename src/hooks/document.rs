//! Owns the document's language: `<html lang>` and the title follow the language shown, and the
//! switch fetches the other language's words before showing them, remembering the choice.

use shouhou_core::i18n::t;
use shouhou_core::Lang;
use shouhou_web::{dom, i18n};
use yew::prelude::*;

use crate::services::MESSAGES;
use crate::state::{Action, AppState};
use crate::storage::settings::remember_language;

/// The document speaks the chosen language: `<html lang>` and the title.
#[hook]
pub fn use_document_language(lang: Lang) {
    use_effect_with((lang, shouhou_core::Messages::has(lang)), |(lang, _)| {
        i18n::show_language(*lang);
        dom::set_title(t(*lang, "app.title"));
    });
}

/// The language switch: the other language, once its messages are here (offline and never
/// fetched, the page stays as it is), remembered for the next visit.
#[hook]
pub fn use_language_switch(state: &UseReducerHandle<AppState>) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| {
        let next = i18n::other(state.lang);
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if i18n::load(MESSAGES, next).await.is_ok() {
                remember_language(next);
                state.dispatch(Action::SetLang(next));
            }
        });
    })
}
