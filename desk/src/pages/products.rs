//! The product archive (产品档案): find a unit by product line and serial number and edit its
//! record (every change audited), and, for leads, import records from CSV or Excel with a
//! preview that lists every refused row.

use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::components::product::{import_form, read_unit, unit_form};
use crate::context::use_desk;
use crate::hooks::products::{use_import, use_unit};
use crate::hooks::title::use_focus_title;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct ProductsProps {
    /// The unit shown, by line and serial number.
    pub unit: Option<(String, String)>,
}

#[function_component(ProductsPage)]
pub fn products_page(props: &ProductsProps) -> Html {
    let desk = use_desk();
    use_focus_title(props.unit.clone());
    let unit = use_unit(&desk, props.unit.clone());
    let import = use_import(&desk);
    let (line_ref, serial_ref, file) = (use_node_ref(), use_node_ref(), use_node_ref());
    let refs = [
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    ];
    let (line, serial) = props.unit.clone().unwrap_or_default();

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
    let on_save = {
        let (refs, save, line, serial) =
            (refs.clone(), unit.save.clone(), line.clone(), serial.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save.emit(read_unit(&line, &serial, &refs));
        })
    };
    // The chosen file, as a preview or the import; "choose a file" when there is none.
    let send = |dry_run: bool| {
        let (file, run) = (file.clone(), import.run.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let chosen = file
                .cast::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            run.emit((chosen, dry_run));
        })
    };
    let unit_view = match (&props.unit, &unit.record) {
        (None, _) => html! {},
        (Some(_), None) => html! { <p class="loading">{ desk.t("loading") }</p> },
        (Some(_), Some(record)) => unit_form(
            &desk,
            (&line, &serial),
            record.as_deref(),
            &refs,
            (unit.busy, &unit.said),
            on_save,
        ),
    };
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
                    { unit_view }
                </div>
                <div>
                    if desk.is_lead() {
                        { import_form(&desk, &file, import.busy, (import.summary.as_ref(), import.error.as_ref()), send(true), send(false)) }
                    } else {
                        <p class="card">{ desk.t("products.import_leads") }</p>
                    }
                </div>
            </div>
        </>
    }
}
