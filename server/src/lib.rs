//! Shouhou's intake server: the API under `/api/v1`, the built app, and the configuration
//! the app and the server share.
//!
//! Every request is validated with `shouhou-core`, the same code that shows the customer
//! their errors, and stored through [`Db`]: in SQLite (the default), or in PostgreSQL for
//! several instances ([`store`]); either answers only once it is on disk. Errors are JSON with a machine `code` and a human `message` in the caller's language
//! (Accept-Language).
//!
//! The files, lowest first (each uses only those before it; `tests/layers.rs` checks it):
//! the store ([`store`]), secrets ([`auth`]) and rate limits ([`limit`]); what every handler
//! shares ([`state`]); the HTTP layer below the handlers ([`http`]: errors with the one
//! mapping from a store refusal, the body readers, the staff session, the same-site guard,
//! the middleware around the routes and what the OpenAPI descriptions share); the handlers,
//! by audience: the customer's app ([`customer`]), the staff desk under `/api/v1/staff`
//! ([`staff`]: signed-in staff work each request through core's status machine, every action
//! a timeline entry written as durably as a create) and the kiosk ([`kiosk`]); the OpenAPI
//! document ([`openapi`]); the route table ([`routes`]) and the whole site ([`site`]).

pub mod auth;
pub mod customer;
pub mod http;
pub mod kiosk;
pub mod limit;
pub mod openapi;
pub mod routes;
pub mod serve;
pub mod site;
pub mod staff;
pub mod state;
pub mod store;

pub use site::app;
pub use state::{load_state, open_state, redact, state_on, AppState, Guards, Settings};
pub use store::Db;
