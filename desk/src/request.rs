//! One request: every field, the photos, the warranty, the troubleshooting transcript and
//! the timeline, and what staff do with it.

use shouhou_core::desk::{DetailRow, Entry, EventRequest, Member, RequestDetail};
use shouhou_core::flow::transcript::{outcome_words, transcript_lines};
use shouhou_core::flow::{is_plain_id, Flow};
use shouhou_core::schema::PhotoRef;
use shouhou_core::status::{EntryKind, Status};
use shouhou_core::warranty::WarrantyStatus;
use shouhou_core::FieldKind;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Ctx;
use crate::i18n::{label, tr, trf};
use crate::route::Route;
use crate::time;
use crate::widgets::{clear, some, value_of, Link};

#[derive(Properties, PartialEq)]
pub struct RequestProps {
    pub reference: String,
}

/// Which action form a message belongs to.
#[derive(Clone, PartialEq)]
struct Outcome {
    form: &'static str,
    ok: bool,
    key: String,
}

/// A stored detail as staff read it: a choice by its label, a ticked box as "yes", a time as
/// the engineer typed it, a measurement with its unit.
fn detail_value(lang: shouhou_core::Lang, row: &DetailRow) -> String {
    match row.field.map(|field| field.kind()) {
        Some(FieldKind::Choice(_)) => label(lang, row.name, row.value),
        Some(FieldKind::Flag | FieldKind::Acknowledgement) if row.value == "yes" => {
            tr(lang, "answer.yes")
        }
        Some(FieldKind::DateTime) => row.value.replacen('T', " ", 1),
        Some(FieldKind::Measurement { unit, .. }) => format!("{} {unit}", row.value),
        _ => row.value.to_string(),
    }
}

/// Where the desk shows one of a request's photos.
fn photo_src(reference: &str, photo: &PhotoRef) -> String {
    format!(
        "{}/requests/{}/photos/{}",
        api::BASE,
        String::from(js_sys::encode_uri_component(reference)),
        String::from(js_sys::encode_uri_component(&photo.id))
    )
}

#[function_component(RequestPage)]
pub fn request_page(props: &RequestProps) -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    crate::app::use_focus_title(props.reference.clone());
    let lang = ctx.lang;
    let detail = use_state(|| None::<RequestDetail>);
    let error = use_state(|| None::<String>);
    let version = use_state(|| 0u32);
    let outcome = use_state(|| None::<Outcome>);
    let busy = use_state(|| false);

    let status_ref = use_node_ref();
    let assign_ref = use_node_ref();
    let reply_ref = use_node_ref();
    let note_ref = use_node_ref();
    let reply_by_ref = use_node_ref();
    let fu_outcome_ref = use_node_ref();
    let fu_satisfaction_ref = use_node_ref();
    let fu_text_ref = use_node_ref();
    let flow = use_state(|| None::<std::rc::Rc<Flow>>);
    let members = use_state(Vec::<Member>::new);

    {
        let (detail, error) = (detail.clone(), error.clone());
        let signed_out = ctx.signed_out.clone();
        use_effect_with((props.reference.clone(), *version), move |(reference, _)| {
            let path =
                format!("/requests/{}", String::from(js_sys::encode_uri_component(reference)));
            wasm_bindgen_futures::spawn_local(async move {
                match api::get::<RequestDetail>(&path).await {
                    Ok(answer) => {
                        detail.set(Some(answer));
                        error.set(None);
                    }
                    Err(ApiError::Unauthorized) => signed_out.emit(()),
                    Err(e) => error.set(Some(e.message_key())),
                }
            });
        });
    }

    // Colleagues to assign to, offered as the login is typed; the field still takes any login.
    {
        let members = members.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = api::get::<Vec<Member>>("/members").await {
                    members.set(list);
                }
            });
        });
    }

    // The flow the customer walked, fetched as their app fetches it, so the transcript reads
    // as words; without it (an old version, a flow since removed) the ids are shown.
    {
        let flow = flow.clone();
        let walked = detail
            .as_ref()
            .and_then(|d| d.request.troubleshooting.as_ref())
            .map(|t| t.flow_id.clone())
            .filter(|id| is_plain_id(id));
        use_effect_with(walked, move |walked| {
            if let Some(id) = walked.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(response) =
                        gloo_net::http::Request::get(&format!("/flows/{id}.json")).send().await
                    else {
                        return;
                    };
                    let Ok(text) = response.text().await else { return };
                    if let (true, Ok(parsed)) = (response.ok(), Flow::parse(&text)) {
                        flow.set(Some(std::rc::Rc::new(parsed)));
                    }
                });
            }
        });
    }

    // Sends one event; on success the request is read again and the form cleared.
    let send = {
        let (version, outcome, busy) = (version.clone(), outcome.clone(), busy.clone());
        let reference = props.reference.clone();
        let signed_out = ctx.signed_out.clone();
        move |form: &'static str, event: EventRequest, fields: Vec<NodeRef>| {
            let (version, outcome, busy, signed_out) =
                (version.clone(), outcome.clone(), busy.clone(), signed_out.clone());
            let path = format!(
                "/requests/{}/events",
                String::from(js_sys::encode_uri_component(&reference))
            );
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::post(&path, &event).await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        for field in &fields {
                            clear(field);
                        }
                        outcome.set(Some(Outcome { form, ok: true, key: format!("saved.{form}") }));
                        version.set(version.wrapping_add(1));
                    }
                    Err(ApiError::Unauthorized) => signed_out.emit(()),
                    Err(e) => outcome.set(Some(Outcome { form, ok: false, key: e.message_key() })),
                }
            });
        }
    };
    let invalid = {
        let outcome = outcome.clone();
        move |form: &'static str, key: &str| {
            outcome.set(Some(Outcome { form, ok: false, key: key.to_string() }))
        }
    };

    let on_status = {
        let (send, invalid, r) = (send.clone(), invalid.clone(), status_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match Status::parse(&value_of(&r)) {
                Some(status) => send("status", EventRequest::Status { status }, vec![]),
                None => invalid("status", "error.choose_status"),
            }
        })
    };
    let on_assign = {
        let (send, invalid, r) = (send.clone(), invalid.clone(), assign_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match some(value_of(&r)) {
                Some(to) => send("assign", EventRequest::Assign { to }, vec![r.clone()]),
                None => invalid("assign", "error.login_missing"),
            }
        })
    };
    let assign_me = {
        let send = send.clone();
        let login = ctx.session.as_ref().map(|s| s.login.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            send("assign", EventRequest::Assign { to: login.clone() }, vec![])
        })
    };
    let on_reply_by = {
        let (send, invalid, r) = (send.clone(), invalid.clone(), reply_by_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match time::local_input_to_rfc3339(&value_of(&r)) {
                Some(at) => send("reply_by", EventRequest::ReplyBy { at }, vec![r.clone()]),
                None => invalid("reply_by", "error.time_missing"),
            }
        })
    };
    let on_follow_up = {
        let (send, invalid) = (send.clone(), invalid.clone());
        let (o, s, t) = (fu_outcome_ref.clone(), fu_satisfaction_ref.clone(), fu_text_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(outcome) = some(value_of(&o)) else {
                invalid("follow_up", "error.outcome_missing");
                return;
            };
            let satisfaction = value_of(&s).parse::<u8>().ok();
            let text = value_of(&t).trim().to_string();
            send(
                "follow_up",
                EventRequest::FollowUp { outcome, satisfaction, text },
                vec![o.clone(), s.clone(), t.clone()],
            )
        })
    };

    let message = |form: &'static str| -> Html {
        match &*outcome {
            Some(o) if o.form == form && o.ok => {
                html! { <p class="ok" role="status">{ ctx.t(&o.key) }</p> }
            }
            Some(o) if o.form == form => {
                html! { <p class="error" role="alert">{ ctx.t(&o.key) }</p> }
            }
            // An empty live region, present before anything is said into it.
            _ => html! { <p class="ok" role="status"></p> },
        }
    };

    let heading = html! {
        <h1 id="page-title" tabindex="-1">{ trf(lang, "request.heading", &[("reference", props.reference.clone())]) }</h1>
    };
    let back =
        html! { <p class="back"><Link to={Route::Inbox}>{ ctx.t("request.back") }</Link></p> };

    let Some(d) = &*detail else {
        return html! {
            <>
                { back }
                { heading }
                <div>
                    if let Some(key) = &*error {
                        <p class="error" role="alert">{ ctx.t(key) }</p>
                    } else {
                        <p class="loading">{ ctx.t("loading") }</p>
                    }
                </div>
            </>
        };
    };
    let r = &d.request;

    let row = |key: &str, value: Html| html! { <><dt>{ ctx.t(key) }</dt><dd>{ value }</dd></> };
    let text = |s: String| html! { { s } };

    let warranty = match &r.warranty {
        Some(WarrantyStatus::InWarranty { until }) => {
            trf(lang, "warranty.in", &[("until", until.clone())])
        }
        Some(WarrantyStatus::OutOfWarranty { ended }) => {
            trf(lang, "warranty.out", &[("ended", ended.clone())])
        }
        // The customer did not know the purchase date: staff look the serial number up.
        Some(WarrantyStatus::ToBeChecked { serial_number }) => {
            trf(lang, "warranty.to_check", &[("serial", serial_number.clone())])
        }
        None => ctx.t("warranty.unknown"),
    };

    let sections = d.sections();
    let detail_row = |row: &DetailRow| {
        let value = detail_value(lang, row);
        let multiline = matches!(row.field.map(|f| f.kind()), Some(FieldKind::Paragraph { .. }));
        html! {
            <><dt>{ label(lang, "field", row.name) }</dt>
            <dd class={classes!(multiline.then_some("entry-text"))}>{ value }</dd></>
        }
    };
    let photo_count = sections.photos.len();
    let photos = sections.photos.iter().enumerate().map(|(i, photo)| {
        let src = photo_src(&d.reference, photo);
        let alt = trf(lang, "photo.alt", &[("n", (i + 1).to_string()), ("count", photo_count.to_string())]);
        html! {
            <li>
                <a href={src.clone()} target="_blank" rel="noopener">
                    <img src={src} alt={alt} width={photo.width.to_string()} height={photo.height.to_string()} loading="lazy" />
                </a>
            </li>
        }
    });

    let transcript = r.troubleshooting.as_ref().map(|t| {
        let walked = flow.as_deref().filter(|f| f.id == t.flow_id && f.version == t.flow_version);
        let name = walked.map_or_else(|| t.flow_id.clone(), |f| {
            shouhou_core::flow::text(&f.title, lang).to_string()
        });
        let ended = outcome_words(t, walked, lang);
        let lines = transcript_lines(t, walked, lang);
        html! {
            <section aria-labelledby="h-tried">
                <h2 id="h-tried">{ ctx.t("request.tried") }</h2>
                <p>{ trf(lang, "request.flow", &[("flow", name), ("version", t.flow_version.to_string()), ("outcome", ended)]) }</p>
                <ol class="transcript">
                    { for lines.into_iter().map(|line| html! {
                        <li><span class="asked">{ line.asked }</span>{ " → " }<strong>{ line.answered }</strong></li>
                    }) }
                </ol>
            </section>
        }
    });

    let entry_html = |entry: &Entry| {
        let who = entry.actor.clone().unwrap_or_else(|| ctx.t("actor.customer"));
        let what = match entry.kind {
            EntryKind::Status => entry
                .status
                .map(|s| {
                    trf(lang, "entry.status", &[("status", label(lang, "status", s.as_str()))])
                })
                .unwrap_or_default(),
            EntryKind::Assign => {
                trf(lang, "entry.assign", &[("to", entry.to.clone().unwrap_or_default())])
            }
            EntryKind::ReplyBy => trf(
                lang,
                "entry.reply_by",
                &[(
                    "at",
                    entry.reply_by.as_deref().map(|t| time::show(lang, t)).unwrap_or_default(),
                )],
            ),
            EntryKind::FollowUp => {
                let satisfaction = entry.satisfaction.map_or_else(
                    || ctx.t("entry.not_asked"),
                    |n| trf(lang, "entry.satisfaction", &[("n", n.to_string())]),
                );
                trf(
                    lang,
                    "entry.follow_up",
                    &[
                        ("outcome", entry.outcome.clone().unwrap_or_default()),
                        ("satisfaction", satisfaction),
                    ],
                )
            }
            EntryKind::Rating => trf(
                lang,
                "entry.rating",
                &[("n", entry.satisfaction.map(|n| n.to_string()).unwrap_or_default())],
            ),
            _ => String::new(),
        };
        html! {
            <li class={classes!("entry", (!entry.public).then_some("internal"))}>
                <p class="entry-head">
                    <strong>{ label(lang, "kind", entry.kind.as_str()) }</strong>
                    { " · " }{ who }{ " · " }
                    <time datetime={entry.at.clone()}>{ time::show(lang, &entry.at) }</time>
                    { " " }
                    <span class={classes!("badge", if entry.public { "public" } else { "internal-badge" })}>
                        { ctx.t(if entry.public { "entry.public" } else { "entry.internal" }) }
                    </span>
                </p>
                if !what.is_empty() { <p>{ what }</p> }
                if let Some(t) = &entry.text { if !t.is_empty() { <p class="entry-text">{ t.clone() }</p> } }
            </li>
        }
    };

    let busy_now = *busy;
    // A public reply and an internal note: one text each, sent as its event.
    let text_action = |form: &'static str,
                       node: &NodeRef,
                       event: fn(String) -> EventRequest,
                       internal: bool,
                       rows: &'static str|
     -> Html {
        let onsubmit = {
            let (send, invalid, r) = (send.clone(), invalid.clone(), node.clone());
            Callback::from(move |e: SubmitEvent| {
                e.prevent_default();
                match some(value_of(&r)) {
                    Some(text) => send(form, event(text), vec![r.clone()]),
                    None => invalid(form, "error.text_missing"),
                }
            })
        };
        let (title, field) = (format!("h-{form}"), format!("a-{form}"));
        let hint = format!("{field}-hint");
        html! {
            <form class={classes!("card", internal.then_some("internal"))} {onsubmit} aria-labelledby={title.clone()}>
                <h3 id={title}>{ ctx.t(&format!("action.{form}")) }</h3>
                <div class="field">
                    <label for={field.clone()}>{ ctx.t(&format!("action.{form}_text")) }</label>
                    <p id={hint.clone()} class="hint">{ ctx.t(&format!("action.{form}_hint")) }</p>
                    <textarea id={field} {rows} ref={node.clone()} aria-describedby={hint} maxlength="10000" />
                </div>
                <button type="submit" disabled={busy_now}>{ ctx.t(&format!("action.{form}_submit")) }</button>
                { message(form) }
            </form>
        }
    };
    html! {
        <>
            { back }
            { heading }
            // One element after the heading, as while loading: Yew pairs unkeyed children
            // from the end, and a different count would rebuild (and unfocus) the heading.
            <div>
            <dl class="summary card">
                { row("field.status", html! { <strong>{ label(lang, "status", d.status.as_str()) }</strong> }) }
                { row("field.reply_by", html! {
                    <>
                        { time::show(lang, &d.reply_by) }
                        if d.overdue { { " " }<strong class="badge overdue-badge">{ ctx.t("overdue") }</strong> }
                    </>
                }) }
                if let Some(first) = &d.first_reply_by { { row("field.first_reply_by", text(time::show(lang, first))) } }
                { row("field.created_at", text(time::show(lang, &d.created_at))) }
                { row("field.assigned_to", text(d.assigned_to.clone().unwrap_or_else(|| ctx.t("unassigned")))) }
                { row("field.warranty", text(warranty)) }
            </dl>
            <div class="columns">
                <div>
                    <section aria-labelledby="h-request">
                        <h2 id="h-request">{ ctx.t("request.fields") }</h2>
                        <dl class="fields">
                            { row("field.intent", text(label(lang, "intent", r.intent.as_str()))) }
                            { row("field.product_line", text(ctx.line_name(&r.product_line))) }
                            if let Some(c) = r.category { { row("field.category", text(label(lang, "category", c.as_str()))) } }
                            if let Some(p) = r.priority { { row("field.priority", text(label(lang, "priority", p.as_str()))) } }
                            { row("field.full_name", text(r.full_name.clone())) }
                            { row("field.phone", html! { <a href={format!("tel:{}", r.phone)}>{ r.phone.clone() }</a> }) }
                            if let Some(email) = &r.email { { row("field.email", text(email.clone())) } }
                            { for sections.general.iter().map(detail_row) }
                            { row("field.description", html! { <span class="entry-text">{ r.description.clone() }</span> }) }
                        </dl>
                    </section>
                    if !sections.report.is_empty() || sections.signature.is_some() {
                        <section aria-labelledby="h-report">
                            <h2 id="h-report">{ ctx.t("request.report") }</h2>
                            <dl class="fields">
                                { for sections.report.iter().map(detail_row) }
                                <dt>{ ctx.t("field.signature") }</dt>
                                <dd>
                                    if let Some(signature) = sections.signature {
                                        <img class="signature" src={photo_src(&d.reference, signature)}
                                            alt={ctx.t("request.signature_alt")}
                                            width={signature.width.to_string()} height={signature.height.to_string()} />
                                    } else {
                                        <span class="muted">{ ctx.t("request.no_signature") }</span>
                                    }
                                </dd>
                            </dl>
                        </section>
                    }
                    <section aria-labelledby="h-photos">
                        <h2 id="h-photos">{ ctx.t("request.photos") }</h2>
                        if sections.photos.is_empty() {
                            <p class="muted">{ ctx.t("request.no_photos") }</p>
                        } else {
                            <ul class="photos">{ for photos }</ul>
                        }
                    </section>
                    { for transcript }
                    <section aria-labelledby="h-timeline">
                        <h2 id="h-timeline">{ ctx.t("request.timeline") }</h2>
                        <ol class="timeline">
                            <li class="entry">
                                <p class="entry-head">
                                    <strong>{ ctx.t("kind.filed") }</strong>{ " · " }{ ctx.t("actor.customer") }{ " · " }
                                    <time datetime={d.created_at.clone()}>{ time::show(lang, &d.created_at) }</time>
                                </p>
                            </li>
                            { for d.timeline.iter().map(entry_html) }
                        </ol>
                    </section>
                </div>
                <div class="actions">
                    <h2>{ ctx.t("request.actions") }</h2>
                    if !d.next_statuses.is_empty() {
                        <form class="card" onsubmit={on_status} aria-labelledby="h-status">
                            <h3 id="h-status">{ ctx.t("action.status") }</h3>
                            <div class="field">
                                <label for="a-status">{ ctx.t("action.status_new") }</label>
                                <select id="a-status" ref={status_ref}>
                                    // `selected` said: Yew adds options last first, and the
                                    // browser would otherwise keep the first one added.
                                    { for d.next_statuses.iter().enumerate().map(|(i, s)| html! {
                                        <option value={s.as_str()} selected={i == 0}>{ label(lang, "status", s.as_str()) }</option>
                                    }) }
                                </select>
                            </div>
                            <button type="submit" disabled={busy_now}>{ ctx.t("action.status_submit") }</button>
                            { message("status") }
                        </form>
                    }
                    <form class="card" onsubmit={on_assign} aria-labelledby="h-assign">
                        <h3 id="h-assign">{ ctx.t("action.assign") }</h3>
                        <div class="field">
                            <label for="a-assign">{ ctx.t("action.assign_login") }</label>
                            <input id="a-assign" ref={assign_ref} list="a-assign-staff" autocomplete="off" autocapitalize="none" spellcheck="false" />
                            <datalist id="a-assign-staff">
                                { for members.iter().map(|m| html! {
                                    <option value={m.login.clone()}>{ label(lang, "role", m.role.as_str()) }</option>
                                }) }
                            </datalist>
                        </div>
                        <div class="inline">
                            <button type="submit" disabled={busy_now}>{ ctx.t("action.assign_submit") }</button>
                            <button type="button" class="secondary" disabled={busy_now} onclick={assign_me}>{ ctx.t("action.assign_me") }</button>
                        </div>
                        { message("assign") }
                    </form>
                    { text_action("reply", &reply_ref, |text| EventRequest::Reply { text }, false, "4") }
                    { text_action("note", &note_ref, |text| EventRequest::Note { text }, true, "3") }
                    <form class="card" onsubmit={on_reply_by} aria-labelledby="h-reply-by">
                        <h3 id="h-reply-by">{ ctx.t("action.reply_by") }</h3>
                        <div class="field">
                            <label for="a-reply-by">{ ctx.t("action.reply_by_at") }</label>
                            <input id="a-reply-by" type="datetime-local" ref={reply_by_ref} />
                        </div>
                        <button type="submit" disabled={busy_now}>{ ctx.t("action.reply_by_submit") }</button>
                        { message("reply_by") }
                    </form>
                    <form class="card internal" onsubmit={on_follow_up} aria-labelledby="h-follow-up">
                        <h3 id="h-follow-up">{ ctx.t("action.follow_up") }</h3>
                        <p class="hint">{ trf(lang, "action.follow_up_hint", &[("login", ctx.session.as_ref().map(|s| s.login.clone()).unwrap_or_default())]) }</p>
                        <div class="field">
                            <label for="a-fu-outcome">{ ctx.t("action.follow_up_outcome") }</label>
                            <input id="a-fu-outcome" ref={fu_outcome_ref} maxlength="200" />
                        </div>
                        <div class="field">
                            <label for="a-fu-satisfaction">{ ctx.t("action.follow_up_satisfaction") }</label>
                            <select id="a-fu-satisfaction" ref={fu_satisfaction_ref}>
                                <option value="" selected=true>{ ctx.t("entry.not_asked") }</option>
                                { for (1..=5).rev().map(|n: u8| html! {
                                    <option value={n.to_string()}>{ label(lang, "satisfaction", &n.to_string()) }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="a-fu-text">{ ctx.t("action.follow_up_text") }</label>
                            <textarea id="a-fu-text" rows="3" ref={fu_text_ref} maxlength="10000" />
                        </div>
                        <button type="submit" disabled={busy_now}>{ ctx.t("action.follow_up_submit") }</button>
                        { message("follow_up") }
                    </form>
                </div>
            </div>
            </div>
        </>
    }
}
