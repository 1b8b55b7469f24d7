//! The live desk: one `EventSource` on `/api/v1/staff/stream` while someone is signed in.
//! Each `change` the server sends (a new request, an entry, a notice's delivery, an
//! escalation, on any instance) is counted, in all and per request, so the inbox and an open
//! request read themselves again within moments instead of every 30 seconds; each `typing`
//! says which colleague is typing a reply where. The browser reconnects by itself after a
//! dropped connection or a server restart, sending the last event id it had, and the server
//! sends every change since.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::context::Live;

#[derive(serde::Deserialize)]
struct Said {
    reference: String,
    #[serde(default)]
    login: Option<String>,
}

#[hook]
pub fn use_live(signed_in: bool) -> Live {
    let live = use_mut_ref(Live::default);
    let redraw = use_force_update();
    {
        let live = live.clone();
        use_effect_with(signed_in, move |&signed_in| {
            let stream = signed_in.then(|| listen(live, redraw)).flatten();
            move || {
                if let Some((source, _listeners)) = stream {
                    source.close();
                }
            }
        });
    }
    let now = live.borrow().clone();
    now
}

type Listener = Closure<dyn FnMut(web_sys::MessageEvent)>;

fn listen(
    live: Rc<RefCell<Live>>,
    redraw: UseForceUpdateHandle,
) -> Option<(web_sys::EventSource, [Listener; 2])> {
    let source = web_sys::EventSource::new("/api/v1/staff/stream").ok()?;
    let on = |kind: &'static str| {
        let (live, redraw) = (live.clone(), redraw.clone());
        let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                let Some(said) = event
                    .data()
                    .as_string()
                    .and_then(|data| serde_json::from_str::<Said>(&data).ok())
                else {
                    return;
                };
                {
                    let mut live = live.borrow_mut();
                    match (kind, said.login) {
                        ("typing", Some(login)) => {
                            live.typing = Some((said.reference, login, js_sys::Date::now()));
                        }
                        _ => {
                            live.changes = live.changes.wrapping_add(1);
                            let seen = Rc::make_mut(&mut live.seen);
                            *seen.entry(said.reference).or_insert(0) += 1;
                        }
                    }
                }
                redraw.force_update();
            },
        );
        let _ = source.add_event_listener_with_callback(kind, listener.as_ref().unchecked_ref());
        listener
    };
    let listeners = [on("change"), on("typing")];
    Some((source, listeners))
}
