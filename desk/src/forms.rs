//! What the request screen's forms send, and the message each gives when something it needs
//! is missing: the forms' rules, pure and tested natively. The screen only reads the fields.

use shouhou_core::desk::EventRequest;
use shouhou_core::quality::PartUsed;
use shouhou_core::status::CallOutcome;
use shouhou_core::status::Status;
use shouhou_web::dom::some;

/// The form an event comes from; its message keys are `action.<form>…` and `saved.<form>`.
pub type Form = &'static str;

/// What a form says after its last action: saved, or why not.
#[derive(Debug, Clone, PartialEq)]
pub struct Said {
    pub form: Form,
    pub ok: bool,
    /// A message key.
    pub key: String,
    /// The server's own words for a refusal the desk cannot word alone (a clash names the
    /// other request), in the desk's language: shown instead of `key`'s.
    pub server: Option<String>,
}

impl Said {
    pub fn ok(form: Form, key: String) -> Said {
        Said { form, ok: true, key, server: None }
    }

    pub fn refused(form: Form, key: String) -> Said {
        Said { form, ok: false, key, server: None }
    }

    /// What it says: the server's words when it gave them, else `key`'s in the desk's
    /// language (`t` looks a key up).
    pub fn words(&self, t: &dyn Fn(&str) -> String) -> String {
        self.server.clone().unwrap_or_else(|| t(&self.key))
    }
}

/// An event to send, or the message key that says what is missing.
pub type Filled = Result<EventRequest, &'static str>;

/// A status change to one of the statuses offered.
pub fn status(value: &str) -> Filled {
    Status::parse(value).map(|status| EventRequest::Status { status }).ok_or("error.choose_status")
}

/// An assignment, to the login typed (any login: the server knows who is active).
pub fn assign(login: String) -> Filled {
    some(login).map(|to| EventRequest::Assign { to }).ok_or("error.login_missing")
}

/// A public reply (`reply`) or an internal note (`note`).
pub fn text(form: Form, text: String) -> Filled {
    let text = some(text).ok_or("error.text_missing")?;
    Ok(match form {
        "note" => EventRequest::Note { text },
        _ => EventRequest::Reply { text },
    })
}

/// A new reply-by time: the `datetime-local` value already read as RFC 3339 (`None` when the
/// field is empty or not a time).
pub fn reply_by(at: Option<String>) -> Filled {
    at.map(|at| EventRequest::ReplyBy { at }).ok_or("error.time_missing")
}

/// A follow-up call (回访): how it went (one of the outcomes offered), the satisfaction the
/// customer gave if asked (1–5; "not asked" is empty), and notes.
pub fn follow_up(outcome: &str, satisfaction: &str, notes: String) -> Filled {
    let outcome = CallOutcome::parse(outcome).ok_or("error.outcome_missing")?;
    let satisfaction = satisfaction.parse::<u8>().ok().filter(|n| (1..=5).contains(n));
    Ok(EventRequest::FollowUp { outcome, satisfaction, text: notes.trim().to_string() })
}

/// Resolving with what the repair found: a fault cause (one of the configured), and the
/// parts used as `(part, quantity typed)`; a part left empty or at 0 was not used.
pub fn resolve(cause: &str, quantities: &[(String, String)]) -> Filled {
    let fault_cause = Some(cause.trim().to_string()).filter(|c| !c.is_empty());
    let fault_cause = fault_cause.ok_or("error.cause_missing")?;
    let parts = quantities
        .iter()
        .filter_map(|(part, typed)| {
            let quantity = typed.trim().parse::<u32>().ok().filter(|n| *n > 0)?;
            Some(PartUsed { part: part.clone(), quantity })
        })
        .collect();
    Ok(EventRequest::Resolve { fault_cause: Some(fault_cause), parts })
}

/// Confirming a customer's proof of purchase: the date it shows (`YYYY-MM-DD`, as a date
/// control gives it).
pub fn confirm_warranty(date: String) -> Filled {
    let delivered_on = some(date).ok_or("error.date_missing")?;
    Ok(EventRequest::ConfirmWarranty { delivered_on })
}

/// A time of day as staff type it (`9:00`, `09:00`, `0900`), as `HH:MM`; `None` for
/// anything else. Typed, not picked: a time picker differs from browser to browser, and
/// two fields of digits are the quickest by keyboard.
pub fn time_of_day(typed: &str) -> Option<String> {
    let digits: String = typed.trim().chars().filter(|c| *c != ':').collect();
    let colons = typed.matches(':').count();
    if colons > 1 || !(3..=4).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let (hours, minutes) = digits.split_at(digits.len() - 2);
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (hours < 24 && minutes < 60).then(|| format!("{hours:02}:{minutes:02}"))
}

/// A visit's window from a day (`YYYY-MM-DD`, as the date control gives it) and two typed
/// times of day, as `datetime-local` values; `None` when any is missing or not a time.
pub fn window_inputs(day: &str, from: &str, to: &str) -> Option<(String, String)> {
    let day = day.trim();
    if day.is_empty() {
        return None;
    }
    let (from, to) = (time_of_day(from)?, time_of_day(to)?);
    Some(([day, "T", &from].concat(), [day, "T", &to].concat()))
}

/// Booking a visit: an engineer chosen, and the window already read as RFC 3339 (`None`
/// when the day or a time is missing); the note is optional.
pub fn visit(engineer: String, window: Option<(String, String)>, note: String) -> Filled {
    let engineer = some(engineer).ok_or("error.engineer_missing")?;
    let (from, to) = window.ok_or("error.window_missing")?;
    Ok(EventRequest::Visit { engineer, from, to, note: note.trim().to_string() })
}

/// Moving booked visit `visit` to a new window, with the engineer chosen (kept when it is
/// the same), and why.
pub fn move_visit(
    visit: i64,
    engineer: String,
    window: Option<(String, String)>,
    reason: String,
) -> Filled {
    let (from, to) = window.ok_or("error.window_missing")?;
    let reason = some(reason).ok_or("error.reason_missing")?;
    Ok(EventRequest::MoveVisit { visit, from, to, engineer: some(engineer), reason })
}

/// Calling booked visit `visit` off, and why.
pub fn cancel_visit(visit: i64, reason: String) -> Filled {
    let reason = some(reason).ok_or("error.reason_missing")?;
    Ok(EventRequest::CancelVisit { visit, reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_must_be_one_the_machine_knows() {
        assert_eq!(status("resolved"), Ok(EventRequest::Status { status: Status::Resolved }));
        assert_eq!(status(""), Err("error.choose_status"));
        assert_eq!(status("done"), Err("error.choose_status"));
    }

    #[test]
    fn an_assignment_needs_a_login_and_is_trimmed() {
        assert_eq!(assign(" li.na ".into()), Ok(EventRequest::Assign { to: "li.na".into() }));
        assert_eq!(assign("   ".into()), Err("error.login_missing"));
    }

    #[test]
    fn replies_and_notes_need_words() {
        assert_eq!(
            text("reply", " 明天上门 ".into()),
            Ok(EventRequest::Reply { text: "明天上门".into() })
        );
        assert_eq!(text("note", "急".into()), Ok(EventRequest::Note { text: "急".into() }));
        assert_eq!(text("note", "\n".into()), Err("error.text_missing"));
    }

    #[test]
    fn a_reply_by_time_must_be_a_time() {
        let at = "2026-11-28T01:30:00.000Z".to_string();
        assert_eq!(reply_by(Some(at.clone())), Ok(EventRequest::ReplyBy { at }));
        assert_eq!(reply_by(None), Err("error.time_missing"));
    }

    #[test]
    fn a_follow_up_needs_its_outcome_and_takes_a_satisfaction_from_one_to_five() {
        assert_eq!(
            follow_up("reached", "5", " 满意 ".into()),
            Ok(EventRequest::FollowUp {
                outcome: CallOutcome::Reached,
                satisfaction: Some(5),
                text: "满意".into()
            })
        );
        let not_asked = follow_up("no_answer", "", String::new()).unwrap();
        assert!(matches!(not_asked, EventRequest::FollowUp { satisfaction: None, .. }));
        let out_of_range = follow_up("refused", "9", String::new()).unwrap();
        assert!(matches!(out_of_range, EventRequest::FollowUp { satisfaction: None, .. }));
        assert_eq!(follow_up("", "4", "x".into()), Err("error.outcome_missing"));
        assert_eq!(follow_up("已解决", "4", "x".into()), Err("error.outcome_missing"));
    }

    #[test]
    fn resolving_needs_a_cause_and_counts_only_the_parts_used() {
        let typed = |part: &str, n: &str| (part.to_string(), n.to_string());
        let quantities =
            [typed("fan", "2"), typed("board", ""), typed("seal", "0"), typed("x", "a")];
        assert_eq!(
            resolve("quality", &quantities),
            Ok(EventRequest::Resolve {
                fault_cause: Some("quality".into()),
                parts: vec![PartUsed { part: "fan".into(), quantity: 2 }]
            })
        );
        assert_eq!(resolve(" ", &quantities), Err("error.cause_missing"));
        assert_eq!(
            confirm_warranty("2025-05-01".into()),
            Ok(EventRequest::ConfirmWarranty { delivered_on: "2025-05-01".into() })
        );
        assert_eq!(confirm_warranty(String::new()), Err("error.date_missing"));
    }

    #[test]
    fn a_visit_needs_an_engineer_and_a_whole_window_and_a_change_needs_a_reason() {
        assert_eq!(
            window_inputs("2026-12-08", "09:00", "11:00"),
            Some(("2026-12-08T09:00".into(), "2026-12-08T11:00".into()))
        );
        assert_eq!(
            window_inputs("2026-12-08", "9:00", "1130"),
            Some(("2026-12-08T09:00".into(), "2026-12-08T11:30".into()))
        );
        assert_eq!(window_inputs("2026-12-08", "", "11:00"), None);
        assert_eq!(window_inputs("", "09:00", "11:00"), None);
        for not_a_time in ["24:00", "9:60", "9", "上午9点", "09:00:00", "12345"] {
            assert_eq!(time_of_day(not_a_time), None, "{not_a_time}");
        }
        let window = Some(("a".to_string(), "b".to_string()));
        assert_eq!(
            visit(" zhao.gong ".into(), window.clone(), " 带万用表 ".into()),
            Ok(EventRequest::Visit {
                engineer: "zhao.gong".into(),
                from: "a".into(),
                to: "b".into(),
                note: "带万用表".into()
            })
        );
        assert_eq!(visit("".into(), window.clone(), String::new()), Err("error.engineer_missing"));
        assert_eq!(visit("zhao.gong".into(), None, String::new()), Err("error.window_missing"));
        assert_eq!(
            move_visit(7, "".into(), window.clone(), "客户改约".into()),
            Ok(EventRequest::MoveVisit {
                visit: 7,
                from: "a".into(),
                to: "b".into(),
                engineer: None,
                reason: "客户改约".into()
            })
        );
        assert_eq!(move_visit(7, "".into(), window, " ".into()), Err("error.reason_missing"));
        assert_eq!(cancel_visit(7, "".into()), Err("error.reason_missing"));
        assert_eq!(
            cancel_visit(7, "客户已自行修好".into()),
            Ok(EventRequest::CancelVisit { visit: 7, reason: "客户已自行修好".into() })
        );
    }
}
