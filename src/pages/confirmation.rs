//! After "Submit": the request is sending, waiting safely in the outbox, or delivered with
//! its reference and the promised time of the next reply.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::{OutboxItem, OutboxStatus};
use shouhou_core::{AppConfig, Intent, Lang};
use shouhou_web::dom::focus;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::components::display::{local_time, status_text};
use crate::hooks::outbox::use_outbox;
use crate::hooks::use_app;
use crate::state::Action;

#[component]
pub fn ConfirmationPage() -> Html {
    let state = use_app().state;
    let outbox = use_outbox();
    let lang = state.lang;
    let item = state.outbox.iter().find(|item| Some(&item.id) == state.showing.as_ref()).cloned();
    // Focus follows the page from "sending" to "waiting" or "delivered".
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        let stage = item.as_ref().map(|item| match item.status {
            OutboxStatus::Sent { .. } => 2,
            _ if item.attempts == 0
                || (item.status == OutboxStatus::Sending && item.attempts == 1) =>
            {
                0
            }
            _ => 1,
        });
        use_effect_with(stage, move |_| focus(&heading));
    }
    let (Some(item), Some(config)) = (item, state.config.clone()) else {
        return html! {};
    };
    // At a kiosk the customer finishes: what they entered is wiped for the next one (an
    // unsent request stays in the outbox until it is delivered).
    let again = if state.kiosk { "kiosk.finish" } else { "confirm.new_request" };
    let start_again = {
        let state = state.clone();
        let action = if state.kiosk { || Action::KioskReset } else { || Action::StartAgain };
        Callback::from(move |_: MouseEvent| state.dispatch(action()))
    };
    let retry = {
        let id = item.id.clone();
        Callback::from(move |_: MouseEvent| outbox.retry(&id))
    };
    match &item.status {
        OutboxStatus::Sent { reference, reply_by } => {
            // The time the server promised (core's working-hours rule): a definite time, not
            // "within N hours" that a weekend would make untrue.
            let reply = Messages::builtin().format(
                lang,
                "confirm.reply_by",
                &[("time", local_time(&JsValue::from_str(reply_by), lang))],
            );
            delivered(lang, heading, &item, &config, reference, &reply, (start_again, again))
        }
        _ if item.attempts == 0 || (item.status == OutboxStatus::Sending && item.attempts == 1) => {
            html! {
                <section key="sending" class="step" aria-labelledby="sending-heading" aria-busy="true">
                    <h1 id="sending-heading" tabindex="-1" ref={heading}>{ t(lang, "sending.heading") }</h1>
                    <p class="loading">{ t(lang, "outbox.status.sending") }</p>
                </section>
            }
        }
        _ => waiting(lang, heading, &item, retry, (start_again, again)),
    }
}

#[wasm_bindgen(inline_js = "export function qrDataUrl(encoder, text) {
  return import(new URL(encoder, document.baseURI).href).then(({ default: qrcode }) => {
    const qr = qrcode(0, 'M'); qr.addData(text); qr.make(); return qr.createDataURL(4, 8);
  });
}")]
extern "C" {
    /// A QR code of `text` as a data URL, with the encoder module at `encoder`. The encoder
    /// is fetched only when a receipt is shown, so it costs the first load nothing.
    #[wasm_bindgen(js_name = qrDataUrl)]
    fn qr_data_url(encoder: &str, text: &str) -> js_sys::Promise;
}

#[derive(Properties, PartialEq)]
struct StatusQrProps {
    lang: Lang,
    link: String,
}

/// The status link as a QR code, to scan from the screen or the printed receipt.
#[component]
fn StatusQr(props: &StatusQrProps) -> Html {
    let image = use_state(|| None::<String>);
    {
        let image = image.clone();
        use_effect_with(props.link.clone(), move |link| {
            let promise = qr_data_url(&shouhou_web::dom::asset("/vendor/qrcode.mjs"), link);
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(url) = wasm_bindgen_futures::JsFuture::from(promise).await {
                    image.set(url.as_string());
                }
            });
        });
    }
    let label = t(props.lang, "confirm.qr_label");
    html! {
        <figure class="status-qr">
            if let Some(src) = &*image {
                <img src={src.clone()} alt={format!("{label}: {}", props.link)} width="164" height="164" />
            }
            <figcaption>{ label }</figcaption>
        </figure>
    }
}

#[derive(Properties, PartialEq)]
struct ReceiptSignatureProps {
    lang: Lang,
    id: String,
}

/// The customer's signature on the printed report, read from this device's storage (the
/// sender keeps it there after delivery for this).
#[component]
fn ReceiptSignature(props: &ReceiptSignatureProps) -> Html {
    let store = use_app().writer.map(|writer| writer.store().clone());
    let url = use_state(|| None::<String>);
    {
        let url = url.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            let shown = url.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Some(store) = store else { return };
                if let Some(blob) = store.photo(&id).await {
                    shown.set(web_sys::Url::create_object_url_with_blob(&blob).ok());
                }
            });
            move || {
                if let Some(old) = &*url {
                    let _ = web_sys::Url::revoke_object_url(old);
                }
            }
        });
    }
    let label = t(props.lang, "field.signature");
    html! {
        <figure class="receipt-signature-figure">
            if let Some(src) = &*url {
                <img class="receipt-signature" src={src.clone()} alt={label.to_string()} data-testid="receipt-signature" />
            }
            <figcaption>{ label }</figcaption>
        </figure>
    }
}

fn print_receipt(_: MouseEvent) {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

fn delivered(
    lang: Lang,
    heading: NodeRef,
    item: &OutboxItem,
    config: &AppConfig,
    reference: &str,
    reply: &str,
    (start_again, again): (Callback<MouseEvent>, &str),
) -> Html {
    let fields = &item.draft.fields;
    let origin = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    let status_path = shouhou_core::Route::Status(reference.to_string()).path();
    let link = format!("{origin}{status_path}");
    let submitted = local_time(&JsValue::from_f64(item.queued_at_ms as f64), lang);
    let row = |label: &str, value: String| html! { <div class="answer"><dt>{ t(lang, label) }</dt><dd>{ value }</dd></div> };
    html! {
        <section key="sent" class="step confirmation" aria-labelledby="confirmation-heading">
            <p class="receipt-brand">{ config.brand.get(lang) }{ " · " }{ t(lang, "receipt.title") }</p>
            <h1 id="confirmation-heading" tabindex="-1" ref={heading}>{ t(lang, "confirm.heading") }</h1>
            <div class="reference-panel">
                <p class="reference-label">{ t(lang, "confirm.reference_label") }</p>
                <p class="reference" data-testid="reference">{ reference }</p>
            </div>
            if Intent::parse(&fields.intent).is_some_and(Intent::apologises) {
                <p class="apology">{ t(lang, "confirm.apology") }</p>
            }
            <p class="reply-by">{ reply }</p>
            <dl class="receipt">
                { row("receipt.submitted", submitted) }
                { row("field.intent", crate::components::display::chosen_line(lang, fields, config)) }
                { row("field.full_name", fields.full_name.clone()) }
                { row("field.phone", fields.phone.clone()) }
            </dl>
            if !fields.signature.is_empty() {
                <ReceiptSignature {lang} id={fields.signature.clone()} />
            }
            <StatusQr {lang} {link} />
            // The same link for a customer on this device (the app follows it in place).
            <p class="status-link"><a href={status_path}>{ t(lang, "confirm.status_link") }</a></p>
            <p>{ t(lang, "confirm.keep_reference") }</p>
            <div class="actions">
                <button type="button" class="primary" onclick={print_receipt}>{ t(lang, "confirm.print") }</button>
                <button type="button" class="secondary" onclick={start_again}>{ t(lang, again) }</button>
            </div>
        </section>
    }
}

/// Not delivered yet: say it is safe, say when it goes next, offer to try now.
fn waiting(
    lang: Lang,
    heading: NodeRef,
    item: &OutboxItem,
    retry: Callback<MouseEvent>,
    (start_again, again): (Callback<MouseEvent>, &str),
) -> Html {
    html! {
        <section key="waiting" class="step" aria-labelledby="waiting-heading">
            <h1 id="waiting-heading" tabindex="-1" ref={heading}>{ t(lang, "sending.waiting_heading") }</h1>
            <p>{ t(lang, "sending.waiting_body") }</p>
            <p class="outbox-status" role="status" data-testid="outbox-status">{ status_text(item, lang) }</p>
            <div class="actions">
                <button type="button" class="primary" onclick={retry}>{ t(lang, "outbox.retry_now") }</button>
                <button type="button" class="secondary" onclick={start_again}>{ t(lang, again) }</button>
            </div>
        </section>
    }
}
