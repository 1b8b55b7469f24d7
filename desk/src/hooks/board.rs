//! The dispatch board: the engineers' visits of the day or week shown, the requests waiting
//! for a visit beside it, read again after every booking, move or cancellation made here and
//! whenever the live desk hears of a change; which form is open; recording through
//! [`super::record`].

use std::rc::Rc;

use shouhou_core::desk::{Role, UnscheduledVisit, VisitRow};
use shouhou_core::visit::board_days;
use shouhou_core::CivilDate;
use yew::prelude::*;

use crate::api;
use crate::context::Desk;
use crate::hooks::record::{use_recorder, Recorder};
use crate::time;

/// The form open on the board: one at a time.
#[derive(Clone, PartialEq)]
pub enum Open {
    /// Booking a visit on a waiting request.
    Book(Rc<UnscheduledVisit>),
    Move(Rc<VisitRow>),
    Cancel(Rc<VisitRow>),
}

#[derive(Clone, PartialEq)]
pub struct BoardHandle {
    /// The day shown, or a day of the week shown.
    pub day: CivilDate,
    pub week: bool,
    /// `None` until the first answer.
    pub visits: Option<Rc<Vec<VisitRow>>>,
    pub waiting: Option<Rc<Vec<UnscheduledVisit>>>,
    /// The engineers' logins, in the order the server lists staff.
    pub engineers: Rc<Vec<String>>,
    /// The message key of the last read's failure.
    pub error: Option<String>,
    pub open: Option<Open>,
    pub choose: Callback<Option<Open>>,
    /// Shows another day, or that day's week (`true`).
    pub show: Callback<(CivilDate, bool)>,
    pub recorder: Recorder,
}

#[hook]
pub fn use_board(desk: &Desk) -> BoardHandle {
    let shown = use_state(|| {
        (CivilDate::parse(&time::today()).unwrap_or_else(|| CivilDate::at(0, 0)), true)
    });
    let visits = use_state(|| None::<Rc<Vec<VisitRow>>>);
    let waiting = use_state(|| None::<Rc<Vec<UnscheduledVisit>>>);
    let engineers = use_state(|| Rc::new(Vec::<String>::new()));
    let error = use_state(|| None::<String>);
    let open = use_state(|| None::<Open>);
    let recorder = use_recorder(desk);
    // An engineer's board is their own row, read only: the list of staff and the requests
    // waiting for a visit are the desk's (403 for them).
    let engineer = desk.is_engineer().then(|| desk.login());
    {
        let (engineers, engineer) = (engineers.clone(), engineer.clone());
        use_effect_with((), move |_| {
            if let Some(login) = engineer {
                engineers.set(Rc::new(vec![login]));
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(members) = api::members().await {
                    let logins = members.into_iter().filter(|m| m.role == Role::Engineer);
                    engineers.set(Rc::new(logins.map(|m| m.login).collect()));
                }
            });
        });
    }
    {
        let (visits, waiting, error) = (visits.clone(), waiting.clone(), error.clone());
        let (signed_out, engineer) = (desk.signed_out.clone(), engineer.is_some());
        let (day, week) = *shown;
        use_effect_with((day, week, recorder.recorded, desk.live.changes), move |_| {
            let days = board_days(day, week);
            let (from, to) = (days[0].to_string(), days[days.len() - 1].to_string());
            wasm_bindgen_futures::spawn_local(async move {
                let asked = async {
                    if engineer {
                        Ok(Vec::new())
                    } else {
                        api::unscheduled().await
                    }
                };
                let answers = (api::visits(&from, &to).await, asked.await);
                match answers {
                    (Ok(list), Ok(asked)) => {
                        visits.set(Some(Rc::new(list)));
                        waiting.set(Some(Rc::new(asked)));
                        error.set(None);
                    }
                    (Err(e), _) | (_, Err(e)) if api::signed_out(&e) => signed_out.emit(()),
                    (Err(e), _) | (_, Err(e)) => error.set(Some(api::message_key(&e))),
                }
            });
        });
    }
    // Once something is recorded, its form has done its work.
    {
        let open = open.clone();
        use_effect_with(recorder.recorded, move |_| open.set(None));
    }
    let choose = {
        let open = open.clone();
        Callback::from(move |form: Option<Open>| open.set(form))
    };
    let show = {
        let shown = shown.clone();
        Callback::from(move |view: (CivilDate, bool)| shown.set(view))
    };
    BoardHandle {
        day: shown.0,
        week: shown.1,
        visits: (*visits).clone(),
        waiting: (*waiting).clone(),
        engineers: (*engineers).clone(),
        error: (*error).clone(),
        open: (*open).clone(),
        choose,
        show,
        recorder,
    }
}
