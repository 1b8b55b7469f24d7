//! What the customer's side is served: the app and its start page, the requests API (file,
//! look up, deflections), what the customer posts after filing (messages, ratings) and the
//! browser's CSP reports. No account: idempotency keys, contacts and rate limits instead.

pub mod app;
pub mod csp;
pub mod posts;
pub mod requests;
pub mod start_page;
