//! The product archive (产品档案): find a unit by product line and serial number and edit its
//! record (every change audited), and, for leads, import records from CSV or Excel with a
//! preview that lists every refused row.

use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::components::product::{ImportForm, UnitForm};
use crate::context::{use_desk, Desk};
use crate::hooks::products::{use_import, use_unit};
use crate::hooks::title::use_focus_title;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct ProductsProps {
    /// The unit shown, by line and serial number.
    pub unit: Option<(String, String)>,
}

#[derive(Properties, PartialEq)]
struct UnitProps {
    desk: Desk,
    line: String,
    serial: String,
}

/// One unit: read, then the form to edit (or add) it.
#[function_component(Unit)]
fn unit(props: &UnitProps) -> Html {
    let unit = use_unit(&props.desk, &props.line, &props.serial);
    match &unit.record {
        None => html! { <p class="loading">{ props.desk.t("loading") }</p> },
        Some(record) => html! {
            <UnitForm key={format!("{}/{}", props.line, props.serial)} desk={props.desk.clone()}
                line={props.line.clone()} serial={props.serial.clone()}
                record={record.as_deref().cloned()} busy={unit.busy} said={unit.said.clone()} save={unit.save.clone()} />
        },
    }
}

#[function_component(ProductsPage)]
pub fn products_page(props: &ProductsProps) -> Html {
    let desk = use_desk();
    use_focus_title(props.unit.clone());
    let import = use_import(&desk);
    let (line_ref, serial_ref) = (use_node_ref(), use_node_ref());
    let on_find = {
        let (line_ref, serial_ref) = (line_ref.clone(), serial_ref.clone());
        let navigate = desk.navigate.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let serial = value_of(&serial_ref).trim().to_string();
            if !serial.is_empty() {
                navigate.emit(Route::Product(value_of(&line_ref), serial));
            }
        })
    };
    let (line, serial) = props.unit.clone().unwrap_or_default();
    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ desk.t("products.heading") }</h1>
            <div class="columns">
                <div>
                    <form class="card" onsubmit={on_find} aria-labelledby="h-find">
                        <h2 id="h-find">{ desk.t("products.find") }</h2>
                        <div class="field">
                            <label for="f-line">{ desk.t("product.product_line") }</label>
                            <select id="f-line" ref={line_ref}>
                                { for desk.lines().iter().map(|l| html! {
                                    <option value={l.id.clone()} selected={l.id == line}>{ l.name.get(desk.lang).to_string() }</option>
                                }) }
                            </select>
                        </div>
                        <div class="field">
                            <label for="f-serial">{ desk.t("product.serial_number") }</label>
                            <input id="f-serial" ref={serial_ref} value={serial.clone()} autocomplete="off" spellcheck="false" />
                        </div>
                        <button type="submit">{ desk.t("products.find_submit") }</button>
                    </form>
                    if props.unit.is_some() {
                        <Unit desk={desk.clone()} {line} {serial} />
                    }
                </div>
                <div>
                    if desk.is_lead() {
                        <ImportForm desk={desk.clone()} busy={import.busy} summary={import.summary.clone()}
                            error={import.error.clone()} run={import.run.clone()} />
                    } else {
                        <p class="card">{ desk.t("products.import_leads") }</p>
                    }
                </div>
            </div>
        </>
    }
}
