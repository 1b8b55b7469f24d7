//! The dispatch board (派工): each engineer's visits of a day or a week as blocks, in a
//! table with a row per engineer and a column per day, and beside it the requests waiting
//! for a visit. A waiting request is booked from the list; a booked visit is moved or
//! called off from its block. One form is open at a time, placed after the control that
//! opened it, and takes the focus; the keyboard alone does everything.

use std::rc::Rc;

use shouhou_core::desk::VisitRow;
use shouhou_core::visit::{begins_on, board_days, window_words, VisitState};
use shouhou_core::CivilDate;
use shouhou_web::dom::{self, value_of};
use shouhou_web::router::Routable;
use yew::prelude::*;

use crate::context::{use_desk, Desk};
use crate::forms::{self, Filled};
use crate::hooks::board::{use_board, BoardHandle, Open};
use crate::hooks::title::use_focus_title;
use crate::route::Route;
use crate::time;

/// The open form's controls (the engineer, the day, the times, the note or reason).
#[derive(Clone, Default, PartialEq)]
struct Fields {
    engineer: NodeRef,
    day: NodeRef,
    from: NodeRef,
    to: NodeRef,
    text: NodeRef,
}

impl Fields {
    fn window(&self) -> Option<(String, String)> {
        let (from, to) =
            forms::window_inputs(&value_of(&self.day), &value_of(&self.from), &value_of(&self.to))?;
        time::local_input_to_rfc3339(&from).zip(time::local_input_to_rfc3339(&to))
    }

    /// The event the open form says, or what is missing.
    fn read(&self, open: &Open) -> (String, forms::Form, Filled) {
        let (engineer, text) = (value_of(&self.engineer), value_of(&self.text));
        match open {
            Open::Book(w) => {
                (w.reference.clone(), "visit", forms::visit(engineer, self.window(), text))
            }
            Open::Move(v) => (
                v.reference.clone(),
                "move_visit",
                forms::move_visit(v.id, engineer, self.window(), text),
            ),
            Open::Cancel(v) => {
                (v.reference.clone(), "cancel_visit", forms::cancel_visit(v.id, text))
            }
        }
    }

    /// The values a form opens with: the day shown for a booking; the visit's own engineer,
    /// day and times for a move.
    fn start(&self, open: &Open, shown: CivilDate) {
        let (engineer, day, from, to) = match open {
            Open::Book(_) => (String::new(), shown.to_string(), String::new(), String::new()),
            Open::Move(v) | Open::Cancel(v) => {
                let words = window_words(&v.from, &v.to);
                (
                    v.engineer.clone(),
                    v.from.get(..10).unwrap_or_default().to_string(),
                    words.as_ref().map(|w| w.from.clone()).unwrap_or_default(),
                    words.map(|w| w.to).unwrap_or_default(),
                )
            }
        };
        for (node, value) in
            [(&self.engineer, engineer), (&self.day, day), (&self.from, from), (&self.to, to)]
        {
            dom::set_value(node, &value);
        }
    }

    fn all(&self) -> Vec<NodeRef> {
        vec![self.text.clone()]
    }
}

#[function_component(BoardPage)]
pub fn board_page() -> Html {
    let desk = use_desk();
    use_focus_title(());
    let board = use_board(&desk);
    let engineer = desk.is_engineer();
    let fields = (*use_memo((), |_| Fields::default())).clone();
    // A form opened takes the focus on its first control; one closed gives it to the
    // heading, where the saved message is read.
    {
        let (fields, shown_day) = (fields.clone(), board.day);
        use_effect_with(board.open.clone(), move |open| {
            if let Some(open) = open {
                fields.start(open, shown_day);
            }
            let first = match open {
                Some(Open::Cancel(_)) => Some(fields.text.clone()),
                Some(_) => Some(fields.engineer.clone()),
                None => None,
            };
            gloo_timers::callback::Timeout::new(0, move || match first {
                Some(node) => dom::focus(&node),
                None => dom::focus_by_id("page-title", false),
            })
            .forget();
        });
    }
    let days = board_days(board.day, board.week);
    let step = if board.week { 7 } else { 1 };
    let show = |day: CivilDate, week: bool| {
        let show = board.show.clone();
        Callback::from(move |_: MouseEvent| show.emit((day, week)))
    };
    let today = CivilDate::parse(&time::today()).unwrap_or(board.day);
    let said = board.recorder.said.as_ref();
    let saved = said.filter(|s| s.ok).map(|s| s.words(&|key| desk.t(key))).unwrap_or_default();
    let form = |open: &Open| visit_form(&desk, &board, &fields, open);
    let open_here = |candidate: &Open| board.open.as_ref() == Some(candidate);

    let block = |v: &VisitRow| {
        let v = Rc::new(v.clone());
        let span = window_words(&v.from, &v.to)
            .map(|w| [w.from, "–".into(), w.to].concat())
            .unwrap_or_default();
        let state = v.state;
        let opener = |open: Open, key: &str| {
            let choose = board.choose.clone();
            let shown = open.clone();
            html! {
                <button type="button" class="secondary small" aria-expanded={open_here(&open).to_string()}
                    onclick={Callback::from(move |_: MouseEvent| choose.emit(Some(shown.clone())))}>
                    { desk.tf(key, &[("reference", v.reference.clone())]) }
                </button>
            }
        };
        html! {
            <li class={classes!("block", state.as_str())}>
                <a href={Route::Request(v.reference.clone()).path()}>
                    <strong>{ span }</strong>{ " " }{ &v.full_name }{ " · " }{ &v.reference }
                </a>
                <span class="block-line">{ desk.line_name(&v.product_line) }</span>
                if state != VisitState::Scheduled {
                    <span class="block-state">{ desk.label("visit_state", state.as_str()) }</span>
                } else if !engineer {
                    { opener(Open::Move(v.clone()), "board.move") }
                    { opener(Open::Cancel(v.clone()), "board.cancel") }
                }
            </li>
        }
    };
    let visits = board.visits.as_deref().map(Vec::as_slice).unwrap_or_default();
    let row = |engineer: &String| {
        html! {
            <tr>
                <th scope="row">{ engineer }</th>
                { for days.iter().map(|day| html! {
                    <td>
                        <ul class="blocks">
                            { for visits.iter()
                                .filter(|v| &v.engineer == engineer && begins_on(&v.from, *day))
                                .map(block) }
                        </ul>
                    </td>
                }) }
            </tr>
        }
    };
    // The move or cancellation form, under the table: a cell has no room for it.
    let changing = match &board.open {
        Some(open @ (Open::Move(_) | Open::Cancel(_))) => form(open),
        _ => html! {},
    };
    let waiting = board.waiting.as_deref().map(Vec::as_slice).unwrap_or_default();
    let asked = |w: &shouhou_core::desk::UnscheduledVisit| {
        let open = Open::Book(Rc::new(w.clone()));
        let onclick = {
            let (choose, open) = (board.choose.clone(), open.clone());
            Callback::from(move |_: MouseEvent| choose.emit(Some(open.clone())))
        };
        html! {
            <li class="card">
                <h3><a href={Route::Request(w.reference.clone()).path()}>{ &w.full_name }{ " · " }{ &w.reference }</a></h3>
                <p>{ desk.line_name(&w.product_line) }{ " · " }{ desk.label("status", w.status.as_str()) }{ " · " }{ time::show(desk.lang, &w.created_at) }</p>
                if w.asked_by_report {
                    <p class="hint">{ desk.t("board.asked_by_report") }</p>
                }
                if open_here(&open) {
                    { form(&open) }
                } else {
                    <button type="button" class="secondary" {onclick}>{ desk.tf("board.book", &[("name", w.full_name.clone())]) }</button>
                }
            </li>
        }
    };
    let range = desk.tf(
        "board.caption",
        &[("from", days[0].to_string()), ("to", days[days.len() - 1].to_string())],
    );

    html! {
            <>
                <h1 id="page-title" tabindex="-1">{ desk.t(if engineer { "board.mine" } else { "board.heading" }) }</h1>
                <p class="ok" role="status">{ saved }</p>
                if let Some(key) = &board.error {
                    <p class="error" role="alert">{ desk.t(key) }</p>
                }
                <div class="board-controls" role="group" aria-label={desk.t("board.shown")}>
                    <button type="button" class="secondary" aria-pressed={(!board.week).to_string()} onclick={show(board.day, false)}>{ desk.t("board.day") }</button>
                    <button type="button" class="secondary" aria-pressed={board.week.to_string()} onclick={show(board.day, true)}>{ desk.t("board.week") }</button>
                    <button type="button" class="secondary" onclick={show(board.day.plus_days(-step), board.week)}>{ desk.t("board.earlier") }</button>
                    <button type="button" class="secondary" onclick={show(today, board.week)}>{ desk.t("board.today") }</button>
                    <button type="button" class="secondary" onclick={show(board.day.plus_days(step), board.week)}>{ desk.t("board.later") }</button>
                </div>
                <div class="board-layout">
                    <section class="board">
                        <h2 id="h-board">{ range }</h2>
                        if board.engineers.is_empty() {
                            <p>{ desk.t("board.no_engineers") }</p>
                        } else {
                            <div class="table-wrap" role="region" tabindex="0" aria-labelledby="h-board">
                                <table class="board-table">
                                    <thead>
                                        <tr>
                                            <th scope="col">{ desk.t("board.engineer") }</th>
                                            { for days.iter().map(|day| html! { <th scope="col">{ time::day_label(desk.lang, &day.to_string()) }</th> }) }
                                        </tr>
                                    </thead>
                                    <tbody>{ for board.engineers.iter().map(row) }</tbody>
                                </table>
                            </div>
                        }
                        { changing }
                    </section>
    if !engineer {
                                        <section class="waiting" aria-labelledby="h-waiting">
                        <h2 id="h-waiting">{ desk.tf("board.waiting", &[("n", waiting.len().to_string())]) }</h2>
                        if waiting.is_empty() {
                            <p>{ desk.t("board.waiting_none") }</p>
                        } else {
                            <ul class="calls">{ for waiting.iter().map(asked) }</ul>
                        }
                    </section>
                    }
                </div>
            </>
        }
}

/// The open form: booking (engineer, day, times, note), moving (the same, the visit's own
/// values first, and a reason) or cancelling (a reason).
fn visit_form(desk: &Desk, board: &BoardHandle, fields: &Fields, open: &Open) -> Html {
    let (title, submit_key) = match open {
        Open::Book(w) => {
            (desk.tf("board.book", &[("name", w.full_name.clone())]), "action.visit_submit")
        }
        Open::Move(v) => (
            desk.tf("board.move", &[("reference", v.reference.clone())]),
            "action.move_visit_submit",
        ),
        Open::Cancel(v) => (
            desk.tf("board.cancel", &[("reference", v.reference.clone())]),
            "action.cancel_visit_submit",
        ),
    };
    let onsubmit = {
        let (send, refuse) = (board.recorder.send.clone(), board.recorder.refuse.clone());
        let (fields, open) = (fields.clone(), open.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (reference, form, filled) = fields.read(&open);
            match filled {
                Ok(event) => send.emit((reference, form, event, fields.all())),
                Err(key) => refuse.emit((form, key)),
            }
        })
    };
    let close = {
        let choose = board.choose.clone();
        Callback::from(move |_: MouseEvent| choose.emit(None))
    };
    let refused = match board.recorder.said.as_ref() {
        Some(s) if !s.ok => {
            html! { <p class="error" role="alert">{ s.words(&|key| desk.t(key)) }</p> }
        }
        _ => html! {},
    };
    let text_key = match open {
        Open::Book(_) => "action.visit_note",
        _ => "action.visit_reason",
    };
    html! {
        <form class="card internal" {onsubmit} aria-labelledby="h-visit-form">
            <h3 id="h-visit-form">{ title }</h3>
            if !matches!(open, Open::Cancel(_)) {
                <div class="field">
                    <label for="v-engineer">{ desk.t("board.engineer") }</label>
                    <select id="v-engineer" ref={fields.engineer.clone()}>
                        <option value="">{ "—" }</option>
                        { for board.engineers.iter().map(|login| html! { <option value={login.clone()}>{ login }</option> }) }
                    </select>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="v-day">{ desk.t("action.visit_day") }</label>
                        <input id="v-day" type="date" ref={fields.day.clone()} />
                    </div>
                    <div class="field">
                        <label for="v-from">{ desk.t("action.visit_from") }</label>
                        <input id="v-from" type="text" inputmode="numeric" autocomplete="off" size="5" maxlength="5" placeholder="09:00" ref={fields.from.clone()} />
                    </div>
                    <div class="field">
                        <label for="v-to">{ desk.t("action.visit_to") }</label>
                        <input id="v-to" type="text" inputmode="numeric" autocomplete="off" size="5" maxlength="5" placeholder="09:00" ref={fields.to.clone()} />
                    </div>
                </div>
            }
            <div class="field">
                <label for="v-text">{ desk.t(text_key) }</label>
                <textarea id="v-text" rows="2" maxlength="10000" ref={fields.text.clone()} />
            </div>
            <button type="submit" disabled={board.recorder.busy}>{ desk.t(submit_key) }</button>
            { " " }
            <button type="button" class="secondary" onclick={close}>{ desk.t("board.close") }</button>
            { refused }
        </form>
    }
}
