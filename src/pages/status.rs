//! The status of a filed request (`/status/<reference>`, also the receipt's QR link): the
//! customer gives the phone number or email they filed it with, and sees what the service
//! team's records say.

use shouhou_core::config::Adapter;
use shouhou_core::i18n::{t, Messages};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::components::display::local_time;
use crate::components::focus::focus;
use crate::hooks::{use_app, use_heading_focus};
use crate::services::status::{look_up, LookupError, RequestStatus};

#[derive(Properties, PartialEq)]
pub struct StatusPageProps {
    pub reference: String,
}

#[derive(Clone, PartialEq)]
enum Lookup {
    NotAsked,
    Checking,
    Found(RequestStatus),
    Problem(LookupError),
    /// The contact field was left empty.
    ContactMissing,
}

#[component]
pub fn StatusPage(props: &StatusPageProps) -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let lang = state.lang;
    let heading = use_heading_focus(state.navigated);
    let contact = use_state(String::new);
    let lookup = use_state(|| Lookup::NotAsked);
    let answer = use_node_ref();
    {
        // The answer is announced and reachable at once, as a new screen's heading would be.
        let answer = answer.clone();
        use_effect_with((*lookup).clone(), move |lookup| {
            if !matches!(lookup, Lookup::NotAsked | Lookup::Checking) {
                focus(&answer);
            }
        });
    }
    let Some(config) = state.config.clone() else { return html! {} };
    let available = config.backend.adapter == Adapter::Shouhou;

    let oninput = {
        let contact = contact.clone();
        Callback::from(move |event: InputEvent| {
            let input: web_sys::HtmlInputElement = event.target_unchecked_into();
            contact.set(input.value());
        })
    };
    let onsubmit = {
        let (contact, lookup, reference) =
            (contact.clone(), lookup.clone(), props.reference.clone());
        let base_url = config.backend.url.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let given = contact.trim().to_string();
            if given.is_empty() {
                return lookup.set(Lookup::ContactMissing);
            }
            lookup.set(Lookup::Checking);
            let (lookup, reference, base_url) =
                (lookup.clone(), reference.clone(), base_url.clone());
            wasm_bindgen_futures::spawn_local(async move {
                lookup.set(match look_up(&base_url, &reference, &given, lang).await {
                    Ok(found) => Lookup::Found(found),
                    Err(problem) => Lookup::Problem(problem),
                });
            });
        })
    };
    let messages = Messages::builtin();
    let missing = *lookup == Lookup::ContactMissing;
    let result = match &*lookup {
        Lookup::NotAsked | Lookup::Checking | Lookup::ContactMissing => html! {},
        Lookup::Found(found) => {
            let key = format!("status.state.{}", found.status);
            let state_text = t(lang, &key);
            let created = local_time(&JsValue::from_str(&found.created_at), lang);
            let reply_by = local_time(&JsValue::from_str(&found.reply_by), lang);
            html! {
                <section class="status-answer" aria-labelledby="status-answer-heading">
                    <h2 id="status-answer-heading" tabindex="-1" ref={answer.clone()}>
                        { messages.format(lang, "status.current", &[("status", state_text.to_string())]) }
                    </h2>
                    <dl class="answers">
                        <div class="answer"><dt>{ t(lang, "status.filed_at") }</dt><dd>{ created }</dd></div>
                        <div class="answer"><dt>{ t(lang, "status.reply_by") }</dt><dd>{ reply_by }</dd></div>
                    </dl>
                </section>
            }
        }
        Lookup::Problem(problem) => {
            let text = match problem {
                LookupError::NotFound => t(lang, "status.not_found").to_string(),
                LookupError::Offline => t(lang, "status.offline").to_string(),
                LookupError::Limited => t(lang, "status.limited").to_string(),
                LookupError::Failed(message) => message.clone(),
            };
            html! {
                <div class="notice notice-problem" role="alert">
                    <p tabindex="-1" ref={answer.clone()}>{ text }</p>
                </div>
            }
        }
    };
    html! {
        <section class="step status" aria-labelledby="status-heading">
            <h1 id="status-heading" tabindex="-1" ref={heading}>{ t(lang, "status.heading") }</h1>
            <p class="lead">{ messages.format(lang, "status.intro", &[("reference", props.reference.clone())]) }</p>
            if available {
                <form novalidate=true {onsubmit}>
                    <div class={classes!("field", missing.then_some("field-error"))}>
                        <label for="f-contact">{ t(lang, "status.contact_label") }</label>
                        <p class="hint" id="f-contact-hint">{ t(lang, "status.contact_hint") }</p>
                        if missing {
                            <p class="error-message" id="f-contact-error">{ t(lang, "status.contact_missing") }</p>
                        }
                        <input id="f-contact" name="contact" type="text" autocomplete="tel"
                            aria-describedby={if missing { "f-contact-hint f-contact-error" } else { "f-contact-hint" }}
                            aria-invalid={missing.then_some("true")}
                            value={(*contact).clone()} {oninput} />
                    </div>
                    <div class="actions">
                        <button type="submit" class="primary" disabled={*lookup == Lookup::Checking}>
                            { t(lang, if *lookup == Lookup::Checking { "status.checking" } else { "status.check" }) }
                        </button>
                    </div>
                </form>
                { result }
            } else {
                <div class="notice" role="status"><p>{ t(lang, "status.unavailable") }</p></div>
            }
            <p><a href="/">{ t(lang, "status.new_request") }</a></p>
        </section>
    }
}
