//! One request as staff work it: its detail (read again after every change), the flow its
//! customer walked (so the transcript reads as words), the colleagues to assign to, and
//! sending what staff do, with what each form should say afterwards.

use std::rc::Rc;

use shouhou_core::desk::{EventRequest, Member, RequestDetail};
use shouhou_core::flow::is_plain_id;
use shouhou_core::flow::transcript::FlowWords;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::forms::{Form, Said};
use crate::hooks::record::use_recorder;

/// The request and what can be done with it.
#[derive(Clone, PartialEq)]
pub struct RequestHandle {
    pub detail: Option<Rc<RequestDetail>>,
    /// The message key of the last read's failure.
    pub error: Option<String>,
    /// The flow the customer walked, when it could be fetched and is the version they walked.
    pub flow: Option<Rc<FlowWords>>,
    pub members: Rc<Vec<Member>>,
    /// An action is on its way: the forms' buttons wait.
    pub busy: bool,
    pub said: Option<Said>,
    /// Sends a form's event; on success the request is read again and the form's controls
    /// (the node refs) are emptied.
    pub send: Callback<(Form, EventRequest, Vec<NodeRef>)>,
    /// A form found something missing: says so under it (a message key).
    pub refuse: Callback<(Form, &'static str)>,
    /// Staff typed in the reply: colleagues are told, at most every few seconds.
    pub typing: Callback<()>,
}

#[hook]
pub fn use_request(desk: &Desk, reference: &str) -> RequestHandle {
    let detail = use_state(|| None::<Rc<RequestDetail>>);
    let error = use_state(|| None::<String>);
    let flow = use_state(|| None::<Rc<FlowWords>>);
    let members = use_state(|| Rc::new(Vec::<Member>::new()));
    let recorder = use_recorder(desk);

    {
        let (detail, error, signed_out) = (detail.clone(), error.clone(), desk.signed_out.clone());
        // Read again after this desk's own action and whenever the live desk hears of a
        // change (a colleague's, the customer's, a notice's delivery).
        let heard = desk.live.changes;
        use_effect_with(
            (reference.to_string(), recorder.recorded, heard),
            move |(reference, _, _)| {
                let reference = reference.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match api::request(&reference).await {
                        Ok(answer) => {
                            detail.set(Some(Rc::new(answer)));
                            error.set(None);
                        }
                        Err(e) if api::signed_out(&e) => signed_out.emit(()),
                        Err(e) => error.set(Some(api::message_key(&e))),
                    }
                });
            },
        );
    }
    // Colleagues to assign to, offered as the login is typed; the field still takes any login.
    {
        let members = members.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = api::members().await {
                    members.set(Rc::new(list));
                }
            });
        });
    }
    // Without the flow (an old version, a flow since removed) the transcript shows ids.
    {
        let flow = flow.clone();
        let walked = detail
            .as_ref()
            .and_then(|d| d.request.troubleshooting.as_ref())
            .map(|t| (t.flow_id.clone(), t.flow_version))
            .filter(|(id, _)| is_plain_id(id));
        use_effect_with(walked, move |walked| {
            if let Some((id, version)) = walked.clone() {
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(found) = api::flow(&id).await {
                        if found.id == id && found.version == version {
                            flow.set(Some(Rc::new(found)));
                        }
                    }
                });
            }
        });
    }

    let send = {
        let (send, reference) = (recorder.send.clone(), reference.to_string());
        Callback::from(move |(form, event, fields): (Form, EventRequest, Vec<NodeRef>)| {
            send.emit((reference.clone(), form, event, fields))
        })
    };
    // Told again while typing goes on, so colleagues' desks keep showing it; not per key.
    let typing = {
        let (reference, last) = (reference.to_string(), use_mut_ref(|| f64::MIN));
        Callback::from(move |()| {
            let now = js_sys::Date::now();
            if now - *last.borrow() < TYPING_TOLD_EVERY_MS {
                return;
            }
            *last.borrow_mut() = now;
            let reference = reference.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Only a courtesy to colleagues: a failure changes nothing for this desk.
                let _ = api::typing(&reference).await;
            });
        })
    };
    RequestHandle {
        detail: (*detail).clone(),
        error: (*error).clone(),
        flow: (*flow).clone(),
        members: (*members).clone(),
        busy: recorder.busy,
        said: recorder.said,
        send,
        refuse: recorder.refuse,
        typing,
    }
}

/// How often a desk tells that its member of staff is still typing (the colleagues' desks
/// show it for a while after each).
const TYPING_TOLD_EVERY_MS: f64 = 3_000.0;
