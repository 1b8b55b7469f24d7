//! The form a follow-up call (回访) is recorded with: how it went, the satisfaction the
//! customer gave if asked, notes. On a request's actions and on today's follow-ups: a
//! function over fields the screen holds, so its markup is downloaded once and no component
//! is added.

use shouhou_core::status::CallOutcome;
use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::context::Desk;
use crate::forms::{self, Filled};

/// The form's controls, held by the screen that shows it.
#[derive(Clone, Default, PartialEq)]
pub struct CallFields {
    pub outcome: NodeRef,
    pub satisfaction: NodeRef,
    pub text: NodeRef,
}

impl CallFields {
    /// The event the fields say, or what is missing.
    pub fn read(&self) -> Filled {
        forms::follow_up(
            &value_of(&self.outcome),
            &value_of(&self.satisfaction),
            value_of(&self.text),
        )
    }

    /// The controls emptied once the call is recorded.
    pub fn all(&self) -> Vec<NodeRef> {
        vec![self.outcome.clone(), self.satisfaction.clone(), self.text.clone()]
    }
}

/// Fields kept from one drawing of the screen to the next.
#[hook]
pub fn use_call_fields() -> CallFields {
    (*use_memo((), |_| CallFields::default())).clone()
}

/// The form: `submit` and `said` are the screen's button and what its last action said.
pub fn call_form(
    desk: &Desk,
    fields: &CallFields,
    onsubmit: Callback<SubmitEvent>,
    submit: Html,
    said: Html,
) -> Html {
    html! {
        <form class="card internal" {onsubmit} aria-labelledby="h-follow-up">
            <h3 id="h-follow-up">{ desk.t("action.follow_up") }</h3>
            <p class="hint">{ desk.tf("action.follow_up_hint", &[("login", desk.login())]) }</p>
            <div class="field">
                <label for="a-fu-outcome">{ desk.t("action.follow_up_outcome") }</label>
                <select id="a-fu-outcome" ref={fields.outcome.clone()}>
                    <option value="" selected=true>{ "—" }</option>
                    { for CallOutcome::ALL.iter().map(|o| html! {
                        <option value={o.as_str()}>{ desk.label("outcome", o.as_str()) }</option>
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="a-fu-satisfaction">{ desk.t("action.follow_up_satisfaction") }</label>
                <select id="a-fu-satisfaction" ref={fields.satisfaction.clone()}>
                    <option value="" selected=true>{ desk.t("entry.not_asked") }</option>
                    { for (1..=5u8).rev().map(|n| {
                        let n = n.to_string();
                        html! { <option value={n.clone()}>{ desk.label("satisfaction", &n) }</option> }
                    }) }
                </select>
            </div>
            <div class="field">
                <label for="a-fu-text">{ desk.t("action.follow_up_text") }</label>
                <textarea id="a-fu-text" rows="3" ref={fields.text.clone()} maxlength="10000" />
            </div>
            { submit }
            { said }
        </form>
    }
}
