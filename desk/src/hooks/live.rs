//! The live desk: one `EventSource` on `/api/v1/staff/stream` while someone is signed in.
//! Each `change` the server sends (a new request, an entry, a notice's delivery, an
//! escalation, on any instance) is counted, so the inbox and an open request read themselves
//! again within moments instead of every 30 seconds. The browser reconnects by itself after
//! a dropped connection or a server restart, sending the last event id it had, and the server
//! sends every change since.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::context::Live;

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
    let now = *live.borrow();
    now
}

type Listener = Closure<dyn FnMut(web_sys::MessageEvent)>;

fn listen(
    live: Rc<RefCell<Live>>,
    redraw: UseForceUpdateHandle,
) -> Option<(web_sys::EventSource, Listener)> {
    let source = web_sys::EventSource::new("/api/v1/staff/stream").ok()?;
    let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        let mut now = live.borrow_mut();
        now.changes = now.changes.wrapping_add(1);
        drop(now);
        redraw.force_update();
    });
    let _ = source.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    Some((source, listener))
}
