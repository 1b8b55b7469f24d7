//! Today's follow-up calls: the list, read again after every call recorded here and whenever
//! the live desk hears of a change (a colleague's call takes it off this list too); which
//! call's form is open; and recording a call, with what it said.

use std::rc::Rc;

use shouhou_core::desk::EventRequest;
use shouhou_core::follow_up::DueCalls;
use shouhou_web::dom::clear;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::forms::Said;

#[derive(Clone, PartialEq)]
pub struct FollowUpsHandle {
    /// `None` until the first answer.
    pub list: Option<Rc<DueCalls>>,
    /// The message key of the last read's failure.
    pub error: Option<String>,
    /// The request whose call is being recorded: the first listed until staff choose another.
    pub open: Option<String>,
    pub choose: Callback<String>,
    /// A call is on its way: the button waits.
    pub busy: bool,
    /// What the last call recorded said, for the request it was about.
    pub said: Option<(String, Said)>,
    /// Records a call on a request; on success the list is read again and the form emptied.
    pub send: Callback<(String, EventRequest, Vec<NodeRef>)>,
    /// The form found something missing (a message key).
    pub refuse: Callback<(String, &'static str)>,
}

#[hook]
pub fn use_follow_ups(desk: &Desk) -> FollowUpsHandle {
    let list = use_state(|| None::<Rc<DueCalls>>);
    let error = use_state(|| None::<String>);
    let version = use_state(|| 0u32);
    let chosen = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let said = use_state(|| None::<(String, Said)>);
    {
        let (list, error, signed_out) = (list.clone(), error.clone(), desk.signed_out.clone());
        use_effect_with((*version, desk.live.changes), move |_| {
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
    let send = {
        let (version, said, busy) = (version.clone(), said.clone(), busy.clone());
        let signed_out = desk.signed_out.clone();
        Callback::from(move |(reference, event, fields): (String, EventRequest, Vec<NodeRef>)| {
            let (version, said, busy) = (version.clone(), said.clone(), busy.clone());
            let signed_out = signed_out.clone();
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::record(&reference, &event).await;
                busy.set(false);
                let (ok, key) = match result {
                    Ok(()) => {
                        fields.iter().for_each(clear);
                        version.set(version.wrapping_add(1));
                        (true, "saved.follow_up".to_string())
                    }
                    Err(e) if api::signed_out(&e) => return signed_out.emit(()),
                    Err(e) => (false, api::message_key(&e)),
                };
                said.set(Some((reference, Said { form: "follow_up", ok, key })));
            });
        })
    };
    let refuse = {
        let said = said.clone();
        Callback::from(move |(reference, key): (String, &'static str)| {
            let said_now = Said { form: "follow_up", ok: false, key: key.to_string() };
            said.set(Some((reference, said_now)))
        })
    };
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
    FollowUpsHandle {
        list: (*list).clone(),
        error: (*error).clone(),
        open,
        choose,
        busy: *busy,
        said: (*said).clone(),
        send,
        refuse,
    }
}
