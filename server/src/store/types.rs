//! What the store's operations take and give that is not core's: a request on its way in
//! ([`NewRequest`], with its photos' bytes), what is stored and answered, and the server's
//! clock.

use chrono::{DateTime, FixedOffset, Local, SecondsFormat};
use shouhou_core::reference::RANDOM_LEN;
use shouhou_core::ValidRequest;

/// The bytes of one attached photo as they arrived.
pub struct PhotoUpload {
    pub id: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A stored request as the status look-up returns it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredRequest {
    pub reference: String,
    pub status: String,
    pub created_at: String,
    pub reply_by: String,
    pub request: ValidRequest,
}

/// The outcome of a create: the new request, or the one an earlier try of it made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub stored: StoredRequest,
    pub replayed: bool,
}

/// Everything a create needs, owned, so it can travel to SQLite's writer thread.
pub struct NewRequest {
    pub idempotency_key: String,
    /// What was submitted exactly: a retry under the same key must match it.
    pub submitted_json: String,
    pub request: ValidRequest,
    pub photos: Vec<PhotoUpload>,
    pub now: DateTime<FixedOffset>,
    /// The promised time of the next reply (`AppConfig::reply_by`, core's one rule).
    pub reply_by: DateTime<FixedOffset>,
    /// The staff login whose session filed it (an on-site report's engineer); nobody's for a
    /// customer's.
    pub filed_by: Option<String>,
}

/// The server's clock in its own time zone: reference numbers follow the local day.
pub fn now() -> DateTime<FixedOffset> {
    Local::now().fixed_offset()
}

/// [`now`] as every stored time is written: RFC 3339 to the second, in the server's offset.
pub fn now_text() -> String {
    now().to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Today on the server's own calendar (the offset its times are written in).
pub fn today() -> shouhou_core::CivilDate {
    let today = now().date_naive().to_string();
    shouhou_core::CivilDate::parse(&today).expect("chrono writes a date as YYYY-MM-DD")
}

/// The random part of a new reference, from the OS.
pub fn os_random() -> [u8; RANDOM_LEN] {
    let mut bytes = [0; RANDOM_LEN];
    getrandom::getrandom(&mut bytes).expect("the OS random source works");
    bytes
}
