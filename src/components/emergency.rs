//! The emergency contact (突发事件): the phone number first, as a link to call, then when the
//! line is staffed. Shown before any other text once the request is an emergency.

use shouhou_core::config::EmergencyContact;
use shouhou_core::i18n::t;
use shouhou_core::Lang;
use yew::prelude::*;

/// The notice, as an alert so it is announced the moment it appears.
pub fn emergency_notice(lang: Lang, contact: &EmergencyContact) -> Html {
    let digits: String =
        contact.phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect();
    html! {
        <div class="notice notice-emergency" role="alert">
            <h2>{ t(lang, "flow.emergency_heading") }</h2>
            <p class="emergency-phone">
                <span class="emergency-label">{ t(lang, "flow.emergency_line") }</span>
                <a href={format!("tel:{digits}")}>{ &contact.phone }</a>
            </p>
            <p>{ contact.note.get(lang) }</p>
        </div>
    }
}
