//! Recording what staff do with a request, for the screens that do it (a request's own, and
//! today's follow-ups): one action at a time, what it said afterwards, the form's controls
//! emptied once it is stored, and a count of the actions recorded so the screen reads again.

use shouhou_core::desk::EventRequest;
use shouhou_web::dom::clear;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::forms::{Form, Said};

/// An action on request `.0` from form `.1`, and the controls to empty once it is stored.
pub type Action = (String, Form, EventRequest, Vec<NodeRef>);

#[derive(Clone, PartialEq)]
pub struct Recorder {
    /// An action is on its way: the forms' buttons wait.
    pub busy: bool,
    pub said: Option<Said>,
    /// How many actions this screen has recorded: what it reads again after.
    pub recorded: u32,
    pub send: Callback<Action>,
    /// A form found something missing: says so (a message key).
    pub refuse: Callback<(Form, &'static str)>,
}

#[hook]
pub fn use_recorder(desk: &Desk) -> Recorder {
    let busy = use_state(|| false);
    let said = use_state(|| None::<Said>);
    let recorded = use_state(|| 0u32);
    let send = {
        let (recorded, said, busy) = (recorded.clone(), said.clone(), busy.clone());
        let (signed_out, lang) = (desk.signed_out.clone(), desk.lang);
        Callback::from(move |(reference, form, event, fields): Action| {
            let (recorded, said, busy) = (recorded.clone(), said.clone(), busy.clone());
            let signed_out = signed_out.clone();
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::record(&reference, &event, lang).await;
                busy.set(false);
                match result {
                    Ok(()) => {
                        fields.iter().for_each(clear);
                        said.set(Some(Said::ok(form, ["saved.", form].concat())));
                        recorded.set(recorded.wrapping_add(1));
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => said.set(Some(Said {
                        server: api::server_words(&e),
                        ..Said::refused(form, api::message_key(&e))
                    })),
                }
            });
        })
    };
    let refuse = {
        let said = said.clone();
        Callback::from(move |(form, key): (Form, &'static str)| {
            said.set(Some(Said::refused(form, key.to_string())))
        })
    };
    Recorder { busy: *busy, said: (*said).clone(), recorded: *recorded, send, refuse }
}
