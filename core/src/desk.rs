//! The staff desk's API in types: what the intake server answers under `/api/v1/staff` and
//! what the desk app reads, written once so the two cannot drift apart. Also the figures'
//! arithmetic (rates, the median) and the after-sales targets they are shown against.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::guarantees::Entitlement;
use crate::product::ProductRecord;
use crate::quality::{Findings, PartUsed};
use crate::rules::Conditions;
use crate::schema::{Field, Intent, PhotoRef, ValidRequest};
use crate::status::{CallOutcome, EntryKind, Status};
use crate::steps::Step;
use crate::visit::VisitState;

/// What a staff member may do: an agent works requests; a lead also sees the figures and
/// exports; an engineer sees only the requests they have a visit on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Lead,
    Engineer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Lead => "lead",
            Role::Engineer => "engineer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "agent" => Some(Role::Agent),
            "lead" => Some(Role::Lead),
            "engineer" => Some(Role::Engineer),
            _ => None,
        }
    }

    /// Whether every request is theirs to see. An engineer is sent to sites, not to the
    /// inbox: a customer's details reach them only for a visit they are booked on.
    pub fn sees_every_request(self) -> bool {
        self != Role::Engineer
    }

    /// Whether they work requests: reply, note, change a status, assign, promise a reply,
    /// follow up, resolve, confirm a warranty, book visits. An engineer only answers their
    /// own visit with its report, from the engineer's app.
    pub fn works_requests(self) -> bool {
        self != Role::Engineer
    }
}

/// Who is signed in: `GET /api/v1/staff/session`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub login: String,
    pub role: Role,
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub expires_at: String,
}

/// What a staff sign-in form sends (the desk's and the engineer's app's): a login, trimmed, and
/// a password as typed, both needed; otherwise the message key to show.
pub fn credentials(login: &str, password: String) -> Result<(String, String), &'static str> {
    match login.trim() {
        "" => Err("error.missing_credentials"),
        _ if password.is_empty() => Err("error.missing_credentials"),
        login => Ok((login.to_string(), password)),
    }
}

/// A colleague a request can be assigned to: `GET /api/v1/staff/members` (active accounts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub login: String,
    pub role: Role,
}

/// One line of the audit trail (`GET /api/v1/staff/audit`): who did what to which record,
/// when — a view of a request, a photo download, an export, an erasure, a unit's edit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// RFC 3339, in the server's offset.
    pub at: String,
    /// The staff login, or `retention` for the schedule's erasures.
    pub actor: String,
    /// `view`, `photo`, `export`, `erasure` or `product_edit`.
    pub action: String,
    /// What was acted on: a reference, `reference/photo`, a period, the references erased or
    /// exported, a unit (`inverter/INV-7K5-0042`).
    pub target: String,
    /// What else is worth knowing: how many requests an export or erasure took, the fields
    /// an edit changed (or `created`).
    pub detail: String,
}

/// A page of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Where the next (older) page starts: `?after=<next>`; `null` when there is none.
    pub next: Option<String>,
}

/// What an erasure of one customer's data took: `{"requests": n}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Erased {
    /// How many requests had their personal data erased now.
    pub requests: usize,
}

/// One timeline entry as the desk sees it: who (`actor`, null for the customer) and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub kind: EntryKind,
    pub actor: Option<String>,
    pub public: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The photos a customer's message brought, each served by the request's photo route
    /// (`…/photos/{id}`); absent for every other entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PhotoRef>,
    /// What the repair found and used, on the entry that resolved it (`resolve`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Findings>,
    /// The visit as this entry left it (`visit`, `move_visit`, `cancel_visit`,
    /// `visit_report`). Written by the server, not read by the apps yet (built without
    /// `openapi`, which the server's document needs it in): its decoder would be the desk's
    /// download's to carry (the dispatch board will read visits from their own list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub visit: Option<VisitRecord>,
}

/// A visit as the timeline, the dispatch board and the engineer read it. Times are RFC 3339
/// in the server's offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitRecord {
    /// What `move_visit` and `cancel_visit` name it by.
    pub id: i64,
    /// The engineer's login.
    pub engineer: String,
    pub from: String,
    pub to: String,
    pub state: VisitState,
    /// For the engineer: what to bring, whom to ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When it was last moved (RFC 3339); absent for a visit still at its first window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_at: Option<String>,
    /// The on-site report that answered it (a reference), once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// The request's next visit as the customer's status look-up shows it: the window, and
/// when it was moved from an earlier one. Nobody's login, no note for the engineer. Texts
/// only: the customer's app reads it as it reads a request's details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicVisit {
    /// RFC 3339, in the server's offset.
    pub from: String,
    pub to: String,
    /// When it was last moved (RFC 3339); absent for a visit at its first window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_at: Option<String>,
}

impl From<&VisitRecord> for PublicVisit {
    fn from(visit: &VisitRecord) -> PublicVisit {
        PublicVisit {
            from: visit.from.clone(),
            to: visit.to.clone(),
            moved_at: visit.moved_at.clone(),
        }
    }
}

/// The parts a request waits for, as the customer's status look-up shows them while it is
/// `waiting_parts` (等待配件，预计 <date>).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartsAwaited {
    /// What the engineer's report says is needed, as written.
    pub needed: String,
    /// When they are expected, `YYYY-MM-DD`.
    pub expected_on: String,
}

/// A visit on the list of a day or a week (`GET /api/v1/staff/visits`), with what the
/// engineer needs to find the request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitRow {
    pub reference: String,
    /// The request's status.
    pub status: Status,
    pub product_line: String,
    pub full_name: String,
    /// The visit's own fields, as in [`VisitRecord`]: written out rather than flattened, so
    /// the desk reads a row with a plain decoder.
    pub id: i64,
    pub engineer: String,
    pub from: String,
    pub to: String,
    pub state: VisitState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub moved_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// A request waiting for a visit to be booked (`GET /api/v1/staff/visits/unscheduled`),
/// beside the dispatch board: an on-site request nobody is booked for yet, or one whose
/// engineer's report asked for another visit. Booking a visit on the request books it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnscheduledVisit {
    pub reference: String,
    /// The request's status.
    pub status: Status,
    pub product_line: String,
    pub full_name: String,
    /// When the request was filed (RFC 3339): the oldest waits longest, and is listed first.
    pub created_at: String,
    /// The visit waiting to be booked.
    pub id: i64,
    /// Whether an engineer's report asked for it (`true`), or the request itself
    /// (troubleshooting said an engineer must come).
    pub asked_by_report: bool,
}

/// What staff add to a request: the body of `POST …/requests/{reference}/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventRequest {
    Status {
        status: Status,
    },
    Assign {
        to: String,
    },
    Reply {
        text: String,
    },
    Note {
        text: String,
    },
    FollowUp {
        outcome: CallOutcome,
        #[serde(default)]
        satisfaction: Option<u8>,
        #[serde(default)]
        text: String,
    },
    /// `at` is RFC 3339.
    ReplyBy {
        at: String,
    },
    /// Resolved, with what the repair found: the fault cause and the parts used (from the
    /// configuration's lists). Allowed where a change to `resolved` is.
    Resolve {
        #[serde(default)]
        fault_cause: Option<String>,
        #[serde(default)]
        parts: Vec<PartUsed>,
    },
    /// The customer's invoice or delivery note confirmed: the date read from it
    /// (`YYYY-MM-DD`) becomes the unit's delivery date in the archive, and the warranty is
    /// judged from it.
    ConfirmWarranty {
        delivered_on: String,
    },
    /// An engineer booked on the request's site for a window (RFC 3339 times), with a note
    /// for them. Refused (409) when it clashes with another of the engineer's visits.
    Visit {
        engineer: String,
        from: String,
        to: String,
        #[serde(default)]
        note: String,
    },
    /// A booked visit (`visit`, its id) at a new window, and with another engineer when one
    /// is named; the reason is kept on the timeline.
    MoveVisit {
        visit: i64,
        from: String,
        to: String,
        #[serde(default)]
        engineer: Option<String>,
        reason: String,
    },
    /// A booked visit called off, with the reason.
    CancelVisit {
        visit: i64,
        reason: String,
    },
    /// The engineer's on-site report (`report`, the reference it was filed under) answers
    /// the visit: its `result` moves the request — fixed: resolved; needs parts:
    /// waiting_parts, with the report's `parts_needed` and `parts_expected_on` (a day,
    /// `YYYY-MM-DD`, required then); another visit: in progress, with a new unscheduled
    /// visit to book. Written by the engineer's app only (`visit-report`): the desk carries
    /// no encoder for it.
    #[cfg_attr(not(any(feature = "openapi", feature = "visit-report")), serde(skip_serializing))]
    VisitReport {
        visit: i64,
        report: String,
        #[serde(default)]
        parts_expected_on: Option<String>,
    },
}

impl EventRequest {
    pub fn kind(&self) -> EntryKind {
        match self {
            EventRequest::Status { .. } => EntryKind::Status,
            EventRequest::Assign { .. } => EntryKind::Assign,
            EventRequest::Reply { .. } => EntryKind::Reply,
            EventRequest::Note { .. } => EntryKind::Note,
            EventRequest::FollowUp { .. } => EntryKind::FollowUp,
            EventRequest::ReplyBy { .. } => EntryKind::ReplyBy,
            EventRequest::Resolve { .. } => EntryKind::Status,
            EventRequest::ConfirmWarranty { .. } => EntryKind::Warranty,
            EventRequest::Visit { .. }
            | EventRequest::MoveVisit { .. }
            | EventRequest::CancelVisit { .. }
            | EventRequest::VisitReport { .. } => EntryKind::Visit,
        }
    }
}

/// A notice to the customer or an alert to the team, as the desk lists it on a request
/// (`GET /api/v1/staff/requests/{reference}/notices`): what was sent to whom and when, and
/// what failed with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeRecord {
    pub id: i64,
    /// A customer notice (`replied`, `waiting_customer`, `resolved`, `visit_scheduled`,
    /// `visit_moved`, `visit_cancelled`, `waiting_parts`, `reply_by_moved`) or a team alert (`emergency`, `urgent`, `escalated`,
    /// `low_rating`, `customer_answered`).
    pub kind: String,
    /// `customer` or `team`.
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub audience: String,
    /// `email`, `sms`, `wecom`, `dingtalk`, `feishu`.
    pub channel: String,
    /// An email address, a phone number, or the robot's name.
    pub recipient: String,
    /// `queued` (waiting or trying again), `sent`, `failed` (for good), `skipped`
    /// (the address unsubscribed).
    pub state: String,
    /// Tries so far.
    pub attempts: u32,
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub queued_at: String,
    pub sent_at: Option<String>,
    /// When it is tried next, while queued.
    pub due_at: String,
    /// The last failure's reason (or why it waits: quiet hours, the cap per recipient).
    pub last_error: Option<String>,
}

/// A timeline entry as the customer sees it (the status look-up): no staff login, nothing
/// internal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicEntry {
    pub at: String,
    pub kind: EntryKind,
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
}

/// The inbox's filters, as query parameters of `GET /api/v1/staff/requests`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct InboxFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// `me`, `none`, or a login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue: Option<bool>,
    /// Past its escalation time without an answer (see `escalation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated: Option<bool>,
    /// A reference, a phone number in any notation or a serial number (exact), or words of
    /// two characters or more in the description, name or company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// The page after the one whose `next` this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxRow {
    pub reference: String,
    pub status: String,
    pub intent: String,
    pub product_line: String,
    pub category: Option<String>,
    pub priority: Option<String>,
    pub full_name: String,
    pub phone: String,
    pub created_at: String,
    pub reply_by: String,
    pub assigned_to: Option<String>,
    pub warranty: Option<String>,
    pub overdue: bool,
    /// Unanswered past its escalation time: shown first, to every lead.
    #[serde(default)]
    pub escalated: bool,
    /// When it escalated (RFC 3339), for as long as it is escalated: how late it is.
    #[serde(default)]
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub escalated_at: Option<String>,
}

/// `GET /api/v1/staff/requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// Requests per status under every filter but the status one, every status present.
    pub counts: BTreeMap<String, i64>,
    /// How many match; a page lists at most [`INBOX_LIMIT`].
    pub total: i64,
    pub requests: Vec<InboxRow>,
    /// What `after` takes for the next page; null on the last.
    #[serde(default)]
    pub next: Option<String>,
}

/// Requests on one page of the inbox.
pub const INBOX_LIMIT: usize = 100;

impl Inbox {
    /// The list followed by its next page (`after` = this list's `next`). A request that
    /// moved between the reads (answered, escalated) is listed once, where it was first seen;
    /// the counts, the total and `next` are the page's, the newest.
    pub fn followed_by(&self, page: Inbox) -> Inbox {
        let mut requests = self.requests.clone();
        requests.extend(
            page.requests
                .into_iter()
                .filter(|row| !self.requests.iter().any(|seen| seen.reference == row.reference)),
        );
        Inbox { counts: page.counts, total: page.total, requests, next: page.next }
    }

    /// While a list is read again (a change somewhere, a refresh) as far as staff had
    /// loaded it, `shown` rows: the page to read next, until it is that long or ends. Reading
    /// a change never takes away the rows staff are looking at, and a request that arrived
    /// meanwhile is in its place in the order, not missing below a page that was the last.
    pub fn to_read_again(&self, shown: usize) -> Option<&str> {
        (self.requests.len() < shown).then_some(self.next.as_deref()).flatten()
    }
}

/// Everything about one request: `GET /api/v1/staff/requests/{reference}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetail {
    pub reference: String,
    pub status: Status,
    /// The changes the status machine allows from here.
    pub next_statuses: Vec<Status>,
    pub created_at: String,
    pub reply_by: String,
    /// What the customer was promised first, once a later promise replaced it.
    pub first_reply_by: Option<String>,
    pub overdue: bool,
    /// Unanswered past its escalation time.
    #[serde(default)]
    pub escalated: bool,
    pub assigned_to: Option<String>,
    /// Every field, the photos' descriptions, the warranty as judged and the
    /// troubleshooting transcript.
    pub request: ValidRequest,
    pub timeline: Vec<Entry>,
    /// The unit in the product archive (产品档案), when its serial number is there.
    #[serde(default)]
    pub product: Option<ProductRecord>,
    /// 三包: what a performance fault on the unit entitles the customer to, judged on the
    /// day the request was filed; null when nothing is known to judge by.
    #[serde(default)]
    pub entitlement: Option<Entitlement>,
    /// Other requests about the same unit, and from the same phone.
    #[serde(default)]
    pub history: ServiceHistory,
}

/// A request's service history: every other request for the same serial number (in its
/// product line), and separately for the same phone, newest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceHistory {
    pub same_serial: Vec<PastRequest>,
    pub same_phone: Vec<PastRequest>,
}

/// Another request in a service history: what it was, how it ended and what staff found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PastRequest {
    pub reference: String,
    pub created_at: String,
    pub intent: Intent,
    pub status: Status,
    pub product_line: String,
    pub model: Option<String>,
    pub serial_number: Option<String>,
    /// What the customer asked for (repair, exchange, …).
    pub resolution: Option<String>,
    /// What staff found when resolving it.
    pub fault_cause: Option<String>,
}

/// How many requests each half of a service history lists at most.
pub const HISTORY_LIMIT: usize = 50;

/// A request's stored details as the desk shows them: in the order the form asks them, an
/// engineer's on-site report (现场服务报告) in a section of its own, and the drawn signature
/// (签字验单) as an image apart from the photos.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DetailSections<'a> {
    /// Company, address, model, what the customer wants done, … (`details` by name).
    pub general: Vec<DetailRow<'a>>,
    /// The report, as the engineer filled it in: arrival and departure, measurements, fault
    /// code and cause, parts, result, the customer's comment, and the sign-off or "customer
    /// not present" with its reason. Empty for every other intent.
    pub report: Vec<DetailRow<'a>>,
    /// The customer's signature, one of the request's photos.
    pub signature: Option<&'a PhotoRef>,
    /// The photos, without the signature.
    pub photos: Vec<&'a PhotoRef>,
}

/// One stored detail: its name, the schema field of that name (`None` for a name this
/// version does not know, shown as it is), and the value as stored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetailRow<'a> {
    pub name: &'a str,
    pub field: Option<Field>,
    pub value: &'a str,
}

impl RequestDetail {
    pub fn sections(&self) -> DetailSections<'_> {
        let request = &self.request;
        let details = &request.details;
        let row = |field: Field| {
            details.get_key_value(field.name()).map(|(name, value)| DetailRow {
                name,
                field: Some(field),
                value,
            })
        };
        let signature_id = details.get(Field::Signature.name());
        let signature =
            signature_id.and_then(|id| request.photos.iter().find(|photo| &photo.id == id));
        let photos =
            request.photos.iter().filter(|photo| Some(&photo.id) != signature_id).collect();
        let report: Vec<DetailRow> = if request.intent == Intent::OnsiteReport {
            let conditions = Conditions {
                intent: Some(Intent::OnsiteReport),
                customer_not_present: details
                    .get(Field::CustomerNotPresent.name())
                    .is_some_and(|value| value == "yes"),
                ..Conditions::default()
            };
            Step::Report
                .fields(Intent::OnsiteReport, &conditions)
                .into_iter()
                .filter(|field| *field != Field::Signature)
                .filter_map(row)
                .collect()
        } else {
            Vec::new()
        };
        let shown = |name: &str| {
            name == Field::Signature.name() || report.iter().any(|row| row.name == name)
        };
        let mut general: Vec<DetailRow> = Field::ALL
            .iter()
            .filter(|field| !shown(field.name()))
            .filter_map(|f| row(*f))
            .collect();
        general.extend(
            details
                .iter()
                .filter(|(name, _)| Field::parse(name).is_none())
                .map(|(name, value)| DetailRow { name, field: None, value }),
        );
        DetailSections { general, report, signature, photos }
    }
}

/// The after-sales practice's targets, shown next to each rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Targets {
    pub follow_up_rate: f64,
    pub satisfaction_rate: f64,
    pub timeliness_rate: f64,
}

/// Follow-up 90 %, satisfaction 80 %, timeliness 80 %.
pub const TARGETS: Targets =
    Targets { follow_up_rate: 0.9, satisfaction_rate: 0.8, timeliness_rate: 0.8 };

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpCounts {
    pub resolved: i64,
    pub followed_up: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionCounts {
    pub ratings: i64,
    pub satisfied: i64,
    pub from_customers: i64,
    pub from_follow_ups: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelinessCounts {
    pub due: i64,
    pub on_time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRepairs {
    /// `YYYY-MM`.
    pub month: String,
    pub in_warranty: i64,
    pub out_of_warranty: i64,
}

/// `GET /api/v1/staff/figures`. Rates are fractions from 0 to 1, or null when nothing was
/// there to count: a period with no resolved request has no follow-up rate, which is not
/// the same as a rate of 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub from: String,
    pub to: String,
    pub targets: Targets,
    /// Of every request resolved.
    // Worked out from the counts where it is shown (their `rate`): no decoder in the apps.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub follow_up_rate: Option<f64>,
    // Worked out from the counts where it is shown (their `rate`): no decoder in the apps.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub satisfaction_rate: Option<f64>,
    // Worked out from the counts where it is shown (their `rate`): no decoder in the apps.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub timeliness_rate: Option<f64>,
    pub follow_up: FollowUpCounts,
    /// Of the requests the follow-up rate is measured on (`follow_up.counted` in the
    /// configuration: in-warranty repairs and complaints): what the target is for.
    #[serde(default)]
    // Worked out from the counts where it is shown (their `rate`): no decoder in the apps.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub counted_follow_up_rate: Option<f64>,
    #[serde(default)]
    pub counted_follow_up: FollowUpCounts,
    pub satisfaction: SatisfactionCounts,
    pub timeliness: TimelinessCounts,
    pub requests: i64,
    pub deflections: i64,
    pub in_warranty_repairs: i64,
    pub out_of_warranty_repairs: i64,
    pub repairs_by_month: Vec<MonthRepairs>,
    pub by_intent: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    pub by_product_line: BTreeMap<String, i64>,
    pub median_hours_to_resolve: Option<f64>,
    /// Requests not answered by the time they escalated, on that time's day.
    #[serde(default)]
    // Read by the server only: the apps, built without `openapi`, carry no decoder for it.
    #[cfg_attr(not(feature = "openapi"), serde(skip_deserializing))]
    pub escalations: i64,
}

impl FollowUpCounts {
    /// Followed up of resolved; null with nothing resolved.
    pub fn rate(&self) -> Option<f64> {
        rate(self.followed_up, self.resolved)
    }
}

impl SatisfactionCounts {
    /// Satisfied of rated; null with no rating.
    pub fn rate(&self) -> Option<f64> {
        rate(self.satisfied, self.ratings)
    }
}

impl TimelinessCounts {
    /// Answered on time of due; null with nothing due.
    pub fn rate(&self) -> Option<f64> {
        rate(self.on_time, self.due)
    }
}

/// `part ÷ whole`, or null when there is no whole.
pub fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The median of values given as how many times each occurs (`value → count`), the mean of
/// the middle two for an even count; null for none.
pub fn median_of_counts(counts: &BTreeMap<i64, i64>) -> Option<f64> {
    let total: i64 = counts.values().filter(|n| **n > 0).sum();
    if total == 0 {
        return None;
    }
    // The values at 0-based positions (total - 1) / 2 and total / 2 of the sorted list.
    let nth = |position: i64| {
        let mut seen = 0;
        counts.iter().filter(|(_, n)| **n > 0).find_map(|(value, n)| {
            seen += n;
            (position < seen).then_some(*value)
        })
    };
    let (low, high) = (nth((total - 1) / 2)?, nth(total / 2)?);
    Some((low + high) as f64 / 2.0)
}

/// A rating that counts as satisfied: 4 or 5 of 5.
pub fn satisfied(rating: u8) -> bool {
    rating >= 4
}

#[cfg(test)]
mod tests {

    #[test]
    fn an_engineer_reads_the_requests_they_visit_and_works_none() {
        for role in [Role::Agent, Role::Lead] {
            assert!(role.sees_every_request() && role.works_requests(), "{role:?}");
        }
        assert!(!Role::Engineer.sees_every_request());
        assert!(!Role::Engineer.works_requests());
    }

    #[test]
    fn sign_in_needs_both_a_login_and_a_password() {
        assert_eq!(credentials(" wang ", "pw".into()), Ok(("wang".into(), "pw".into())));
        assert_eq!(credentials("wang", String::new()), Err("error.missing_credentials"));
        assert_eq!(credentials(" ", "pw".into()), Err("error.missing_credentials"));
    }
    use super::*;

    fn row(reference: &str) -> InboxRow {
        InboxRow {
            reference: reference.into(),
            status: "received".into(),
            intent: "repair".into(),
            product_line: "appliance".into(),
            category: None,
            priority: None,
            full_name: "王建国".into(),
            phone: "+8613812345678".into(),
            created_at: String::new(),
            reply_by: String::new(),
            assigned_to: None,
            warranty: None,
            overdue: false,
            escalated: false,
            escalated_at: None,
        }
    }

    fn page(references: std::ops::Range<usize>, total: i64, next: Option<&str>) -> Inbox {
        Inbox {
            counts: BTreeMap::from([("received".to_string(), total)]),
            total,
            requests: references.map(|n| row(&format!("SH-{n}"))).collect(),
            next: next.map(str::to_string),
        }
    }

    #[test]
    fn the_next_page_follows_the_list_without_repeating_a_request_that_moved() {
        let first = page(0..INBOX_LIMIT, 250, Some("c1"));
        // SH-99 was answered meanwhile and fell into the second page's part of the order.
        let mut second = page(100..200, 251, Some("c2"));
        second.requests.insert(0, row("SH-99"));
        let both = first.followed_by(second);
        assert_eq!(both.requests.len(), 200);
        assert_eq!(both.requests[99].reference, "SH-99", "listed once, where it was first seen");
        assert_eq!((both.total, both.next.as_deref()), (251, Some("c2")), "the newest counts");
        assert_eq!(both.followed_by(page(0..0, 251, None)).next, None, "the last page ends it");
    }

    #[test]
    fn a_list_read_again_is_read_as_far_as_staff_had_loaded_it() {
        let first = page(0..INBOX_LIMIT, 250, Some("c1"));
        assert_eq!(first.to_read_again(INBOX_LIMIT), None, "one page shown: one page read");
        assert_eq!(first.to_read_again(2 * INBOX_LIMIT), Some("c1"));
        let both = first.followed_by(page(100..200, 251, Some("c2")));
        assert_eq!(both.to_read_again(2 * INBOX_LIMIT), None);
        let last = page(0..40, 40, None);
        assert_eq!(last.to_read_again(2 * INBOX_LIMIT), None, "fewer now: no page to ask for");
    }

    fn photo(id: &str) -> PhotoRef {
        PhotoRef { id: id.into(), content_type: "image/png".into(), bytes: 10, width: 4, height: 2 }
    }

    fn detail(intent: &str, details: &[(&str, &str)], photos: Vec<PhotoRef>) -> RequestDetail {
        let request = serde_json::json!({
            "intent": intent, "product_line": "inverter", "full_name": "张厂长",
            "phone": "+8613812345678", "email": null, "description": "变频器报 OC1，已更换模块。",
            "details": details.iter().copied().collect::<BTreeMap<_, _>>(), "photos": photos,
        });
        RequestDetail {
            reference: "SH-1".into(),
            status: Status::Received,
            next_statuses: vec![],
            created_at: String::new(),
            reply_by: String::new(),
            first_reply_by: None,
            overdue: false,
            escalated: false,
            assigned_to: None,
            request: serde_json::from_value(request).unwrap(),
            timeline: vec![],
            product: None,
            entitlement: None,
            history: ServiceHistory::default(),
        }
    }

    fn names<'a>(rows: &[DetailRow<'a>]) -> Vec<&'a str> {
        rows.iter().map(|row| row.name).collect()
    }

    #[test]
    fn an_onsite_report_is_shown_apart_in_the_forms_order_with_its_signature() {
        let detail = detail(
            "onsite_report",
            &[
                ("signature", "sig-1"),
                ("result", "needs_parts"),
                ("customer_comment", "师傅很专业"),
                ("departure_at", "2026-11-27T11:30"),
                ("arrival_at", "2026-11-27T09:00"),
                ("fault_code", "OC1"),
                ("signoff_name", "张厂长"),
                ("site", "苏州工业园区 3 号厂房"),
                ("company", "苏州精工"),
                ("recorded_by", "李工"),
                ("from_a_later_version", "kept"),
            ],
            vec![photo("p-1"), photo("sig-1")],
        );
        let sections = detail.sections();
        assert_eq!(
            names(&sections.report),
            [
                "site",
                "arrival_at",
                "departure_at",
                "fault_code",
                "result",
                "customer_comment",
                "signoff_name"
            ]
        );
        assert_eq!(names(&sections.general), ["company", "recorded_by", "from_a_later_version"]);
        assert_eq!(sections.general[2].field, None);
        assert_eq!(sections.signature.map(|p| p.id.as_str()), Some("sig-1"));
        assert_eq!(sections.photos.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["p-1"]);
    }

    #[test]
    fn a_report_without_the_customer_gives_the_reason_and_a_request_has_no_report() {
        let absent = detail(
            "onsite_report",
            &[("customer_not_present", "yes"), ("not_present_reason", "客户外出，由保安开门")],
            vec![],
        );
        let sections = absent.sections();
        assert_eq!(names(&sections.report), ["customer_not_present", "not_present_reason"]);
        assert_eq!(sections.signature, None);
        let repair = detail(
            "repair",
            &[("usable", "no"), ("danger", "yes"), ("delivered_on", "2026-11-20")],
            vec![photo("p-1")],
        );
        let sections = repair.sections();
        assert!(sections.report.is_empty());
        assert_eq!(names(&sections.general), ["delivered_on", "usable", "danger"]);
        assert_eq!(sections.photos.len(), 1);
    }

    #[test]
    fn rates_and_medians_have_no_value_for_nothing() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(3, 4), Some(0.75));
        let median = |values: &[i64]| {
            let mut counts = BTreeMap::new();
            for value in values {
                *counts.entry(*value).or_insert(0) += 1;
            }
            median_of_counts(&counts)
        };
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5, 1, 3]), Some(3.0));
        assert_eq!(median(&[4, 1, 3, 2]), Some(2.5));
        assert_eq!(median(&[48, 48, 72, 48, 72]), Some(48.0));
        assert_eq!(median(&[7, 7, 9, 9]), Some(8.0), "the middle two fall in two values");
        assert!(satisfied(4) && satisfied(5) && !satisfied(3));
    }

    #[test]
    fn events_read_as_the_api_documents_them() {
        let follow_up: EventRequest = serde_json::from_str(
            r#"{"kind": "follow_up", "outcome": "no_answer", "satisfaction": null}"#,
        )
        .unwrap();
        assert_eq!(
            follow_up,
            EventRequest::FollowUp {
                outcome: CallOutcome::NoAnswer,
                satisfaction: None,
                text: String::new()
            }
        );
        assert_eq!(follow_up.kind(), EntryKind::FollowUp);
        let status = EventRequest::Status { status: Status::WaitingCustomer };
        assert_eq!(
            serde_json::to_value(&status).unwrap(),
            serde_json::json!({"kind": "status", "status": "waiting_customer"})
        );
        assert!(serde_json::from_str::<EventRequest>(r#"{"kind": "delete"}"#).is_err());
    }

    #[test]
    fn an_empty_filter_is_an_empty_query() {
        assert_eq!(serde_json::to_value(InboxFilter::default()).unwrap(), serde_json::json!({}));
        for role in [Role::Agent, Role::Lead, Role::Engineer] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
