//! What the desk knows of the unit a request is about: its record in the product archive
//! (beside the purchase date the customer gave, when they differ), what 三包 entitles the
//! customer to, and the service history — every other request for the same serial and from
//! the same phone; and the archive's own screen's forms: a unit's record to edit, an import
//! to preview and apply.

use std::rc::Rc;

use shouhou_core::desk::{PastRequest, RequestDetail};
use shouhou_core::guarantees::Entitlement;
use shouhou_core::product::{ImportSummary, ProductRecord};
use shouhou_core::Field;
use shouhou_web::dom::value_of;
use shouhou_web::router::Routable;
use yew::prelude::*;

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

fn past_table(desk: &Desk, id: &str, caption: &str, past: &[PastRequest]) -> Html {
    if past.is_empty() {
        return html! { <><h3 id={id.to_string()}>{ desk.t(caption) }</h3><p class="muted">{ desk.t("history.none") }</p></> };
    }
    html! {
        <table class="history">
            <caption id={id.to_string()}>{ desk.t(caption) }</caption>
            <thead><tr>
                <th scope="col">{ desk.t("col.reference") }</th>
                <th scope="col">{ desk.t("history.filed") }</th>
                <th scope="col">{ desk.t("col.intent") }</th>
                <th scope="col">{ desk.t("history.outcome") }</th>
                <th scope="col">{ desk.t("history.cause") }</th>
            </tr></thead>
            <tbody>
                { for past.iter().map(|p| {
                    let outcome = [
                        Some(desk.label("status", p.status.as_str())),
                        p.resolution.as_deref().map(|r| desk.label("resolution", r)),
                    ].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                    html! {
                        <tr>
                            <th scope="row"><a href={Route::Request(p.reference.clone()).path()}>{ p.reference.clone() }</a></th>
                            <td>{ time::show(desk.lang, &p.created_at) }</td>
                            <td>{ desk.label("intent", p.intent.as_str()) }</td>
                            <td>{ outcome }</td>
                            <td>{ p.fault_cause.as_deref().map_or_else(|| "—".to_string(), |c| desk.cause_name(c)) }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}

/// Every other request for the same serial number, and separately from the same phone,
/// newest first.
pub fn history(desk: &Desk, d: &RequestDetail) -> Html {
    html! {
        <section aria-labelledby="h-history">
            <h2 id="h-history">{ desk.t("history.heading") }</h2>
            { past_table(desk, "h-history-serial", "history.same_serial", &d.history.same_serial) }
            { past_table(desk, "h-history-phone", "history.same_phone", &d.history.same_phone) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct UnitFormProps {
    pub desk: Desk,
    pub line: String,
    pub serial: String,
    /// The record as kept; `None` for a unit the archive does not have yet.
    pub record: Option<ProductRecord>,
    pub busy: bool,
    /// What the last save said, and whether it saved.
    pub said: Option<(bool, String)>,
    pub save: Callback<ProductRecord>,
}

/// A unit's record to edit (or to add, when the archive does not have it): the serial and
/// line are its key; the rest is what staff may change. Every change is audited.
#[function_component(UnitForm)]
pub fn unit_form(props: &UnitFormProps) -> Html {
    let desk = &props.desk;
    let refs = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    let kept = props.record.clone().unwrap_or_default();
    let onsubmit = {
        let (refs, save) = (refs.clone(), props.save.clone());
        let (line, serial) = (props.line.clone(), props.serial.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let read = |i: usize| value_of(&refs[i]).trim().to_string();
            save.emit(ProductRecord {
                serial_number: serial.clone(),
                product_line: line.clone(),
                model: read(0),
                configuration: read(1),
                produced_on: read(2),
                delivered_on: read(3),
                warranty_months: read(4).parse().ok(),
                owner: read(5),
            });
        })
    };
    let field = |i: usize, key: &str, kind: &str, value: String| {
        let id = ["u-", &i.to_string()].concat();
        html! {
            <div class="field">
                <label for={id.clone()}>{ desk.t(key) }</label>
                <input {id} type={kind.to_string()} ref={refs[i].clone()} {value} />
            </div>
        }
    };
    html! {
        <form class="card" {onsubmit} aria-labelledby="h-unit">
            <h2 id="h-unit">{ format!("{} · {}", desk.line_name(&props.line), props.serial) }</h2>
            if props.record.is_none() {
                <p class="notice">{ desk.t("products.not_found") }</p>
            }
            { field(0, "product.model", "text", kept.model.clone()) }
            { field(1, "product.configuration", "text", kept.configuration.clone()) }
            { field(2, "product.produced_on", "date", kept.produced_on.clone()) }
            { field(3, "product.delivered_on", "date", kept.delivered_on.clone()) }
            { field(4, "product.warranty_months", "number", kept.warranty_months.map(|m| m.to_string()).unwrap_or_default()) }
            { field(5, "product.owner", "text", kept.owner.clone()) }
            <button type="submit" disabled={props.busy}>{ desk.t("products.save") }</button>
            { said(&props.said) }
        </form>
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

#[derive(Properties, PartialEq)]
pub struct ImportFormProps {
    pub desk: Desk,
    pub busy: bool,
    /// The last answer, and whether it was a preview.
    pub summary: Option<(bool, Rc<ImportSummary>)>,
    pub error: Option<String>,
    /// The chosen file, as a preview (`true`) or the import.
    pub run: Callback<(web_sys::File, bool)>,
}

/// Importing records: choose a CSV or Excel file, preview it (every refused row by its line
/// and why), then import it — which a preview with refused rows does not offer.
#[function_component(ImportForm)]
pub fn import_form(props: &ImportFormProps) -> Html {
    let desk = &props.desk;
    let file = use_node_ref();
    let missing = use_state(|| false);
    let send = |dry_run: bool| {
        let (file, run, missing) = (file.clone(), props.run.clone(), missing.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let chosen = file
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            missing.set(chosen.is_none());
            if let Some(chosen) = chosen {
                run.emit((chosen, dry_run));
            }
        })
    };
    let clean_preview = matches!(&props.summary, Some((true, s)) if s.errors.is_empty());
    let outcome = props.summary.as_ref().map(|(dry_run, s)| {
        let counts = desk.tf("products.summary", &[
            ("rows", s.rows.to_string()),
            ("imported", s.imported.to_string()),
            ("updated", s.updated.to_string()),
        ]);
        let verdict = match (dry_run, s.errors.is_empty()) {
            (true, true) => desk.t("products.preview_ok"),
            (_, false) => desk.tf("products.preview_errors", &[("count", s.errors.len().to_string())]),
            (false, true) => desk.t("products.imported"),
        };
        html! {
            <>
                <p>{ verdict }{ " " }{ counts }</p>
                if !s.errors.is_empty() {
                    <table class="import-errors">
                        <caption>{ desk.t("products.errors_caption") }</caption>
                        <thead><tr>
                            <th scope="col">{ desk.t("products.line") }</th>
                            <th scope="col">{ desk.t("products.reason") }</th>
                        </tr></thead>
                        <tbody>
                            { for s.errors.iter().map(|e| html! {
                                <tr><th scope="row">{ e.line }</th><td>{ e.message.clone() }</td></tr>
                            }) }
                        </tbody>
                    </table>
                }
            </>
        }
    });
    html! {
        <section class="card" aria-labelledby="h-import">
            <h2 id="h-import">{ desk.t("products.import") }</h2>
            <p id="i-hint" class="hint">{ desk.t("products.import_hint") }</p>
            <form onsubmit={send(true)}>
                <div class="field">
                    <label for="i-file">{ desk.t("products.file") }</label>
                    <input id="i-file" type="file" ref={file.clone()} aria-describedby="i-hint"
                        accept=".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" />
                </div>
                <button type="submit" disabled={props.busy}>{ desk.t("products.preview") }</button>
            </form>
            if clean_preview {
                <form onsubmit={send(false)}>
                    <button type="submit" disabled={props.busy}>{ desk.t("products.import_submit") }</button>
                </form>
            }
            <div role="status" class="import-outcome">
                if *missing { <p class="error">{ desk.t("products.choose_file") }</p> }
                if let Some(key) = &props.error { <p class="error">{ key.clone() }</p> }
                { for outcome }
            </div>
        </section>
    }
}
