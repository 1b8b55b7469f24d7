//! Owns "look up my product": asking the intake server's product archive about the serial
//! number the customer typed, and filling the form from what it knows (core's
//! [`DraftEvent::OnRecord`](shouhou_core::DraftEvent::OnRecord)).

use shouhou_web::http::HttpError;
use yew::prelude::*;

use super::use_app;
use crate::ids::now_ms;
use crate::services::{intake_api, products};
use crate::state::Action;

/// Where the look-up stands, for the line under the button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Idle,
    /// Nothing to look up yet: the serial number is empty.
    SerialFirst,
    Busy,
    /// The archive knows it: line, model (the draft now holds them).
    Found {
        line: String,
        model: String,
    },
    NotFound,
    /// Offline, rate-limited or the server failed: the customer fills the form in instead.
    Failed,
}

/// The look-up's state and the button's callback; `None` where the backend is not
/// Shouhou's intake server (no archive to ask).
#[hook]
pub fn use_product_lookup() -> Option<(Lookup, Callback<MouseEvent>)> {
    let ctx = use_app();
    let lookup = use_state(|| Lookup::Idle);
    let state = ctx.state.clone();
    let base_url = state.config.as_deref().and_then(intake_api)?;
    let on_look_up = {
        let lookup = lookup.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(draft) = state.draft.as_ref() else { return };
            let fields = &draft.fields;
            let serial = fields.serial_number.trim().to_string();
            if serial.is_empty() {
                lookup.set(Lookup::SerialFirst);
                return;
            }
            let line = fields.product_line.trim().to_string();
            let component = fields.troubleshooting.as_ref().and_then(|t| t.component.clone());
            let (state, lookup, base_url, lang) =
                (state.clone(), lookup.clone(), base_url.clone(), state.lang);
            lookup.set(Lookup::Busy);
            wasm_bindgen_futures::spawn_local(async move {
                let answer =
                    products::look_up(&base_url, &serial, &line, component.as_deref(), lang).await;
                lookup.set(match answer {
                    Ok(found) => {
                        let shown = Lookup::Found {
                            line: found.product_line.clone(),
                            model: found.model.clone(),
                        };
                        state.dispatch(Action::OnRecord { found, now_ms: now_ms() });
                        shown
                    }
                    Err(HttpError::Refused(refusal)) if refusal.status == 404 => Lookup::NotFound,
                    Err(_) => Lookup::Failed,
                });
            });
        })
    };
    Some(((*lookup).clone(), on_look_up))
}
