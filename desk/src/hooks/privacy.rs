//! The personal-data screen (leads): the audit trail a page at a time, and one customer's
//! data erased on their request, with what the server said.

use std::rc::Rc;

use shouhou_core::desk::AuditEntry;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;

#[derive(Clone, PartialEq)]
pub struct AuditHandle {
    /// The lines read so far, newest first.
    pub entries: Rc<Vec<AuditEntry>>,
    /// Whether an older page is there to read.
    pub more: bool,
    pub loading: bool,
    pub error: Option<String>,
    /// Reads the next (older) page below the lines shown.
    pub read_more: Callback<()>,
    /// Reads the trail again from its newest line.
    pub reload: Callback<()>,
}

#[derive(Clone, PartialEq)]
struct Pages {
    entries: Rc<Vec<AuditEntry>>,
    next: Option<String>,
}

#[hook]
pub fn use_audit(desk: &Desk) -> AuditHandle {
    let pages = use_state(|| Pages { entries: Rc::default(), next: None });
    let loading = use_state(|| true);
    let error = use_state(|| None::<String>);
    // A page read after `after` (an earlier page's `next`), added below; `None`: from the top.
    let read = {
        let (pages, loading, error, desk) =
            (pages.clone(), loading.clone(), error.clone(), desk.clone());
        Callback::from(move |after: Option<String>| {
            let (pages, loading, error, desk) =
                (pages.clone(), loading.clone(), error.clone(), desk.clone());
            loading.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::audit(after.as_deref()).await;
                loading.set(false);
                match answer {
                    Ok(page) => {
                        let mut entries =
                            if after.is_some() { (*pages.entries).clone() } else { Vec::new() };
                        entries.extend(page.entries);
                        pages.set(Pages { entries: Rc::new(entries), next: page.next });
                        error.set(None);
                    }
                    Err(e) if api::signed_out(&e) => desk.signed_out.emit(()),
                    Err(e) => error.set(Some(desk.t(&api::message_key(&e)))),
                }
            });
        })
    };
    {
        let (read, lead) = (read.clone(), desk.is_lead());
        use_effect_with(lead, move |lead| {
            if *lead {
                read.emit(None);
            }
        });
    }
    let read_more = {
        let (read, next) = (read.clone(), pages.next.clone());
        Callback::from(move |()| read.emit(next.clone()))
    };
    AuditHandle {
        entries: Rc::clone(&pages.entries),
        more: pages.next.is_some(),
        loading: *loading,
        error: (*error).clone(),
        read_more,
        reload: read.reform(|()| None),
    }
}

#[derive(Clone, PartialEq)]
pub struct ErasureHandle {
    pub busy: bool,
    /// What the last erasure said, and whether it was done.
    pub said: Option<(bool, String)>,
    /// Erases the data of the customer given by this contact.
    pub erase: Callback<String>,
}

/// `done` is told after each erasure (the audit trail has a line more).
#[hook]
pub fn use_erasure(desk: &Desk, done: Callback<()>) -> ErasureHandle {
    let busy = use_state(|| false);
    let said = use_state(|| None::<(bool, String)>);
    let erase = {
        let (busy, said, desk) = (busy.clone(), said.clone(), desk.clone());
        Callback::from(move |contact: String| {
            let (busy, said, desk, done) = (busy.clone(), said.clone(), desk.clone(), done.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::erase(&contact).await;
                busy.set(false);
                match answer {
                    Ok(erased) => {
                        let count = erased.requests.to_string();
                        said.set(Some((true, desk.tf("privacy.erased", &[("count", count)]))));
                        done.emit(());
                    }
                    Err(e) if api::signed_out(&e) => desk.signed_out.emit(()),
                    Err(e) if e.status() == Some(422) => {
                        said.set(Some((false, desk.t("privacy.contact_invalid"))))
                    }
                    Err(e) => said.set(Some((false, desk.t(&api::message_key(&e))))),
                }
            });
        })
    };
    ErasureHandle { busy: *busy, said: (*said).clone(), erase }
}
