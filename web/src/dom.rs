//! The page as both apps touch it: what a control holds, focus, the title, the device's
//! localStorage and cookies, and where the build put a file.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// What the control an event came from holds: an input's, a text area's or a select's value;
/// a checkbox's only while it is ticked.
pub fn event_value(event: &Event) -> Option<String> {
    let target = event.target()?;
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        let unticked = matches!(input.type_().as_str(), "checkbox" | "radio") && !input.checked();
        return (!unticked).then(|| input.value());
    }
    if let Some(area) = target.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return Some(area.value());
    }
    target.dyn_ref::<web_sys::HtmlSelectElement>().map(|select| select.value())
}

/// What the input, select or text area behind `node` holds now.
pub fn value_of(node: &NodeRef) -> String {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    if let Some(select) = node.cast::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    node.cast::<web_sys::HtmlTextAreaElement>().map(|area| area.value()).unwrap_or_default()
}

/// Puts `value` in the control behind `node` once, as a form's starting value: unlike a
/// `value` in the markup, a later drawing of the screen does not put it back over what
/// staff typed since.
pub fn set_value(node: &NodeRef, value: &str) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(select) = node.cast::<web_sys::HtmlSelectElement>() {
        select.set_value(value);
    }
}

/// Empties the control behind `node` (a select goes back to its first option).
pub fn clear(node: &NodeRef) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        input.set_value("");
    } else if let Some(area) = node.cast::<web_sys::HtmlTextAreaElement>() {
        area.set_value("");
    } else if let Some(select) = node.cast::<web_sys::HtmlSelectElement>() {
        select.set_selected_index(0);
    }
}

/// Text as a form field keeps it: trimmed, and nothing when only spaces were typed.
pub fn some(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Focuses the element behind `node` (which must be focusable, e.g. `tabindex="-1"`).
pub fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the element with this id: a new screen's heading, or (scrolled to the top of the
/// view, not just into it) the control an error summary links to.
pub fn focus_by_id(id: &str, scroll: bool) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        if scroll {
            element.scroll_into_view();
        }
        let _ = element.focus();
    }
}

/// The page's title (the tab, the history list, what a screen reader says first).
pub fn set_title(title: &str) {
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        document.set_title(title);
    }
}

/// The device's localStorage, when the browser allows it.
pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Sets (or, with `None`, removes) a cookie the server reads to draw its pages as this device
/// wants them (its language, kiosk mode): the whole site, a year, never sent cross-site.
pub fn set_cookie(name: &str, value: Option<&str>) {
    let cookie = match value {
        Some(value) => format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax"),
        None => format!("{name}=; Path=/; Max-Age=0; SameSite=Lax"),
    };
    if let Some(document) = web_sys::window().and_then(|w| w.document()) {
        let _ = js_sys::Reflect::set(&document, &"cookie".into(), &cookie.into());
    }
}

/// Where the build put the file the site serves at `path` (`/i18n/en.json` →
/// `/i18n/en.1f2e3d4c.json`): its content-hashed name, kept for good by browsers, as the page's
/// `shouhou-files` block lists it; `path` itself for a file the page does not list.
pub fn asset(path: &str) -> String {
    thread_local! {
        static FILES: wasm_bindgen::JsValue = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("shouhou-files"))
            .and_then(|block| block.text_content())
            .and_then(|text| js_sys::JSON::parse(&text).ok())
            .unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    }
    FILES
        .with(|files| {
            if files.is_undefined() {
                return None;
            }
            js_sys::Reflect::get(files, &path.into()).ok()?.as_string()
        })
        .unwrap_or_else(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_is_kept_trimmed_and_blank_is_nothing() {
        assert_eq!(some("  王建国 ".into()), Some("王建国".to_string()));
        assert_eq!(some(" \t\n".into()), None);
        assert_eq!(some(String::new()), None);
    }
}
