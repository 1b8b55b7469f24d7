//! The request arrived: its reference and the promised time of the next reply.

use js_sys::{Object, Reflect};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::Lang;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::use_heading_focus;
use crate::app::AppContext;
use crate::state::Action;

/// The reply time in the customer's language and the device's time zone.
pub fn local_time(rfc3339: &str, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(rfc3339));
    if date.get_time().is_nan() {
        return rfc3339.to_string();
    }
    let options = Object::new();
    let _ = Reflect::set(&options, &"dateStyle".into(), &"long".into());
    let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
    String::from(date.to_locale_string(lang.tag(), &options))
}

#[component]
pub fn ConfirmationPage() -> Html {
    let ctx = use_context::<AppContext>().expect("ConfirmationPage is rendered inside the app");
    let state = ctx.state.clone();
    let heading = use_heading_focus(true);
    let Some(confirmation) = state.confirmation.clone() else {
        return html! {};
    };
    let lang = state.lang;
    let reply = Messages::builtin().format(
        lang,
        "confirm.reply_by",
        &[
            ("hours", confirmation.reply_within_hours.to_string()),
            ("time", local_time(&confirmation.reply_by, lang)),
        ],
    );
    let start_again = Callback::from(move |_: MouseEvent| state.dispatch(Action::StartAgain));
    html! {
        <section class="step confirmation" aria-labelledby="confirmation-heading">
            <h1 id="confirmation-heading" tabindex="-1" ref={heading}>{ t(lang, "confirm.heading") }</h1>
            <div class="reference-panel">
                <p class="reference-label">{ t(lang, "confirm.reference_label") }</p>
                <p class="reference" data-testid="reference">{ &confirmation.reference }</p>
            </div>
            <p class="reply-by">{ reply }</p>
            <p>{ t(lang, "confirm.keep_reference") }</p>
            <div class="actions">
                <button type="button" class="secondary" onclick={start_again}>{ t(lang, "confirm.new_request") }</button>
            </div>
        </section>
    }
}
