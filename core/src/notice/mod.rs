//! Notices to customers and alerts to the team: who is told what when something happens to
//! a request, and the rules their delivery keeps.
//!
//! A customer who ticked a box when filing (`notify`: email and/or SMS) is told, in one
//! sentence in their language, when the team replies publicly, asks them for something,
//! resolves the request (with the link to rate it), schedules or moves a visit, or moves the
//! promised reply time — never of an internal note, an assignment or a follow-up call. The
//! team is alerted to a new emergency or urgent request, a request past its promise
//! (escalated), a rating of 1–2 and a customer's answer to a question the team asked.
//!
//! This module decides; the intake server queues what it decides in the same transaction as
//! the change, and delivers it ([`delivery`] has the rules of trying again, quiet hours and
//! the cap per recipient; [`sms`] and [`robot`] the bodies gateways and group robots read;
//! [`text`] the sentences).

pub mod delivery;
pub mod robot;
pub mod sms;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::schema::{Category, NoticeChannel, Priority};
use crate::status::{EntryKind, Status};

/// Declares a wire-named enum with `ALL`, `as_str` and `parse`.
macro_rules! named {
    ($(#[$meta:meta])* $name:ident { $($(#[$doc:meta])* $variant:ident => $wire:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$doc])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire name (and the message key's last part).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

named! {
    /// What a customer is told of: the notice list.
    CustomerNotice {
        /// The team replied publicly.
        Replied => "replied",
        /// The team asked for something: the request waits for the customer.
        WaitingForCustomer => "waiting_customer",
        /// Resolved, with the link to rate the service.
        Resolved => "resolved",
        /// An engineer's visit was scheduled.
        VisitScheduled => "visit_scheduled",
        /// A scheduled visit moved to another time.
        VisitMoved => "visit_moved",
        /// A scheduled visit was called off.
        VisitCancelled => "visit_cancelled",
        /// The request waits for parts (an engineer's report found them needed).
        WaitingForParts => "waiting_parts",
        /// The promised time of the next reply moved.
        ReplyByMoved => "reply_by_moved",
    }
}

named! {
    /// What the team is alerted to.
    TeamAlert {
        /// A new request about an emergency (突发事件) or with someone in danger.
        Emergency => "emergency",
        /// A new urgent request.
        Urgent => "urgent",
        /// Past its promise without an answer (see `escalation`).
        Escalated => "escalated",
        /// The customer rated the service 1 or 2 of 5.
        LowRating => "low_rating",
        /// The customer answered while the request waited for them.
        CustomerAnswered => "customer_answered",
    }
}

named! {
    /// Where a notice or an alert goes.
    Channel {
        /// Email: the customer's address, or a member of staff's.
        Email => "email",
        /// A text message through the operator's SMS gateway.
        Sms => "sms",
        /// 企业微信 group robot.
        WeCom => "wecom",
        /// 钉钉 group robot.
        DingTalk => "dingtalk",
        /// 飞书 group robot.
        Feishu => "feishu",
    }
}

impl From<NoticeChannel> for Channel {
    fn from(channel: NoticeChannel) -> Channel {
        match channel {
            NoticeChannel::Email => Channel::Email,
            NoticeChannel::Sms => Channel::Sms,
        }
    }
}

/// A change to a request, as far as telling anyone about it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    /// A new request, with what makes it pressing.
    Filed { priority: Option<Priority>, category: Option<Category>, danger: bool },
    /// A new timeline entry: its kind, the status it changes to (for a status change), who
    /// made it (`by_staff`: false for the customer), the customer's rating (for a rating)
    /// and the status the request had before it.
    Entry {
        kind: EntryKind,
        status: Option<Status>,
        by_staff: bool,
        rating: Option<u8>,
        before: Status,
    },
    /// Nobody answered by the promise (or half of it, for a complaint): the server sees it
    /// on its clock, once per request.
    Escalated,
    /// An engineer's visit was scheduled, or moved (the field-service screens call this).
    Visit { moved: bool },
    /// A scheduled visit was cancelled: the customer would otherwise wait in for nobody.
    VisitCancelled,
}

/// Who is told of a [`Happening`]: the customer (on the channels they chose) and the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Told {
    pub customer: Option<CustomerNotice>,
    pub team: Option<TeamAlert>,
}

/// Ratings at or below this alert the team.
pub const LOW_RATING: u8 = 2;

/// The one rule of what is told of what. What the customer does not see on the status page
/// (a note, an assignment, a follow-up call) is never told to them.
pub fn told(happening: Happening) -> Told {
    let customer = |notice| Told { customer: Some(notice), team: None };
    let team = |alert| Told { customer: None, team: Some(alert) };
    match happening {
        Happening::Filed { category, danger, .. }
            if danger || category == Some(Category::Emergency) =>
        {
            team(TeamAlert::Emergency)
        }
        Happening::Filed { priority: Some(Priority::Urgent), .. } => team(TeamAlert::Urgent),
        Happening::Filed { .. } => Told::default(),
        Happening::Escalated => team(TeamAlert::Escalated),
        Happening::Visit { moved: false } => customer(CustomerNotice::VisitScheduled),
        Happening::Visit { moved: true } => customer(CustomerNotice::VisitMoved),
        Happening::VisitCancelled => customer(CustomerNotice::VisitCancelled),
        Happening::Entry { kind, status, by_staff, rating, before } => match kind {
            EntryKind::Reply if by_staff => customer(CustomerNotice::Replied),
            EntryKind::Status if by_staff => match status {
                Some(Status::WaitingCustomer) => customer(CustomerNotice::WaitingForCustomer),
                Some(Status::Resolved) => customer(CustomerNotice::Resolved),
                Some(Status::WaitingParts) => customer(CustomerNotice::WaitingForParts),
                _ => Told::default(),
            },
            EntryKind::ReplyBy if by_staff => customer(CustomerNotice::ReplyByMoved),
            EntryKind::CustomerMessage if before == Status::WaitingCustomer => {
                team(TeamAlert::CustomerAnswered)
            }
            EntryKind::Rating if rating.is_some_and(|r| r <= LOW_RATING) => {
                team(TeamAlert::LowRating)
            }
            _ => Told::default(),
        },
    }
}

/// Whether a request is an emergency for delivery: its text messages go out even in the
/// night's quiet hours.
pub fn is_emergency(priority: Option<Priority>, category: Option<Category>) -> bool {
    priority == Some(Priority::Urgent) || category == Some(Category::Emergency)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: EntryKind, status: Option<Status>, by_staff: bool) -> Told {
        told(Happening::Entry { kind, status, by_staff, rating: None, before: Status::InProgress })
    }

    #[test]
    fn customers_are_told_what_the_status_page_shows_and_nothing_internal() {
        let notice = |kind, status| entry(kind, status, true).customer;
        assert_eq!(notice(EntryKind::Reply, None), Some(CustomerNotice::Replied));
        assert_eq!(
            notice(EntryKind::Status, Some(Status::WaitingCustomer)),
            Some(CustomerNotice::WaitingForCustomer)
        );
        assert_eq!(
            notice(EntryKind::Status, Some(Status::Resolved)),
            Some(CustomerNotice::Resolved)
        );
        assert_eq!(notice(EntryKind::ReplyBy, None), Some(CustomerNotice::ReplyByMoved));
        for quiet in [EntryKind::Note, EntryKind::Assign, EntryKind::FollowUp] {
            assert_eq!(entry(quiet, None, true), Told::default(), "{quiet:?}");
        }
        assert_eq!(notice(EntryKind::Status, Some(Status::InProgress)), None);
        assert_eq!(notice(EntryKind::Status, Some(Status::Closed)), None);
        // The change back to in progress a customer's message brings is theirs, not news.
        assert_eq!(entry(EntryKind::Status, Some(Status::InProgress), false), Told::default());
        assert_eq!(
            told(Happening::Visit { moved: false }).customer,
            Some(CustomerNotice::VisitScheduled)
        );
        assert_eq!(
            told(Happening::Visit { moved: true }).customer,
            Some(CustomerNotice::VisitMoved)
        );
        assert_eq!(told(Happening::VisitCancelled).customer, Some(CustomerNotice::VisitCancelled));
        assert_eq!(
            notice(EntryKind::Status, Some(Status::WaitingParts)),
            Some(CustomerNotice::WaitingForParts)
        );
    }

    #[test]
    fn the_team_is_alerted_to_emergencies_late_requests_low_ratings_and_answers() {
        let filed =
            |priority, category, danger| told(Happening::Filed { priority, category, danger }).team;
        assert_eq!(filed(None, Some(Category::Emergency), false), Some(TeamAlert::Emergency));
        assert_eq!(filed(Some(Priority::Urgent), None, true), Some(TeamAlert::Emergency));
        assert_eq!(filed(Some(Priority::Urgent), None, false), Some(TeamAlert::Urgent));
        assert_eq!(filed(Some(Priority::High), Some(Category::Quality), false), None);
        assert_eq!(told(Happening::Escalated).team, Some(TeamAlert::Escalated));
        let rated = |rating| {
            told(Happening::Entry {
                kind: EntryKind::Rating,
                status: None,
                by_staff: false,
                rating: Some(rating),
                before: Status::Resolved,
            })
            .team
        };
        assert_eq!(
            (rated(1), rated(2), rated(3)),
            (Some(TeamAlert::LowRating), Some(TeamAlert::LowRating), None)
        );
        let answered = |before| {
            told(Happening::Entry {
                kind: EntryKind::CustomerMessage,
                status: None,
                by_staff: false,
                rating: None,
                before,
            })
        };
        assert_eq!(answered(Status::WaitingCustomer).team, Some(TeamAlert::CustomerAnswered));
        assert_eq!(answered(Status::WaitingCustomer).customer, None, "never told of their own");
        assert_eq!(answered(Status::InProgress), Told::default());
    }

    #[test]
    fn names_read_back() {
        for notice in CustomerNotice::ALL {
            assert_eq!(CustomerNotice::parse(notice.as_str()), Some(*notice));
        }
        for alert in TeamAlert::ALL {
            assert_eq!(TeamAlert::parse(alert.as_str()), Some(*alert));
        }
        for channel in Channel::ALL {
            assert_eq!(Channel::parse(channel.as_str()), Some(*channel));
        }
        assert_eq!(Channel::from(NoticeChannel::Sms), Channel::Sms);
        assert!(is_emergency(Some(Priority::Urgent), None));
        assert!(is_emergency(Some(Priority::Low), Some(Category::Emergency)));
        assert!(!is_emergency(Some(Priority::High), Some(Category::Quality)));
    }
}
