//! Today's follow-up calls (今日回访), for every member of staff: when to call, the script,
//! and the requests due a call (resolved a few days ago, oldest first), each with who to
//! call and what was done. One call's form is open at a time: recorded, a call that reached
//! the customer or that they refused leaves the list, one nobody answered stays on it.

use shouhou_web::dom;
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::components::call::{call_form, use_call_fields};
use crate::components::request::{findings_words, row, text};
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

    let said = shown.recorder.said.as_ref();
    let saved = said.filter(|s| s.ok).map(|s| s.words(&|key| desk.t(key))).unwrap_or_default();
    let calls = shown.list.as_ref().map(|l| l.calls.as_slice()).unwrap_or_default();
    let call = |c: &shouhou_core::follow_up::DueCall| {
        let mut product = desk.line_name(&c.product_line);
        if let Some(model) = &c.model {
            product = [product.as_str(), model].join(" · ");
        }
        let resolved =
            [time::show(desk.lang, &c.resolved_at), findings_words(&desk, &c.findings)].join(" · ");
        let action = if shown.open.as_deref() == Some(c.reference.as_str()) {
            let onsubmit = {
                let (send, refuse) = (shown.recorder.send.clone(), shown.recorder.refuse.clone());
                let (fields, reference, move_focus) =
                    (fields.clone(), c.reference.clone(), move_focus.clone());
                Callback::from(move |e: SubmitEvent| {
                    e.prevent_default();
                    match fields.read() {
                        Ok(event) => {
                            *move_focus.borrow_mut() = true;
                            send.emit((reference.clone(), "follow_up", event, fields.all()))
                        }
                        Err(key) => refuse.emit(("follow_up", key)),
                    }
                })
            };
            let refused = match said {
                Some(s) if !s.ok => {
                    html! { <p class="error" role="alert">{ s.words(&|key| desk.t(key)) }</p> }
                }
                _ => html! {},
            };
            let submit = html! {
                <button type="submit" disabled={shown.recorder.busy}>{ desk.t("action.follow_up_submit") }</button>
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
                    { row(&desk, "field.phone", html! { <a href={["tel:", &c.phone].concat()}>{ &c.phone }</a> }) }
                    { row(&desk, "field.product_line", text(product)) }
                    { row(&desk, "status.resolved", text(resolved)) }
                    if let Some(reply) = &c.last_reply {
                        { row(&desk, "kind.reply", text(reply.clone())) }
                    }
                    if c.unanswered > 0 {
                        { row(&desk, "follow_ups.unanswered", text(c.unanswered.to_string())) }
                    }
                </dl>
                { action }
            </li>
        }
    };

    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ desk.t("follow_ups.heading") }</h1>
            <p class="ok" role="status">{ saved }</p>
            if let Some(key) = &shown.error {
                <p class="error" role="alert">{ desk.t(key) }</p>
            }
            if let Some(list) = &shown.list {
                <p>{ desk.tf("follow_ups.hours", &[("from", list.calling_hours.from.clone()), ("to", list.calling_hours.to.clone())]) }</p>
                <section class="card" aria-labelledby="h-script">
                    <h2 id="h-script">{ desk.t("follow_ups.script") }</h2>
                    <ol>{ for list.script.iter().map(|line| html! { <li>{ line.text.get(desk.lang) }</li> }) }</ol>
                </section>
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
