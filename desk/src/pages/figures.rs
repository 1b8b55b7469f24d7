//! The figures for a period (leads only): the three rates against the after-sales targets,
//! with bars, the other counts, the quality report (by model, cause and part, repairs by
//! month per model), and the CSV exports of the period's requests and of its quality report.

use shouhou_web::dom::value_of;
use yew::prelude::*;

use crate::api::{self, Period};
use crate::components::figures::{counts, months, rates, summary};
use crate::components::quality::quality;
use crate::context::use_desk;
use crate::hooks::figures::use_figures;
use crate::hooks::title::use_focus_title;
use crate::time;

#[function_component(FiguresPage)]
pub fn figures_page() -> Html {
    let desk = use_desk();
    use_focus_title(());
    let period = use_state(|| Period { from: time::month_start(), to: time::today() });
    let shown = use_figures(&desk, &period);
    let (from_ref, to_ref) = (use_node_ref(), use_node_ref());

    let heading = html! { <h1 id="page-title" tabindex="-1">{ desk.t("figures.heading") }</h1> };
    if !desk.is_lead() {
        return html! { <>{ heading }<p>{ desk.t("figures.leads_only") }</p></> };
    }
    let onsubmit = {
        let (period, from_ref, to_ref) = (period.clone(), from_ref.clone(), to_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            period.set(Period { from: value_of(&from_ref), to: value_of(&to_ref) });
        })
    };
    let body = shown.figures.as_deref().map(|f| html! {
        <>
            <section aria-labelledby="h-rates">
                <h2 id="h-rates">{ desk.tf("figures.rates", &[("from", f.from.clone()), ("to", f.to.clone())]) }</h2>
                { rates(&desk, f) }
            </section>
            <section aria-labelledby="h-other">
                <h2 id="h-other">{ desk.t("figures.other") }</h2>
                { summary(&desk, f) }
                <div class="tables">
                    { counts(&desk, "h-by-intent", "figures.by_intent", "intent", &f.by_intent) }
                    { counts(&desk, "h-by-category", "figures.by_category", "category", &f.by_category) }
                    { counts(&desk, "h-by-line", "figures.by_product_line", "line", &f.by_product_line) }
                </div>
                { months(&desk, f) }
            </section>
        </>
    });
    let report = shown.quality.as_deref().map(|report| quality(&desk, report));

    html! {
        <>
            { heading }
            <form class="card period" {onsubmit} aria-label={desk.t("figures.period")}>
                <div class="field">
                    <label for="p-from">{ desk.t("figures.from") }</label>
                    <input id="p-from" type="date" ref={from_ref} value={period.from.clone()} />
                </div>
                <div class="field">
                    <label for="p-to">{ desk.t("figures.to") }</label>
                    <input id="p-to" type="date" ref={to_ref} value={period.to.clone()} />
                </div>
                <div class="field">
                    <button type="submit">{ desk.t("figures.show") }</button>
                </div>
                <div class="field">
                    <a class="button secondary" href={api::export_url(&period)} download="">{ desk.t("figures.export") }</a>
                </div>
                <div class="field">
                    <a class="button secondary" href={api::quality_csv_url(&period)} download="">{ desk.t("quality.export") }</a>
                </div>
            </form>
            <div>
                if let Some(key) = &shown.error {
                    <p class="error" role="alert">{ desk.t(key) }</p>
                }
                { for body }
                { for report }
            </div>
        </>
    }
}
