//! An engineer's visit to the customer's site (上门): the window it is booked for, when two
//! windows clash, and what moving or cancelling one leaves of it.
//!
//! The server refuses what this refuses (422 `invalid_event` for a window that is not one,
//! 409 `visit_overlaps` for a clash, 409 `visit_not_scheduled` for changing a visit that is
//! over); the dispatch board and the engineer's app read the same states. Times are Unix
//! seconds, so no rule here depends on an offset.

use serde::{Deserialize, Serialize};

/// The longest window a visit may be booked for: one working day. A longer one is nearly
/// always a slip in the day of `to`, and it would block the engineer's calendar for days.
pub const LONGEST_WINDOW_SECONDS: i64 = 12 * 3600;

/// When the engineer is expected on site: from `from` until `to` (Unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
}

/// Why a window is not one a visit can be booked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowProblem {
    /// `to` is not after `from`.
    Empty,
    /// Longer than [`LONGEST_WINDOW_SECONDS`].
    TooLong,
}

impl WindowProblem {
    /// What the refusal's detail says, for the API (the desk words it in its own language).
    pub fn detail(self) -> &'static str {
        match self {
            WindowProblem::Empty => "to: after from",
            WindowProblem::TooLong => "to: at most 12 hours after from",
        }
    }
}

impl Window {
    pub fn new(from: i64, to: i64) -> Result<Window, WindowProblem> {
        if to <= from {
            Err(WindowProblem::Empty)
        } else if to - from > LONGEST_WINDOW_SECONDS {
            Err(WindowProblem::TooLong)
        } else {
            Ok(Window { from, to })
        }
    }

    /// Whether the two share any time. One visit ending when the next begins is a full
    /// day's plan, not a clash.
    pub fn overlaps(self, other: Window) -> bool {
        self.from < other.to && other.from < self.to
    }
}

/// The first of an engineer's `booked` visits (each with what names it: a request's
/// reference) that `window` clashes with. The caller leaves out the visit being moved: it
/// does not clash with where it was.
pub fn clash<T>(window: Window, booked: impl IntoIterator<Item = (T, Window)>) -> Option<T> {
    booked.into_iter().find(|(_, other)| window.overlaps(*other)).map(|(name, _)| name)
}

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// Booked: an engineer and a window. The only state that holds the engineer's time and
    /// the only one that can be moved or cancelled.
    Scheduled,
    /// Called off, with a reason on the timeline; kept so the timeline can show it.
    Cancelled,
    /// The engineer's on-site report answered it.
    Done,
}

impl VisitState {
    pub const ALL: [VisitState; 3] =
        [VisitState::Scheduled, VisitState::Cancelled, VisitState::Done];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitState::Scheduled => "scheduled",
            VisitState::Cancelled => "cancelled",
            VisitState::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<VisitState> {
        VisitState::ALL.into_iter().find(|state| state.as_str() == text)
    }
}

/// A visit as its rules see it: who goes, when, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub engineer: String,
    pub window: Window,
    pub state: VisitState,
}

/// Why a change to a visit is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitRefusal {
    /// Cancelled or done: a visit that is over is not moved or cancelled again; a new one
    /// is scheduled instead.
    NotScheduled(VisitState),
}

impl Visit {
    /// A new visit, booked.
    pub fn scheduled(engineer: &str, window: Window) -> Visit {
        Visit { engineer: engineer.to_string(), window, state: VisitState::Scheduled }
    }

    fn still_scheduled(&self) -> Result<(), VisitRefusal> {
        match self.state {
            VisitState::Scheduled => Ok(()),
            other => Err(VisitRefusal::NotScheduled(other)),
        }
    }

    /// The visit at a new window, and with another engineer when one is named. A move keeps
    /// everything else: the request it answers, its note, its place on the timeline.
    pub fn moved(&self, window: Window, engineer: Option<&str>) -> Result<Visit, VisitRefusal> {
        self.still_scheduled()?;
        Ok(Visit {
            engineer: engineer.unwrap_or(&self.engineer).to_string(),
            window,
            state: VisitState::Scheduled,
        })
    }

    /// The visit called off: its window stays on record, but holds nobody's time.
    pub fn cancelled(&self) -> Result<Visit, VisitRefusal> {
        self.still_scheduled()?;
        Ok(Visit { state: VisitState::Cancelled, ..self.clone() })
    }

    /// Whether it holds its engineer's time (and so may clash with another visit).
    pub fn holds_time(&self) -> bool {
        self.state == VisitState::Scheduled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    fn window(from_hour: i64, to_hour: i64) -> Window {
        Window::new(from_hour * HOUR, to_hour * HOUR).unwrap()
    }

    #[test]
    fn a_window_ends_after_it_begins_and_lasts_at_most_a_working_day() {
        assert_eq!(Window::new(9 * HOUR, 9 * HOUR), Err(WindowProblem::Empty));
        assert_eq!(Window::new(11 * HOUR, 9 * HOUR), Err(WindowProblem::Empty));
        assert_eq!(Window::new(8 * HOUR, 20 * HOUR), Ok(Window { from: 8 * HOUR, to: 20 * HOUR }));
        assert_eq!(Window::new(8 * HOUR, 20 * HOUR + 1), Err(WindowProblem::TooLong));
        assert_eq!(Window::new(9 * HOUR, 33 * HOUR), Err(WindowProblem::TooLong), "a day off");
    }

    #[test]
    fn windows_clash_when_they_share_time_and_not_when_one_ends_as_the_next_begins() {
        assert!(window(9, 11).overlaps(window(10, 12)));
        assert!(window(10, 12).overlaps(window(9, 11)));
        assert!(window(9, 12).overlaps(window(10, 11)), "one inside the other");
        assert!(window(9, 11).overlaps(window(9, 11)));
        assert!(!window(9, 11).overlaps(window(11, 13)), "back to back");
        assert!(!window(11, 13).overlaps(window(9, 11)));
        assert!(!window(9, 10).overlaps(window(14, 16)));
    }

    #[test]
    fn the_first_clashing_visit_is_named() {
        let booked = [("SR-A", window(8, 9)), ("SR-B", window(10, 12)), ("SR-C", window(11, 13))];
        assert_eq!(clash(window(11, 12), booked), Some("SR-B"));
        assert_eq!(clash(window(9, 10), booked), None, "between two visits");
        assert_eq!(clash(window(9, 10), Vec::<(&str, Window)>::new()), None);
    }

    #[test]
    fn a_move_keeps_the_engineer_unless_another_is_named_and_only_a_booked_visit_moves() {
        let visit = Visit::scheduled("zhao.gong", window(9, 11));
        let later = visit.moved(window(14, 16), None).unwrap();
        assert_eq!((later.engineer.as_str(), later.window), ("zhao.gong", window(14, 16)));
        let handed = visit.moved(window(9, 11), Some("qian.gong")).unwrap();
        assert_eq!(handed.engineer, "qian.gong");
        assert!(handed.holds_time());

        let off = visit.cancelled().unwrap();
        assert_eq!((off.state, off.window), (VisitState::Cancelled, window(9, 11)));
        assert!(!off.holds_time(), "a cancelled visit frees the engineer's time");
        let over = VisitRefusal::NotScheduled(VisitState::Cancelled);
        assert_eq!(off.moved(window(14, 16), None), Err(over));
        assert_eq!(off.cancelled(), Err(over));
        let done = Visit { state: VisitState::Done, ..visit };
        assert_eq!(done.cancelled(), Err(VisitRefusal::NotScheduled(VisitState::Done)));
    }

    #[test]
    fn states_round_trip_in_the_api_and_database() {
        for state in VisitState::ALL {
            assert_eq!(VisitState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        assert_eq!(VisitState::parse("booked"), None);
    }
}
