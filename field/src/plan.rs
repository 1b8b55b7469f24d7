//! What the engineer's app decides, with no browser in it (tested natively with
//! `cargo test -p shouhou-field`): which visits are today's and which are coming, how a
//! visit's time reads in the site's time, the report prefilled from the request and the
//! visit, and where a queued report stands between its two calls (the report, then the
//! join to the visit).

use serde::{Deserialize, Serialize};
use shouhou_core::desk::{EventRequest, RequestDetail, VisitRow};
use shouhou_core::visit::VisitState;
use shouhou_core::{CivilDate, Field, PhotoRef, RequestFields};

/// How many days ahead the list reaches: today and the next fourteen.
pub const DAYS_AHEAD: i64 = 14;
/// How many days back: a visit of an earlier day whose report was never filed (drafted in
/// the evening, say) stays on the list, and its draft reachable, for a week.
pub const DAYS_BACK: i64 = 7;

/// The offset an RFC 3339 time is written in (`+08:00` → 480 minutes; `Z` → 0): the
/// server writes visits in the site's offset, so this is the site's.
pub fn offset_minutes(rfc3339: &str) -> Option<i32> {
    if rfc3339.ends_with('Z') || rfc3339.ends_with('z') {
        return Some(0);
    }
    // After a time (`…T09:00:00`), a sign, two digits, a colon, two digits.
    let start = rfc3339.len().checked_sub(6).filter(|start| *start >= 16)?;
    let tail = rfc3339.get(start..)?;
    if tail.as_bytes()[3] != b':' {
        return None;
    }
    let sign = match tail.as_bytes()[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let hours: i32 = tail.get(1..3)?.parse().ok()?;
    let minutes: i32 = tail.get(4..6)?.parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

/// The day (`YYYY-MM-DD`) and the time (`HH:MM`) as the site's clock shows them: as
/// written, since the server writes visits in the site's offset.
pub fn wall(rfc3339: &str) -> Option<(&str, &str)> {
    let day = rfc3339.get(..10)?;
    let time = rfc3339.get(11..16)?;
    (rfc3339.as_bytes().get(10) == Some(&b'T') && CivilDate::parse(day).is_some())
        .then_some((day, time))
}

/// A visit's window as the site's clock shows it: `2026-12-08 09:00–11:00`, or with both
/// days when it runs past midnight.
pub fn window(from: &str, to: &str) -> String {
    match (wall(from), wall(to)) {
        (Some((day, start)), Some((end_day, end))) if day == end_day => {
            format!("{day} {start}–{end}")
        }
        (Some((day, start)), Some((end_day, end))) => format!("{day} {start} – {end_day} {end}"),
        _ => format!("{from} – {to}"),
    }
}

/// Today on the site's calendar, at `now_ms`, from a time the server wrote (its offset);
/// in `otherwise` (the configuration's offset) when there is none to read.
pub fn site_today(now_ms: i64, written: Option<&str>, otherwise: i32) -> CivilDate {
    let offset = written.and_then(offset_minutes).unwrap_or(otherwise);
    CivilDate::at(now_ms, offset)
}

/// The days the list asks the server for: [`DAYS_BACK`] before today to today +
/// [`DAYS_AHEAD`].
pub fn span(today: CivilDate) -> (String, String) {
    (today.plus_days(-DAYS_BACK).to_string(), today.plus_days(DAYS_AHEAD).to_string())
}

/// Which part of the list a visit is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Today,
    Coming,
    /// Before today (an earlier day's visit still open) or not readable: listed last.
    Earlier,
}

pub fn when(visit: &VisitRow, today: CivilDate) -> When {
    let today = today.to_string();
    match wall(&visit.from).map(|(day, _)| day) {
        Some(day) if day == today => When::Today,
        Some(day) if *day > *today.as_str() => When::Coming,
        _ => When::Earlier,
    }
}

/// The visits an engineer has to go to, today's first, then the coming ones, each in the
/// order they begin; cancelled visits are left out (nobody goes), done ones kept (the
/// engineer sees the report went), and of earlier days only those still to report.
pub fn agenda(visits: &[VisitRow], today: CivilDate) -> Vec<(When, VisitRow)> {
    let mut listed: Vec<(When, VisitRow)> = visits
        .iter()
        .filter(|visit| visit.state != VisitState::Cancelled)
        .map(|visit| (when(visit, today), visit.clone()))
        .filter(|(when, visit)| *when != When::Earlier || visit.state == VisitState::Scheduled)
        .collect();
    let rank = |when: When| match when {
        When::Today => 0,
        When::Coming => 1,
        When::Earlier => 2,
    };
    listed.sort_by(|(a, x), (b, y)| rank(*a).cmp(&rank(*b)).then_with(|| x.from.cmp(&y.from)));
    listed
}

/// The on-site report as the engineer starts it: the request's customer, contact, address
/// and unit, who records it, and the visit's window as the arrival, the departure and the
/// sign-off (what the engineer corrects, rather than types on a tablet from nothing).
pub fn prefill(detail: &RequestDetail, visit: &VisitRow, engineer: &str) -> RequestFields {
    let request = &detail.request;
    let detail_of = |name: &str| request.details.get(name).cloned().unwrap_or_default();
    let address = detail_of("address");
    let mut fields = RequestFields {
        intent: "onsite_report".into(),
        product_line: request.product_line.clone(),
        full_name: request.full_name.clone(),
        phone: request.phone.clone(),
        description: request.description.clone(),
        recorded_by: engineer.to_string(),
        ..RequestFields::default()
    };
    for field in [Field::Company, Field::Email, Field::Model, Field::SerialNumber] {
        fields.set(field, detail_of(field.name()));
    }
    if let Some(email) = &request.email {
        fields.email = email.clone();
    }
    fields.site = address.clone();
    fields.address = address;
    let local = |rfc3339: &str| {
        wall(rfc3339).map(|(day, time)| [day, "T", time].concat()).unwrap_or_default()
    };
    fields.arrival_at = local(&visit.from);
    fields.departure_at = local(&visit.to);
    fields.signoff_at = local(&visit.to);
    fields
}

/// A report being written: the form's fields and the day parts are expected on (which goes
/// with the join, not the report).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportDraft {
    pub fields: RequestFields,
    #[serde(default)]
    pub parts_expected_on: String,
    /// Who writes it: on a shared tablet, only they see it again.
    #[serde(default)]
    pub engineer: String,
    /// The engineer changed something: else it is only the prefill, the customer's details
    /// and nothing of theirs. A draft of an earlier build counts as changed (kept).
    #[serde(default = "changed_before")]
    pub changed: bool,
}

fn changed_before() -> bool {
    true
}

/// A change the engineer makes to the report.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Edit(Field, String),
    PartsExpectedOn(String),
    /// The customer signed: the drawing, stored under its id, is the report's one photo.
    Signed(PhotoRef),
    Unsigned,
}

impl ReportDraft {
    /// The report as `engineer` starts it on `visit` (see [`prefill`]): nothing changed yet.
    pub fn prefilled(detail: &RequestDetail, visit: &VisitRow, engineer: &str) -> ReportDraft {
        ReportDraft {
            fields: prefill(detail, visit, engineer),
            parts_expected_on: String::new(),
            engineer: engineer.to_string(),
            changed: false,
        }
    }

    /// Whether it waits for another engineer than `signed_in` (one of an earlier build is
    /// anyone's).
    pub fn someone_elses(&self, signed_in: &str) -> bool {
        !self.engineer.is_empty() && self.engineer != signed_in
    }

    /// Whether it stays on the tablet when its engineer signs out: only what they wrote
    /// does (their unsent work); a draft that is still only the prefill holds nothing but
    /// the customer's details, which leave with the kept visits. `kept` is the visit and
    /// request it started from, when still kept: a draft of an earlier build (which does
    /// not say whether it was changed) that equals their prefill goes too.
    pub fn stays_at_sign_out(&self, kept: Option<(&VisitRow, &RequestDetail)>) -> bool {
        let prefill = kept.map(|(visit, detail)| prefill(detail, visit, &self.fields.recorded_by));
        self.changed
            && (!self.parts_expected_on.is_empty() || prefill.as_ref() != Some(&self.fields))
    }

    pub fn apply(&mut self, change: Change) {
        self.changed = true;
        match change {
            Change::Edit(field, value) => self.fields.set(field, value),
            Change::PartsExpectedOn(day) => self.parts_expected_on = day,
            Change::Signed(drawing) => {
                self.fields.signature = drawing.id.clone();
                self.fields.photos = vec![drawing];
            }
            Change::Unsigned => {
                self.fields.signature.clear();
                self.fields.photos.clear();
            }
        }
    }
}

/// `YYYY-MM-DD` the parts are expected on, when the result is that parts are needed: the
/// join carries it and the customer's status page says it.
pub fn parts_date_problem(
    result: &str,
    parts_expected_on: &str,
    today: CivilDate,
) -> Option<&'static str> {
    if result != "needs_parts" {
        return None;
    }
    match CivilDate::parse(parts_expected_on.trim()) {
        None if parts_expected_on.trim().is_empty() => Some("report.parts_expected_on.required"),
        None => Some("report.parts_expected_on.invalid"),
        Some(day) if day < today => Some("report.parts_expected_on.past"),
        Some(_) => None,
    }
}

/// A report waiting to be sent, kept in the outbox under its visit's id. Two calls send
/// it: the report itself (`POST /api/v1/requests`, keyed by `idempotency_key`, so a retry
/// after a lost answer is the same report), then the join to the visit, which the server
/// answers the same way however often it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedReport {
    pub visit: i64,
    /// The request the visit answers.
    pub request: String,
    pub idempotency_key: String,
    /// Whose visit it answers: only their session files and joins it, so a tablet shared by
    /// two engineers never sends one's report under the other's name.
    #[serde(default)]
    pub engineer: String,
    pub fields: RequestFields,
    #[serde(default)]
    pub parts_expected_on: Option<String>,
    pub queued_at_ms: u64,
    /// The report's own reference, once the server stored it.
    #[serde(default)]
    pub report: Option<String>,
    /// The join answered: nothing left to send.
    #[serde(default)]
    pub joined: bool,
    /// The server refused it for good (its words): it waits for the engineer.
    #[serde(default)]
    pub refused: Option<String>,
    #[serde(default)]
    pub attempts: u32,
}

/// What a queued report needs next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The report itself.
    File,
    /// The join of the stored report to the visit.
    Join(String),
    /// Nothing: sent and joined, or refused and waiting for the engineer.
    Nothing,
}

impl QueuedReport {
    pub fn new(
        visit: &VisitRow,
        fields: RequestFields,
        parts_expected_on: &str,
        idempotency_key: String,
        now_ms: u64,
    ) -> QueuedReport {
        let needs_parts = fields.result == "needs_parts";
        QueuedReport {
            visit: visit.id,
            request: visit.reference.clone(),
            idempotency_key,
            engineer: visit.engineer.clone(),
            fields,
            parts_expected_on: needs_parts.then(|| parts_expected_on.trim().to_string()),
            queued_at_ms: now_ms,
            report: None,
            joined: false,
            refused: None,
            attempts: 0,
        }
    }

    pub fn next(&self) -> Next {
        match (&self.report, self.joined, &self.refused) {
            (_, true, _) | (_, _, Some(_)) => Next::Nothing,
            (None, false, None) => Next::File,
            (Some(report), false, None) => Next::Join(report.clone()),
        }
    }

    /// Whether it waits for another engineer to sign in on this tablet (`signed_in` is who
    /// is): it is theirs to send.
    pub fn someone_elses(&self, signed_in: &str) -> bool {
        !self.engineer.is_empty() && self.engineer != signed_in
    }

    /// The report as a draft again, when the server refused to store it: what the engineer
    /// wrote, to correct and file anew. Not when it was stored and only its join refused (a
    /// second filing would be a second report).
    pub fn to_edit_again(&self) -> Option<ReportDraft> {
        (self.refused.is_some() && self.report.is_none()).then(|| ReportDraft {
            fields: self.fields.clone(),
            parts_expected_on: self.parts_expected_on.clone().unwrap_or_default(),
            engineer: self.engineer.clone(),
            changed: true,
        })
    }

    /// Whether the engineer may remove it from the tablet: stored, and only its join
    /// refused (the visit cancelled meanwhile, say). It is on the server under its
    /// reference, which the lead joins by hand; sending it again would change nothing.
    pub fn removable(&self) -> bool {
        self.refused.is_some() && self.report.is_some()
    }

    /// Whether it still waits to be sent (what the queue shows).
    pub fn waiting(&self) -> bool {
        !self.joined
    }

    /// The event that joins the stored report to its visit.
    pub fn join(&self, report: &str) -> EventRequest {
        EventRequest::VisitReport {
            visit: self.visit,
            report: report.to_string(),
            parts_expected_on: self.parts_expected_on.clone(),
        }
    }
}

/// How many reports of engineers other than `signed_in` the tablet keeps: their changed
/// drafts and their reports still to send. The screen says how many, never what is in them.
pub fn others_kept(drafts: &[ReportDraft], outbox: &[QueuedReport], signed_in: &str) -> usize {
    let drafts = drafts.iter().filter(|draft| draft.changed && draft.someone_elses(signed_in));
    let queued = outbox.iter().filter(|item| item.waiting() && item.someone_elses(signed_in));
    drafts.count() + queued.count()
}

/// Whether a refusal of a queued report's call is tried again later (408, 429, 5xx, and a
/// 401: the session ran out, and the report waits for the engineer to sign in again rather
/// than be lost) or is for good, with the server's words.
pub fn tried_again(status: u16) -> bool {
    status == 401
        || matches!(
            shouhou_core::outbox::classify(status, None),
            shouhou_core::outbox::Answer::RetryLater { .. }
        )
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shouhou_core::desk::{RequestDetail, ServiceHistory};
    use shouhou_core::schema::{Intent, ValidRequest};
    use shouhou_core::status::Status;

    use super::*;

    fn visit(id: i64, from: &str, to: &str, state: VisitState) -> VisitRow {
        VisitRow {
            reference: format!("SR-20261206-{id:04}"),
            status: Status::InProgress,
            product_line: "inverter".into(),
            full_name: "王建国".into(),
            id,
            engineer: "li".into(),
            from: from.into(),
            to: to.into(),
            state,
            note: None,
            moved_at: None,
            report: None,
        }
    }

    fn today() -> CivilDate {
        CivilDate::parse("2026-12-06").unwrap()
    }

    #[test]
    fn the_site_time_is_the_one_the_server_wrote() {
        assert_eq!(offset_minutes("2026-12-08T09:00:00+08:00"), Some(480));
        assert_eq!(offset_minutes("2026-12-08T09:00:00-05:30"), Some(-330));
        assert_eq!(offset_minutes("2026-12-08T01:00:00Z"), Some(0));
        assert_eq!(offset_minutes("2026-12-08"), None);
        assert_eq!(
            window("2026-12-08T09:00:00+08:00", "2026-12-08T11:00:00+08:00"),
            "2026-12-08 09:00–11:00"
        );
        assert_eq!(
            window("2026-12-08T22:00:00+08:00", "2026-12-09T01:00:00+08:00"),
            "2026-12-08 22:00 – 2026-12-09 01:00"
        );
        // 2026-12-06 17:00 UTC is already the 7th in Beijing, still the 6th on the device in UTC.
        let now = CivilDate::parse("2026-12-06").unwrap().days_since_epoch() * 86_400_000
            + 17 * 3_600_000;
        assert_eq!(site_today(now, Some("2026-12-08T09:00:00+08:00"), 0).to_string(), "2026-12-07");
        assert_eq!(site_today(now, None, 0).to_string(), "2026-12-06");
        // No visit to read it from: the configuration's offset, whatever the tablet's clock.
        assert_eq!(site_today(now, None, 480).to_string(), "2026-12-07");
        assert_eq!(span(today()), ("2026-11-29".to_string(), "2026-12-20".to_string()));
    }

    #[test]
    fn today_comes_first_then_the_coming_visits_then_earlier_ones_still_to_report() {
        let visits = [
            visit(
                1,
                "2026-12-09T09:00:00+08:00",
                "2026-12-09T10:00:00+08:00",
                VisitState::Scheduled,
            ),
            visit(
                2,
                "2026-12-06T14:00:00+08:00",
                "2026-12-06T15:00:00+08:00",
                VisitState::Scheduled,
            ),
            visit(3, "2026-12-06T08:00:00+08:00", "2026-12-06T09:00:00+08:00", VisitState::Done),
            visit(
                4,
                "2026-12-07T08:00:00+08:00",
                "2026-12-07T09:00:00+08:00",
                VisitState::Cancelled,
            ),
            visit(
                5,
                "2026-12-05T23:00:00+08:00",
                "2026-12-06T01:00:00+08:00",
                VisitState::Scheduled,
            ),
            // An earlier day's visit already reported: nothing left to do there.
            visit(6, "2026-12-04T09:00:00+08:00", "2026-12-04T10:00:00+08:00", VisitState::Done),
        ];
        let listed: Vec<(When, i64)> =
            agenda(&visits, today()).into_iter().map(|(when, v)| (when, v.id)).collect();
        assert_eq!(
            listed,
            [(When::Today, 3), (When::Today, 2), (When::Coming, 1), (When::Earlier, 5)]
        );
    }

    fn detail() -> RequestDetail {
        let mut details = BTreeMap::new();
        details.insert("address".to_string(), "苏州工业园区 3 号厂房".to_string());
        details.insert("model".to_string(), "VF-7.5".to_string());
        details.insert("serial_number".to_string(), "INV2025A001".to_string());
        details.insert("company".to_string(), "苏州精工".to_string());
        RequestDetail {
            reference: "SR-20261206-0002".into(),
            status: Status::InProgress,
            next_statuses: vec![],
            created_at: "2026-12-01T10:00:00+08:00".into(),
            reply_by: "2026-12-02T10:00:00+08:00".into(),
            first_reply_by: None,
            overdue: false,
            escalated: false,
            assigned_to: None,
            request: ValidRequest {
                intent: Intent::Repair,
                product_line: "inverter".into(),
                full_name: "王建国".into(),
                phone: "+8613812345678".into(),
                email: None,
                description: "运行中报 OC1 过流，停机。".into(),
                category: None,
                priority: None,
                troubleshooting: None,
                details,
                warranty: None,
                photos: vec![],
                notify: vec![],
                language: None,
            },
            timeline: vec![],
            product: None,
            entitlement: None,
            history: ServiceHistory::default(),
        }
    }

    #[test]
    fn the_report_starts_from_the_request_and_the_visit() {
        let row = visit(
            2,
            "2026-12-06T14:00:00+08:00",
            "2026-12-06T15:00:00+08:00",
            VisitState::Scheduled,
        );
        let fields = prefill(&detail(), &row, "li");
        assert_eq!(fields.intent, "onsite_report");
        assert_eq!(
            (fields.full_name.as_str(), fields.phone.as_str()),
            ("王建国", "+8613812345678")
        );
        assert_eq!(fields.company, "苏州精工");
        assert_eq!(
            (fields.address.as_str(), fields.site.as_str()),
            ("苏州工业园区 3 号厂房", "苏州工业园区 3 号厂房")
        );
        assert_eq!((fields.product_line.as_str(), fields.model.as_str()), ("inverter", "VF-7.5"));
        assert_eq!(fields.serial_number, "INV2025A001");
        assert_eq!(fields.arrival_at, "2026-12-06T14:00");
        assert_eq!(
            (fields.departure_at.as_str(), fields.signoff_at.as_str()),
            ("2026-12-06T15:00", "2026-12-06T15:00")
        );
        assert_eq!(fields.recorded_by, "li");
        assert_eq!(fields.description, "运行中报 OC1 过流，停机。");
        // What only the engineer can say is left to them.
        assert_eq!((fields.result.as_str(), fields.fault_cause.as_str()), ("", ""));
    }

    #[test]
    fn a_prefilled_report_needs_only_what_the_engineer_saw_to_pass_cores_rules() {
        let config =
            shouhou_core::AppConfig::from_json(include_str!("../../static/config.json")).unwrap();
        let row = visit(
            2,
            "2026-12-06T14:00:00+08:00",
            "2026-12-06T15:00:00+08:00",
            VisitState::Scheduled,
        );
        let mut fields = prefill(&detail(), &row, "li");
        let missing: Vec<Field> = shouhou_core::validate_request(&fields, &config, today())
            .unwrap_err()
            .into_iter()
            .map(|error| error.field)
            .collect();
        assert_eq!(
            missing,
            [Field::FaultCause, Field::Result, Field::SignoffName, Field::Signature]
        );
        fields.fault_cause = "输出侧电缆绝缘破损".into();
        fields.result = "fixed".into();
        fields.customer_not_present = "yes".into();
        fields.not_present_reason = "客户外出，门卫在场".into();
        let valid = shouhou_core::validate_request(&fields, &config, today()).unwrap();
        assert_eq!(valid.intent, Intent::OnsiteReport);
        assert_eq!(valid.details.get("site").map(String::as_str), Some("苏州工业园区 3 号厂房"));
    }

    #[test]
    fn a_report_changes_as_the_engineer_writes_and_signs() {
        let mut draft = ReportDraft::default();
        draft.apply(Change::Edit(Field::FaultCause, "电缆破损".into()));
        draft.apply(Change::PartsExpectedOn("2026-12-10".into()));
        let drawing = PhotoRef {
            id: "5a9e0c1d-2222-4b7a-8c31-0d4e5f6a7b8c".into(),
            content_type: "image/png".into(),
            bytes: 4000,
            width: 600,
            height: 200,
        };
        draft.apply(Change::Signed(drawing.clone()));
        assert_eq!(draft.fields.fault_cause, "电缆破损");
        assert_eq!(draft.parts_expected_on, "2026-12-10");
        assert_eq!(draft.fields.signature, drawing.id);
        assert_eq!(draft.fields.photos, vec![drawing]);
        draft.apply(Change::Unsigned);
        assert!(draft.fields.signature.is_empty() && draft.fields.photos.is_empty());
    }

    #[test]
    fn a_queued_report_is_filed_then_joined_then_done() {
        let row = visit(
            2,
            "2026-12-06T14:00:00+08:00",
            "2026-12-06T15:00:00+08:00",
            VisitState::Scheduled,
        );
        let mut fields = prefill(&detail(), &row, "li");
        fields.result = "fixed".into();
        let mut item = QueuedReport::new(&row, fields, "2026-12-10", "key-1".into(), 1);
        assert_eq!(item.parts_expected_on, None, "a date only when parts are needed");
        assert_eq!((item.next(), item.waiting()), (Next::File, true));
        item.report = Some("SR-20261206-0009".into());
        assert_eq!(item.next(), Next::Join("SR-20261206-0009".into()));
        let json = serde_json::to_value(item.join("SR-20261206-0009")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "visit_report", "visit": 2, "report": "SR-20261206-0009", "parts_expected_on": null})
        );
        item.joined = true;
        assert_eq!((item.next(), item.waiting()), (Next::Nothing, false));
        // Kept and read back as it was (IndexedDB holds it as JSON).
        let kept: QueuedReport =
            serde_json::from_str(&serde_json::to_string(&item).unwrap()).unwrap();
        assert_eq!(kept, item);

        let mut parts = prefill(&detail(), &row, "li");
        parts.result = "needs_parts".into();
        let item = QueuedReport::new(&row, parts, " 2026-12-10 ", "key-2".into(), 1);
        assert_eq!(item.parts_expected_on.as_deref(), Some("2026-12-10"));
        let refused = QueuedReport { refused: Some("422".into()), ..item };
        assert_eq!((refused.next(), refused.waiting()), (Next::Nothing, true));
        // Refused before it was stored: back to a draft, as written.
        let again = refused.to_edit_again().expect("a refused report can be edited again");
        assert_eq!(again.fields, refused.fields);
        assert_eq!(again.parts_expected_on, "2026-12-10");
        // Stored, only its join refused: filing it again would make a second report.
        let stored = QueuedReport { report: Some("SR-20261206-0009".into()), ..refused };
        assert_eq!(stored.to_edit_again(), None);
    }

    #[test]
    fn a_queued_report_is_sent_only_by_the_engineer_whose_visit_it_answers() {
        let row = visit(
            3,
            "2026-12-08T09:00:00+08:00",
            "2026-12-08T11:00:00+08:00",
            VisitState::Scheduled,
        );
        let item = QueuedReport::new(&row, RequestFields::default(), "", "key-3".into(), 1);
        assert_eq!(item.engineer, "li");
        assert!(!item.someone_elses("li"));
        assert!(item.someone_elses("zhang"));
        // Queued before reports said whose they were: whoever is signed in sends it.
        assert!(!QueuedReport { engineer: String::new(), ..item }.someone_elses("zhang"));
    }

    #[test]
    fn sign_out_leaves_only_what_an_engineer_wrote_and_another_sees_only_how_many() {
        let row = visit(
            2,
            "2026-12-06T14:00:00+08:00",
            "2026-12-06T15:00:00+08:00",
            VisitState::Scheduled,
        );
        let detail = detail();
        let kept = Some((&row, &detail));
        let prefilled = ReportDraft::prefilled(&detail, &row, "li");
        assert_eq!(prefilled.engineer, "li");
        assert!(!prefilled.stays_at_sign_out(kept), "only the customer's details: they go");
        assert!(!prefilled.stays_at_sign_out(None));
        let mut written = prefilled.clone();
        written.apply(Change::Edit(Field::FaultCause, "电缆破损".into()));
        assert!(written.stays_at_sign_out(kept), "the engineer's unsent work stays");
        assert!(written.stays_at_sign_out(None));
        // A draft an earlier build wrote does not say whether it was changed: it stays
        // unless it is its visit's prefill, and it is anyone's.
        let earlier = |fields: &RequestFields| -> ReportDraft {
            let json = serde_json::json!({ "fields": fields });
            serde_json::from_value(json).unwrap()
        };
        assert!(!earlier(&prefilled.fields).stays_at_sign_out(kept));
        assert!(earlier(&prefilled.fields).stays_at_sign_out(None), "nothing to tell by: kept");
        assert!(earlier(&written.fields).stays_at_sign_out(kept));
        assert!(!earlier(&written.fields).someone_elses("zhang"));
        let earlier = earlier(&written.fields);

        let queued = QueuedReport::new(&row, written.fields.clone(), "", "key-4".into(), 1);
        let sent = QueuedReport { joined: true, ..queued.clone() };
        let drafts = [prefilled, written, earlier];
        assert_eq!(others_kept(&drafts, &[queued.clone(), sent.clone()], "zhang"), 2);
        assert_eq!(others_kept(&drafts, &[queued, sent], "li"), 0);
    }

    #[test]
    fn a_report_stored_whose_join_was_refused_can_be_removed_from_the_tablet() {
        let row = visit(
            2,
            "2026-12-06T14:00:00+08:00",
            "2026-12-06T15:00:00+08:00",
            VisitState::Scheduled,
        );
        let item = QueuedReport::new(&row, RequestFields::default(), "", "key-5".into(), 1);
        let stored = QueuedReport { report: Some("SR-20261206-0009".into()), ..item.clone() };
        assert!(!item.removable() && !stored.removable(), "still to send: it stays");
        let refused = QueuedReport { refused: Some("409".into()), ..item };
        assert!(!refused.removable(), "never stored: edited again, not removed");
        assert!(QueuedReport { refused: Some("409".into()), ..stored }.removable());
    }

    #[test]
    fn a_report_is_tried_again_unless_the_server_refused_it_for_good() {
        for status in [401, 408, 429, 500, 503] {
            assert!(tried_again(status), "{status}");
        }
        for status in [400, 403, 409, 422] {
            assert!(!tried_again(status), "{status}");
        }
    }

    #[test]
    fn parts_needed_need_a_date_not_in_the_past() {
        assert_eq!(parts_date_problem("fixed", "", today()), None);
        assert_eq!(
            parts_date_problem("needs_parts", "", today()),
            Some("report.parts_expected_on.required")
        );
        assert_eq!(
            parts_date_problem("needs_parts", "12/10", today()),
            Some("report.parts_expected_on.invalid")
        );
        assert_eq!(
            parts_date_problem("needs_parts", "2026-12-05", today()),
            Some("report.parts_expected_on.past")
        );
        assert_eq!(parts_date_problem("needs_parts", "2026-12-06", today()), None);
    }
}
