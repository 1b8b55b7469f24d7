//! What the customer is entitled to and what a visit may cost: 三包's notice (core's
//! [`Entitlement`]) and the region's out-of-warranty prices (core's [`ChargeTable`]), as the
//! form shows them. They render what core decided; nothing here judges.

use shouhou_core::charges::{ChargeTable, Province};
use shouhou_core::guarantees::Entitlement;
use shouhou_core::i18n::{t, Messages};
use shouhou_core::{AppConfig, Lang};
use yew::prelude::*;

/// "Your rights under the three guarantees": the rights that follow from the delivery date,
/// the warranty and earlier repairs, with the configured rules' caveat.
pub fn entitlement_notice(lang: Lang, entitlement: &Entitlement) -> Html {
    let text = Messages::builtin().format(
        lang,
        &format!("three_guarantees.{}", entitlement.basis.as_str()),
        &[
            ("days", entitlement.days_since_delivery.unwrap_or_default().to_string()),
            ("count", entitlement.failed_repairs.to_string()),
        ],
    );
    html! {
        <section class="notice rights" aria-labelledby="rights-title">
            <h2 id="rights-title">{ t(lang, "three_guarantees.title") }</h2>
            <p>{ text }</p>
            <p class="hint">{ t(lang, "three_guarantees.note") }</p>
        </section>
    }
}

/// The prices of an out-of-warranty visit where the customer is (or the line's prices for
/// everywhere else), shown with the chargeable notice.
pub fn charges_notice(
    lang: Lang,
    config: &AppConfig,
    table: &ChargeTable,
    province: Option<&Province>,
) -> Html {
    let messages = Messages::builtin();
    let yuan =
        |key: &str, amount: u32| messages.format(lang, key, &[("amount", amount.to_string())]);
    let title = match province {
        Some(p) if !table.provinces.is_empty() => messages.format(
            lang,
            "charges.title",
            &[("province", if lang == Lang::ZhCn { p.zh } else { p.en }.to_string())],
        ),
        _ => t(lang, "charges.title_general").to_string(),
    };
    let part_name = |id: &str| {
        config.parts.iter().find(|p| p.id == id).map_or(id.to_string(), |p| p.name.get(lang).into())
    };
    html! {
        <section class="notice charges" aria-labelledby="charges-title">
            <h2 id="charges-title">{ title }</h2>
            <ul>
                <li>{ yuan("charges.call_out", table.call_out) }</li>
                <li>{ yuan("charges.labour", table.labour) }</li>
                { for table.parts.iter().map(|price| html! {
                    <li>{ messages.format(lang, "charges.part", &[
                        ("part", part_name(&price.part)),
                        ("amount", price.price.to_string()),
                    ]) }</li>
                }) }
            </ul>
        </section>
    }
}
