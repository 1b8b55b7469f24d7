//! Escalation (升级): a request the team has not answered by its promised reply time is
//! put in front of the leads, and stays there until the customer sees an answer. Complaints
//! do not wait that long: an unhappy customer left in silence for the whole promise is a
//! second complaint, so they escalate at half of it.
//!
//! What counts as an answer is [`crate::status::ReplyPromise::answers`]; this module only
//! says when a request without one escalates and while it may. Times are Unix seconds.

use crate::schema::Intent;
use crate::status::Status;

/// When a request filed at `filed_at` with its first reply promised by `promised` escalates
/// if nobody has answered it by then: at the promise, or half-way to it for a complaint.
pub fn escalates_at(intent: Intent, filed_at: i64, promised: i64) -> i64 {
    if intent == Intent::Complaint && promised > filed_at {
        filed_at + (promised - filed_at) / 2
    } else {
        promised
    }
}

/// Whether a request in `status` can be escalated: while it is open. A resolved or closed
/// request is past helping by a lead's attention; a missed promise on it still counts in
/// the figures.
pub fn may_escalate(status: Status) -> bool {
    !matches!(status, Status::Resolved | Status::Closed)
}

/// The statuses [`may_escalate`] allows, for a store that selects by them.
pub fn escalating_statuses() -> impl Iterator<Item = Status> {
    Status::ALL.into_iter().filter(|status| may_escalate(*status))
}

/// Whether the request is escalated at `now`: open, unanswered, and past its escalation time.
pub fn is_escalated(status: Status, answered: bool, escalates_at: i64, now: i64) -> bool {
    may_escalate(status) && !answered && escalates_at <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    #[test]
    fn a_request_escalates_at_its_promise_and_a_complaint_at_half_of_it() {
        assert_eq!(escalates_at(Intent::Repair, 0, 24 * HOUR), 24 * HOUR);
        assert_eq!(escalates_at(Intent::Consultation, 100, 100 + 8 * HOUR), 100 + 8 * HOUR);
        assert_eq!(escalates_at(Intent::Complaint, 0, 24 * HOUR), 12 * HOUR);
        assert_eq!(escalates_at(Intent::Complaint, 50, 50), 50, "a promise already due");
    }

    #[test]
    fn an_escalation_lasts_while_the_request_is_open_and_unanswered() {
        assert!(!is_escalated(Status::Received, false, 100, 99), "not yet");
        assert!(is_escalated(Status::Received, false, 100, 100));
        assert!(is_escalated(Status::WaitingCustomer, false, 100, 500));
        assert!(!is_escalated(Status::InProgress, true, 100, 500), "answered");
        assert!(!is_escalated(Status::Resolved, false, 100, 500));
        assert!(!is_escalated(Status::Closed, false, 100, 500));
        let open: Vec<Status> = escalating_statuses().collect();
        assert_eq!(
            open,
            [Status::Received, Status::InProgress, Status::WaitingCustomer, Status::WaitingParts]
        );
    }
}
