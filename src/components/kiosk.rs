//! A kiosk's own pieces: "Are you still there?" before the idle reset, and the staff panel
//! behind the PIN. They show and report; the kiosk hook decides.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::outbox::{OutboxItem, OutboxStatus};
use shouhou_core::Lang;
use shouhou_web::dom::focus;
use shouhou_web::http::HttpError;
use yew::prelude::*;

use super::fields::typed_into;

/// Where the staff panel's PIN stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Unlock {
    /// Not asked yet, or the panel was closed.
    Locked,
    Checking,
    Unlocked,
    WrongPin,
    /// Too many tries: wait this many seconds.
    Limited(u64),
    /// No connection: staff functions need the server.
    Offline,
    /// The server has no PIN set (or the backend is not Shouhou's server).
    NotSet,
}

impl Unlock {
    /// What the server's answer to a PIN means: a 401 is a wrong PIN, a 429 too many tries
    /// (for its `Retry-After`, else a minute); any other refusal means no PIN is set.
    pub fn answered(answer: Result<(), HttpError>) -> Unlock {
        match answer {
            Ok(()) => Unlock::Unlocked,
            Err(HttpError::Offline) => Unlock::Offline,
            Err(HttpError::Refused(refusal)) if refusal.status == 401 => Unlock::WrongPin,
            Err(HttpError::Refused(refusal)) if refusal.status == 429 => Unlock::Limited(
                refusal.retry_after.and_then(|v| v.trim().parse().ok()).unwrap_or(60),
            ),
            Err(_) => Unlock::NotSet,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct IdleDialogProps {
    pub lang: Lang,
    pub seconds_left: u32,
    pub still_here: Callback<()>,
}

/// The warning before the reset: an alert dialog with a visible countdown and one button
/// that gives the customer the full time again (WCAG 2.2.1).
#[component]
pub fn IdleDialog(props: &IdleDialogProps) -> Html {
    let button = use_node_ref();
    {
        let button = button.clone();
        use_effect_with((), move |_| focus(&button));
    }
    let lang = props.lang;
    let onclick = {
        let still_here = props.still_here.clone();
        Callback::from(move |_: MouseEvent| still_here.emit(()))
    };
    let countdown = Messages::builtin().format(
        lang,
        "kiosk.idle_text",
        &[("seconds", props.seconds_left.to_string())],
    );
    html! {
        <div class="dialog-backdrop">
            <div class="dialog" role="alertdialog" aria-modal="true"
                aria-labelledby="idle-heading" aria-describedby="idle-text">
                <h2 id="idle-heading">{ t(lang, "kiosk.idle_heading") }</h2>
                <p id="idle-text" class="countdown">{ countdown }</p>
                <button type="button" class="primary" ref={button} {onclick}>{ t(lang, "kiosk.still_here") }</button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct StaffPanelProps {
    pub lang: Lang,
    pub unlock_state: Unlock,
    pub on_unlock: Callback<String>,
    pub on_close: Callback<()>,
    /// What staff see once unlocked (none of it in setup, which ends at the PIN).
    #[prop_or_default]
    pub outbox: Vec<OutboxItem>,
    #[prop_or_default]
    pub on_send_now: Callback<()>,
    #[prop_or_default]
    pub on_leave: Callback<()>,
    /// At `/kiosk` on a device that is not one yet: the PIN makes it a kiosk (and wipes it),
    /// so a link to `/kiosk` cannot do that to a customer's phone.
    #[prop_or_default]
    pub setup: bool,
}

/// Staff at the kiosk: the PIN first; then the outbox as counts and states only (nothing
/// personal), "send now", and leaving kiosk mode. Or, in setup, the PIN that makes the
/// device a kiosk, after saying what that deletes.
#[component]
pub fn StaffPanel(props: &StaffPanelProps) -> Html {
    let lang = props.lang;
    let pin = use_state(String::new);
    let heading = use_node_ref();
    {
        let heading = heading.clone();
        use_effect_with(props.unlock_state == Unlock::Unlocked, move |_| focus(&heading));
    }
    let messages = Messages::builtin();
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    let setup = props.setup;
    // In setup, a PIN taken is the device being wiped and reloaded as a kiosk.
    let body = if props.unlock_state == Unlock::Unlocked && !setup {
        let count = |wanted: fn(&OutboxStatus) -> bool| {
            props.outbox.iter().filter(|item| wanted(&item.status)).count().to_string()
        };
        let waiting = count(|s| matches!(s, OutboxStatus::Queued | OutboxStatus::Failed { .. }));
        let sending = count(|s| *s == OutboxStatus::Sending);
        let sent = count(|s| matches!(s, OutboxStatus::Sent { .. }));
        let send_now = {
            let on_send_now = props.on_send_now.clone();
            Callback::from(move |_: MouseEvent| on_send_now.emit(()))
        };
        let leave = {
            let on_leave = props.on_leave.clone();
            Callback::from(move |_: MouseEvent| on_leave.emit(()))
        };
        html! {
            <>
                <ul class="staff-counts">
                    <li>{ messages.format(lang, "kiosk.count_waiting", &[("count", waiting)]) }</li>
                    <li>{ messages.format(lang, "kiosk.count_sending", &[("count", sending)]) }</li>
                    <li>{ messages.format(lang, "kiosk.count_sent", &[("count", sent)]) }</li>
                </ul>
                <div class="actions">
                    <button type="button" class="primary" onclick={send_now}>{ t(lang, "kiosk.send_now") }</button>
                    <button type="button" class="secondary" onclick={leave}>{ t(lang, "kiosk.leave") }</button>
                </div>
            </>
        }
    } else {
        let oninput = typed_into(&pin);
        let onsubmit = {
            let (pin, on_unlock) = (pin.clone(), props.on_unlock.clone());
            Callback::from(move |event: SubmitEvent| {
                event.prevent_default();
                on_unlock.emit((*pin).clone());
            })
        };
        let problem = match &props.unlock_state {
            Unlock::WrongPin => Some(t(lang, "kiosk.pin_wrong").to_string()),
            Unlock::Limited(seconds) => Some(messages.format(
                lang,
                "kiosk.pin_limited",
                &[("seconds", seconds.to_string())],
            )),
            Unlock::Offline if setup => Some(t(lang, "kiosk.setup_offline").to_string()),
            Unlock::Offline => Some(t(lang, "kiosk.pin_offline").to_string()),
            Unlock::NotSet if setup => Some(t(lang, "kiosk.setup_not_set").to_string()),
            Unlock::NotSet => Some(t(lang, "kiosk.pin_not_set").to_string()),
            _ => None,
        };
        let checking = matches!(props.unlock_state, Unlock::Checking | Unlock::Unlocked);
        let submit = if setup { "kiosk.setup_submit" } else { "kiosk.pin_submit" };
        html! {
            <form novalidate=true {onsubmit}>
                if setup {
                    <p>{ t(lang, "kiosk.setup_text") }</p>
                }
                <div class={classes!("field", problem.as_ref().map(|_| "field-error"))}>
                    <label for="f-kiosk-pin">{ t(lang, "kiosk.pin_label") }</label>
                    if let Some(problem) = &problem {
                        <p class="error-message" id="f-kiosk-pin-error" role="alert">{ problem }</p>
                    }
                    <input id="f-kiosk-pin" name="pin" type="password" inputmode="numeric"
                        autocomplete="off" value={(*pin).clone()} {oninput}
                        aria-describedby={problem.as_ref().map(|_| "f-kiosk-pin-error")} />
                </div>
                <div class="actions">
                    <button type="submit" class="primary" disabled={checking}>{ t(lang, submit) }</button>
                </div>
            </form>
        }
    };
    html! {
        <section class="staff-panel" aria-labelledby="staff-heading">
            // In setup the panel is the page, so its heading is the page's.
            if setup {
                <h1 id="staff-heading" tabindex="-1" ref={heading}>{ t(lang, "kiosk.setup_heading") }</h1>
            } else {
                <h2 id="staff-heading" tabindex="-1" ref={heading}>{ t(lang, "kiosk.staff_heading") }</h2>
            }
            { body }
            <div class="actions">
                <button type="button" class="secondary" onclick={close}>{ t(lang, "kiosk.close") }</button>
            </div>
        </section>
    }
}
