//! The product archive's screen: one unit's record read and saved, and an import checked
//! (a dry run) or applied, with what the server said of each.

use std::rc::Rc;

use shouhou_core::product::{ImportSummary, ProductRecord};
use shouhou_web::http::HttpError;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;

/// What a failure says on this screen: the server's own words for a refused record (they
/// name the field), else the desk's message for the failure.
fn said_of(desk: &Desk, error: &HttpError) -> String {
    match error {
        HttpError::Refused(refusal) if refusal.status == 422 => {
            desk.tf("error.invalid_record", &[("detail", refusal.message())])
        }
        other => desk.t(&api::message_key(other)),
    }
}

/// One unit, by line and serial.
#[derive(Clone, PartialEq)]
pub struct UnitHandle {
    /// `None` while reading; `Some(None)` when the archive does not have it (the form adds it).
    pub record: Option<Option<Rc<ProductRecord>>>,
    pub busy: bool,
    /// What the last save said, and whether it was saved.
    pub said: Option<(bool, String)>,
    pub save: Callback<ProductRecord>,
}

/// The unit `unit` names (nothing is read without one).
#[hook]
pub fn use_unit(desk: &Desk, unit: Option<(String, String)>) -> UnitHandle {
    let record = use_state(|| None::<Option<Rc<ProductRecord>>>);
    let busy = use_state(|| false);
    let said = use_state(|| None::<(bool, String)>);
    {
        let (record, said, desk) = (record.clone(), said.clone(), desk.clone());
        use_effect_with(unit, move |unit| {
            let Some((line, serial)) = unit.clone() else { return };
            record.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::product(&line, &serial).await {
                    Ok(found) => record.set(Some(Some(Rc::new(found)))),
                    Err(e) if api::signed_out(&e) => desk.signed_out.emit(()),
                    Err(e) if e.status() == Some(404) => record.set(Some(None)),
                    Err(e) => said.set(Some((false, said_of(&desk, &e)))),
                }
            });
        });
    }
    let save = {
        let (record, busy, said, desk) = (record.clone(), busy.clone(), said.clone(), desk.clone());
        Callback::from(move |edited: ProductRecord| {
            let (record, busy, said, desk) =
                (record.clone(), busy.clone(), said.clone(), desk.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::save_product(&edited).await;
                busy.set(false);
                match answer {
                    Ok(kept) => {
                        record.set(Some(Some(Rc::new(kept))));
                        said.set(Some((true, desk.t("products.saved"))));
                    }
                    Err(e) if api::signed_out(&e) => desk.signed_out.emit(()),
                    Err(e) => said.set(Some((false, said_of(&desk, &e)))),
                }
            });
        })
    };
    UnitHandle { record: (*record).clone(), busy: *busy, said: (*said).clone(), save }
}

/// An import: the last answer, for a dry run (a preview) or the real thing.
#[derive(Clone, PartialEq)]
pub struct ImportHandle {
    pub busy: bool,
    /// The last answer and whether it was a dry run.
    pub summary: Option<(bool, Rc<ImportSummary>)>,
    pub error: Option<String>,
    /// Sends the file (none chosen: says so), as a dry run when `true`.
    pub run: Callback<(Option<web_sys::File>, bool)>,
}

#[hook]
pub fn use_import(desk: &Desk) -> ImportHandle {
    let busy = use_state(|| false);
    let summary = use_state(|| None::<(bool, Rc<ImportSummary>)>);
    let error = use_state(|| None::<String>);
    let run = {
        let (busy, summary, error, desk) =
            (busy.clone(), summary.clone(), error.clone(), desk.clone());
        Callback::from(move |(file, dry_run): (Option<web_sys::File>, bool)| {
            let (busy, summary, error, desk) =
                (busy.clone(), summary.clone(), error.clone(), desk.clone());
            let Some(file) = file else {
                error.set(Some(desk.t("products.choose_file")));
                return;
            };
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::import_products(file, dry_run).await;
                busy.set(false);
                match answer {
                    Ok(answer) => summary.set(Some((dry_run, Rc::new(answer)))),
                    Err(e) if api::signed_out(&e) => desk.signed_out.emit(()),
                    Err(e) => {
                        summary.set(None);
                        error.set(Some(said_of(&desk, &e)));
                    }
                }
            });
        })
    };
    ImportHandle { busy: *busy, summary: (*summary).clone(), error: (*error).clone(), run }
}
