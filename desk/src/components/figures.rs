//! The figures' pieces: a rate against its target (with bars), the other counts, a count
//! per kind with a small bar each, and repairs per month.

use std::collections::BTreeMap;

use shouhou_core::desk::Figures;
use yew::prelude::*;

use super::data_table;
use crate::context::Desk;
use crate::format::{hours, meets, percent, width_class};

/// One of the three rates: its value and target, a bar of each, whether it meets the
/// target, and what it counted (`counts`, already in words).
pub fn rate(
    desk: &Desk,
    id: &str,
    name_key: &str,
    rate: Option<f64>,
    target: f64,
    counts: String,
) -> Html {
    let good = rate.is_some_and(|r| meets(r, target));
    let verdict = match rate {
        None => "figures.nothing_counted",
        Some(_) if good => "figures.meets",
        Some(_) => "figures.below",
    };
    let value = rate.map_or_else(|| desk.t("figures.none"), percent);
    html! {
        <div class="rate card" id={id.to_string()}>
            <h3>{ desk.t(name_key) }</h3>
            <p class="rate-value"><strong>{ value }</strong>{ " · " }{ desk.tf("figures.target", &[("target", percent(target))]) }</p>
            <div class="bar" aria-hidden="true">
                <div class={classes!("bar-fill", width_class(rate.unwrap_or(0.0)), if good { "good" } else { "short" })}></div>
                <div class={classes!("bar-target", width_class(target))}></div>
            </div>
            <p>{ desk.t(verdict) }{ " · " }{ counts }</p>
        </div>
    }
}

/// The three rates of a period, each with what it counted.
pub fn rates(desk: &Desk, f: &Figures) -> Html {
    let n = |v: i64| v.to_string();
    html! {
        <div class="rates">
            // Against the target: the requests it is measured on; every request's beside it.
            { rate(desk, "rate-follow-up", "figures.follow_up_rate", f.counted_follow_up.rate(), f.targets.follow_up_rate,
                desk.tf("figures.follow_up_counts", &[("part", n(f.counted_follow_up.followed_up)), ("whole", n(f.counted_follow_up.resolved)),
                    ("all", f.follow_up.rate().map_or_else(|| desk.t("figures.none"), percent)),
                    ("all_part", n(f.follow_up.followed_up)), ("all_whole", n(f.follow_up.resolved))])) }
            { rate(desk, "rate-satisfaction", "figures.satisfaction_rate", f.satisfaction.rate(), f.targets.satisfaction_rate,
                desk.tf("figures.satisfaction_counts", &[("part", n(f.satisfaction.satisfied)), ("whole", n(f.satisfaction.ratings)),
                    ("customers", n(f.satisfaction.from_customers)), ("follow_ups", n(f.satisfaction.from_follow_ups))])) }
            { rate(desk, "rate-timeliness", "figures.timeliness_rate", f.timeliness.rate(), f.targets.timeliness_rate,
                desk.tf("figures.timeliness_counts", &[("part", n(f.timeliness.on_time)), ("whole", n(f.timeliness.due))])) }
        </div>
    }
}

/// The period's other figures: requests, problems solved by troubleshooting, repairs in and
/// out of warranty, the median time to resolve.
pub fn summary(desk: &Desk, f: &Figures) -> Html {
    let median = f.median_hours_to_resolve.map_or_else(
        || desk.t("figures.none"),
        |h| desk.tf("figures.hours", &[("hours", hours(h))]),
    );
    let item = |key: &str, value: String| html! { <><dt>{ desk.t(key) }</dt><dd>{ value }</dd></> };
    html! {
        <dl class="summary card">
            { item("figures.requests", f.requests.to_string()) }
            { item("figures.deflections", f.deflections.to_string()) }
            { item("figures.in_warranty", f.in_warranty_repairs.to_string()) }
            { item("figures.out_of_warranty", f.out_of_warranty_repairs.to_string()) }
            { item("figures.median_hours", median) }
        </dl>
    }
}

/// A count per kind (`group`: `intent`, `category`, or `line` for product lines), each with
/// a bar against the largest.
pub fn counts(
    desk: &Desk,
    id: &str,
    title_key: &str,
    group: &str,
    counts: &BTreeMap<String, i64>,
) -> Html {
    let max = counts.values().copied().max().unwrap_or(0).max(1);
    html! {
        <section aria-labelledby={id.to_string()} class="card">
            <h3 id={id.to_string()}>{ desk.t(title_key) }</h3>
            if counts.is_empty() {
                <p class="muted">{ desk.t("figures.no_requests") }</p>
            } else {
                { data_table(None, &[desk.t(title_key), desk.t("figures.count")], counts.iter().map(|(key, n)| {
                    let name = if group == "line" { desk.line_name(key) } else { desk.label(group, key) };
                    let bar = html! {
                        <>{ name }{ " " }<span class="mini-bar" aria-hidden="true"><span class={classes!("bar-fill", width_class(*n as f64 / max as f64))}></span></span></>
                    };
                    (bar, vec![n.to_string()])
                })) }
            }
        </section>
    }
}

/// Repairs per month, in and out of warranty.
pub fn months(desk: &Desk, f: &Figures) -> Html {
    html! {
        <section aria-labelledby="h-months" class="card">
            <h3 id="h-months">{ desk.t("figures.repairs_by_month") }</h3>
            if f.repairs_by_month.is_empty() {
                <p class="muted">{ desk.t("figures.no_requests") }</p>
            } else {
                { data_table(
                    None,
                    &["figures.month", "figures.in_warranty", "figures.out_of_warranty"].map(|k| desk.t(k)),
                    f.repairs_by_month.iter().map(|m| {
                        (html! { { m.month.clone() } }, vec![m.in_warranty.to_string(), m.out_of_warranty.to_string()])
                    }),
                ) }
            }
        </section>
    }
}
