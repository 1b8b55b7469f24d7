//! What was sent about one request (each notice to the customer and alert to the team, and
//! how its delivery went), read again whenever the live desk hears of a change, and a lead's
//! resend of one that failed for good.

use std::rc::Rc;

use shouhou_core::desk::NoticeRecord;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;

#[derive(Clone, PartialEq)]
pub struct NoticesHandle {
    /// `None` until the first answer.
    pub list: Option<Rc<Vec<NoticeRecord>>>,
    /// The message key of the last read's or resend's failure.
    pub error: Option<String>,
    /// Queues the notice with this id again.
    pub resend: Callback<i64>,
}

#[hook]
pub fn use_notices(desk: &Desk, reference: &str) -> NoticesHandle {
    let list = use_state(|| None::<Rc<Vec<NoticeRecord>>>);
    let error = use_state(|| None::<String>);
    let version = use_state(|| 0u32);
    {
        let (list, error, signed_out) = (list.clone(), error.clone(), desk.signed_out.clone());
        let heard = desk.live.changes;
        use_effect_with((reference.to_string(), *version, heard), move |(reference, _, _)| {
            let reference = reference.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api::notices(&reference).await {
                    Ok(answer) => list.set(Some(Rc::new(answer))),
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        });
    }
    let resend = {
        let (error, signed_out) = (error.clone(), desk.signed_out.clone());
        Callback::from(move |id: i64| {
            let (error, signed_out, version) = (error.clone(), signed_out.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::resend(id).await {
                    Ok(()) => {
                        error.set(None);
                        version.set(version.wrapping_add(1));
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        })
    };
    NoticesHandle { list: (*list).clone(), error: (*error).clone(), resend }
}
