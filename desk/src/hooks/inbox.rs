//! The inbox's list: fetched for the filters, again whenever the live desk hears of a change
//! (any request's) and on demand; an answer to older filters never replaces a newer one.

use std::rc::Rc;

use shouhou_core::desk::{Inbox, InboxFilter};
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::time;

/// The list as last fetched.
#[derive(Clone, PartialEq)]
pub struct InboxHandle {
    /// `None` until the first answer.
    pub inbox: Option<Rc<Inbox>>,
    /// The message key of the last fetch's failure.
    pub error: Option<String>,
    /// When the list was last fetched, on the browser's clock (`HH:MM:SS`).
    pub updated: String,
    /// Fetches it again now.
    pub refresh: Callback<()>,
}

#[hook]
pub fn use_inbox(desk: &Desk, filter: &InboxFilter) -> InboxHandle {
    let inbox = use_state(|| None::<Rc<Inbox>>);
    let error = use_state(|| None::<String>);
    let updated = use_state(String::new);
    let tick = use_state(|| 0u32);
    // Which fetch is the latest.
    let generation = use_mut_ref(|| 0u32);

    {
        let (inbox, error, updated) = (inbox.clone(), error.clone(), updated.clone());
        let (signed_out, lang) = (desk.signed_out.clone(), desk.lang);
        use_effect_with((filter.clone(), *tick, desk.live.changes), move |(filter, _, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let filter = filter.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::inbox(&filter).await;
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(answer) => {
                        inbox.set(Some(Rc::new(answer)));
                        error.set(None);
                        updated.set(time::clock(lang));
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        });
    }
    let refresh = Callback::from(move |()| tick.set(tick.wrapping_add(1)));
    InboxHandle {
        inbox: (*inbox).clone(),
        error: (*error).clone(),
        updated: (*updated).clone(),
        refresh,
    }
}
