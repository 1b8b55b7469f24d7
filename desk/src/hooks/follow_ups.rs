//! Today's follow-up calls: the list, read again after every call recorded here and whenever
//! the live desk hears of a change (a colleague's call takes it off this list too), which
//! call's form is open, and recording a call ([`super::record`]).

use std::rc::Rc;

use shouhou_core::follow_up::DueCalls;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::hooks::record::{use_recorder, Recorder};

#[derive(Clone, PartialEq)]
pub struct FollowUpsHandle {
    /// `None` until the first answer.
    pub list: Option<Rc<DueCalls>>,
    /// The message key of the last read's failure.
    pub error: Option<String>,
    /// The request whose call is being recorded: the first listed until staff choose another.
    pub open: Option<String>,
    pub choose: Callback<String>,
    pub recorder: Recorder,
}

#[hook]
pub fn use_follow_ups(desk: &Desk) -> FollowUpsHandle {
    let list = use_state(|| None::<Rc<DueCalls>>);
    let error = use_state(|| None::<String>);
    let chosen = use_state(|| None::<String>);
    let recorder = use_recorder(desk);
    {
        let (list, error, signed_out) = (list.clone(), error.clone(), desk.signed_out.clone());
        use_effect_with((recorder.recorded, desk.live.changes), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api::due_calls().await {
                    Ok(answer) => {
                        list.set(Some(Rc::new(answer)));
                        error.set(None);
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        });
    }
    // The chosen call while it is listed; else the first.
    let calls = list.as_ref().map(|l| l.calls.as_slice()).unwrap_or_default();
    let open = match &*chosen {
        Some(reference) if calls.iter().any(|c| &c.reference == reference) => {
            Some(reference.clone())
        }
        _ => calls.first().map(|c| c.reference.clone()),
    };
    let choose = {
        let chosen = chosen.clone();
        Callback::from(move |reference: String| chosen.set(Some(reference)))
    };
    FollowUpsHandle { list: (*list).clone(), error: (*error).clone(), open, choose, recorder }
}
