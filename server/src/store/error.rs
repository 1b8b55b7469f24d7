//! Why a store operation did not happen: a refusal by the domain's rules (the HTTP layer
//! answers each with its own code), or a failure of the database underneath.

use shouhou_core::Status;

#[derive(Debug)]
pub enum StoreError {
    /// The key was used before for a request with different content.
    KeyReused,
    /// No request, staff member or photo by that name.
    NotFound,
    /// No request matches the reference and the contact a customer gave: one answer for an
    /// unknown reference and a wrong contact, so a reference alone reveals nothing.
    NoMatch,
    /// The login is taken already.
    Exists,
    /// The status machine (core) refuses this change.
    TransitionNotAllowed {
        from: Status,
        to: Status,
    },
    /// An assignment to a login that is unknown or disabled.
    UnknownStaff,
    /// A visit for a login that is not an active engineer's.
    NotAnEngineer,
    /// A visit whose window is not one (core's rule: the detail says why).
    InvalidVisit(&'static str),
    /// The engineer is booked on another request (its reference) for part of the window.
    VisitOverlaps {
        reference: String,
    },
    /// A visit cancelled or done is not moved or cancelled.
    VisitNotScheduled(shouhou_core::visit::VisitState),
    /// An engineer joining a report to another engineer's visit.
    NotYourVisit,
    /// A report not filed in the session of the visit's engineer.
    ReportOfAnother,
    /// A report that answers another visit already.
    ReportTaken,
    /// A customer's message while the team is not waiting for one.
    NotWaitingForCustomer,
    /// A rating before the request is resolved.
    NotResolved,
    /// A second rating for one request (under another key).
    AlreadyRated,
    /// A message's photo has the id of a photo the request already holds.
    PhotoIdTaken,
    /// Only a notice that failed for good may be sent again.
    NotFailed,
    /// The batch this write was part of did not commit; nothing of it was stored.
    BatchFailed(String),
    /// The writer thread is gone (the store is shutting down).
    WriterGone,
    Sqlite(rusqlite::Error),
    /// PostgreSQL's error, in the server's words.
    Postgres(String),
    /// A stored value that does not read as what it should be.
    Data(String),
    Io(std::io::Error),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::KeyReused => write!(f, "idempotency key reused for different content"),
            StoreError::NotFound => write!(f, "not found"),
            StoreError::NoMatch => write!(f, "no request matches that reference and contact"),
            StoreError::Exists => write!(f, "already exists"),
            StoreError::TransitionNotAllowed { from, to } => {
                write!(f, "{} cannot become {}", from.as_str(), to.as_str())
            }
            StoreError::UnknownStaff => write!(f, "no active staff member by that login"),
            StoreError::NotAnEngineer => write!(f, "no active engineer by that login"),
            StoreError::InvalidVisit(why) => write!(f, "not a visit's window: {why}"),
            StoreError::VisitOverlaps { reference } => {
                write!(f, "the engineer is booked on {reference} then")
            }
            StoreError::VisitNotScheduled(state) => write!(f, "the visit is {}", state.as_str()),
            StoreError::NotYourVisit => write!(f, "the visit is another engineer's"),
            StoreError::ReportOfAnother => {
                write!(f, "the report was not filed by the visit's engineer")
            }
            StoreError::ReportTaken => write!(f, "the report answers another visit"),
            StoreError::NotWaitingForCustomer => {
                write!(f, "the team is not waiting for the customer")
            }
            StoreError::NotResolved => write!(f, "the request is not resolved"),
            StoreError::AlreadyRated => write!(f, "the request is rated already"),
            StoreError::PhotoIdTaken => write!(f, "the request has a photo by that id already"),
            StoreError::NotFailed => write!(f, "the notice has not failed"),
            StoreError::BatchFailed(why) => write!(f, "the batch did not commit: {why}"),
            StoreError::WriterGone => write!(f, "the writer has stopped"),
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Postgres(e) => write!(f, "postgres: {e}"),
            StoreError::Data(e) => write!(f, "stored data: {e}"),
            StoreError::Io(e) => write!(f, "io: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        // The driver's Display of a server error is only "db error": keep the server's words.
        match error.as_db_error() {
            Some(db) => StoreError::Postgres(format!("{}: {}", db.code().code(), db.message())),
            // "error performing TLS handshake" alone does not say the certificate was refused.
            None => match std::error::Error::source(&error) {
                Some(cause) => StoreError::Postgres(format!("{error}: {cause}")),
                None => StoreError::Postgres(error.to_string()),
            },
        }
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        match error {
            deadpool_postgres::PoolError::Backend(error) => error.into(),
            other => StoreError::Postgres(other.to_string()),
        }
    }
}
