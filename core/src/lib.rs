//! The pure core of Shouhou: everything that decides, nothing that performs.
//!
//! The browser app and the intake server both link this crate, so a rule about what a
//! valid service request is, how a draft evolves or what a message says is written once.
//! It has no browser or I/O dependency, which keeps every rule testable natively in
//! milliseconds; the edges (IndexedDB, fetch, SQLite) only carry out what it decides.

pub mod adapter;
pub mod archive;
pub mod calendar;
pub mod charges;
pub mod config;
pub mod csv;
pub mod desk;
pub mod draft;
pub mod emergency;
pub mod escalation;
pub mod eviction;
pub mod flow;
#[cfg(feature = "follow-up")]
pub mod follow_up;
pub mod guarantees;
pub mod i18n;
pub mod notice;
pub mod outbox;
pub mod phone;
pub mod privacy;
pub mod product;
pub mod quality;
pub mod reference;
pub mod reply;
pub mod route;
pub mod rules;
pub mod schema;
pub mod status;
pub mod steps;
pub mod validate;
pub mod visit;
pub mod warranty;

pub use config::{AppConfig, Localized, ProductLine};
pub use draft::{Draft, DraftDecodeError, DraftEvent, Lineage, Step, DRAFT_SCHEMA_VERSION};
pub use flow::Flow;
pub use i18n::{Lang, Messages};
pub use route::Route;
pub use schema::{
    Category, Field, FieldKind, Intent, PhotoRef, Priority, RequestFields, Troubleshooting,
    ValidRequest,
};
pub use status::{transition_allowed, EntryKind, Status};
pub use validate::{validate_request, validate_start, Conditions, ErrorCode, FieldError};
pub use warranty::{CivilDate, WarrantyStatus};
