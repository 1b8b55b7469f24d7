//! Today's follow-up calls (今日回访), for every member of staff: when to call, the script,
//! and the requests due a call (resolved a few days ago, oldest first), each with who to
//! call and what was done. One call's form is open at a time: recorded, a call that reached
//! the customer or that they refused leaves the list, one nobody answered stays on it.

use shouhou_web::dom;
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::components::call::{call_form, use_call_fields};
use crate::components::request::findings_words;
use crate::context::use_desk;
use crate::hooks::follow_ups::use_follow_ups;
use crate::hooks::title::use_focus_title;
use crate::route::Route;
use crate::time;

#[function_component(FollowUpsPage)]
pub fn follow_ups_page() -> Html {
    let desk = use_desk();
    use_focus_title(());
    let shown = use_follow_ups(&desk);
    let fields = use_call_fields();
    // After staff choose a call or record one, the open form's first field takes the focus
    // (the heading when none is left): the control they used has gone.
    let move_focus = use_mut_ref(|| false);
    {
        let (move_focus, outcome) = (move_focus.clone(), fields.outcome.clone());
        use_effect_with(shown.open.clone(), move |open| {
            if std::mem::take(&mut *move_focus.borrow_mut()) {
                match open {
                    Some(_) => dom::focus(&outcome),
                    None => dom::focus_by_id("page-title", false),
                }
            }
        });
    }

    let script = &desk.settings.follow_up;
    let hours = script.calling_hours.as_ref().map(|h| {
        html! { <p>{ desk.tf("follow_ups.hours", &[("from", h.from.clone()), ("to", h.to.clone())]) }</p> }
    });
    let lines = script.script.iter().map(|line| html! { <li>{ line.text.get(desk.lang) }</li> });
    let saved = match &shown.said {
        Some((_, said)) if said.ok => desk.t(&said.key),
        _ => String::new(),
    };
    let calls = shown.list.as_ref().map(|l| l.calls.as_slice()).unwrap_or_default();
    let call = |c: &shouhou_core::follow_up::DueCall| {
        let open = shown.open.as_deref() == Some(c.reference.as_str());
        let item =
            |key: &str, value: Html| html! { <><dt>{ desk.t(key) }</dt><dd>{ value }</dd></> };
        let product = match &c.model {
            Some(model) => [desk.line_name(&c.product_line), model.clone()].join(" · "),
            None => desk.line_name(&c.product_line),
        };
        let done = findings_words(&desk, &c.findings);
        let action = if open {
            let onsubmit = {
                let (send, refuse, fields) =
                    (shown.send.clone(), shown.refuse.clone(), fields.clone());
                let (reference, move_focus) = (c.reference.clone(), move_focus.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    match fields.read() {
                        Ok(event) => {
                            *move_focus.borrow_mut() = true;
                            send.emit((reference.clone(), event, fields.all()))
                        }
                        Err(key) => refuse.emit((reference.clone(), key)),
                    }
                })
            };
            let refused = match &shown.said {
                Some((reference, said)) if !said.ok && *reference == c.reference => {
                    html! { <p class="error" role="alert">{ desk.t(&said.key) }</p> }
                }
                _ => html! {},
            };
            let submit = html! {
                <button type="submit" disabled={shown.busy}>{ desk.t("action.follow_up_submit") }</button>
            };
            call_form(&desk, &fields, onsubmit, submit, refused)
        } else {
            let onclick = {
                let (choose, reference, move_focus) =
                    (shown.choose.clone(), c.reference.clone(), move_focus.clone());
                Callback::from(move |_: MouseEvent| {
                    *move_focus.borrow_mut() = true;
                    choose.emit(reference.clone())
                })
            };
            html! {
                <button type="button" class="secondary" {onclick}>
                    { desk.tf("follow_ups.record", &[("name", c.full_name.clone())]) }
                </button>
            }
        };
        html! {
            <li class="card">
                <h3><a href={Route::Request(c.reference.clone()).path()}>{ &c.full_name }{ " · " }{ &c.reference }</a></h3>
                <dl class="summary">
                    { item("follow_ups.phone", html! { <a href={["tel:", &c.phone].concat()}>{ &c.phone }</a> }) }
                    { item("follow_ups.product", html! { product }) }
                    { item("follow_ups.resolved_at", html! { time::show(desk.lang, &c.resolved_at) }) }
                    { item("follow_ups.done", html! { done }) }
                    if let Some(reply) = &c.last_reply {
                        { item("follow_ups.last_reply", html! { reply }) }
                    }
                    if c.unanswered > 0 {
                        { item("follow_ups.unanswered", html! { c.unanswered }) }
                    }
                </dl>
                { action }
            </li>
        }
    };

    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ desk.t("follow_ups.heading") }</h1>
            { for hours }
            <section class="card" aria-labelledby="h-script">
                <h2 id="h-script">{ desk.t("follow_ups.script") }</h2>
                <ol>{ for lines }</ol>
            </section>
            <p class="ok" role="status">{ saved }</p>
            if let Some(key) = &shown.error {
                <p class="error" role="alert">{ desk.t(key) }</p>
            }
            if let Some(list) = &shown.list {
                <section aria-labelledby="h-calls">
                    <h2 id="h-calls">{ desk.tf("follow_ups.due", &[("n", calls.len().to_string()), ("from", list.from.clone()), ("to", list.to.clone())]) }</h2>
                    if calls.is_empty() {
                        <p>{ desk.t("follow_ups.none") }</p>
                    } else {
                        <ul class="calls">{ for calls.iter().map(call) }</ul>
                    }
                </section>
            }
        </>
    }
}
