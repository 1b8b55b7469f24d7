//! Owns what every form screen starts from: the draft and configuration, the rules that
//! follow from them on the customer's date, the focus on the heading, and going back a step.

use std::rc::Rc;

use shouhou_core::{AppConfig, Conditions, Draft, Intent, Lang};
use yew::prelude::*;

use super::{use_app, use_heading_focus};
use crate::ids::now_ms;
use crate::state::{Action, AppState};

/// What a form screen (a step, or the review) works from: the draft, the configuration, and
/// the rules that follow from them on the customer's date.
pub struct FormScreen {
    pub state: UseReducerHandle<AppState>,
    pub heading: NodeRef,
    pub config: Rc<AppConfig>,
    pub draft: Draft,
    pub lang: Lang,
    pub intent: Intent,
    pub conditions: Conditions,
    pub on_back: Callback<MouseEvent>,
}

/// `None` until configuration and storage are ready (the screen draws nothing yet).
#[hook]
pub fn use_form_screen() -> Option<FormScreen> {
    let state = use_app().state;
    let heading = use_heading_focus(state.navigated);
    let (Some(config), Some(draft)) = (state.config.clone(), state.draft.clone()) else {
        return None;
    };
    let on_back = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Back { now_ms: now_ms() }))
    };
    Some(FormScreen {
        lang: state.lang,
        intent: draft.intent().unwrap_or(Intent::Repair),
        conditions: Conditions::of(&draft.fields, &config, state.today),
        state,
        heading,
        config,
        draft,
        on_back,
    })
}
