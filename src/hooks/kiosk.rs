//! Owns kiosk mode on a shared screen: the idle warning and countdown, the wipe of everything a
//! customer left (storage and memory, then a reload), and staff unlocking with the PIN the
//! server checks.

use std::cell::Cell;
use std::rc::Rc;

use shouhou_core::config::Adapter;
use yew::prelude::*;

use crate::components::kiosk::Unlock;
use crate::services::kiosk::unlock;
use crate::state::{Action, AppState, View};
use crate::storage::drafts::Writer;
use crate::storage::settings::{forget_language, set_kiosk_mode};

/// What the kiosk's screens show and do.
#[derive(Clone, PartialEq)]
pub struct KioskHandle {
    /// Seconds left before the reset, while "Are you still there?" is asked.
    pub seconds_left: Option<u32>,
    pub still_here: Callback<()>,
    pub unlock_state: Unlock,
    pub unlock: Callback<String>,
    pub lock: Callback<()>,
    /// Staff: send everything unsent now.
    pub send_now: Callback<()>,
    /// Staff: the device stops being a kiosk.
    pub leave: Callback<()>,
}

/// Input that shows a customer is still at the screen.
const ACTIVITY: [&str; 5] = ["pointerdown", "keydown", "input", "wheel", "touchstart"];

/// Controls that bring up an on-screen keyboard.
const KEYBOARD_FIELDS: &str =
    "textarea, input:not([type=radio]):not([type=checkbox]):not([type=file]):not([type=button])";

/// Scrolls the field being typed into, if any, to the middle of the page's visible part.
fn keep_in_view() {
    let Some(field) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.active_element())
        .filter(|e| e.matches(KEYBOARD_FIELDS).unwrap_or(false))
    else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    field.scroll_into_view_with_scroll_into_view_options(&options);
}

fn now_s() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// A shared touch screen: after `idle_seconds` without input it asks "Are you still there?"
/// for `warning_seconds`, then wipes everything the customer entered — storage and memory —
/// and starts afresh; "Finish" on the receipt does the same. The page is reloaded at the
/// start address, so nothing of the customer stays in the app's memory either. Staff unlock
/// it with the PIN the server checks.
#[hook]
pub fn use_kiosk(
    state: &UseReducerHandle<AppState>,
    writer: Option<Writer>,
    send_outbox: Callback<bool>,
) -> KioskHandle {
    let on = state.kiosk;
    let (idle_s, warning_s) =
        state.config.as_ref().map_or((90, 30), |c| (c.kiosk.idle_seconds, c.kiosk.warning_seconds));
    // Set when the countdown starts (an effect): rendering never reads the clock.
    let last_activity = (*use_memo((), |_| Rc::new(Cell::new(0.0)))).clone();
    let seconds_left = use_state(|| None::<u32>);
    let unlock_state = use_state(|| Unlock::Locked);

    // The reset: what the reducer asked for, carried out against storage, then a reload.
    {
        let writer = writer.clone();
        use_effect_with(state.kiosk_reset, move |asked| {
            if *asked {
                wasm_bindgen_futures::spawn_local(wipe_and_restart(writer));
            }
        });
    }
    // The document's look for touch: bigger type and targets (app.css, `html.kiosk`).
    use_effect_with(on, |on| {
        if let Some(root) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
        {
            let _ = root.class_list().toggle_with_force("kiosk", *on);
        }
    });
    {
        let (state, seconds_left, last_activity) =
            (state.clone(), seconds_left.clone(), last_activity.clone());
        use_effect_with((on, idle_s, warning_s), move |&(on, idle_s, warning_s)| {
            let mut keep = None;
            if on {
                last_activity.set(now_s());
                let window = web_sys::window().expect("a browser window");
                let warned = Rc::new(Cell::new(false));
                let listeners: Vec<_> = ACTIVITY
                    .iter()
                    .map(|kind| {
                        let (last_activity, warned) = (last_activity.clone(), warned.clone());
                        gloo_events::EventListener::new(&window, *kind, move |_| {
                            // While the question is asked, only the answer counts.
                            if !warned.get() {
                                last_activity.set(now_s());
                            }
                        })
                    })
                    .collect();
                // An on-screen keyboard must not cover the field being typed into: when it
                // comes up it resizes the page (the page asks for that:
                // interactive-widget=resizes-content), and the field typed into is then
                // scrolled to the middle of what is left. Not at the focus itself: a slow
                // tablet's keyboard comes up after any fixed wait, and a scroll during the tap
                // would move the target away from under the finger. Once now as well: on a
                // page drawn by the server, the field may have been tapped, and the keyboard
                // come up, before the app took the page over.
                keep_in_view();
                let resize = gloo_events::EventListener::new(&window, "resize", |_| keep_in_view());
                let tick = gloo_timers::callback::Interval::new(1_000, move || {
                    let idle = now_s() - last_activity.get();
                    let left = f64::from(idle_s + warning_s) - idle;
                    if idle < f64::from(idle_s) {
                        warned.set(false);
                        if seconds_left.is_some() {
                            seconds_left.set(None);
                        }
                    } else if left <= 0.0 {
                        state.dispatch(Action::KioskReset);
                    } else {
                        warned.set(true);
                        seconds_left.set(Some(left.ceil() as u32));
                    }
                });
                keep = Some((listeners, resize, tick));
            }
            move || drop(keep)
        });
    }

    let still_here = {
        let (seconds_left, last_activity) = (seconds_left.clone(), last_activity.clone());
        Callback::from(move |()| {
            last_activity.set(now_s());
            seconds_left.set(None);
        })
    };
    let unlock_cb = {
        let (state, unlock_state) = (state.clone(), unlock_state.clone());
        Callback::from(move |pin: String| {
            // No configuration: it could not be fetched, so there is no server to ask.
            let Some(config) = state.config.clone() else {
                return unlock_state.set(Unlock::Offline);
            };
            if config.backend.adapter != Adapter::Shouhou {
                return unlock_state.set(Unlock::NotSet);
            }
            unlock_state.set(Unlock::Checking);
            let (unlock_state, lang) = (unlock_state.clone(), state.lang);
            let (state, setup) = (state.clone(), state.view == View::KioskSetup);
            wasm_bindgen_futures::spawn_local(async move {
                let answer = Unlock::answered(unlock(&config.backend.url, &pin, lang).await);
                // Staff vouched for the device: it becomes a kiosk, wiped and started afresh.
                if setup && answer == Unlock::Unlocked {
                    set_kiosk_mode(true);
                    state.dispatch(Action::KioskReset);
                }
                unlock_state.set(answer);
            });
        })
    };
    let lock = {
        let unlock_state = unlock_state.clone();
        Callback::from(move |()| unlock_state.set(Unlock::Locked))
    };
    let send_now = Callback::from(move |()| send_outbox.emit(true));
    let leave = {
        let (state, unlock_state) = (state.clone(), unlock_state.clone());
        Callback::from(move |()| {
            if *unlock_state == Unlock::Unlocked {
                set_kiosk_mode(false);
                state.dispatch(Action::KioskReset);
            }
        })
    };
    KioskHandle {
        seconds_left: *seconds_left,
        still_here,
        unlock_state: (*unlock_state).clone(),
        unlock: unlock_cb,
        lock,
        send_now,
        leave,
    }
}

/// Everything the customer left — drafts, photos, delivered requests, the journal, session
/// storage, their language — gone; unsent requests stay to be delivered. Then the page
/// starts afresh at the start address, with nothing of them in memory.
pub async fn wipe_and_restart(writer: Option<Writer>) {
    if let Some(writer) = &writer {
        writer.flushed().await;
        writer.store().wipe_for_next_customer().await;
    }
    forget_language();
    let window = web_sys::window().expect("a browser window");
    if let Ok(Some(session)) = window.session_storage() {
        let _ = session.clear();
    }
    let _ = window.location().replace("/");
}
