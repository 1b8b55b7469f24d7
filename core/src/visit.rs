//! An engineer's visit to the customer's site (上门): the window it is booked for, when two
//! windows clash, and what moving or cancelling one leaves of it.
//!
//! The server refuses what this refuses (422 `invalid_event` for a window that is not one,
//! 409 `visit_overlaps` for a clash, 409 `visit_not_scheduled` for changing a visit that is
//! over); the dispatch board and the engineer's app read the same states. Times are Unix
//! seconds, so no rule here depends on an offset.

use serde::{Deserialize, Serialize};

use crate::status::{transition_allowed, Status};
use crate::warranty::CivilDate;

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
    /// Another visit a report asked for, not booked yet: no engineer, no window. Booking a
    /// visit on the request books this one.
    Unscheduled,
}

impl VisitState {
    pub const ALL: [VisitState; 4] =
        [VisitState::Scheduled, VisitState::Cancelled, VisitState::Done, VisitState::Unscheduled];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitState::Scheduled => "scheduled",
            VisitState::Cancelled => "cancelled",
            VisitState::Done => "done",
            VisitState::Unscheduled => "unscheduled",
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

    /// The visit answered by the engineer's on-site report.
    pub fn done(&self) -> Result<Visit, VisitRefusal> {
        self.still_scheduled()?;
        Ok(Visit { state: VisitState::Done, ..self.clone() })
    }

    /// Whether it holds its engineer's time (and so may clash with another visit).
    pub fn holds_time(&self) -> bool {
        self.state == VisitState::Scheduled
    }
}

/// What the engineer's on-site report says came of the visit (its `result` field, one of
/// the schema's `VISIT_RESULTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitResult {
    Fixed,
    NeedsParts,
    AnotherVisit,
}

impl VisitResult {
    pub fn parse(text: &str) -> Option<VisitResult> {
        match text {
            "fixed" => Some(VisitResult::Fixed),
            "needs_parts" => Some(VisitResult::NeedsParts),
            "another_visit" => Some(VisitResult::AnotherVisit),
            _ => None,
        }
    }

    /// The status the request goes to.
    pub fn status(self) -> Status {
        match self {
            VisitResult::Fixed => Status::Resolved,
            VisitResult::NeedsParts => Status::WaitingParts,
            VisitResult::AnotherVisit => Status::InProgress,
        }
    }
}

/// What a visit's report does to the request it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterReport {
    /// The request's status after it: resolved when fixed, waiting for parts when parts
    /// are needed, in progress when another visit is needed.
    pub status: Status,
    /// Whether a new, unscheduled visit is left for the desk to book.
    pub another_visit: bool,
}

/// What a report with `result` does to a request in `current`; `None` when the status
/// machine does not go there from here (a resolved or closed request is not answered by a
/// visit). A report is work on the request, so one still `received` counts as taken up
/// first: the machine is asked from `in_progress`.
pub fn after_report(current: Status, result: VisitResult) -> Option<AfterReport> {
    let status = result.status();
    let from = match current {
        Status::Received => Status::InProgress,
        other => other,
    };
    let allowed = from == status || transition_allowed(from, status);
    let open = !matches!(current, Status::Resolved | Status::Closed);
    (open && allowed)
        .then_some(AfterReport { status, another_visit: result == VisitResult::AnotherVisit })
}

/// The month and day of a `YYYY-MM-DD` day or of an RFC 3339 time, in the offset it was
/// written in.
pub fn day_of(text: &str) -> Option<(u32, u32)> {
    let month: u32 = text.get(5..7)?.parse().ok()?;
    let day: u32 = text.get(8..10)?.parse().ok()?;
    let dashes = text.get(4..5) == Some("-") && text.get(7..8) == Some("-");
    (dashes && (1..=12).contains(&month) && (1..=31).contains(&day)).then_some((month, day))
}

/// A visit's window as the customer's status page words it: the day of `from` and both
/// times of day, read from the RFC 3339 times in the offset the server wrote them in (the
/// site's), so every browser shows the hours the engineer comes, whatever its own zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowWords {
    pub month: u32,
    pub day: u32,
    /// `09:00`.
    pub from: String,
    pub to: String,
}

pub fn window_words(from: &str, to: &str) -> Option<WindowWords> {
    let (month, day) = day_of(from)?;
    let time = |at: &str| {
        let time = at.get(11..16)?;
        (at.get(10..11) == Some("T") && time.as_bytes()[2] == b':').then(|| time.to_string())
    };
    Some(WindowWords { month, day, from: time(from)?, to: time(to)? })
}

/// The days a dispatch board shows for `day`: that day alone, or the week it falls in,
/// Monday to Sunday (the working week the team plans by, 周一 to 周日).
pub fn board_days(day: CivilDate, week: bool) -> Vec<CivilDate> {
    if !week {
        return vec![day];
    }
    // 1970-01-01, day 0, was a Thursday: three days after a Monday.
    let monday = day.plus_days(-(day.days_since_epoch() + 3).rem_euclid(7));
    (0..7).map(|n| monday.plus_days(n)).collect()
}

/// Whether a visit's `from` (RFC 3339, in the server's offset) falls on `day` of the
/// server's calendar: where the board draws its block.
pub fn begins_on(from: &str, day: CivilDate) -> bool {
    from.get(..10).and_then(CivilDate::parse) == Some(day)
}

/// How long before now a window may begin: a visit made yesterday and put on the board this
/// morning is booked as it happened; one further back is a slip in the year or the day.
pub const EARLIEST_BEFORE_NOW_SECONDS: i64 = 24 * 3600;

/// How far ahead a window may begin: a year (a leap year's), the longest a team plans
/// visits for. Later is a slip in the year, and the customer would be told of it.
pub const LATEST_AFTER_NOW_SECONDS: i64 = 366 * 24 * 3600;

/// Why a window, one in itself, is not one a visit can be booked or moved to now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingProblem {
    /// Begins more than [`EARLIEST_BEFORE_NOW_SECONDS`] before now.
    TooEarly,
    /// Begins more than [`LATEST_AFTER_NOW_SECONDS`] after now.
    TooLate,
}

impl BookingProblem {
    /// What the refusal's detail says, for the API.
    pub fn detail(self) -> &'static str {
        match self {
            BookingProblem::TooEarly => "from: not more than a day ago",
            BookingProblem::TooLate => "from: not more than a year ahead",
        }
    }
}

impl Window {
    /// The window, when a visit may be booked or moved to it at `now` (Unix seconds): it
    /// begins no more than a day ago and no more than a year ahead.
    pub fn bookable(self, now: i64) -> Result<Window, BookingProblem> {
        if self.from < now - EARLIEST_BEFORE_NOW_SECONDS {
            Err(BookingProblem::TooEarly)
        } else if self.from > now + LATEST_AFTER_NOW_SECONDS {
            Err(BookingProblem::TooLate)
        } else {
            Ok(self)
        }
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
    fn a_window_is_booked_from_a_day_ago_to_a_year_ahead() {
        const DAY: i64 = 24 * HOUR;
        let now = 1_796_860_800; // 2026-12-10T00:00:00Z
        let at = |from: i64| Window { from, to: from + HOUR }.bookable(now);
        assert_eq!(at(now), Ok(Window { from: now, to: now + HOUR }));
        assert!(at(now - DAY).is_ok(), "yesterday's visit, booked as it happened");
        assert_eq!(at(now - DAY - 1), Err(BookingProblem::TooEarly));
        assert!(at(now + 366 * DAY).is_ok());
        assert_eq!(at(now + 366 * DAY + 1), Err(BookingProblem::TooLate));
        // The year 0 and the year 9999 (RFC 3339 allows both), said as such.
        assert_eq!(at(-62_167_219_200), Err(BookingProblem::TooEarly));
        assert_eq!(at(253_402_300_799 - HOUR), Err(BookingProblem::TooLate));
        assert_eq!(BookingProblem::TooEarly.detail(), "from: not more than a day ago");
        assert_eq!(BookingProblem::TooLate.detail(), "from: not more than a year ahead");
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
        let done = visit.done().unwrap();
        assert_eq!(done.state, VisitState::Done);
        assert_eq!(done.cancelled(), Err(VisitRefusal::NotScheduled(VisitState::Done)));
        assert_eq!(done.done(), Err(VisitRefusal::NotScheduled(VisitState::Done)), "reported once");
        assert_eq!(off.done(), Err(over), "a cancelled visit has no report");
    }

    #[test]
    fn a_report_moves_its_request_by_its_result() {
        use Status::*;
        let after = |current, result| after_report(current, result).map(|a| a.status);
        assert_eq!(after(InProgress, VisitResult::Fixed), Some(Resolved));
        assert_eq!(after(Received, VisitResult::Fixed), Some(Resolved), "taken up and done");
        assert_eq!(after(WaitingParts, VisitResult::Fixed), Some(Resolved), "the parts fitted");
        assert_eq!(after(InProgress, VisitResult::NeedsParts), Some(WaitingParts));
        assert_eq!(after(Received, VisitResult::NeedsParts), Some(WaitingParts));
        assert_eq!(after(InProgress, VisitResult::AnotherVisit), Some(InProgress));
        assert_eq!(after(WaitingParts, VisitResult::AnotherVisit), Some(InProgress));
        assert!(after_report(InProgress, VisitResult::AnotherVisit).unwrap().another_visit);
        assert!(!after_report(InProgress, VisitResult::Fixed).unwrap().another_visit);
        for closed in [Resolved, Closed] {
            for result in [VisitResult::Fixed, VisitResult::NeedsParts, VisitResult::AnotherVisit] {
                assert_eq!(after_report(closed, result), None, "{closed:?} {result:?}");
            }
        }
        assert_eq!(after(WaitingCustomer, VisitResult::NeedsParts), None, "ask first, then visit");
        for result in ["fixed", "needs_parts", "another_visit"] {
            assert!(VisitResult::parse(result).is_some(), "{result}");
        }
        assert_eq!(VisitResult::parse("done"), None);
    }

    #[test]
    fn a_window_is_worded_in_the_offset_it_was_written_in() {
        assert_eq!(
            window_words("2026-12-08T09:00:00+08:00", "2026-12-08T11:00:00+08:00"),
            Some(WindowWords { month: 12, day: 8, from: "09:00".into(), to: "11:00".into() })
        );
        assert_eq!(day_of("2026-12-20"), Some((12, 20)));
        assert_eq!(day_of("2026-13-20"), None);
        assert_eq!(day_of("20 Dec"), None);
        assert_eq!(window_words("2026-12-08", "2026-12-08T11:00:00+08:00"), None);
    }

    #[test]
    fn states_round_trip_in_the_api_and_database() {
        for state in VisitState::ALL {
            assert_eq!(VisitState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        assert_eq!(VisitState::parse("booked"), None);
    }

    #[test]
    fn the_board_shows_a_day_or_its_week_from_monday() {
        let day = |text: &str| CivilDate::parse(text).unwrap();
        assert_eq!(board_days(day("2026-12-09"), false), [day("2026-12-09")]);
        let week = board_days(day("2026-12-09"), true);
        assert_eq!((week[0], week[6]), (day("2026-12-07"), day("2026-12-13")), "Monday to Sunday");
        assert_eq!(
            board_days(day("2026-12-07"), true)[0],
            day("2026-12-07"),
            "a Monday starts its week"
        );
        assert_eq!(board_days(day("2027-01-03"), true)[0], day("2026-12-28"), "across the year");
        assert!(
            begins_on("2026-12-08T23:30:00+08:00", day("2026-12-08")),
            "in the server's offset"
        );
        assert!(!begins_on("2026-12-08T23:30:00+08:00", day("2026-12-09")));
        assert!(!begins_on("08.12", day("2026-12-08")));
    }
}
