//! Where requests are kept: [`Db`], the one interface the handlers and the command line use,
//! on one SQLite file (the default) or PostgreSQL for several instances on one database.
//!
//! Each operation is written once, as a function over a connection ([`sql::Conn`]): filing
//! a request and deflections ([`requests`]), staff accounts and sessions ([`staff`]), the
//! timeline and a request's record ([`timeline`]), what the customer posts ([`customer`]),
//! the inbox ([`inbox`]) and its search ([`search`]), the follow-up list ([`follow_ups`]), the figures and the export
//! ([`report`]), and what is kept beside each request so that none of them reads a whole
//! history ([`facts`]). Only the SQL dialect
//! differs between the two databases ([`sql::Dialect`]); what is the same on both — the
//! rules, the order of statements, which rows are locked — is written in one place.
//! [`sqlite`] and [`postgres`] only run those functions: SQLite through one writer thread
//! (group commit) and reading connections, PostgreSQL on pooled transactions.
//!
//! Either answers a write only once it is on disk. The rules the operations apply are
//! core's.

pub mod audit;
pub mod backup;
pub mod customer;
pub mod db;
pub mod error;
pub mod facts;
pub mod follow_ups;
pub mod history;
pub mod hub;
pub mod inbox;
pub mod notices;
pub mod pg_conn;
pub mod pg_tls;
pub mod postgres;
pub mod privacy;
pub mod products;
pub mod quality;
pub mod report;
pub mod requests;
pub mod schema;
pub mod search;
pub mod sql;
pub mod sqlite;
pub mod sqlite_conn;
pub mod staff;
pub mod timeline;
pub mod types;
pub mod visits;

pub use db::Db;
pub use error::StoreError;
pub use postgres::{is_url, PgStore};
pub use schema::{MIGRATION_LOCK, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
pub use sqlite::SqliteStore;
pub use staff::{Role, Session, StaffMember};
pub use types::{now, now_text, today, Created, NewRequest, PhotoUpload, StoredRequest};
