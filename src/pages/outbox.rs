//! The outbox: every submitted request on this device and how its sending stands.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::OutboxStatus;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::use_heading_focus;
use crate::components::display::{item_title, local_time, status_text};
use crate::hooks::outbox::use_outbox;
use crate::hooks::use_app;
use crate::state::Action;

#[component]
pub fn OutboxPage() -> Html {
    let state = use_app().state;
    let outbox = use_outbox();
    let heading = use_heading_focus(true);
    let lang = state.lang;
    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowJourney))
    };
    let items = state.outbox.iter().rev().map(|item| {
        let edit = {
            let (outbox, id) = (outbox.clone(), item.id.clone());
            Callback::from(move |_: MouseEvent| outbox.take_back(&id))
        };
        let retry = {
            let (outbox, id) = (outbox.clone(), item.id.clone());
            Callback::from(move |_: MouseEvent| outbox.retry(&id))
        };
        let submitted = Messages::builtin().format(
            lang,
            "outbox.submitted_at",
            &[("time", local_time(&JsValue::from_f64(item.queued_at_ms as f64), lang))],
        );
        // A refused follow-up is kept to say why; it cannot be sent again or edited.
        let waiting = !item.is_sent() && !matches!(item.status, OutboxStatus::Refused { .. });
        html! {
            <li class={classes!("outbox-item", item.is_sent().then_some("sent"))} data-id={item.id.clone()}>
                <p class="outbox-title">{ item_title(item, state.config.as_deref(), lang) }</p>
                <p class="outbox-meta">{ submitted }</p>
                <p class="outbox-status">{ status_text(item, lang) }</p>
                if waiting {
                    <div class="actions">
                        <button type="button" class="primary" onclick={retry}>{ t(lang, "outbox.retry_now") }</button>
                        // A try under way may still arrive: taking it back then could send it twice.
                        if item.status != OutboxStatus::Sending && item.follow_up.is_none() {
                            <button type="button" class="secondary" onclick={edit}>{ t(lang, "outbox.edit") }</button>
                        }
                    </div>
                }
            </li>
        }
    });
    html! {
        <section class="step" aria-labelledby="outbox-heading">
            <h1 id="outbox-heading" tabindex="-1" ref={heading}>{ t(lang, "outbox.heading") }</h1>
            <p class="lead">{ t(lang, "outbox.intro") }</p>
            if state.outbox.is_empty() {
                <p>{ t(lang, "outbox.empty") }</p>
            } else {
                <ul class="outbox-list">{ for items }</ul>
            }
            <div class="actions">
                <button type="button" class="secondary" onclick={close}>{ t(lang, "outbox.close") }</button>
            </div>
        </section>
    }
}
