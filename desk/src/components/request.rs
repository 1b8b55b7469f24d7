//! One request's record as staff read it: the summary (status, promised reply, warranty),
//! every field, the on-site report with its signature, the photos, what the customer tried
//! in troubleshooting, and the timeline.

use shouhou_core::desk::{DetailRow, DetailSections, Entry, RequestDetail};
use shouhou_core::flow::transcript::{outcome_words, transcript_lines, FlowWords};
use shouhou_core::quality::Findings;
use shouhou_core::status::EntryKind;
use shouhou_core::{FieldKind, PhotoRef, Troubleshooting};
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::format;
use crate::time;

/// A term and its description, in a `<dl>`.
pub fn row(desk: &Desk, key: &str, value: Html) -> Html {
    html! { <><dt>{ desk.t(key) }</dt><dd>{ value }</dd></> }
}

pub fn text(value: String) -> Html {
    html! { { value } }
}

fn when(desk: &Desk, rfc3339: &str) -> Html {
    html! { <time datetime={rfc3339.to_string()}>{ time::show(desk.lang, rfc3339) }</time> }
}

/// Status, the promised reply (and the first promise, once moved), when it came, who has it,
/// the warranty.
pub fn summary(desk: &Desk, d: &RequestDetail) -> Html {
    let reply_by = html! {
        <>
            { time::show(desk.lang, &d.reply_by) }
            if d.overdue { { " " }<strong class="badge overdue-badge">{ desk.t("overdue") }</strong> }
        </>
    };
    html! {
        <dl class="summary card">
            { row(desk, "field.status", html! { <strong>{ desk.label("status", d.status.as_str()) }</strong> }) }
            { row(desk, "field.reply_by", reply_by) }
            if let Some(first) = &d.first_reply_by { { row(desk, "field.first_reply_by", text(time::show(desk.lang, first))) } }
            { row(desk, "field.created_at", text(time::show(desk.lang, &d.created_at))) }
            { row(desk, "field.assigned_to", text(d.assigned_to.clone().unwrap_or_else(|| desk.t("unassigned")))) }
            { row(desk, "field.warranty", text(format::warranty(desk.lang, d.request.warranty.as_ref()))) }
        </dl>
    }
}

fn detail_row(desk: &Desk, row: &DetailRow) -> Html {
    let multiline = matches!(row.field.map(|f| f.kind()), Some(FieldKind::Paragraph { .. }));
    html! {
        <><dt>{ desk.label("field", row.name) }</dt>
        <dd class={classes!(multiline.then_some("entry-text"))}>{ format::detail_value(desk.lang, row) }</dd></>
    }
}

/// Every field the customer filled in, in the order the form asks them.
pub fn fields(desk: &Desk, d: &RequestDetail, sections: &DetailSections) -> Html {
    let r = &d.request;
    html! {
        <section aria-labelledby="h-request">
            <h2 id="h-request">{ desk.t("request.fields") }</h2>
            <dl class="fields">
                { row(desk, "field.intent", text(desk.label("intent", r.intent.as_str()))) }
                { row(desk, "field.product_line", text(desk.line_name(&r.product_line))) }
                if let Some(c) = r.category { { row(desk, "field.category", text(desk.label("category", c.as_str()))) } }
                if let Some(p) = r.priority { { row(desk, "field.priority", text(desk.label("priority", p.as_str()))) } }
                { row(desk, "field.full_name", text(r.full_name.clone())) }
                { row(desk, "field.phone", html! { <a href={["tel:", &r.phone].concat()}>{ r.phone.clone() }</a> }) }
                if let Some(email) = &r.email { { row(desk, "field.email", text(email.clone())) } }
                { for sections.general.iter().map(|r| detail_row(desk, r)) }
                { row(desk, "field.description", html! { <span class="entry-text">{ r.description.clone() }</span> }) }
            </dl>
        </section>
    }
}

/// An engineer's on-site report, with the customer's signature or why there is none.
pub fn report(desk: &Desk, d: &RequestDetail, sections: &DetailSections) -> Html {
    if sections.report.is_empty() && sections.signature.is_none() {
        return html! {};
    }
    html! {
        <section aria-labelledby="h-report">
            <h2 id="h-report">{ desk.t("request.report") }</h2>
            <dl class="fields">
                { for sections.report.iter().map(|r| detail_row(desk, r)) }
                <dt>{ desk.t("field.signature") }</dt>
                <dd>
                    if let Some(signature) = sections.signature {
                        <img class="signature" src={api::photo_url(&d.reference, &signature.id)}
                            alt={desk.t("request.signature_alt")}
                            width={signature.width.to_string()} height={signature.height.to_string()} />
                    } else {
                        <span class="muted">{ desk.t("request.no_signature") }</span>
                    }
                </dd>
            </dl>
        </section>
    }
}

/// The photos, each opening whole in a new tab.
pub fn photos(desk: &Desk, d: &RequestDetail, photos: &[&PhotoRef]) -> Html {
    let count = photos.len().to_string();
    html! {
        <section aria-labelledby="h-photos">
            <h2 id="h-photos">{ desk.t("request.photos") }</h2>
            if photos.is_empty() {
                <p class="muted">{ desk.t("request.no_photos") }</p>
            } else {
                <ul class="photos">
                    { for photos.iter().enumerate().map(|(i, photo)| {
                        let src = api::photo_url(&d.reference, &photo.id);
                        let alt = desk.tf("photo.alt", &[("n", (i + 1).to_string()), ("count", count.clone())]);
                        html! {
                            <li>
                                <a href={src.clone()} target="_blank" rel="noopener">
                                    <img {src} {alt} width={photo.width.to_string()} height={photo.height.to_string()} loading="lazy" />
                                </a>
                            </li>
                        }
                    }) }
                </ul>
            }
        </section>
    }
}

/// What the customer tried before filing: each step and answer, in the flow's words when
/// the flow they walked is at hand.
pub fn transcript(desk: &Desk, t: &Troubleshooting, walked: Option<&FlowWords>) -> Html {
    let lang = desk.lang;
    let name = walked.map_or_else(
        || t.flow_id.clone(),
        |f| shouhou_core::flow::text(&f.title, lang).to_string(),
    );
    let heard = desk.tf(
        "request.flow",
        &[
            ("flow", name),
            ("version", t.flow_version.to_string()),
            ("outcome", outcome_words(t, walked, lang)),
        ],
    );
    html! {
        <section aria-labelledby="h-tried">
            <h2 id="h-tried">{ desk.t("request.tried") }</h2>
            <p>{ heard }</p>
            <ol class="transcript">
                { for transcript_lines(t, walked, lang).into_iter().map(|line| html! {
                    <li><span class="asked">{ line.asked }</span>{ " → " }<strong>{ line.answered }</strong></li>
                }) }
            </ol>
        </section>
    }
}

/// What an entry did, in words (empty for a reply or a note: their text says it).
fn entry_words(desk: &Desk, entry: &Entry) -> String {
    let n = |n: Option<u8>| n.map(|n| n.to_string()).unwrap_or_default();
    match entry.kind {
        EntryKind::Status => entry
            .status
            .map(|s| desk.tf("entry.status", &[("status", desk.label("status", s.as_str()))]))
            .unwrap_or_default(),
        EntryKind::Assign => {
            desk.tf("entry.assign", &[("to", entry.to.clone().unwrap_or_default())])
        }
        EntryKind::ReplyBy => {
            let at =
                entry.reply_by.as_deref().map(|t| time::show(desk.lang, t)).unwrap_or_default();
            desk.tf("entry.reply_by", &[("at", at)])
        }
        EntryKind::FollowUp => {
            let satisfaction = match entry.satisfaction {
                None => desk.t("entry.not_asked"),
                some => desk.tf("entry.satisfaction", &[("n", n(some))]),
            };
            let outcome = desk.label("outcome", entry.outcome.as_deref().unwrap_or_default());
            desk.tf("entry.follow_up", &[("outcome", outcome), ("satisfaction", satisfaction)])
        }
        EntryKind::Rating => desk.tf("entry.rating", &[("n", n(entry.satisfaction))]),
        EntryKind::Warranty => {
            desk.tf("entry.warranty", &[("date", entry.outcome.clone().unwrap_or_default())])
        }
        _ => String::new(),
    }
}

/// What a repair found and used: the fault cause and each part with its quantity.
pub fn findings_words(desk: &Desk, found: &Findings) -> String {
    let cause =
        found.fault_cause.as_deref().map_or_else(|| desk.t("cause.none"), |c| desk.cause_name(c));
    let parts = if found.parts.is_empty() {
        desk.t("entry.no_parts")
    } else {
        let each =
            found.parts.iter().map(|p| format!("{} ×{}", desk.part_name(&p.part), p.quantity));
        each.collect::<Vec<_>>().join(", ")
    };
    desk.tf("entry.findings", &[("cause", cause), ("parts", parts)])
}

/// The request's history, oldest first: filed, then every change, reply, note, follow-up
/// and rating, internal ones marked so.
pub fn timeline(desk: &Desk, d: &RequestDetail) -> Html {
    let entry = |entry: &Entry| {
        let who = entry.actor.clone().unwrap_or_else(|| desk.t("actor.customer"));
        let what = entry_words(desk, entry);
        let (class, badge) = if entry.public {
            ("public", "entry.public")
        } else {
            ("internal-badge", "entry.internal")
        };
        html! {
            <li class={classes!("entry", (!entry.public).then_some("internal"))}>
                <p class="entry-head">
                    <strong>{ desk.label("kind", entry.kind.as_str()) }</strong>
                    { " · " }{ who }{ " · " }{ when(desk, &entry.at) }{ " " }
                    <span class={classes!("badge", class)}>{ desk.t(badge) }</span>
                </p>
                if !what.is_empty() { <p>{ what }</p> }
                if let Some(found) = &entry.findings { <p>{ findings_words(desk, found) }</p> }
                if let Some(t) = &entry.text { if !t.is_empty() { <p class="entry-text">{ t.clone() }</p> } }
            </li>
        }
    };
    html! {
        <section aria-labelledby="h-timeline">
            <h2 id="h-timeline">{ desk.t("request.timeline") }</h2>
            <ol class="timeline">
                <li class="entry">
                    <p class="entry-head">
                        <strong>{ desk.t("kind.filed") }</strong>{ " · " }{ desk.t("actor.customer") }{ " · " }
                        { when(desk, &d.created_at) }
                    </p>
                </li>
                { for d.timeline.iter().map(entry) }
            </ol>
        </section>
    }
}
