//! The live desk: one `EventSource` on `/api/v1/staff/stream` while someone is signed in.
//! Each `change` the server sends (a new request, an entry, a notice's delivery, an
//! escalation, on any instance) is counted, so the inbox and an open request read themselves
//! again within moments instead of every 30 seconds. A `typing` event names a colleague
//! typing a reply, shown until they stop for a few seconds. The browser reconnects by itself
//! after a dropped connection or a server restart, sending the last event id it had, and the
//! server sends every change since.

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
    let now = live.borrow().clone();
    now
}

type Listener = Closure<dyn FnMut(web_sys::MessageEvent)>;

/// How long a colleague's typing is shown after their last keystroke was heard (the desk
/// sends one every few seconds while someone types).
const TYPING_SHOWN_MS: u32 = 6_000;

fn listen(
    live: Rc<RefCell<Live>>,
    redraw: UseForceUpdateHandle,
) -> Option<(web_sys::EventSource, [Listener; 2])> {
    let source = web_sys::EventSource::new("/api/v1/staff/stream").ok()?;
    let changed = {
        let (live, redraw) = (live.clone(), redraw.clone());
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            let mut now = live.borrow_mut();
            now.changes = now.changes.wrapping_add(1);
            drop(now);
            redraw.force_update();
        })
    };
    let typing =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Some(data) = event.data().as_string() else { return };
            let Ok(signal) = js_sys::JSON::parse(&data) else { return };
            let text = |key: &str| js_sys::Reflect::get(&signal, &key.into()).ok()?.as_string();
            let (Some(reference), Some(login)) = (text("reference"), text("login")) else { return };
            let shown = Rc::new((reference, login));
            live.borrow_mut().typing = Some(shown.clone());
            redraw.force_update();
            // Cleared unless a newer keystroke replaced it meanwhile.
            let (live, redraw) = (live.clone(), redraw.clone());
            gloo_timers::callback::Timeout::new(TYPING_SHOWN_MS, move || {
                let mut now = live.borrow_mut();
                if now.typing.as_ref().is_some_and(|t| Rc::ptr_eq(t, &shown)) {
                    now.typing = None;
                    drop(now);
                    redraw.force_update();
                }
            })
            .forget();
        });
    let _ = source.add_event_listener_with_callback("change", changed.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("typing", typing.as_ref().unchecked_ref());
    Some((source, [changed, typing]))
}
