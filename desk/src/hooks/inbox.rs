//! The inbox's list: fetched for the filters, again whenever the live desk hears of a change
//! (any request's) and on demand, and followed by its next page when staff ask for more; an
//! answer to older filters never replaces a newer one.

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
    /// Adds the next page below the list; `None` on the last page.
    pub more: Option<Callback<()>>,
    /// A next page is being read.
    pub reading_more: bool,
}

#[hook]
pub fn use_inbox(desk: &Desk, filter: &InboxFilter) -> InboxHandle {
    let inbox = use_state(|| None::<Rc<Inbox>>);
    let error = use_state(|| None::<String>);
    let updated = use_state(String::new);
    let tick = use_state(|| 0u32);
    let reading_more = use_state(|| false);
    // Which filters' fetch is the latest; a page read for older filters is dropped.
    let generation = use_mut_ref(|| 0u32);
    // The list on screen and its filters: a change reads it again as far as it was loaded.
    let shown = use_mut_ref(|| (None::<InboxFilter>, None::<Rc<Inbox>>));

    {
        let (inbox, error, updated) = (inbox.clone(), error.clone(), updated.clone());
        let (signed_out, lang) = (desk.signed_out.clone(), desk.lang);
        let (generation, shown) = (generation.clone(), shown.clone());
        use_effect_with((filter.clone(), *tick, desk.live.changes), move |(filter, _, _)| {
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            let filter = filter.clone();
            let rows = match &*shown.borrow() {
                (Some(before), Some(list)) if *before == filter => list.requests.len(),
                _ => 0,
            };
            wasm_bindgen_futures::spawn_local(async move {
                let mut answer = api::inbox(&filter).await;
                while let Ok(list) = &answer {
                    let Some(after) = list.to_read_again(rows) else { break };
                    let page = InboxFilter { after: Some(after.to_string()), ..filter.clone() };
                    answer = match api::inbox(&page).await {
                        Ok(page) => Ok(list.followed_by(page)),
                        Err(e) => Err(e),
                    };
                }
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(list) => {
                        let list = Rc::new(list);
                        *shown.borrow_mut() = (Some(filter), Some(list.clone()));
                        inbox.set(Some(list));
                        error.set(None);
                        updated.set(time::clock(lang));
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        });
    }
    let more = inbox.as_ref().and_then(|list| list.next.clone()).map(|next| {
        let (inbox, error, reading_more) = (inbox.clone(), error.clone(), reading_more.clone());
        let (signed_out, filter) = (desk.signed_out.clone(), filter.clone());
        Callback::from(move |()| {
            let mine = *generation.borrow();
            let (inbox, error, reading_more) = (inbox.clone(), error.clone(), reading_more.clone());
            let (signed_out, shown) = (signed_out.clone(), shown.clone());
            let generation = generation.clone();
            let page = InboxFilter { after: Some(next.clone()), ..filter.clone() };
            reading_more.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::inbox(&page).await;
                reading_more.set(false);
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(page) => {
                        let Some(list) = shown.borrow().1.clone() else { return };
                        let list = Rc::new(list.followed_by(page));
                        shown.borrow_mut().1 = Some(list.clone());
                        inbox.set(Some(list));
                        error.set(None);
                    }
                    Err(e) if api::signed_out(&e) => signed_out.emit(()),
                    Err(e) => error.set(Some(api::message_key(&e))),
                }
            });
        })
    });
    let refresh = Callback::from(move |()| tick.set(tick.wrapping_add(1)));
    InboxHandle {
        inbox: (*inbox).clone(),
        error: (*error).clone(),
        updated: (*updated).clone(),
        refresh,
        more,
        reading_more: *reading_more,
    }
}
