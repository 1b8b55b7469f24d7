//! The staff API (`/api/v1/staff`), one function per endpoint over the shared request
//! function, with the session cookie the browser keeps; and what a failure means on the desk.

use serde::Serialize;
use shouhou_core::desk::{
    AuditPage, Erased, EventRequest, Figures, Inbox, InboxFilter, Member, NoticeRecord,
    RequestDetail, Session, UnscheduledVisit, VisitRow,
};
use shouhou_core::flow::transcript::FlowWords;
use shouhou_core::follow_up::DueCalls;
use shouhou_core::product::{ImportSummary, ProductRecord};
use shouhou_core::quality::QualityReport;
use shouhou_core::Lang;
use shouhou_web::http::{self, encode, query, send, HttpError};

use gloo_net::http::Request;

pub const BASE: &str = "/api/v1/staff";

/// Who is signed in on this browser: a 401 when no one is.
pub async fn session() -> Result<Session, HttpError> {
    http::get_json(&[BASE, "/session"].concat()).await
}

/// Signs in; a 401 means the login or the password is wrong.
pub async fn sign_in(login: String, password: String) -> Result<Session, HttpError> {
    #[derive(Serialize)]
    struct Credentials {
        login: String,
        password: String,
    }
    let request =
        Request::post(&[BASE, "/session"].concat()).json(&Credentials { login, password });
    send(request).await?;
    session().await
}

pub async fn sign_out() -> Result<(), HttpError> {
    send(Request::delete(&[BASE, "/session"].concat()).build()).await.map(drop)
}

/// The inbox under `filter`: the overdue first, then by reply-by time.
pub async fn inbox(filter: &InboxFilter) -> Result<Inbox, HttpError> {
    http::get_json(&[BASE, "/requests", &inbox_query(filter)].concat()).await
}

/// The inbox's filters as the query the server reads; a filter left at "any" is not sent.
pub fn inbox_query(filter: &InboxFilter) -> String {
    query(&[
        ("status", filter.status.map(|s| s.as_str().to_string())),
        ("product_line", filter.product_line.clone()),
        ("intent", filter.intent.clone()),
        ("category", filter.category.clone()),
        ("priority", filter.priority.clone()),
        ("assigned", filter.assigned.clone()),
        ("overdue", filter.overdue.map(|o| o.to_string())),
        ("escalated", filter.escalated.map(|e| e.to_string())),
        ("q", filter.q.clone()),
        ("after", filter.after.clone()),
    ])
}

fn request_path(reference: &str) -> String {
    [BASE, "/requests/", &encode(reference)].concat()
}

pub async fn request(reference: &str) -> Result<RequestDetail, HttpError> {
    http::get_json(&request_path(reference)).await
}

/// The requests due a follow-up call today, the oldest resolution first.
pub async fn due_calls() -> Result<DueCalls, HttpError> {
    http::get_json(&[BASE, "/follow-ups"].concat()).await
}

/// Records what staff did with a request (a status, an assignment, a reply, …). A refusal
/// is worded in the desk's language (see [`server_words`]).
pub async fn record(reference: &str, event: &EventRequest, lang: Lang) -> Result<(), HttpError> {
    let path = [&request_path(reference), "/events"].concat();
    send(Request::post(&path).header("Accept-Language", lang.tag()).json(event)).await.map(drop)
}

/// The visits that share any time with the days `from` to `to` (`YYYY-MM-DD`), in the
/// order they begin: the dispatch board's day or week.
pub async fn visits(from: &str, to: &str) -> Result<Vec<VisitRow>, HttpError> {
    let query = query(&[("from", Some(from.to_string())), ("to", Some(to.to_string()))]);
    http::get_json(&[BASE, "/visits", &query].concat()).await
}

/// The open requests waiting for a visit to be booked, oldest first.
pub async fn unscheduled() -> Result<Vec<UnscheduledVisit>, HttpError> {
    http::get_json(&[BASE, "/visits/unscheduled"].concat()).await
}

/// Tells colleagues with the request open that this member of staff is typing a reply.
pub async fn typing(reference: &str) -> Result<(), HttpError> {
    let path = [&request_path(reference), "/typing"].concat();
    send(Request::post(&path).build()).await.map(drop)
}

/// What was sent about a request, to whom and when, and what failed with the reason.
pub async fn notices(reference: &str) -> Result<Vec<NoticeRecord>, HttpError> {
    http::get_json(&[&request_path(reference), "/notices"].concat()).await
}

/// Queues a notice that failed for good again (leads).
pub async fn resend(id: i64) -> Result<(), HttpError> {
    let path = [BASE, "/notices/", &id.to_string(), "/resend"].concat();
    send(Request::post(&path).build()).await.map(drop)
}

/// Where one of a request's photos is shown (and opened whole).
pub fn photo_url(reference: &str, photo_id: &str) -> String {
    [&request_path(reference), "/photos/", &encode(photo_id)].concat()
}

/// The colleagues a request can be assigned to.
pub async fn members() -> Result<Vec<Member>, HttpError> {
    http::get_json(&[BASE, "/members"].concat()).await
}

/// A period of days, `YYYY-MM-DD` to `YYYY-MM-DD`, as the figures and the export take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    pub from: String,
    pub to: String,
}

impl Period {
    fn query(&self) -> String {
        query(&[("from", Some(self.from.clone())), ("to", Some(self.to.clone()))])
    }
}

/// The figures of a period (leads only: a 403 for an agent).
pub async fn figures(period: &Period) -> Result<Figures, HttpError> {
    http::get_json(&[BASE, "/figures", &period.query()].concat()).await
}

/// The CSV export of a period's requests, for Excel.
pub fn export_url(period: &Period) -> String {
    [BASE, "/export.csv", &period.query()].concat()
}

/// The quality report of a period (leads only).
pub async fn quality(period: &Period) -> Result<QualityReport, HttpError> {
    http::get_json(&[BASE, "/quality", &period.query()].concat()).await
}

/// The quality report as a CSV, for Excel.
pub fn quality_csv_url(period: &Period) -> String {
    [BASE, "/quality.csv", &period.query()].concat()
}

fn product_path(product_line: &str, serial: &str) -> String {
    [BASE, "/products/", &encode(product_line), "/", &encode(serial)].concat()
}

/// One unit's archive record; a 404 when the archive does not have it.
pub async fn product(product_line: &str, serial: &str) -> Result<ProductRecord, HttpError> {
    http::get_json(&product_path(product_line, serial)).await
}

/// Saves a unit's record as staff edited it (adding it when new); the server answers with
/// the record as kept (trimmed, the serial normalised).
pub async fn save_product(record: &ProductRecord) -> Result<ProductRecord, HttpError> {
    let path = product_path(&record.product_line, &record.serial_number);
    http::read_maps(&http::text(send(Request::put(&path).json(record)).await?).await?)
}

/// Checks (`dry_run`) or imports a CSV or Excel file of records: what it adds and changes,
/// and every refused row with its line.
pub async fn import_products(
    file: web_sys::File,
    dry_run: bool,
) -> Result<ImportSummary, HttpError> {
    let path =
        [BASE, "/products/import", &query(&[("dry_run", Some(dry_run.to_string()))])].concat();
    let content_type =
        if file.name().to_ascii_lowercase().ends_with(".xlsx") { XLSX } else { "text/csv" };
    let request = Request::post(&path).header("Content-Type", content_type).body(file);
    http::read_maps(&http::text(send(request).await?).await?)
}

/// How an Excel workbook's body is named.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A page of the audit trail, newest first: the first, or the one after `after` (an earlier
/// page's `next`).
pub async fn audit(after: Option<&str>) -> Result<AuditPage, HttpError> {
    http::get_json(&[BASE, "/audit", &query(&[("after", after.map(str::to_string))])].concat())
        .await
}

/// Erases the personal data of every request given with `contact` (a phone or an e-mail).
pub async fn erase(contact: &str) -> Result<Erased, HttpError> {
    #[derive(Serialize)]
    struct Contact<'a> {
        contact: &'a str,
    }
    let request = Request::post(&[BASE, "/erasures"].concat()).json(&Contact { contact });
    http::read_maps(&http::text(send(request).await?).await?)
}

/// The troubleshooting flow a customer walked, fetched as their app fetches it. Read for its
/// words only, not validated: a node it lacks is shown by its id.
pub async fn flow(id: &str) -> Result<FlowWords, HttpError> {
    http::get_json(&["/flows/", &encode(id), ".json"].concat()).await
}

/// Whether the failure means the session is gone: the desk then shows the sign-in.
pub fn signed_out(error: &HttpError) -> bool {
    error.status() == Some(401)
}

/// The desk's message key for a failure: the server's error code where the desk has words
/// for it, else a general one.
/// The server's words for a refusal only it can word: a visit that clashes names the other
/// request; an engineer the server does not know; a visit already over.
pub fn server_words(error: &HttpError) -> Option<String> {
    const WORDED: [&str; 3] = ["visit_overlaps", "unknown_engineer", "visit_not_scheduled"];
    match error {
        HttpError::Refused(refusal) if WORDED.contains(&refusal.code().as_str()) => {
            Some(refusal.message()).filter(|message| !message.is_empty())
        }
        _ => None,
    }
}

pub fn message_key(error: &HttpError) -> String {
    const KNOWN: [&str; 9] = [
        "invalid_credentials",
        "rate_limited",
        "transition_not_allowed",
        "unknown_staff",
        "invalid_event",
        "forbidden",
        "not_found",
        "bad_query",
        "empty_file",
    ];
    match error {
        HttpError::Offline | HttpError::Unsendable(_) => "error.network".into(),
        HttpError::Refused(refusal) if refusal.status == 401 => "error.unauthorized".into(),
        HttpError::Refused(refusal) => match refusal.code() {
            code if KNOWN.contains(&code.as_str()) => ["error.", &code].concat(),
            _ => "error.generic".into(),
        },
        HttpError::Unreadable(_) => "error.generic".into(),
    }
}

#[cfg(test)]
mod tests {
    use shouhou_core::status::Status;
    use shouhou_web::http::Refusal;

    use super::*;

    fn refused(status: u16, body: &str) -> HttpError {
        HttpError::Refused(Refusal { status, retry_after: None, body: body.into() })
    }

    #[test]
    fn the_inbox_asks_for_the_filters_set_and_nothing_else() {
        assert_eq!(inbox_query(&InboxFilter::default()), "");
        let filter = InboxFilter {
            status: Some(Status::InProgress),
            product_line: Some("inverter".into()),
            overdue: Some(true),
            q: Some("王 建国".into()),
            ..InboxFilter::default()
        };
        assert_eq!(
            inbox_query(&filter),
            "?status=in_progress&product_line=inverter&overdue=true&q=%E7%8E%8B%20%E5%BB%BA%E5%9B%BD"
        );
        let next = InboxFilter {
            escalated: Some(true),
            after: Some("1733000000.SR/1".into()),
            ..InboxFilter::default()
        };
        assert_eq!(inbox_query(&next), "?escalated=true&after=1733000000.SR%2F1");
    }

    #[test]
    fn addresses_of_a_request_encode_what_they_carry() {
        assert_eq!(photo_url("SR-1", "a b"), "/api/v1/staff/requests/SR-1/photos/a%20b");
        let period = Period { from: "2026-11-01".into(), to: "2026-11-30".into() };
        assert_eq!(export_url(&period), "/api/v1/staff/export.csv?from=2026-11-01&to=2026-11-30");
    }

    #[test]
    fn a_failure_says_what_the_server_meant_in_the_desks_words() {
        assert_eq!(message_key(&HttpError::Offline), "error.network");
        assert_eq!(message_key(&refused(401, "")), "error.unauthorized");
        assert!(signed_out(&refused(401, "")) && !signed_out(&refused(403, "")));
        let refusal = refused(409, r#"{"code":"transition_not_allowed","message":"…"}"#);
        assert_eq!(message_key(&refusal), "error.transition_not_allowed");
        assert_eq!(message_key(&refused(500, r#"{"code":"internal"}"#)), "error.generic");
        assert_eq!(message_key(&refused(502, "<html>")), "error.generic");
        assert_eq!(message_key(&HttpError::Unreadable("eof".into())), "error.generic");
    }
}
