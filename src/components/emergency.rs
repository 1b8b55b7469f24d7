//! The emergency contact (突发事件): the phone number first, as a link to call, then when the
//! line is staffed. Shown before any other text once the request is an emergency.

use shouhou_core::config::EmergencyContact;
use shouhou_core::i18n::t;
use shouhou_core::Lang;
use yew::prelude::*;

/// A number as written for people (`400-800-1234`) as a link a phone can dial.
pub fn tel_href(phone: &str) -> String {
    format!("tel:{}", phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>())
}

/// The notice, as an alert so it is announced the moment it appears.
pub fn emergency_notice(lang: Lang, contact: &EmergencyContact) -> Html {
    html! {
        <div class="notice notice-emergency" role="alert">
            <h2>{ t(lang, "flow.emergency_heading") }</h2>
            <p class="emergency-phone">
                <span class="emergency-label">{ t(lang, "flow.emergency_line") }</span>
                <a href={tel_href(&contact.phone)}>{ &contact.phone }</a>
            </p>
            <p>{ contact.note.get(lang) }</p>
        </div>
    }
}
