//! An emergency (突发事件), in the order that keeps people safe: what to do for safety now, then
//! the public numbers that fit (119, 120, 110, a city's gas repair line), then the company's
//! own line. The company cannot put out a fire, so its number never comes first. Which
//! services fit is the flow's (or core's general list); the numbers are the configuration's.

use shouhou_core::config::{PublicNumber, PublicService};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::{AppConfig, Lang};
use yew::prelude::*;

/// A number as written for people (`400-800-1234`) as a link a phone can dial.
pub fn tel_href(phone: &str) -> String {
    format!("tel:{}", phone.chars().filter(|c| c.is_ascii_digit() || *c == '+').collect::<String>())
}

/// "火警", or "燃气抢修（北京）" for a local line.
fn line_name(lang: Lang, line: &PublicNumber) -> String {
    let service = t(lang, &format!("emergency.service.{}", line.service.as_str())).to_string();
    match &line.region {
        None => service,
        Some(region) => Messages::builtin().format(
            lang,
            "emergency.service_in_region",
            &[("service", service), ("region", region.get(lang).to_string())],
        ),
    }
}

/// "When you're safe, call:", the public lines for `services` in their order, then the
/// company's line with when it is staffed. A gas emergency first says to call from outside.
pub fn emergency_calls(lang: Lang, config: &AppConfig, services: &[PublicService]) -> Html {
    let contact = &config.emergency_contact;
    let lines = config.emergency.lines(services).into_iter().map(|line| {
        html! {
            <li class="emergency-public" data-service={line.service.as_str()}>
                <span class="emergency-label">{ line_name(lang, line) }</span>
                <a href={tel_href(&line.number)}>{ &line.number }</a>
            </li>
        }
    });
    html! {
        <>
            <p class="emergency-then-call">{ t(lang, "emergency.then_call") }</p>
            if services.iter().any(|service| service.call_from_outside()) {
                <p class="emergency-outside"><strong>{ t(lang, "emergency.call_from_outside") }</strong></p>
            }
            <ol class="emergency-calls">
                { for lines }
                <li class="emergency-company">
                    <span class="emergency-label">{ t(lang, "flow.emergency_line") }</span>
                    <a href={tel_href(&contact.phone)}>{ &contact.phone }</a>
                    <span class="emergency-note">{ contact.note.get(lang) }</span>
                </li>
            </ol>
        </>
    }
}

/// The notice on the start and form steps once the request is an emergency: general safety
/// advice, then the calls. An alert, so it is announced the moment it appears.
pub fn emergency_notice(lang: Lang, config: &AppConfig, services: &[PublicService]) -> Html {
    html! {
        <div class="notice notice-emergency" role="alert">
            <h2>{ t(lang, "flow.emergency_heading") }</h2>
            <p class="emergency-safety">{ t(lang, "emergency.safety_general") }</p>
            { emergency_calls(lang, config, services) }
        </div>
    }
}
