//! A request's life after it is filed: its statuses, which changes between them are allowed,
//! and the kinds of entry on its timeline — which of them the customer may see.
//!
//! The server refuses a change this module refuses (409 `transition_not_allowed`), the staff
//! desk offers only the changes it allows, and the customer's status page words each status
//! and decides whether the customer may answer or rate. One table, three users.

use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Filed; nobody on the team has taken it up yet.
    Received,
    InProgress,
    /// The team asked the customer something and waits for the answer.
    WaitingCustomer,
    /// An engineer found on site that parts are needed: the team waits for them, and the
    /// customer is shown which and when they are expected (等待配件).
    WaitingParts,
    /// The team considers it solved; the customer may rate it, and it may be reopened.
    Resolved,
    /// Done for good: nothing changes it any more.
    Closed,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Received,
        Status::InProgress,
        Status::WaitingCustomer,
        Status::WaitingParts,
        Status::Resolved,
        Status::Closed,
    ];

    /// The name in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::InProgress => "in_progress",
            Status::WaitingCustomer => "waiting_customer",
            Status::WaitingParts => "waiting_parts",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// The statuses this one may change to, in the order a desk offers them.
    pub fn next(self) -> &'static [Status] {
        match self {
            Status::Received => &[Status::InProgress],
            // Waiting for parts last: an engineer's report is what usually sets it.
            Status::InProgress => {
                &[Status::WaitingCustomer, Status::Resolved, Status::WaitingParts]
            }
            Status::WaitingCustomer => &[Status::InProgress],
            // The parts came: back to work, or fitted and done.
            Status::WaitingParts => &[Status::InProgress, Status::Resolved],
            // Reopening: the customer says it is not fixed after all.
            Status::Resolved => &[Status::InProgress, Status::Closed],
            Status::Closed => &[],
        }
    }

    /// Whether the team still owes the customer something: a passed reply-by time on such a
    /// request is overdue. Waiting for the customer is not the team's delay.
    pub fn awaits_team(self) -> bool {
        matches!(self, Status::Received | Status::InProgress)
    }

    /// The customer may answer the team only while the team waits for an answer.
    pub fn customer_may_reply(self) -> bool {
        self == Status::WaitingCustomer
    }

    /// The customer may rate the service once it is resolved (once: the server keeps count),
    /// and still after staff closed it: closing is the team's bookkeeping, and a customer who
    /// had not got round to rating must not lose the chance because of it.
    pub fn customer_may_rate(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

/// Whether a request may go from `from` to `to`. Staying put is not a change, so it is refused.
pub fn transition_allowed(from: Status, to: Status) -> bool {
    from.next().contains(&to)
}

/// What one entry on a request's timeline records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// The status changed (staff, or the customer's answer bringing it back to the team).
    Status,
    /// Staff gave the request to someone.
    Assign,
    /// Staff wrote to the customer.
    Reply,
    /// Staff wrote for the team only.
    Note,
    /// A follow-up call (回访): outcome and, if asked, satisfaction 1–5.
    FollowUp,
    /// A new promised reply time.
    ReplyBy,
    /// The customer answered the team from the status page.
    CustomerMessage,
    /// The customer's own satisfaction rating.
    Rating,
    /// Staff confirmed the purchase date from the customer's invoice or delivery note.
    Warranty,
    /// An engineer's visit booked, moved or cancelled (`outcome` says which). The team's
    /// own: the customer sees the window itself on the status page, and is told of it.
    Visit,
}

impl EntryKind {
    pub const ALL: [EntryKind; 10] = [
        EntryKind::Status,
        EntryKind::Assign,
        EntryKind::Reply,
        EntryKind::Note,
        EntryKind::FollowUp,
        EntryKind::ReplyBy,
        EntryKind::CustomerMessage,
        EntryKind::Rating,
        EntryKind::Warranty,
        EntryKind::Visit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Status => "status",
            EntryKind::Assign => "assign",
            EntryKind::Reply => "reply",
            EntryKind::Note => "note",
            EntryKind::FollowUp => "follow_up",
            EntryKind::ReplyBy => "reply_by",
            EntryKind::CustomerMessage => "customer_message",
            EntryKind::Rating => "rating",
            EntryKind::Warranty => "warranty",
            EntryKind::Visit => "visit",
        }
    }

    pub fn parse(text: &str) -> Option<EntryKind> {
        EntryKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Whether the customer's status page shows it. Who on the team holds the request, what
    /// the team notes and what a follow-up call recorded stay inside the team.
    pub fn is_public(self) -> bool {
        match self {
            EntryKind::Status
            | EntryKind::Reply
            | EntryKind::ReplyBy
            | EntryKind::CustomerMessage
            | EntryKind::Rating => true,
            EntryKind::Assign
            | EntryKind::Note
            | EntryKind::FollowUp
            | EntryKind::Warranty
            | EntryKind::Visit => false,
        }
    }
}

/// Whether the promised reply time was kept (明确表示下次答复时间), as the customer's status page
/// says it and the timeliness figure (及时率) counts it: the team answered by then, still may,
/// or did not. Only what the customer sees answers ([`ReplyPromise::answers`]). Times are
/// milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyPromise {
    Kept,
    /// Not answered yet, and there is still time.
    Pending,
    Missed,
}

impl ReplyPromise {
    /// `answers` are the times of the entries that answer the customer
    /// ([`ReplyPromise::answers`]).
    pub fn judge(reply_by_ms: u64, answers: &[u64], now_ms: u64) -> ReplyPromise {
        if answers.iter().any(|&at| at <= reply_by_ms) {
            ReplyPromise::Kept
        } else if now_ms <= reply_by_ms {
            ReplyPromise::Pending
        } else {
            ReplyPromise::Missed
        }
    }

    /// Whether a timeline entry answers the customer: a public reply, or a change of status
    /// that comes with a message to the customer (`message`, the entry's text). A bare status
    /// change tells the customer nothing, so it does not keep a promise — counting it would
    /// inflate the timeliness figure with clicks. A note, an assignment or a follow-up call is
    /// the team's own.
    pub fn answers(kind: EntryKind, message: Option<&str>) -> bool {
        let said_something = message.is_some_and(|text| !text.trim().is_empty());
        matches!(kind, EntryKind::Reply | EntryKind::Status) && said_something
    }
}

/// How a follow-up call went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Reached,
    NoAnswer,
    /// The customer did not want to talk about it: asked, and not to be called again.
    Refused,
}

impl CallOutcome {
    pub const ALL: [CallOutcome; 3] =
        [CallOutcome::Reached, CallOutcome::NoAnswer, CallOutcome::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Reached => "reached",
            CallOutcome::NoAnswer => "no_answer",
            CallOutcome::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|outcome| outcome.as_str() == text)
    }
}

/// Whether a call recorded with `outcome` (as stored: calls recorded before the outcomes
/// were fixed hold free text, and were calls made) is the request's follow-up. A call
/// nobody answered is not: the request stays on the list to be tried again, and a request
/// only ever tried does not count as followed up in the rate.
pub fn call_done(outcome: Option<&str>) -> bool {
    outcome != Some(CallOutcome::NoAnswer.as_str())
}

#[cfg(test)]
mod tests {
    use super::Status::*;
    use super::*;

    const ALLOWED: [(Status, Status); 9] = [
        (Received, InProgress),
        (InProgress, WaitingCustomer),
        (WaitingCustomer, InProgress),
        (InProgress, WaitingParts),
        (WaitingParts, InProgress),
        (WaitingParts, Resolved),
        (InProgress, Resolved),
        (Resolved, Closed),
        (Resolved, InProgress),
    ];

    #[test]
    fn every_allowed_transition() {
        for (from, to) in ALLOWED {
            assert!(transition_allowed(from, to), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn every_other_transition_is_refused() {
        let mut refused = 0;
        for from in Status::ALL {
            for to in Status::ALL {
                if !ALLOWED.contains(&(from, to)) {
                    assert!(!transition_allowed(from, to), "{from:?} → {to:?}");
                    refused += 1;
                }
            }
        }
        assert_eq!(refused, 36 - ALLOWED.len(), "every pair is either allowed or refused");
    }

    #[test]
    fn names_round_trip_in_the_api_and_database() {
        for status in Status::ALL {
            assert_eq!(Status::parse(status.as_str()), Some(status));
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
        }
        for kind in EntryKind::ALL {
            assert_eq!(EntryKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
        }
        assert_eq!(Status::parse("done"), None);
    }

    #[test]
    fn the_customer_sees_replies_and_changes_but_never_the_teams_own_entries() {
        let public: Vec<&str> =
            EntryKind::ALL.into_iter().filter(|k| k.is_public()).map(EntryKind::as_str).collect();
        assert_eq!(public, ["status", "reply", "reply_by", "customer_message", "rating"]);
    }

    #[test]
    fn what_the_customer_may_do_follows_the_status() {
        let may = |s: Status| (s.customer_may_reply(), s.customer_may_rate(), s.awaits_team());
        assert_eq!(may(Received), (false, false, true));
        assert_eq!(may(InProgress), (false, false, true));
        assert_eq!(may(WaitingCustomer), (true, false, false));
        assert_eq!(may(WaitingParts), (false, false, false), "the wait is for the supplier");
        assert_eq!(may(Resolved), (false, true, false));
        assert_eq!(may(Closed), (false, true, false));
    }

    #[test]
    fn a_promise_is_kept_by_an_answer_in_time_and_missed_only_once_the_time_is_past() {
        use super::ReplyPromise::*;
        assert_eq!(ReplyPromise::judge(100, &[], 50), Pending);
        assert_eq!(ReplyPromise::judge(100, &[], 100), Pending);
        assert_eq!(ReplyPromise::judge(100, &[], 101), Missed);
        assert_eq!(ReplyPromise::judge(100, &[100], 500), Kept);
        assert_eq!(ReplyPromise::judge(100, &[150], 500), Missed, "answered, but late");
    }

    #[test]
    fn only_what_the_customer_sees_answers_them() {
        let told = Some("我们已安排工程师明天上门。");
        assert!(ReplyPromise::answers(EntryKind::Reply, told));
        assert!(ReplyPromise::answers(EntryKind::Status, told), "a change with a message");
        assert!(!ReplyPromise::answers(EntryKind::Status, None), "a bare status change");
        assert!(!ReplyPromise::answers(EntryKind::Status, Some("  ")));
        for kind in [
            EntryKind::Note,
            EntryKind::Assign,
            EntryKind::FollowUp,
            EntryKind::ReplyBy,
            EntryKind::CustomerMessage,
            EntryKind::Rating,
        ] {
            assert!(!ReplyPromise::answers(kind, told), "{kind:?} is not the team's answer");
        }
    }
}
