//! Owns when the outbox is sent: once storage and configuration are ready, when the browser
//! comes back online, on a retry timer while something waits, and on demand; what the sender
//! reports goes into the reducer.

use std::cell::Cell;
use std::rc::Rc;

use yew::prelude::*;

use crate::sender::{send_due, SenderReport};
use crate::state::{Action, AppState};
use crate::storage::drafts::Writer;

/// How often a waiting outbox item is checked for its retry time.
const RETRY_TICK_MS: u32 = 3_000;

/// The outbox sender: returns the callback that sends what is due now (`true`: everything
/// unsent, backoff or not). It runs by itself once storage and configuration are ready,
/// whenever the browser comes back online, and every few seconds while something waits for
/// its backed-off retry.
#[hook]
pub fn use_outbox_sender(
    state: &UseReducerHandle<AppState>,
    writer: Option<Writer>,
) -> Callback<bool> {
    // Whether the outbox holds anything unsent: the retry timer only works when it does.
    let pending = use_memo((), |_| Rc::new(Cell::new(false)));
    let ready = writer.is_some() && state.config.is_some();
    let send_outbox = {
        let (state, pending) = (state.clone(), (*pending).clone());
        Callback::from(move |everything: bool| {
            let (Some(writer), Some(config)) = (&writer, &state.config) else { return };
            let report = {
                let (state, pending) = (state.clone(), pending.clone());
                Callback::from(move |report| match report {
                    SenderReport::Outbox(items) => {
                        pending.set(items.iter().any(|item| !item.is_sent()));
                        state.dispatch(Action::OutboxChanged(items));
                    }
                    SenderReport::Returned { draft, message, fields } => {
                        state.dispatch(Action::Returned { draft, message, fields })
                    }
                })
            };
            send_due(writer.clone(), config.clone(), state.lang, everything, state.kiosk, report);
        })
    };
    {
        let send_outbox = send_outbox.clone();
        let pending = (*pending).clone();
        use_effect_with(ready, move |ready| {
            let mut keep = None;
            if *ready {
                send_outbox.emit(false);
                let window = web_sys::window().expect("a browser window");
                let on_online = {
                    let send_outbox = send_outbox.clone();
                    gloo_events::EventListener::new(&window, "online", move |_| {
                        send_outbox.emit(true)
                    })
                };
                let timer = gloo_timers::callback::Interval::new(RETRY_TICK_MS, move || {
                    if pending.get() {
                        send_outbox.emit(false);
                    }
                });
                keep = Some((on_online, timer));
            }
            move || drop(keep)
        });
    }
    send_outbox
}
