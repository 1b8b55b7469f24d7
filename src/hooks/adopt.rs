//! Owns the hand-over from the early first screen (`static/boot.js`, or the server's rendered
//! start step) to the app: what the customer chose, pressed or focused there, and the
//! language, carried into the reducer; and the resume hint boot.js reads on the next visit.
//! (To be replaced with the server-rendered first screen: kept working, not grown.)

use shouhou_core::{Field, Lang};
use shouhou_web::i18n;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::services::MESSAGES;
use crate::state::{Action, AppState};
use crate::storage::settings::{local_storage, RESUME_KEY};

/// Takes over the early first screen `static/boot.js` drew while the app loaded: the choices
/// made there, a press of "Continue" and the focused control carry over, the language too,
/// and then it goes. Nothing the customer did before the app started is lost.
#[hook]
pub fn use_adopt_first_screen(state: &UseReducerHandle<AppState>, ready: bool) {
    let state = state.clone();
    use_effect_with(ready, move |ready| {
        if *ready {
            take_over(state, 0);
        }
    });
}

/// How long a press on the early screen may hold the take-over back: 30 ms at a time, up to
/// about a second (a pointer that left the window never says it was lifted).
const PRESS_WAITS: u32 = 30;

fn take_over(state: UseReducerHandle<AppState>, waited: u32) {
    {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        // A press (pointer down, not yet up) finishes on the early screen first: taking the
        // screen away under it would lose its click, "Continue" included. boot.js marks it.
        let pressing = document
            .get_element_by_id("boot")
            .is_some_and(|boot| boot.has_attribute("data-pressing"));
        if pressing && waited < PRESS_WAITS {
            gloo_timers::callback::Timeout::new(30, move || take_over(state, waited + 1)).forget();
            return;
        }
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
            .map(|element| Counterpart::of(&element));
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
        } else if let Some(counterpart) = focused {
            // At once: the app's start step is drawn (effects run after rendering), and a key
            // pressed before the focus moved would reach nothing. Again once the choices are
            // drawn, should that redraw have taken it.
            counterpart.focus(&document);
            gloo_timers::callback::Timeout::new(0, move || {
                if !counterpart.has_focus(&document) {
                    counterpart.focus(&document);
                }
            })
            .forget();
        }
        if let Some(lang) = boot_lang.filter(|lang| *lang != state.lang) {
            wasm_bindgen_futures::spawn_local(async move {
                if i18n::load(MESSAGES, lang).await.is_ok() {
                    state.dispatch(Action::SetLang(lang));
                }
            });
        }
    }
}

/// The app's control that stands where the early screen's focused one stood: the same id (the
/// choices), or else the same kind of control with the same words ("Continue", the language
/// switch, "Check a request").
struct Counterpart {
    id: String,
    tag: String,
    text: String,
}

impl Counterpart {
    fn of(element: &web_sys::Element) -> Counterpart {
        Counterpart {
            id: element.id(),
            tag: element.tag_name(),
            text: element.text_content().unwrap_or_default().trim().to_string(),
        }
    }

    fn find(&self, document: &web_sys::Document) -> Option<web_sys::HtmlElement> {
        let found = if self.id.is_empty() {
            let app = document.get_element_by_id("app")?;
            let all = app.query_selector_all(&self.tag).ok()?;
            (0..all.length()).filter_map(|i| all.item(i)).find_map(|node| {
                let element = node.dyn_into::<web_sys::Element>().ok()?;
                let text = element.text_content().unwrap_or_default();
                (!self.text.is_empty() && text.trim() == self.text).then_some(element)
            })
        } else {
            document.get_element_by_id(&self.id)
        };
        found.and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
    }

    fn focus(&self, document: &web_sys::Document) {
        if let Some(element) = self.find(document) {
            let _ = element.focus();
        }
    }

    fn has_focus(&self, document: &web_sys::Document) -> bool {
        let active = document.active_element();
        self.find(document).is_some_and(|element| active.as_ref() == Some(element.as_ref()))
    }
}

/// Keeps the hint `static/boot.js` reads: the draft's screen, its start choices, and whether
/// the outbox holds something to send.
#[hook]
pub fn use_resume_hint(state: &AppState) {
    // Anything still to deliver: the next visit starts the app at once to send it.
    let pending = state.outbox.iter().any(|item| item.is_due(u64::MAX));
    let hint = state.draft.as_ref().map(|draft| {
        let path = shouhou_core::Route::of_step(draft.step).path();
        serde_json::json!({
            "path": path,
            "intent": draft.fields.intent,
            "product_line": draft.fields.product_line,
            "pending": pending,
        })
        .to_string()
    });
    use_effect_with(hint, |hint| {
        if let (Some(hint), Some(storage)) = (hint, local_storage()) {
            // Only a hint for the early screen: the app itself works without it.
            let _ = storage.set_item(RESUME_KEY, hint);
        }
    });
}
