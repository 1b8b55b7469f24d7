//! Follow-up calls (回访): which resolved requests are due a call, when staff may call, what
//! they say, and which requests the follow-up rate (回访率, target 90 %) is measured on.
//!
//! `config.json` `follow_up` holds the settings; the intake server lists the requests due
//! (resolved between [`FollowUpSettings::after_days`] and [`FollowUpSettings::within_days`]
//! days ago, on the company's calendar, with no follow-up yet, oldest first) and the desk shows
//! the call script. The decisions are here so the list, the screen and the figure agree.

use serde::{Deserialize, Serialize};

use crate::i18n::Localized;
use crate::quality::Findings;
use crate::reply::Opening;
use crate::schema::{is_plain_id, Intent};
pub use crate::status::{call_done, CallOutcome};
use crate::warranty::CivilDate;

/// One part of the call script, in the order spoken: `{"id": "use", "text": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScriptLine {
    /// Stable id (`use`, `evaluation`, `care`, `next_service`, `thanks`).
    pub id: String,
    pub text: Localized,
}

/// Requests of one intent the follow-up rate counts; `in_warranty_only` narrows it to those
/// judged in warranty (a repair under warranty is the company's own cost and reputation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpScope {
    pub intent: Intent,
    #[serde(default)]
    pub in_warranty_only: bool,
}

/// `config.json`'s `follow_up`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FollowUpSettings {
    /// A request is called back this many days after it was resolved at the earliest: the
    /// customer has used the product again by then.
    pub after_days: u32,
    /// …and at the latest: later, the customer no longer remembers the visit.
    pub within_days: u32,
    /// When staff may call, the company's local time.
    pub calling_hours: Opening,
    /// What to say, in order: how the product is working now, the customer's evaluation of
    /// the service, care advice, the next service, thanks.
    pub script: Vec<ScriptLine>,
    /// The requests the follow-up rate counts (the seed's: in-warranty repairs and
    /// complaints). The all-requests rate is shown beside it.
    pub counted: Vec<FollowUpScope>,
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        FollowUpSettings {
            after_days: 2,
            within_days: 7,
            calling_hours: Opening { from: "09:00".into(), to: "20:00".into() },
            script: Vec::new(),
            counted: vec![
                FollowUpScope { intent: Intent::Repair, in_warranty_only: true },
                FollowUpScope { intent: Intent::Complaint, in_warranty_only: false },
            ],
        }
    }
}

impl FollowUpSettings {
    /// What is wrong with the settings, for the configuration's error.
    pub fn problem(&self) -> Option<String> {
        if self.after_days > self.within_days {
            return Some("follow_up: after_days must not be more than within_days".into());
        }
        if self.calling_hours.minutes().is_none() {
            return Some("follow_up.calling_hours: from and to as HH:MM, from before to".into());
        }
        for (i, line) in self.script.iter().enumerate() {
            if !is_plain_id(&line.id) || self.script[..i].iter().any(|l| l.id == line.id) {
                return Some(format!(
                    "follow_up.script: {:?} is not a plain id, or appears twice",
                    line.id
                ));
            }
            if line.text.zh_cn.trim().is_empty() || line.text.en.trim().is_empty() {
                return Some(format!(
                    "follow_up.script: {} needs a text in every language",
                    line.id
                ));
            }
        }
        None
    }

    /// The resolution dates whose requests are due a call on `today` (the company's date),
    /// first and last included: from `within_days` to `after_days` days ago.
    pub fn due_between(&self, today: CivilDate) -> (CivilDate, CivilDate) {
        (
            today.plus_days(-i64::from(self.within_days)),
            today.plus_days(-i64::from(self.after_days)),
        )
    }

    /// Whether a request resolved on `resolved_on` is due a call on `today`.
    pub fn is_due(&self, resolved_on: CivilDate, today: CivilDate) -> bool {
        let (first, last) = self.due_between(today);
        (first..=last).contains(&resolved_on)
    }

    /// Whether `minutes` after local midnight is within the calling hours.
    pub fn may_call_at(&self, minutes: i64) -> bool {
        self.calling_hours.minutes().is_some_and(|(from, to)| (from..to).contains(&minutes))
    }

    /// Whether the follow-up rate counts a request of `intent`, judged in warranty or not
    /// when it was filed (a consultation is never judged: not in warranty).
    pub fn counts(&self, intent: Intent, in_warranty: bool) -> bool {
        self.counted
            .iter()
            .any(|scope| scope.intent == intent && (in_warranty || !scope.in_warranty_only))
    }
}

/// A request due a follow-up call, with what the caller needs: who to call and what was
/// done (`GET /api/v1/staff/follow-ups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueCall {
    pub reference: String,
    pub full_name: String,
    pub phone: String,
    pub intent: Intent,
    pub product_line: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// What was done: what the repair found and used when it was resolved, and the team's
    /// last reply to the customer.
    pub findings: Findings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_reply: Option<String>,
    /// When it was first resolved (RFC 3339).
    pub resolved_at: String,
    /// Calls already made that nobody answered.
    pub unanswered: i64,
}

/// `GET /api/v1/staff/follow-ups`: the requests resolved from `from` to `to` (days,
/// inclusive) not followed up yet, the oldest resolved first, with when to call them and
/// what to say (the configuration's, so the desk need not read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DueCalls {
    pub from: String,
    pub to: String,
    pub calling_hours: Opening,
    pub script: Vec<ScriptLine>,
    pub calls: Vec<DueCall>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn requests_resolved_two_to_seven_days_ago_are_due() {
        let settings = FollowUpSettings::default();
        let today = date("2026-11-27");
        assert_eq!(settings.due_between(today), (date("2026-11-20"), date("2026-11-25")));
        assert!(settings.is_due(date("2026-11-25"), today), "two days ago");
        assert!(settings.is_due(date("2026-11-20"), today), "seven days ago");
        assert!(!settings.is_due(date("2026-11-26"), today), "yesterday: too soon");
        assert!(!settings.is_due(date("2026-11-19"), today), "eight days ago: too late");
    }

    #[test]
    fn the_rate_counts_in_warranty_repairs_and_complaints_by_default() {
        let settings = FollowUpSettings::default();
        assert!(settings.counts(Intent::Repair, true));
        assert!(!settings.counts(Intent::Repair, false));
        assert!(settings.counts(Intent::Complaint, false));
        assert!(!settings.counts(Intent::Consultation, false));
        let every_repair: FollowUpSettings =
            serde_json::from_str(r#"{"counted": [{"intent": "repair"}]}"#).unwrap();
        assert!(every_repair.counts(Intent::Repair, false));
        assert!(!every_repair.counts(Intent::Complaint, false));
    }

    #[test]
    fn a_call_nobody_answered_is_tried_again() {
        assert!(call_done(Some("reached")) && call_done(Some("refused")));
        assert!(!call_done(Some("no_answer")));
        assert!(call_done(Some("已回访")), "recorded before the outcomes were fixed");
        for outcome in CallOutcome::ALL {
            assert_eq!(CallOutcome::parse(outcome.as_str()), Some(outcome));
            let json = serde_json::to_string(&outcome).unwrap();
            assert_eq!(json, format!("\"{}\"", outcome.as_str()));
        }
    }

    #[test]
    fn calls_are_made_in_calling_hours() {
        let settings = FollowUpSettings::default();
        assert!(settings.may_call_at(9 * 60));
        assert!(settings.may_call_at(19 * 60 + 59));
        assert!(!settings.may_call_at(20 * 60));
        assert!(!settings.may_call_at(8 * 60));
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(FollowUpSettings::default().problem(), None);
        let bad = |json: &str| serde_json::from_str::<FollowUpSettings>(json).unwrap().problem();
        assert!(bad(r#"{"after_days": 8, "within_days": 7}"#).is_some());
        assert!(bad(r#"{"calling_hours": {"from": "20:00", "to": "09:00"}}"#).is_some());
        assert!(
            bad(r#"{"script": [{"id": "use", "text": {"zh-CN": "您好", "en": ""}}]}"#).is_some()
        );
        assert!(bad(
            r#"{"script": [{"id": "use", "text": {"zh-CN": "甲", "en": "a"}}, {"id": "use", "text": {"zh-CN": "乙", "en": "b"}}]}"#
        )
        .is_some());
        assert!(serde_json::from_str::<FollowUpSettings>(r#"{"counted": [{"intent": "visit"}]}"#)
            .is_err());
    }
}
