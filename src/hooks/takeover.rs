//! Owns the hand-over from a screen the server drew to the app: once the app has taken the
//! markup over (hydration) it brings what the customer put in its controls into the draft,
//! says so on the page — `<html data-app="running">`, and a `shouhou-app` event, so
//! `static/boot.js` stops keeping presses (typing it keeps until storage is open) — and does the press the customer made
//! before it arrived (boot.js kept the button or form). Also keeps the hint boot.js reads on
//! the next visit.

use js_sys::{Function, Reflect};
use shouhou_core::Field;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::fields::HONEYPOT;

use super::use_app;
use crate::state::{Action, AppState};
use crate::storage::settings::{local_storage, RESUME_KEY};

/// The app's own first screen (no server markup to take over) is running once drawn.
#[hook]
pub fn use_running(state: &AppState) {
    let drawn_itself = !state.taking_over;
    use_effect_with((), move |_| {
        if drawn_itself {
            say_running();
        }
    });
}

/// For a screen the server drew (the start step, guided help's offer, the form's first step),
/// called by that screen's component: once its own markup is taken over — the app's shell
/// may be done first, and yew may pause in between under load — brings what the customer
/// chose or typed there (before and during the take-over, which left the controls alone) into
/// the draft, says the app is running, and carries out a press made before (a button, or a
/// form sent with Enter or its button): the same element, which hydration kept, now with the
/// app's handler.
#[hook]
pub fn use_taken_over() {
    let state = use_app().state;
    use_effect_with((), move |_| {
        if !state.taking_over {
            return;
        }
        let root =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
        let (controls, honeypot) = root.as_ref().map(controls).unwrap_or_default();
        state.dispatch(Action::TakenOver { controls, honeypot, now_ms: crate::ids::now_ms() });
        say_running();
        do_early_press();
    });
}

/// `<html data-app="running">` and a `shouhou-app` event: boot.js stops keeping what the
/// customer types (tests wait for it too).
fn say_running() {
    let Some(window) = web_sys::window() else { return };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-app", "running");
    }
    if let Ok(event) = web_sys::Event::new("shouhou-app") {
        let _ = window.dispatch_event(&event);
    }
}

/// The press boot.js kept (`window.shouhouEarlyPress`), done once.
fn do_early_press() {
    let Some(window) = web_sys::window() else { return };
    let key = wasm_bindgen::JsValue::from_str("shouhouEarlyPress");
    let pressed = Reflect::get(&window, &key).ok();
    let _ = Reflect::delete_property(&window, &key);
    let Some(pressed) = pressed.and_then(|p| p.dyn_into::<web_sys::Element>().ok()) else {
        return;
    };
    if !pressed.is_connected() {
        return;
    }
    let method = if pressed.tag_name() == "FORM" { "requestSubmit" } else { "click" };
    if let Some(press) =
        Reflect::get(&pressed, &method.into()).ok().and_then(|f| f.dyn_into::<Function>().ok())
    {
        let _ = press.call0(&pressed);
    }
}

/// What the screen's named controls hold now, by field (text as typed, the chosen option of
/// each group, a tick box's `yes` or nothing), and the honeypot's text.
pub fn controls(root: &web_sys::Element) -> (Vec<(Field, String)>, Option<String>) {
    let Ok(nodes) = root.query_selector_all("input[name], textarea[name]") else {
        return Default::default();
    };
    let mut honeypot = None;
    let mut fields = Vec::new();
    for node in (0..nodes.length()).filter_map(|i| nodes.item(i)) {
        let (name, value) = if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
            match input.type_().as_str() {
                "radio" if !input.checked() => continue,
                "checkbox" => {
                    (input.name(), if input.checked() { "yes".into() } else { String::new() })
                }
                _ => (input.name(), input.value()),
            }
        } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            (area.name(), area.value())
        } else {
            continue;
        };
        match Field::parse(&name) {
            Some(field) => fields.push((field, value)),
            None if name == HONEYPOT => honeypot = Some(value),
            None => {}
        }
    }
    (fields, honeypot)
}

/// Keeps the hint `static/boot.js` reads: the draft's screen and whether the outbox holds
/// something to send (the app is then fetched at once on the next visit).
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
            // Only a hint for the boot script: the app itself works without it.
            let _ = storage.set_item(RESUME_KEY, hint);
        }
    });
}
