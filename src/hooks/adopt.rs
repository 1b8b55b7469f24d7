use shouhou_core::{Field, Lang};
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::focus::focus_by_id;
use crate::services::api::load_messages;
use crate::state::{Action, AppState};

/// Where `static/boot.js` keeps its hint of the draft's screen and start choices, so the
/// early first screen shows only when the app would show the start step, as the app would.
pub const RESUME_KEY: &str = "shouhou.resume";

/// Takes over the early first screen `static/boot.js` drew while the app loaded: the choices
/// made there, a press of "Continue" and the focused control carry over, the language too,
/// and then it goes. Nothing the customer did before the app started is lost.
#[hook]
pub fn use_adopt_first_screen(state: &UseReducerHandle<AppState>, ready: bool) {
    let state = state.clone();
    use_effect_with(ready, move |ready| {
        if !*ready {
            return;
        }
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        if let Some(app) = document.get_element_by_id("app") {
            let _ = app.remove_attribute("hidden");
        }
        let Some(boot) = document.get_element_by_id("boot") else { return };
        let shown = !boot.has_attribute("hidden");
        let chosen = |field: Field| {
            boot.query_selector(&format!("input[name={}]:checked", field.name()))
                .ok()
                .flatten()
                .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
                .map(|input| input.value())
        };
        let choices: Vec<(Field, String)> = [Field::Intent, Field::ProductLine]
            .into_iter()
            .filter_map(|field| chosen(field).map(|value| (field, value)))
            .collect();
        let pressed_continue = boot.get_attribute("data-continue").as_deref() == Some("yes");
        let focused = document
            .active_element()
            .filter(|element| boot.contains(Some(element)))
            .map(|element| element.id())
            .filter(|id| !id.is_empty());
        let boot_lang = boot.get_attribute("data-lang").and_then(|tag| Lang::from_tag(&tag));
        boot.remove();
        if !shown {
            return;
        }
        for (field, value) in choices {
            state.dispatch(Action::Edit { field, value, now_ms: crate::ids::now_ms() });
        }
        if pressed_continue {
            state.dispatch(Action::Continue { now_ms: crate::ids::now_ms() });
        } else if let Some(id) = focused {
            // After the app's start step has replaced the early one.
            gloo_timers::callback::Timeout::new(0, move || focus_by_id(&id)).forget();
        }
        if let Some(lang) = boot_lang.filter(|lang| *lang != state.lang) {
            wasm_bindgen_futures::spawn_local(async move {
                if load_messages(lang).await.is_ok() {
                    state.dispatch(Action::SetLang(lang));
                }
            });
        }
    });
}

/// Keeps the hint `static/boot.js` reads: the draft's screen and its start choices.
#[hook]
pub fn use_resume_hint(state: &AppState) {
    let hint = state.draft.as_ref().map(|draft| {
        let path = shouhou_core::Route::of_step(draft.step).path();
        serde_json::json!({
            "path": path,
            "intent": draft.fields.intent,
            "product_line": draft.fields.product_line,
        })
        .to_string()
    });
    use_effect_with(hint, |hint| {
        if let (Some(hint), Some(storage)) = (hint, crate::storage::settings::local_storage()) {
            // Only a hint for the early screen: the app itself works without it.
            let _ = storage.set_item(RESUME_KEY, hint);
        }
    });
}
