//! Small pieces shared by the screens.

use yew::prelude::*;

use crate::app::Ctx;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct LinkProps {
    pub to: Route,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub current: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// A link inside the desk: a real address (it opens in a new tab too), followed in place.
#[function_component(Link)]
pub fn link(props: &LinkProps) -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    let to = props.to.clone();
    let onclick = Callback::from(move |e: MouseEvent| {
        if e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key() || e.button() != 0 {
            return;
        }
        e.prevent_default();
        ctx.navigate.emit(to.clone());
    });
    html! {
        <a href={props.to.path()} class={props.class.clone()} aria-current={props.current.clone()} {onclick}>
            { props.children.clone() }
        </a>
    }
}

/// The value of an input, select or textarea.
pub fn value_of(node: &NodeRef) -> String {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        return input.value();
    }
    if let Some(select) = node.cast::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    if let Some(area) = node.cast::<web_sys::HtmlTextAreaElement>() {
        return area.value();
    }
    String::new()
}

pub fn clear(node: &NodeRef) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        input.set_value("");
    } else if let Some(area) = node.cast::<web_sys::HtmlTextAreaElement>() {
        area.set_value("");
    } else if let Some(select) = node.cast::<web_sys::HtmlSelectElement>() {
        select.set_selected_index(0);
    }
}

/// The value of the element an event came from.
pub fn event_value(e: &Event) -> String {
    use wasm_bindgen::JsCast;
    let Some(target) = e.target() else { return String::new() };
    if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
        if input.type_() == "checkbox" {
            return if input.checked() { "true".into() } else { String::new() };
        }
        return input.value();
    }
    if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
        return select.value();
    }
    String::new()
}

pub fn some(text: String) -> Option<String> {
    (!text.trim().is_empty()).then(|| text.trim().to_string())
}
