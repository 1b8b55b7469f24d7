//! The figures for a period (leads only): the three rates against the after-sales targets,
//! with bars, the other counts, and the CSV export of the period's requests.

use std::collections::BTreeMap;

use shouhou_core::desk::Figures;
use shouhou_core::i18n::Lang;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Ctx;
use crate::i18n::{label, trf};
use crate::time;
use crate::widgets::value_of;

fn percent(rate: f64) -> String {
    format!("{:.0} %", rate * 100.0)
}

/// A bar's width as a class (`w-0` … `w-100` in steps of 5): the strict CSP allows no
/// inline style.
fn width_class(rate: f64) -> String {
    let step = ((rate.clamp(0.0, 1.0) * 20.0).round() as u32) * 5;
    format!("w-{step}")
}

fn rate_html(
    ctx: &Ctx,
    id: &str,
    name_key: &str,
    rate: Option<f64>,
    target: f64,
    counts: String,
) -> Html {
    let lang = ctx.lang;
    let verdict = match rate {
        None => ctx.t("figures.nothing_counted"),
        Some(r) if r + 1e-9 >= target => ctx.t("figures.meets"),
        Some(_) => ctx.t("figures.below"),
    };
    let value = rate.map_or_else(|| ctx.t("figures.none"), percent);
    let good = rate.is_some_and(|r| r + 1e-9 >= target);
    html! {
        <div class="rate card" id={id.to_string()}>
            <h3>{ ctx.t(name_key) }</h3>
            <p class="rate-value"><strong>{ value }</strong>{ " · " }{ trf(lang, "figures.target", &[("target", percent(target))]) }</p>
            <div class="bar" aria-hidden="true">
                <div class={classes!("bar-fill", width_class(rate.unwrap_or(0.0)), if good { "good" } else { "short" })}></div>
                <div class={classes!("bar-target", width_class(target))}></div>
            </div>
            <p>{ verdict }{ " · " }{ counts }</p>
        </div>
    }
}

fn table(
    ctx: &Ctx,
    id: &str,
    title_key: &str,
    group: &str,
    counts: &BTreeMap<String, i64>,
) -> Html {
    let lang: Lang = ctx.lang;
    let max = counts.values().copied().max().unwrap_or(0).max(1);
    html! {
        <section aria-labelledby={id.to_string()} class="card">
            <h3 id={id.to_string()}>{ ctx.t(title_key) }</h3>
            if counts.is_empty() {
                <p class="muted">{ ctx.t("figures.no_requests") }</p>
            } else {
                <table class="counts-table">
                    <thead><tr><th scope="col">{ ctx.t(title_key) }</th><th scope="col">{ ctx.t("figures.count") }</th></tr></thead>
                    <tbody>
                        { for counts.iter().map(|(key, n)| {
                            let name = if group == "line" { ctx.line_name(key) } else { label(lang, group, key) };
                            html! {
                                <tr>
                                    <th scope="row">{ name }</th>
                                    <td>
                                        <span class="mini-bar" aria-hidden="true"><span class={classes!("bar-fill", width_class(*n as f64 / max as f64))}></span></span>
                                        { n }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[function_component(FiguresPage)]
pub fn figures_page() -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    crate::app::use_focus_title(());
    let lang = ctx.lang;
    let period = use_state(|| (time::month_start(), time::today()));
    let figures = use_state(|| None::<Figures>);
    let error = use_state(|| None::<String>);
    let from_ref = use_node_ref();
    let to_ref = use_node_ref();

    {
        let (figures, error) = (figures.clone(), error.clone());
        let signed_out = ctx.signed_out.clone();
        let allowed = ctx.is_lead();
        use_effect_with((*period).clone(), move |(from, to)| {
            let path = format!(
                "/figures{}",
                api::query(&[("from", Some(from.clone())), ("to", Some(to.clone()))])
            );
            if allowed {
                wasm_bindgen_futures::spawn_local(async move {
                    match api::get::<Figures>(&path).await {
                        Ok(answer) => {
                            figures.set(Some(answer));
                            error.set(None);
                        }
                        Err(ApiError::Unauthorized) => signed_out.emit(()),
                        Err(e) => {
                            figures.set(None);
                            error.set(Some(e.message_key()));
                        }
                    }
                });
            }
        });
    }

    let heading = html! { <h1 id="page-title" tabindex="-1">{ ctx.t("figures.heading") }</h1> };
    if !ctx.is_lead() {
        return html! { <>{ heading }<p>{ ctx.t("figures.leads_only") }</p></> };
    }

    let onsubmit = {
        let (period, from_ref, to_ref) = (period.clone(), from_ref.clone(), to_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            period.set((value_of(&from_ref), value_of(&to_ref)));
        })
    };
    let (from, to) = (*period).clone();
    let export = format!(
        "{}/export.csv{}",
        api::BASE,
        api::query(&[("from", Some(from.clone())), ("to", Some(to.clone()))])
    );

    let body = figures.as_ref().map(|f| {
        let n = |v: i64| v.to_string();
        html! {
            <>
                <section aria-labelledby="h-rates">
                    <h2 id="h-rates">{ trf(lang, "figures.rates", &[("from", f.from.clone()), ("to", f.to.clone())]) }</h2>
                    <div class="rates">
                        { rate_html(&ctx, "rate-follow-up", "figures.follow_up_rate", f.follow_up_rate, f.targets.follow_up_rate,
                            trf(lang, "figures.follow_up_counts", &[("part", n(f.follow_up.followed_up)), ("whole", n(f.follow_up.resolved))])) }
                        { rate_html(&ctx, "rate-satisfaction", "figures.satisfaction_rate", f.satisfaction_rate, f.targets.satisfaction_rate,
                            trf(lang, "figures.satisfaction_counts", &[("part", n(f.satisfaction.satisfied)), ("whole", n(f.satisfaction.ratings)),
                                ("customers", n(f.satisfaction.from_customers)), ("follow_ups", n(f.satisfaction.from_follow_ups))])) }
                        { rate_html(&ctx, "rate-timeliness", "figures.timeliness_rate", f.timeliness_rate, f.targets.timeliness_rate,
                            trf(lang, "figures.timeliness_counts", &[("part", n(f.timeliness.on_time)), ("whole", n(f.timeliness.due))])) }
                    </div>
                </section>
                <section aria-labelledby="h-other">
                    <h2 id="h-other">{ ctx.t("figures.other") }</h2>
                    <dl class="summary card">
                        <dt>{ ctx.t("figures.requests") }</dt><dd>{ f.requests }</dd>
                        <dt>{ ctx.t("figures.deflections") }</dt><dd>{ f.deflections }</dd>
                        <dt>{ ctx.t("figures.in_warranty") }</dt><dd>{ f.in_warranty_repairs }</dd>
                        <dt>{ ctx.t("figures.out_of_warranty") }</dt><dd>{ f.out_of_warranty_repairs }</dd>
                        <dt>{ ctx.t("figures.median_hours") }</dt>
                        <dd>{ f.median_hours_to_resolve.map_or_else(|| ctx.t("figures.none"), |h| trf(lang, "figures.hours", &[("hours", format!("{h:.1}"))])) }</dd>
                    </dl>
                    <div class="tables">
                        { table(&ctx, "h-by-intent", "figures.by_intent", "intent", &f.by_intent) }
                        { table(&ctx, "h-by-category", "figures.by_category", "category", &f.by_category) }
                        { table(&ctx, "h-by-line", "figures.by_product_line", "line", &f.by_product_line) }
                    </div>
                    <section aria-labelledby="h-months" class="card">
                        <h3 id="h-months">{ ctx.t("figures.repairs_by_month") }</h3>
                        if f.repairs_by_month.is_empty() {
                            <p class="muted">{ ctx.t("figures.no_requests") }</p>
                        } else {
                            <table class="counts-table">
                                <thead><tr>
                                    <th scope="col">{ ctx.t("figures.month") }</th>
                                    <th scope="col">{ ctx.t("figures.in_warranty") }</th>
                                    <th scope="col">{ ctx.t("figures.out_of_warranty") }</th>
                                </tr></thead>
                                <tbody>
                                    { for f.repairs_by_month.iter().map(|m| html! {
                                        <tr><th scope="row">{ m.month.clone() }</th><td>{ m.in_warranty }</td><td>{ m.out_of_warranty }</td></tr>
                                    }) }
                                </tbody>
                            </table>
                        }
                    </section>
                </section>
            </>
        }
    });

    html! {
        <>
            { heading }
            <form class="card period" {onsubmit} aria-label={ctx.t("figures.period")}>
                <div class="field">
                    <label for="p-from">{ ctx.t("figures.from") }</label>
                    <input id="p-from" type="date" ref={from_ref} value={from} />
                </div>
                <div class="field">
                    <label for="p-to">{ ctx.t("figures.to") }</label>
                    <input id="p-to" type="date" ref={to_ref} value={to} />
                </div>
                <div class="field">
                    <button type="submit">{ ctx.t("figures.show") }</button>
                </div>
                <div class="field">
                    <a class="button secondary" href={export} download="">{ ctx.t("figures.export") }</a>
                </div>
            </form>
            <div>
                if let Some(key) = &*error {
                    <p class="error" role="alert">{ ctx.t(key) }</p>
                }
                { for body }
            </div>
        </>
    }
}
