use shouhou_core::i18n::t;
use shouhou_core::Lang;
use yew::prelude::*;

use crate::services::api::load_messages;
use crate::state::{Action, AppState};
use crate::storage::settings::remember_lang;

/// The document speaks the chosen language: `<html lang>` and the title.
#[hook]
pub fn use_document_language(lang: Lang) {
    use_effect_with((lang, shouhou_core::Messages::has(lang)), |(lang, _)| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(t(*lang, "app.title"));
        }
    });
}

/// The language switch: the other language, once its messages are here (offline and never
/// fetched, the page stays as it is), remembered for the next visit.
#[hook]
pub fn use_language_switch(state: &UseReducerHandle<AppState>) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| {
        let next = if state.lang == Lang::ZhCn { Lang::En } else { Lang::ZhCn };
        let state = state.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if load_messages(next).await.is_ok() {
                remember_lang(next);
                state.dispatch(Action::SetLang(next));
            }
        });
    })
}
