//! Moving focus where a screen-reader or keyboard user needs it after the screen changes.

use wasm_bindgen::JsCast;
use yew::NodeRef;

/// Focuses the element behind `node` (which must be focusable, e.g. `tabindex="-1"`).
pub fn focus(node: &NodeRef) {
    if let Some(element) = node.cast::<web_sys::HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the form control with this id — the target of an error-summary link.
pub fn focus_by_id(id: &str) {
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(element) = element {
        element.scroll_into_view();
        let _ = element.focus();
    }
}
