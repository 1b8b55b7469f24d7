//! The quality report (质量报告) of a period: requests and repeat repairs by model, resolved
//! requests by fault cause, the parts used most, and a chart of repairs by month per model
//! (drawn as SVG, with the same numbers as a table for those who do not see it).

use std::collections::BTreeMap;

use shouhou_core::quality::QualityReport;
use yew::prelude::*;

use super::data_table;
use crate::context::Desk;

/// Colours of the chart's models, told apart on white and from each other (the first six
/// models by repairs; the rest are in the table).
const COLOURS: [&str; 6] = ["#1f5f8b", "#b35900", "#2e7d32", "#8e24aa", "#c62828", "#5d4037"];

fn model_name(desk: &Desk, model: &str) -> String {
    if model.is_empty() {
        desk.t("quality.unknown_model")
    } else {
        model.to_string()
    }
}

/// Repairs by month per model: grouped bars, a legend, and the table behind them.
fn chart(desk: &Desk, report: &QualityReport) -> Html {
    let mut models: Vec<&str> = Vec::new();
    for row in &report.by_model {
        if row.repairs > 0 && !models.contains(&row.model.as_str()) && models.len() < COLOURS.len()
        {
            models.push(&row.model);
        }
    }
    let mut months: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for m in &report.repairs_by_month {
        let bars = months.entry(&m.month).or_insert_with(|| vec![0; models.len()]);
        if let Some(i) = models.iter().position(|model| *model == m.model) {
            bars[i] += m.repairs;
        }
    }
    if months.is_empty() || models.is_empty() {
        return html! { <p class="muted">{ desk.t("figures.no_requests") }</p> };
    }
    let max = months.values().flatten().copied().max().unwrap_or(1).max(1);
    let (bar, gap, height) = (14, 18, 120);
    let group = bar * models.len() as i64 + gap;
    let width = group * months.len() as i64 + gap;
    let title = desk.t("quality.chart");
    let mut heads = vec![desk.t("figures.month")];
    heads.extend(models.iter().map(|m| model_name(desk, m)));
    html! {
        <figure class="chart">
            <svg viewBox={format!("0 0 {width} {}", height + 20)} role="img" aria-label={title.clone()}
                width={width.to_string()} height={(height + 20).to_string()}>
                { for months.iter().enumerate().flat_map(|(i, (month, bars))| {
                    let x0 = gap + i as i64 * group;
                    let label = html! {
                        <text x={x0.to_string()} y={(height + 15).to_string()} font-size="10">{ month.to_string() }</text>
                    };
                    let rects = bars.iter().enumerate().map(move |(j, n)| {
                        let h = n * height / max;
                        html! {
                            <rect x={(x0 + j as i64 * bar).to_string()} y={(height - h).to_string()}
                                width={(bar - 2).to_string()} height={h.to_string()} fill={COLOURS[j]} />
                        }
                    });
                    std::iter::once(label).chain(rects).collect::<Vec<_>>()
                }) }
            </svg>
            <figcaption>
                <ul class="legend">
                    { for models.iter().enumerate().map(|(j, model)| html! {
                        <li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill={COLOURS[j]} /></svg>
                            { " " }{ model_name(desk, model) }</li>
                    }) }
                </ul>
                <details>
                    <summary>{ desk.t("quality.chart_caption") }</summary>
                    { data_table(None, &heads,
                        months.iter().map(|(month, bars)| (html! { { month.to_string() } }, bars.iter().map(i64::to_string).collect()))) }
                </details>
            </figcaption>
        </figure>
    }
}

/// The report's tables and chart.
pub fn quality(desk: &Desk, report: &QualityReport) -> Html {
    let t = |key: &str| desk.t(key);
    let none = || html! { <p class="muted">{ t("figures.no_requests") }</p> };
    let section = |id: &str, key: &str, body: Html| {
        html! {
            <section class="card" aria-labelledby={id.to_string()}>
                <h3 id={id.to_string()}>{ t(key) }</h3>
                { body }
            </section>
        }
    };
    let by_model = data_table(
        None,
        &[
            t("quality.model"),
            t("product.product_line"),
            t("quality.requests"),
            t("quality.repairs"),
            t("quality.repeats"),
        ],
        report.by_model.iter().map(|row| {
            let cells = vec![
                desk.line_name(&row.product_line),
                row.requests.to_string(),
                row.repairs.to_string(),
                row.repeat_repairs.to_string(),
            ];
            (html! { { model_name(desk, &row.model) } }, cells)
        }),
    );
    let by_cause = data_table(
        None,
        &[t("history.cause"), t("quality.requests")],
        report.by_cause.iter().map(|(cause, n)| {
            let name = if cause == "none" { t("cause.none") } else { desk.cause_name(cause) };
            (html! { { name } }, vec![n.to_string()])
        }),
    );
    let parts = data_table(
        None,
        &[t("quality.part"), t("quality.quantity"), t("quality.repairs")],
        report.top_parts.iter().map(|p| {
            (
                html! { { desk.part_name(&p.part) } },
                vec![p.quantity.to_string(), p.repairs.to_string()],
            )
        }),
    );
    html! {
        <section aria-labelledby="h-quality">
            <h2 id="h-quality">{ t("quality.heading") }</h2>
            { section("h-q-model", "quality.by_model", if report.by_model.is_empty() { none() } else { by_model }) }
            <div class="tables">
                { section("h-q-cause", "quality.by_cause", if report.by_cause.is_empty() { none() } else { by_cause }) }
                { section("h-q-parts", "quality.top_parts", if report.top_parts.is_empty() { none() } else { parts }) }
            </div>
            { section("h-q-chart", "quality.chart", chart(desk, report)) }
        </section>
    }
}
