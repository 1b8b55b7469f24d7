//! The inbox: every request, filtered and searched, by reply-by time with the overdue first,
//! a count per status, refreshed every 30 seconds.

use shouhou_core::desk::{Inbox, InboxFilter};
use shouhou_core::schema::{Category, Intent, Priority};
use shouhou_core::status::Status;
use yew::prelude::*;

use crate::api::{self, ApiError};
use crate::app::Ctx;
use crate::i18n::{label, trf};
use crate::route::Route;
use crate::time;
use crate::widgets::{event_value, some, value_of, Link};

const REFRESH_MS: u32 = 30_000;

fn query(filter: &InboxFilter) -> String {
    api::query(&[
        ("status", filter.status.map(|s| s.as_str().to_string())),
        ("product_line", filter.product_line.clone()),
        ("intent", filter.intent.clone()),
        ("category", filter.category.clone()),
        ("priority", filter.priority.clone()),
        ("assigned", filter.assigned.clone()),
        ("overdue", filter.overdue.map(|o| o.to_string())),
        ("q", filter.q.clone()),
    ])
}

#[derive(Properties, PartialEq)]
pub struct InboxProps {
    pub filter: InboxFilter,
    pub on_filter: Callback<InboxFilter>,
}

#[function_component(InboxPage)]
pub fn inbox_page(props: &InboxProps) -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    crate::app::use_focus_title(());
    let lang = ctx.lang;
    let inbox = use_state(|| None::<Inbox>);
    let error = use_state(|| None::<String>);
    let tick = use_state(|| 0u32);
    let updated = use_state(String::new);
    let search = use_node_ref();
    // Which fetch is the latest: an answer to an older filter never replaces a newer one.
    let generation = use_mut_ref(|| 0u32);

    // It refreshes by itself.
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(REFRESH_MS, move || {
                tick.set(tick.wrapping_add(1));
            });
            move || drop(interval)
        });
    }
    {
        let (inbox, error, updated) = (inbox.clone(), error.clone(), updated.clone());
        let signed_out = ctx.signed_out.clone();
        let generation = generation.clone();
        use_effect_with((props.filter.clone(), *tick), move |(filter, _)| {
            let path = format!("/requests{}", query(filter));
            *generation.borrow_mut() += 1;
            let mine = *generation.borrow();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::get::<Inbox>(&path).await;
                if *generation.borrow() != mine {
                    return;
                }
                match answer {
                    Ok(answer) => {
                        inbox.set(Some(answer));
                        error.set(None);
                        updated.set(time::clock(lang));
                    }
                    Err(ApiError::Unauthorized) => signed_out.emit(()),
                    Err(e) => error.set(Some(e.message_key())),
                }
            });
        });
    }

    let set = |change: fn(&mut InboxFilter, Option<String>)| {
        let (filter, on_filter) = (props.filter.clone(), props.on_filter.clone());
        Callback::from(move |e: Event| {
            let mut next = filter.clone();
            change(&mut next, some(event_value(&e)));
            on_filter.emit(next);
        })
    };
    let on_search = {
        let (filter, on_filter, search) =
            (props.filter.clone(), props.on_filter.clone(), search.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let mut next = filter.clone();
            next.q = some(value_of(&search));
            on_filter.emit(next);
        })
    };
    let clear_all = {
        let on_filter = props.on_filter.clone();
        let search = search.clone();
        Callback::from(move |_: MouseEvent| {
            crate::widgets::clear(&search);
            on_filter.emit(InboxFilter::default());
        })
    };
    let refresh = {
        let tick = tick.clone();
        Callback::from(move |_: MouseEvent| tick.set(tick.wrapping_add(1)))
    };

    let f = &props.filter;
    let select = |id: &str,
                  label_key: &str,
                  current: Option<String>,
                  options: Vec<(String, String)>,
                  onchange: Callback<Event>| {
        html! {
            <div class="field">
                <label for={id.to_string()}>{ ctx.t(label_key) }</label>
                <select id={id.to_string()} {onchange}>
                    <option value="" selected={current.is_none()}>{ ctx.t("filter.any") }</option>
                    { for options.into_iter().map(|(value, text)| {
                        let selected = current.as_deref() == Some(value.as_str());
                        html! { <option value={value} {selected}>{ text }</option> }
                    }) }
                </select>
            </div>
        }
    };
    let statuses: Vec<(String, String)> = Status::ALL
        .iter()
        .map(|s| (s.as_str().into(), label(lang, "status", s.as_str())))
        .collect();
    let lines: Vec<(String, String)> =
        ctx.lines.iter().map(|l| (l.id.clone(), l.name(lang).to_string())).collect();
    let intents: Vec<(String, String)> = Intent::ALL
        .iter()
        .map(|i| (i.as_str().into(), label(lang, "intent", i.as_str())))
        .collect();
    let categories: Vec<(String, String)> = Category::ALL
        .iter()
        .map(|c| (c.as_str().into(), label(lang, "category", c.as_str())))
        .collect();
    let priorities: Vec<(String, String)> = Priority::ALL
        .iter()
        .map(|p| (p.as_str().into(), label(lang, "priority", p.as_str())))
        .collect();
    let assigned = vec![
        ("me".to_string(), ctx.t("filter.assigned_me")),
        ("none".to_string(), ctx.t("filter.assigned_none")),
    ];

    let counts = inbox.as_ref().map(|inbox| {
        html! {
            <ul class="counts" aria-label={ctx.t("inbox.counts")}>
                { for Status::ALL.iter().map(|status| {
                    let n = inbox.counts.get(status.as_str()).copied().unwrap_or(0);
                    let pressed = f.status == Some(*status);
                    let onclick = {
                        let (filter, on_filter, status) = (f.clone(), props.on_filter.clone(), *status);
                        Callback::from(move |_: MouseEvent| {
                            let mut next = filter.clone();
                            next.status = if next.status == Some(status) { None } else { Some(status) };
                            on_filter.emit(next);
                        })
                    };
                    html! {
                        <li>
                            <button type="button" class="count" aria-pressed={pressed.to_string()} {onclick}>
                                <span class="count-name">{ label(lang, "status", status.as_str()) }</span>
                                <span class="count-n">{ n }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        }
    });

    let table = inbox.as_ref().map(|inbox| {
        if inbox.requests.is_empty() {
            return html! { <p class="empty">{ ctx.t("inbox.empty") }</p> };
        }
        html! {
            <>
                <p class="total" role="status">{ trf(lang, "inbox.total", &[("shown", inbox.requests.len().to_string()), ("total", inbox.total.to_string())]) }</p>
                <div class="table-wrap" role="region" aria-labelledby="inbox-caption" tabindex="0">
                    <table class="inbox">
                        <caption id="inbox-caption">{ ctx.t("inbox.caption") }</caption>
                        <thead>
                            <tr>
                                <th scope="col">{ ctx.t("col.reply_by") }</th>
                                <th scope="col">{ ctx.t("col.reference") }</th>
                                <th scope="col">{ ctx.t("col.status") }</th>
                                <th scope="col">{ ctx.t("col.customer") }</th>
                                <th scope="col">{ ctx.t("col.product_line") }</th>
                                <th scope="col">{ ctx.t("col.intent") }</th>
                                <th scope="col">{ ctx.t("col.priority") }</th>
                                <th scope="col">{ ctx.t("col.assigned") }</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for inbox.requests.iter().map(|row| html! {
                                <tr class={classes!(row.overdue.then_some("overdue"))}>
                                    <td data-label={ctx.t("col.reply_by")}>
                                        { time::show(lang, &row.reply_by) }
                                        if row.overdue {
                                            { " " }<strong class="badge overdue-badge">{ ctx.t("overdue") }</strong>
                                        }
                                    </td>
                                    <td data-label={ctx.t("col.reference")}>
                                        <Link to={Route::Request(row.reference.clone())} class="ref">{ row.reference.clone() }</Link>
                                    </td>
                                    <td data-label={ctx.t("col.status")}>{ label(lang, "status", &row.status) }</td>
                                    <td data-label={ctx.t("col.customer")}>{ row.full_name.clone() }<br /><span class="muted">{ row.phone.clone() }</span></td>
                                    <td data-label={ctx.t("col.product_line")}>{ ctx.line_name(&row.product_line) }</td>
                                    <td data-label={ctx.t("col.intent")}>
                                        { label(lang, "intent", &row.intent) }
                                        if let Some(category) = &row.category {
                                            <br /><span class="muted">{ label(lang, "category", category) }</span>
                                        }
                                    </td>
                                    <td data-label={ctx.t("col.priority")}>{ row.priority.as_deref().map_or_else(|| "—".to_string(), |p| label(lang, "priority", p)) }</td>
                                    <td data-label={ctx.t("col.assigned")}>{ row.assigned_to.clone().unwrap_or_else(|| ctx.t("unassigned")) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </>
        }
    });

    html! {
        <>
            <div class="title-row">
                <h1 id="page-title" tabindex="-1">{ ctx.t("inbox.heading") }</h1>
                <p class="updated">
                    if !updated.is_empty() { { trf(lang, "inbox.updated", &[("time", (*updated).clone())]) } }
                    { " " }
                    <button type="button" class="secondary small" onclick={refresh}>{ ctx.t("inbox.refresh") }</button>
                </p>
            </div>
            // Wrapped: Yew pairs unkeyed children from the end, so a part that comes and goes
            // at this level would make it rebuild (and unfocus) the heading above.
            <div>{ for counts }</div>
            <form class="filters card" role="search" aria-label={ctx.t("filter.label")} onsubmit={on_search}>
                <div class="field search">
                    <label for="q">{ ctx.t("filter.search") }</label>
                    <div class="inline">
                        <input id="q" type="search" ref={search} value={f.q.clone().unwrap_or_default()} />
                        <button type="submit">{ ctx.t("filter.search_button") }</button>
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
                    <label for="f-overdue">{ ctx.t("filter.overdue") }</label>
                </div>
                <div class="field">
                    <button type="button" class="secondary" onclick={clear_all}>{ ctx.t("filter.clear") }</button>
                </div>
            </form>
            <div>
                if let Some(key) = &*error {
                    <p class="error" role="alert">{ ctx.t(key) }</p>
                }
                { for table }
            </div>
        </>
    }
}
