//! The outbox: every submitted request on this device and how its sending stands.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::OutboxStatus;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::confirmation::retry_now;
use super::use_heading_focus;
use crate::components::display::{local_time, request_title, status_text};
use crate::hooks::use_app;
use crate::ids::now_ms;
use crate::state::Action;

#[component]
pub fn OutboxPage() -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let heading = use_heading_focus(true);
    let lang = state.lang;
    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowJourney))
    };
    let items = state.outbox.iter().rev().map(|item| {
        let edit = {
            let (state, writer, item) = (state.clone(), ctx.writer.clone(), item.clone());
            Callback::from(move |_: MouseEvent| {
                let draft = item.to_draft(now_ms());
                if let Some(writer) = &writer {
                    writer.back_to_draft(draft.clone());
                }
                state.dispatch(Action::EditAsDraft(draft));
            })
        };
        let submitted = Messages::builtin().format(
            lang,
            "outbox.submitted_at",
            &[("time", local_time(&JsValue::from_f64(item.queued_at_ms as f64), lang))],
        );
        let waiting = !item.is_sent();
        html! {
            <li class={classes!("outbox-item", item.is_sent().then_some("sent"))} data-id={item.id.clone()}>
                <p class="outbox-title">{ request_title(&item.draft.fields, state.config.as_deref(), lang) }</p>
                <p class="outbox-meta">{ submitted }</p>
                <p class="outbox-status">{ status_text(item, lang) }</p>
                if waiting {
                    <div class="actions">
                        <button type="button" class="primary" onclick={retry_now(&ctx, item)}>{ t(lang, "outbox.retry_now") }</button>
                        // A try under way may still arrive: taking it back then could send it twice.
                        if item.status != OutboxStatus::Sending {
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
