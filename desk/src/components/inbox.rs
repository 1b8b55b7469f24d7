//! The inbox's pieces: a count per status (each a toggle of the status filter), the filters,
//! and the table of requests.

use shouhou_core::desk::{Inbox, InboxFilter};
use shouhou_core::schema::{Category, Intent, Priority};
use shouhou_core::status::Status;
use shouhou_web::dom::{event_value, some};
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::context::Desk;
use crate::route::Route;
use crate::time;

/// The status filter after pressing a status's count: that status, or none when it was it.
pub fn toggled(filter: &InboxFilter, status: Status) -> InboxFilter {
    let mut next = filter.clone();
    next.status = (next.status != Some(status)).then_some(status);
    next
}

/// Each status with how many requests match every filter but the status one.
pub fn counts(
    desk: &Desk,
    inbox: &Inbox,
    filter: &InboxFilter,
    on_filter: &Callback<InboxFilter>,
) -> Html {
    html! {
        <ul class="counts" aria-label={desk.t("inbox.counts")}>
            { for Status::ALL.iter().map(|status| {
                let n = inbox.counts.get(status.as_str()).copied().unwrap_or(0);
                let pressed = filter.status == Some(*status);
                let onclick = {
                    let (filter, on_filter, status) = (filter.clone(), on_filter.clone(), *status);
                    Callback::from(move |_: MouseEvent| on_filter.emit(toggled(&filter, status)))
                };
                html! {
                    <li>
                        <button type="button" class="count" aria-pressed={pressed.to_string()} {onclick}>
                            <span class="count-name">{ desk.label("status", status.as_str()) }</span>
                            <span class="count-n">{ n }</span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

/// The filters: a search, a choice per column, "overdue only", and clearing them all. A
/// choice applies at once; the search when submitted.
pub fn filters(
    desk: &Desk,
    filter: &InboxFilter,
    on_filter: &Callback<InboxFilter>,
    search: &NodeRef,
    on_search: Callback<SubmitEvent>,
    on_clear: Callback<MouseEvent>,
) -> Html {
    let set = |change: fn(&mut InboxFilter, Option<String>)| {
        let (filter, on_filter) = (filter.clone(), on_filter.clone());
        Callback::from(move |e: Event| {
            let mut next = filter.clone();
            change(&mut next, event_value(&e).and_then(some));
            on_filter.emit(next);
        })
    };
    let select = |id: &str,
                  label_key: &str,
                  current: Option<String>,
                  options: Vec<(String, String)>,
                  onchange: Callback<Event>| {
        html! {
            <div class="field">
                <label for={id.to_string()}>{ desk.t(label_key) }</label>
                <select id={id.to_string()} {onchange}>
                    <option value="" selected={current.is_none()}>{ desk.t("filter.any") }</option>
                    { for options.into_iter().map(|(value, text)| {
                        let selected = current.as_deref() == Some(value.as_str());
                        html! { <option value={value} {selected}>{ text }</option> }
                    }) }
                </select>
            </div>
        }
    };
    let values =
        |group: &str, all: &mut dyn Iterator<Item = &'static str>| -> Vec<(String, String)> {
            all.map(|value| (value.to_string(), desk.label(group, value))).collect()
        };
    let statuses = values("status", &mut Status::ALL.iter().map(|s| s.as_str()));
    let intents = values("intent", &mut Intent::ALL.iter().map(|i| i.as_str()));
    let categories = values("category", &mut Category::ALL.iter().map(|c| c.as_str()));
    let priorities = values("priority", &mut Priority::ALL.iter().map(|p| p.as_str()));
    let lines =
        desk.lines().iter().map(|l| (l.id.clone(), l.name.get(desk.lang).to_string())).collect();
    let assigned = vec![
        ("me".to_string(), desk.t("filter.assigned_me")),
        ("none".to_string(), desk.t("filter.assigned_none")),
    ];
    let f = filter;
    html! {
        <form class="filters card" role="search" aria-label={desk.t("filter.label")} onsubmit={on_search}>
            <div class="field search">
                <label for="q">{ desk.t("filter.search") }</label>
                <div class="inline">
                    <input id="q" type="search" ref={search} value={f.q.clone().unwrap_or_default()} />
                    <button type="submit">{ desk.t("filter.search_button") }</button>
                </div>
            </div>
            { select("f-status", "filter.status", f.status.map(|s| s.as_str().to_string()), statuses,
                set(|f, v| f.status = v.as_deref().and_then(Status::parse))) }
            { select("f-line", "filter.product_line", f.product_line.clone(), lines, set(|f, v| f.product_line = v)) }
            { select("f-intent", "filter.intent", f.intent.clone(), intents, set(|f, v| f.intent = v)) }
            { select("f-category", "filter.category", f.category.clone(), categories, set(|f, v| f.category = v)) }
            { select("f-priority", "filter.priority", f.priority.clone(), priorities, set(|f, v| f.priority = v)) }
            { select("f-assigned", "filter.assigned", f.assigned.clone(), assigned, set(|f, v| f.assigned = v)) }
            <div class="field check">
                <input id="f-overdue" type="checkbox" checked={f.overdue == Some(true)}
                    onchange={set(|f, v| f.overdue = v.map(|_| true))} />
                <label for="f-overdue">{ desk.t("filter.overdue") }</label>
            </div>
            <div class="field check">
                <input id="f-escalated" type="checkbox" checked={f.escalated == Some(true)}
                    onchange={set(|f, v| f.escalated = v.map(|_| true))} />
                <label for="f-escalated">{ desk.t("filter.escalated") }</label>
            </div>
            <div class="field">
                <button type="button" class="secondary" onclick={on_clear}>{ desk.t("filter.clear") }</button>
            </div>
        </form>
    }
}

/// The table's columns, by their message keys.
const COLUMNS: [&str; 8] = [
    "col.reply_by",
    "col.reference",
    "col.status",
    "col.customer",
    "col.product_line",
    "col.intent",
    "col.priority",
    "col.assigned",
];

/// The requests, one row each (a card per request on a narrow screen, where each cell
/// shows its column's name from `data-label`).
pub fn table(desk: &Desk, inbox: &Inbox) -> Html {
    if inbox.requests.is_empty() {
        return html! { <p class="empty">{ desk.t("inbox.empty") }</p> };
    }
    let names: Vec<AttrValue> = COLUMNS.iter().map(|key| AttrValue::from(desk.t(key))).collect();
    let total = desk.tf(
        "inbox.total",
        &[("shown", inbox.requests.len().to_string()), ("total", inbox.total.to_string())],
    );
    html! {
        <>
            <p class="total" role="status">{ total }</p>
            <div class="table-wrap" role="region" aria-labelledby="inbox-caption" tabindex="0">
                <table class="inbox">
                    <caption id="inbox-caption">{ desk.t("inbox.caption") }</caption>
                    <thead>
                        <tr>{ for names.iter().map(|name| html! { <th scope="col">{ name.clone() }</th> }) }</tr>
                    </thead>
                    <tbody>
                        { for inbox.requests.iter().map(|row| {
                            let cell = |column: usize, content: Html| html! {
                                <td data-label={names[column].clone()}>{ content }</td>
                            };
                            html! {
                                <tr class={classes!(row.overdue.then_some("overdue"))}>
                                    { cell(0, html! {
                                        <>
                                            { time::show(desk.lang, &row.reply_by) }
                                            if row.escalated {
                                                { " " }<strong class="badge overdue-badge">{ desk.t("escalated") }</strong>
                                            }
                                            if row.overdue {
                                                { " " }<strong class="badge overdue-badge">{ desk.t("overdue") }</strong>
                                            }
                                        </>
                                    }) }
                                    { cell(1, html! {
                                        <a href={Route::Request(row.reference.clone()).path()} class="ref">{ row.reference.clone() }</a>
                                    }) }
                                    { cell(2, html! { desk.label("status", &row.status) }) }
                                    { cell(3, html! { <>{ row.full_name.clone() }<br /><span class="muted">{ row.phone.clone() }</span></> }) }
                                    { cell(4, html! { desk.line_name(&row.product_line) }) }
                                    { cell(5, html! {
                                        <>
                                            { desk.label("intent", &row.intent) }
                                            if let Some(category) = &row.category {
                                                <br /><span class="muted">{ desk.label("category", category) }</span>
                                            }
                                        </>
                                    }) }
                                    { cell(6, html! { row.priority.as_deref().map_or_else(|| "—".to_string(), |p| desk.label("priority", p)) }) }
                                    { cell(7, html! { row.assigned_to.clone().unwrap_or_else(|| desk.t("unassigned")) }) }
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pressing_a_status_count_filters_by_it_and_pressing_it_again_clears_it() {
        let filter = InboxFilter { q: Some("王".into()), ..InboxFilter::default() };
        let resolved = toggled(&filter, Status::Resolved);
        assert_eq!(resolved.status, Some(Status::Resolved));
        assert_eq!(resolved.q, filter.q, "the other filters stay");
        assert_eq!(toggled(&resolved, Status::Resolved).status, None);
        assert_eq!(toggled(&resolved, Status::Received).status, Some(Status::Received));
    }
}
