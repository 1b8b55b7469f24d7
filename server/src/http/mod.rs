//! The HTTP layer below the handlers: what every route's answer is made of and what runs
//! around the routes. Nothing here knows a route; the handlers use it.

pub mod body;
pub mod cors;
pub mod docs;
pub mod error;
pub mod headers;
pub mod limit;
pub mod query;
pub mod refusals;
pub mod same_site;
pub mod session;
