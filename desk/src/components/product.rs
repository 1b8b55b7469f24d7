//! What the desk knows of the unit a request is about: its record in the product archive
//! (beside the purchase date the customer gave, when they differ), what 三包 entitles the
//! customer to, and the service history — every other request for the same serial and from
//! the same phone; and the archive's own screen's forms: a unit's record to edit, an import
//! to preview and apply.

use std::rc::Rc;

use shouhou_core::desk::{PastRequest, RequestDetail};
use shouhou_core::guarantees::Entitlement;
use shouhou_core::product::{Column, ImportSummary, ProductRecord};
use shouhou_core::Field;
use shouhou_web::dom::value_of;
use shouhou_web::router::Routable;
use yew::prelude::*;

use super::data_table;
use crate::context::Desk;
use crate::route::Route;
use crate::time;

/// A record's facts, as a definition list (the archive's page shows the same).
pub fn record_facts(desk: &Desk, record: &ProductRecord) -> Html {
    let fact = |key: &str, value: String| {
        let value = if value.is_empty() { "—".to_string() } else { value };
        html! { <><dt>{ desk.t(key) }</dt><dd>{ value }</dd></> }
    };
    html! {
        <dl class="fields">
            { fact("product.serial_number", record.serial_number.clone()) }
            { fact("product.product_line", desk.line_name(&record.product_line)) }
            { fact("product.model", record.model.clone()) }
            { fact("product.configuration", record.configuration.clone()) }
            { fact("product.produced_on", record.produced_on.clone()) }
            { fact("product.delivered_on", record.delivered_on.clone()) }
            { fact("product.warranty_months", record.warranty_months.map(|m| m.to_string()).unwrap_or_default()) }
            { fact("product.owner", record.owner.clone()) }
        </dl>
    }
}

/// The unit's archive record, or why there is none.
pub fn product(desk: &Desk, d: &RequestDetail) -> Html {
    let details = &d.request.details;
    let serial = details.get(Field::SerialNumber.name());
    let claimed = details.get(Field::PurchaseDate.name());
    let body = match (&d.product, serial) {
        (Some(record), _) => {
            let differs = claimed.filter(|date| **date != record.delivered_on);
            let edit = Route::Product(record.product_line.clone(), record.serial_number.clone());
            html! {
                <>
                    { record_facts(desk, record) }
                    if let Some(date) = differs {
                        <p class="notice">{ desk.tf("product.customer_date", &[("date", date.clone())]) }</p>
                    }
                    <p><a href={edit.path()}>{ desk.t("product.edit") }</a></p>
                </>
            }
        }
        (None, Some(_)) => html! { <p class="muted">{ desk.t("product.none") }</p> },
        (None, None) => html! { <p class="muted">{ desk.t("product.no_serial") }</p> },
    };
    html! {
        <section aria-labelledby="h-product">
            <h2 id="h-product">{ desk.t("product.heading") }</h2>
            { body }
        </section>
    }
}

/// 三包's notice: what a performance fault on this unit entitles the customer to.
pub fn entitlement(desk: &Desk, e: &Entitlement) -> Html {
    let said = desk.tf(
        &["three_guarantees.", e.basis.as_str()].concat(),
        &[
            ("days", e.days_since_delivery.unwrap_or_default().to_string()),
            ("count", e.failed_repairs.to_string()),
        ],
    );
    html! {
        <section class="notice rights" aria-labelledby="h-rights">
            <h2 id="h-rights">{ desk.t("three_guarantees.title") }</h2>
            <p>{ said }</p>
            <p class="hint">{ desk.t("three_guarantees.note") }</p>
        </section>
    }
}

fn past_table(desk: &Desk, caption: &str, past: &[PastRequest]) -> Html {
    if past.is_empty() {
        return html! { <><h3>{ desk.t(caption) }</h3><p class="muted">{ desk.t("history.none") }</p></> };
    }
    let heads =
        ["col.reference", "history.filed", "col.intent", "history.outcome", "history.cause"]
            .map(|k| desk.t(k));
    data_table(
        Some(desk.t(caption)),
        &heads,
        past.iter().map(|p| {
            let outcome = [
                Some(desk.label("status", p.status.as_str())),
                p.resolution.as_deref().map(|r| desk.label("resolution", r)),
            ];
            let link = html! { <a href={Route::Request(p.reference.clone()).path()}>{ p.reference.clone() }</a> };
            (link, vec![
                time::show(desk.lang, &p.created_at),
                desk.label("intent", p.intent.as_str()),
                outcome.into_iter().flatten().collect::<Vec<_>>().join(" · "),
                p.fault_cause.as_deref().map_or_else(|| "—".to_string(), |c| desk.cause_name(c)),
            ])
        }),
    )
}

/// Every other request for the same serial number, and separately from the same phone,
/// newest first.
pub fn history(desk: &Desk, d: &RequestDetail) -> Html {
    html! {
        <section aria-labelledby="h-history">
            <h2 id="h-history">{ desk.t("history.heading") }</h2>
            { past_table(desk, "history.same_serial", &d.history.same_serial) }
            { past_table(desk, "history.same_phone", &d.history.same_phone) }
        </section>
    }
}

/// A unit's record to edit (or to add, when the archive does not have it): the serial and
/// line are its key; the rest — read through `refs` (model, configuration, produced,
/// delivered, warranty months, owner) — is what staff may change. Every change is audited.
pub fn unit_form(
    desk: &Desk,
    (line, serial): (&str, &str),
    record: Option<&ProductRecord>,
    refs: &[NodeRef; 6],
    (busy, said_now): (bool, &Option<(bool, String)>),
    onsubmit: Callback<SubmitEvent>,
) -> Html {
    let kept = record.cloned().unwrap_or_default();
    let months = kept.warranty_months.map(|m| m.to_string()).unwrap_or_default();
    let fields = [
        ("product.model", "text", kept.model),
        ("product.configuration", "text", kept.configuration),
        ("product.produced_on", "date", kept.produced_on),
        ("product.delivered_on", "date", kept.delivered_on),
        ("product.warranty_months", "number", months),
        ("product.owner", "text", kept.owner),
    ];
    html! {
        <form class="card" key={[line, "/", serial].concat()} {onsubmit} aria-labelledby="h-unit">
            <h2 id="h-unit">{ [desk.line_name(line).as_str(), " · ", serial].concat() }</h2>
            if record.is_none() {
                <p class="notice">{ desk.t("products.not_found") }</p>
            }
            { for fields.into_iter().zip(refs).enumerate().map(|(i, ((key, kind, value), node))| {
                let id = ["u-", &i.to_string()].concat();
                html! {
                    <div class="field">
                        <label for={id.clone()}>{ desk.t(key) }</label>
                        <input {id} type={kind} ref={node.clone()} {value} />
                    </div>
                }
            }) }
            <button type="submit" disabled={busy}>{ desk.t("products.save") }</button>
            { said(said_now) }
        </form>
    }
}

/// The record the unit form holds now.
pub fn read_unit(line: &str, serial: &str, refs: &[NodeRef; 6]) -> ProductRecord {
    let read = |i: usize| value_of(&refs[i]).trim().to_string();
    ProductRecord {
        serial_number: serial.to_string(),
        product_line: line.to_string(),
        model: read(0),
        configuration: read(1),
        produced_on: read(2),
        delivered_on: read(3),
        warranty_months: read(4).parse().ok(),
        owner: read(5),
    }
}

/// A live region saying how the last action went.
fn said(said: &Option<(bool, String)>) -> Html {
    match said {
        Some((true, text)) => html! { <p class="ok" role="status">{ text.clone() }</p> },
        Some((false, text)) => html! { <p class="error" role="alert">{ text.clone() }</p> },
        None => html! { <p class="ok" role="status"></p> },
    }
}

/// What an import said: the counts, and every refused row by its line and why.
fn import_outcome(desk: &Desk, dry_run: bool, s: &ImportSummary) -> Html {
    let counts = desk.tf(
        "products.summary",
        &[
            ("rows", s.rows.to_string()),
            ("imported", s.imported.to_string()),
            ("updated", s.updated.to_string()),
        ],
    );
    let verdict = match (dry_run, s.errors.is_empty()) {
        (true, true) => desk.t("products.preview_ok"),
        (_, false) => desk.tf("products.preview_errors", &[("count", s.errors.len().to_string())]),
        (false, true) => desk.t("products.imported"),
    };
    html! {
        <>
            <p>{ verdict }{ " " }{ counts }</p>
            if !s.errors.is_empty() {
                { data_table(
                    Some(desk.t("products.errors_caption")),
                    &[desk.t("products.line"), desk.t("products.reason")],
                    s.errors.iter().map(|e| (html! { { e.line } }, vec![e.message.clone()])),
                ) }
            }
        </>
    }
}

/// Importing records: choose a CSV or Excel file (`file`), preview it (every refused row by
/// its line and why), then import it — which a preview with refused rows does not offer.
/// `said` is the last answer (and whether it was a preview) or a failure's words.
pub fn import_form(
    desk: &Desk,
    file: &NodeRef,
    busy: bool,
    said_now: (Option<&(bool, Rc<ImportSummary>)>, Option<&String>),
    on_preview: Callback<SubmitEvent>,
    on_import: Callback<SubmitEvent>,
) -> Html {
    let (summary, error) = said_now;
    let clean_preview = matches!(summary, Some((true, s)) if s.errors.is_empty());
    html! {
        <section class="card" aria-labelledby="h-import">
            <h2 id="h-import">{ desk.t("products.import") }</h2>
            <p id="i-hint" class="hint">{ desk.t("products.import_hint") }</p>
            <p class="hint"><code>{ Column::ALL.map(Column::name).join(", ") }</code></p>
            <form onsubmit={on_preview}>
                <div class="field">
                    <label for="i-file">{ desk.t("products.file") }</label>
                    <input id="i-file" type="file" ref={file.clone()} aria-describedby="i-hint"
                        accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </div>
                <button type="submit" disabled={busy}>{ desk.t("products.preview") }</button>
            </form>
            if clean_preview {
                <form onsubmit={on_import}>
                    <button type="submit" disabled={busy}>{ desk.t("products.import_submit") }</button>
                </form>
            }
            <div role="status" class="import-outcome">
                if let Some(text) = error { <p class="error">{ text.clone() }</p> }
                { for summary.map(|(dry_run, s)| import_outcome(desk, *dry_run, s)) }
            </div>
        </section>
    }
}
