//! The list of problems at the top of a step, each linking to its field. It takes focus
//! whenever the customer's attempt to move on fails, so screen readers read it at once.

use shouhou_core::{FieldError, Lang};
use shouhou_web::dom::{focus, focus_by_id};
use yew::prelude::*;

use super::fields::control_id;

#[derive(Properties, PartialEq)]
pub struct ErrorSummaryProps {
    pub lang: Lang,
    pub errors: Vec<FieldError>,
    /// Changes each time focus must move here.
    pub focus_token: u32,
    /// Where the fields are on other screens (the review page): a link goes to the field's
    /// step through this instead of to a control on this page.
    #[prop_or_default]
    pub on_pick: Option<Callback<shouhou_core::Field>>,
}

#[component]
pub fn ErrorSummary(props: &ErrorSummaryProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        let has_errors = !props.errors.is_empty();
        use_effect_with(props.focus_token, move |_| {
            if has_errors {
                focus(&node);
            }
        });
    }
    if props.errors.is_empty() {
        return html! {};
    }
    let lang = props.lang;
    let items = props.errors.iter().map(|error| {
        let id = control_id(error.field);
        let href = format!("#{id}");
        let (field, on_pick) = (error.field, props.on_pick.clone());
        let onclick = Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            match &on_pick {
                Some(on_pick) => on_pick.emit(field),
                None => focus_by_id(&id, true),
            }
        });
        html! { <li><a {href} {onclick}>{ error.message(lang) }</a></li> }
    });
    // The first failed attempt may be the page's load: a step's form sent before the app
    // arrived comes back from the server with its errors, and only the browser can focus them
    // then. Later attempts are the app's (the effect above).
    let autofocus = props.focus_token == 1;
    html! {
        <div class="error-summary" role="alert" tabindex="-1" ref={node} {autofocus}
            aria-labelledby="error-summary-title">
            <h2 id="error-summary-title">{ shouhou_core::i18n::t(lang, "errors.summary_title") }</h2>
            <ul>{ for items }</ul>
        </div>
    }
}
