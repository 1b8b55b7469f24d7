//! The status of a filed request (`/status/<reference>`, also the receipt's QR link): the
//! customer gives the phone number or email they filed it with, and sees what the service
//! team's records say — the status in plain words, the timeline of changes and public
//! replies, whether the promised reply time was kept, and what happens next. When the team
//! asks something they can answer; once it is resolved they can rate the service. Both go
//! through the outbox, offline too.

use std::collections::BTreeMap;

use shouhou_core::config::Adapter;
use shouhou_core::desk::PublicEntry;
use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::FollowUp;
use shouhou_core::status::{EntryKind, ReplyPromise};
use shouhou_core::visit::{day_of, window_words};
use shouhou_core::Lang;
use shouhou_web::dom::focus;
use shouhou_web::http::HttpError;
use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::components::display::{day_month, item_title, local_time, status_text};
use crate::components::fields::typed_into;
use crate::components::photos::PhotoField;
use crate::hooks::outbox::use_outbox;
use crate::hooks::photos::use_reply_photos;
use crate::hooks::{use_app, use_heading_focus};
use crate::services::status::{look_up, RequestStatus};
use crate::storage::settings::{local_storage, REMEMBERED_STATUS_PREFIX};

#[derive(Properties, PartialEq)]
pub struct StatusPageProps {
    pub reference: String,
}

#[derive(Clone, PartialEq)]
enum Lookup {
    NotAsked,
    Checking,
    Found(RequestStatus),
    Problem(HttpError),
    /// The contact field was left empty.
    ContactMissing,
}

/// Where the last answer for a reference is kept (outside kiosk mode), with when it came.
fn remembered_key(reference: &str) -> String {
    format!("{REMEMBERED_STATUS_PREFIX}{reference}")
}

fn remembered(reference: &str) -> Option<(RequestStatus, f64)> {
    let text = local_storage()?.get_item(&remembered_key(reference)).ok()??;
    let (answer, at): (RequestStatus, f64) = serde_json::from_str(&text).ok()?;
    Some((answer, at))
}

fn remember(reference: &str, answer: &RequestStatus) {
    if let (Some(storage), Ok(text)) =
        (local_storage(), serde_json::to_string(&(answer, js_sys::Date::now())))
    {
        // Only a convenience for a customer without signal: losing it loses nothing.
        let _ = storage.set_item(&remembered_key(reference), &text);
    }
}

fn ms(rfc3339: &str) -> u64 {
    js_sys::Date::new(&JsValue::from_str(rfc3339)).get_time().max(0.0) as u64
}

#[component]
pub fn StatusPage(props: &StatusPageProps) -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let outbox = use_outbox();
    let lang = state.lang;
    let heading = use_heading_focus(state.navigated);
    let contact = use_state(String::new);
    // From "Check a request" the reference is typed here; from a receipt it is in the address.
    let typed_reference = use_state(String::new);
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
    let kiosk = state.kiosk;
    let asks_reference = props.reference.is_empty();
    // A typed reference is used only if it looks like one: it goes into the look-up's path.
    let reference = if asks_reference {
        let typed = typed_reference.trim().to_ascii_uppercase();
        let plausible = shouhou_core::Route::parse(&format!("/status/{typed}"), "")
            == shouhou_core::Route::Status(typed.clone());
        if plausible {
            typed
        } else {
            String::new()
        }
    } else {
        props.reference.clone()
    };
    let on_reference = typed_into(&typed_reference);

    let oninput = typed_into(&contact);
    let onsubmit = {
        let (contact, lookup, reference) = (contact.clone(), lookup.clone(), reference.clone());
        let base_url = config.backend.url.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let given = contact.trim().to_string();
            if given.is_empty() || reference.is_empty() {
                return lookup.set(Lookup::ContactMissing);
            }
            lookup.set(Lookup::Checking);
            let (lookup, reference, base_url) =
                (lookup.clone(), reference.clone(), base_url.clone());
            wasm_bindgen_futures::spawn_local(async move {
                lookup.set(match look_up(&base_url, &reference, &given, lang).await {
                    Ok(found) => {
                        // A kiosk remembers nothing of a customer.
                        if !kiosk {
                            remember(&reference, &found);
                        }
                        Lookup::Found(found)
                    }
                    Err(problem) => Lookup::Problem(problem),
                });
            });
        })
    };
    let messages = Messages::builtin();
    // "Missing" names whichever of the two fields was left empty.
    let missing = *lookup == Lookup::ContactMissing && contact.trim().is_empty();
    let reference_missing = *lookup == Lookup::ContactMissing && reference.is_empty();
    let found_view = |found: &RequestStatus, offline_copy: Option<f64>| {
        found_view(lang, found, offline_copy, &contact, &outbox, answer.clone())
    };
    let result = match &*lookup {
        Lookup::NotAsked | Lookup::Checking | Lookup::ContactMissing => html! {},
        Lookup::Found(found) => found_view(found, None),
        Lookup::Problem(problem) => {
            // 404: no request with this reference and contact (the server does not say
            // which is wrong); 429: too many look-ups; anything else in the server's words.
            let text = match problem.status() {
                Some(404) => t(lang, "status.not_found").to_string(),
                Some(429) => t(lang, "status.limited").to_string(),
                None if *problem == HttpError::Offline => t(lang, "status.offline").to_string(),
                _ => problem.to_string(),
            };
            // Offline: what this device saw last time, said to be from then.
            let copy = (*problem == HttpError::Offline && !kiosk)
                .then(|| remembered(&reference))
                .flatten();
            html! {
                <>
                    <div class="notice notice-problem" role="alert">
                        <p tabindex="-1" ref={answer.clone()}>{ text }</p>
                    </div>
                    if let Some((found, at)) = copy {
                        { found_view(&found, Some(at)) }
                    }
                </>
            }
        }
    };
    let follow_ups = state
        .outbox
        .iter()
        .filter(|item| item.follow_up.as_ref().is_some_and(|f| f.reference() == reference))
        .map(|item| {
            html! {
                <li>{ item_title(item, Some(&config), lang) }{ " — " }{ status_text(item, lang) }</li>
            }
        })
        .collect::<Html>();
    html! {
        <section class="step status" aria-labelledby="status-heading">
            <h1 id="status-heading" tabindex="-1" ref={heading}>{ t(lang, "status.heading") }</h1>
            if asks_reference {
                <p class="lead">{ t(lang, "status.intro_without_reference") }</p>
            } else {
                <p class="lead">{ messages.format(lang, "status.intro", &[("reference", reference.clone())]) }</p>
            }
            if available {
                <form novalidate=true {onsubmit}>
                    if asks_reference {
                        <div class={classes!("field", reference_missing.then_some("field-error"))}>
                            <label for="f-reference">{ t(lang, "status.reference_label") }</label>
                            <p class="hint" id="f-reference-hint">{ t(lang, "status.reference_hint") }</p>
                            if reference_missing {
                                <p class="error-message" id="f-reference-error">{ t(lang, "status.reference_missing") }</p>
                            }
                            <input id="f-reference" name="reference" type="text" autocomplete="off" spellcheck="false"
                                aria-describedby={if reference_missing { "f-reference-hint f-reference-error" } else { "f-reference-hint" }}
                                aria-invalid={reference_missing.then_some("true")}
                                value={(*typed_reference).clone()} oninput={on_reference} />
                        </div>
                    }
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
                if !state.outbox.is_empty() {
                    <ul class="follow-ups" aria-label={t(lang, "status.sent_from_here").to_string()}>{ follow_ups }</ul>
                }
            } else {
                <div class="notice" role="status"><p>{ t(lang, "status.unavailable") }</p></div>
            }
            <p><a href="/">{ t(lang, "status.new_request") }</a></p>
        </section>
    }
}

/// What the team's records say: status, promise, next step, timeline, and the answer or
/// rating form when one is wanted. `offline_copy` is when a remembered answer came.
fn found_view(
    lang: Lang,
    found: &RequestStatus,
    offline_copy: Option<f64>,
    contact: &UseStateHandle<String>,
    outbox: &crate::hooks::outbox::OutboxService,
    answer: NodeRef,
) -> Html {
    let messages = Messages::builtin();
    let status_key = format!("status.state.{}", found.status);
    let state_text = t(lang, &status_key).to_string();
    let created = local_time(&JsValue::from_str(&found.created_at), lang);
    let reply_by = local_time(&JsValue::from_str(&found.reply_by), lang);
    let answers: Vec<u64> = found
        .timeline
        .iter()
        .filter(|entry| ReplyPromise::answers(entry.kind, entry.text.as_deref()))
        .map(|entry| ms(&entry.at))
        .collect();
    let promise =
        match ReplyPromise::judge(ms(&found.reply_by), &answers, js_sys::Date::now() as u64) {
            ReplyPromise::Kept => "status.promise_kept",
            ReplyPromise::Pending => "status.promise_pending",
            ReplyPromise::Missed => "status.promise_missed",
        };
    let next_key = format!("status.next.{}", found.status);
    let entries = found.timeline.iter().map(|entry| timeline_entry(lang, entry)).collect::<Html>();
    let follow_up_context = (found.reference.clone(), (**contact).clone());
    html! {
        <section class="status-answer" aria-labelledby="status-answer-heading">
            <h2 id="status-answer-heading" tabindex="-1" ref={answer}>
                { messages.format(lang, "status.current", &[("status", state_text)]) }
            </h2>
            if let Some(at) = offline_copy {
                <p class="notice">{ messages.format(lang, "status.remembered", &[("time", local_time(&JsValue::from_f64(at), lang))]) }</p>
            }
            <dl class="answers">
                <div class="answer"><dt>{ t(lang, "status.filed_at") }</dt><dd>{ created }</dd></div>
                <div class="answer"><dt>{ t(lang, "status.reply_by") }</dt><dd>{ reply_by }{ " — " }{ t(lang, promise) }</dd></div>
            </dl>
            if let Some(visit) = found.visit.as_ref().and_then(|visit| visit_words(lang, visit)) {
                <p class="visit">{ visit }</p>
            }
            if let Some(parts) = found.parts.as_ref().and_then(|parts| parts_words(lang, parts)) {
                <p class="parts">{ parts }</p>
            }
            <p class="next">{ t(lang, &next_key) }</p>
            if !found.timeline.is_empty() {
                <h3>{ t(lang, "status.timeline") }</h3>
                <ol class="timeline">{ entries }</ol>
            }
            if found.can_reply && offline_copy.is_none() {
                <ReplyForm {lang} context={follow_up_context.clone()} outbox={outbox.clone()} />
            }
            if found.can_rate && offline_copy.is_none() {
                <RatingForm {lang} context={follow_up_context} outbox={outbox.clone()} />
            }
        </section>
    }
}

/// "An engineer will visit on 8 Dec, 09:00–11:00", or that it moved there.
fn visit_words(lang: Lang, visit: &BTreeMap<String, String>) -> Option<String> {
    let words = window_words(visit.get("from")?, visit.get("to")?)?;
    let messages = Messages::builtin();
    let date = day_month(lang, (words.month, words.day));
    let window = messages.format(
        lang,
        "status.window",
        &[("date", date), ("from", words.from), ("to", words.to)],
    );
    let key = if visit.contains_key("moved_at") { "status.visit_moved" } else { "status.visit" };
    Some(messages.format(lang, key, &[("window", window)]))
}

/// "Waiting for parts (…), expected 20 Dec".
fn parts_words(lang: Lang, parts: &BTreeMap<String, String>) -> Option<String> {
    let date = day_month(lang, day_of(parts.get("expected_on")?)?);
    let args = [("parts", parts.get("needed").cloned().unwrap_or_default()), ("date", date)];
    Some(Messages::builtin().format(lang, "status.parts", &args))
}

fn timeline_entry(lang: Lang, entry: &PublicEntry) -> Html {
    let messages = Messages::builtin();
    let at = local_time(&JsValue::from_str(&entry.at), lang);
    let text = entry.text.clone().unwrap_or_default();
    let said = match entry.kind {
        EntryKind::Status => {
            let status = entry.status.map(|s| s.as_str()).unwrap_or_default();
            let key = format!("status.state.{status}");
            messages.format(lang, "status.entry.status", &[("status", t(lang, &key).to_string())])
        }
        EntryKind::Reply => messages.format(lang, "status.entry.reply", &[("text", text)]),
        EntryKind::ReplyBy => {
            let time =
                local_time(&JsValue::from_str(entry.reply_by.as_deref().unwrap_or("")), lang);
            messages.format(lang, "status.entry.reply_by", &[("time", time)])
        }
        EntryKind::CustomerMessage => {
            messages.format(lang, "status.entry.customer_message", &[("text", text)])
        }
        EntryKind::Rating => messages.format(
            lang,
            "status.entry.rating",
            &[("rating", entry.rating.unwrap_or_default().to_string())],
        ),
        // Never sent to customers; nothing to say if one were.
        EntryKind::Assign
        | EntryKind::Note
        | EntryKind::FollowUp
        | EntryKind::Warranty
        | EntryKind::Visit => return html! {},
    };
    html! { <li><span class="timeline-at">{ at }</span>{ " " }<span>{ said }</span></li> }
}

#[derive(Properties, PartialEq)]
struct FollowUpFormProps {
    lang: Lang,
    /// The request's reference and the contact it was looked up with.
    context: (String, String),
    outbox: crate::hooks::outbox::OutboxService,
}

/// The customer's answer to the team's question: through the outbox, offline too.
#[component]
fn ReplyForm(props: &FollowUpFormProps) -> Html {
    let lang = props.lang;
    let photos = use_reply_photos();
    let limits = use_app().state.config.as_ref().map(|config| config.photos).unwrap_or_default();
    let text = use_state(String::new);
    let problem = use_state(|| false);
    let sent = use_state(|| false);
    let oninput = typed_into(&text);
    let onsubmit = {
        let (text, problem, sent) = (text.clone(), problem.clone(), sent.clone());
        let ((reference, contact), outbox) = (props.context.clone(), props.outbox.clone());
        let (attached, busy, photos_sent) =
            (photos.photos.clone(), photos.attached.busy, photos.sent.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let message = text.trim().to_string();
            if message.is_empty() {
                return problem.set(true);
            }
            // Photos still being resized would be left behind.
            if busy {
                return;
            }
            problem.set(false);
            let message = FollowUp::Message {
                reference: reference.clone(),
                contact: contact.clone(),
                text: message,
            };
            outbox.follow_up(message, attached.clone());
            photos_sent.emit(());
            text.set(String::new());
            sent.set(true);
        })
    };
    html! {
        <form class="follow-up" novalidate=true {onsubmit}>
            <h3>{ t(lang, "status.reply_heading") }</h3>
            <div class={classes!("field", problem.then_some("field-error"))}>
                <label for="f-reply">{ t(lang, "status.reply_label") }</label>
                if *problem {
                    <p class="error-message" id="f-reply-error">{ t(lang, "status.reply_missing") }</p>
                }
                <textarea id="f-reply" name="text" value={(*text).clone()} {oninput}
                    aria-describedby={problem.then_some("f-reply-error")} aria-invalid={problem.then_some("true")} />
            </div>
            <PhotoField {lang} photos={photos.photos.clone()} previews={photos.attached.previews.clone()}
                {limits} required=false error={None::<String>} busy={photos.attached.busy}
                problem={photos.attached.problem.clone()} on_files={photos.attached.on_files.clone()}
                on_remove={photos.attached.on_remove.clone()} />
            if *sent {
                <p role="status">{ t(lang, "status.reply_queued") }</p>
            }
            <div class="actions"><button type="submit" class="primary">{ t(lang, "status.reply_send") }</button></div>
        </form>
    }
}

/// A rating from 1 to 5 (a radio group) and an optional comment, once it is resolved.
#[component]
fn RatingForm(props: &FollowUpFormProps) -> Html {
    let lang = props.lang;
    let rating = use_state(|| 0u8);
    let comment = use_state(String::new);
    let problem = use_state(|| false);
    let sent = use_state(|| false);
    let oninput = typed_into(&comment);
    let onsubmit = {
        let (rating, comment, problem, sent) =
            (rating.clone(), comment.clone(), problem.clone(), sent.clone());
        let ((reference, contact), outbox) = (props.context.clone(), props.outbox.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *rating == 0 {
                return problem.set(true);
            }
            problem.set(false);
            let rating = FollowUp::Rating {
                reference: reference.clone(),
                contact: contact.clone(),
                rating: *rating,
                comment: comment.trim().to_string(),
            };
            outbox.follow_up(rating, Vec::new());
            sent.set(true);
        })
    };
    if *sent {
        return html! { <p role="status" class="follow-up">{ t(lang, "status.rating_queued") }</p> };
    }
    let options = (1..=5u8).map(|n| {
        let id = format!("f-rating-{n}");
        let chosen = *rating == n;
        let rating = rating.clone();
        let onchange = Callback::from(move |_: Event| rating.set(n));
        let key = format!("status.rating.{n}");
        html! {
            <div class="choice">
                <input type="radio" id={id.clone()} name="rating" value={n.to_string()} checked={chosen} {onchange} />
                <label for={id}>{ t(lang, &key) }</label>
            </div>
        }
    });
    html! {
        <form class="follow-up" novalidate=true {onsubmit}>
            <fieldset class={classes!("field", problem.then_some("field-error"))}
                aria-describedby={problem.then_some("f-rating-error")}>
                <legend>{ t(lang, "status.rating_legend") }</legend>
                if *problem {
                    <p class="error-message" id="f-rating-error">{ t(lang, "status.rating_missing") }</p>
                }
                <div class="choices">{ for options }</div>
            </fieldset>
            <div class="field">
                <label for="f-rating-comment">{ t(lang, "status.rating_comment") }</label>
                <textarea id="f-rating-comment" name="comment" value={(*comment).clone()} {oninput} />
            </div>
            <div class="actions"><button type="submit" class="primary">{ t(lang, "status.rating_send") }</button></div>
        </form>
    }
}
