//! What the customer's side is served: the app and the screens drawn from their address (the app's own components), the requests API (file,
//! look up, deflections), what the customer posts after filing (messages, ratings) and the
//! browser's CSP reports. No account: idempotency keys, contacts and rate limits instead.

pub mod app;
pub mod csp;
pub mod install;
pub mod pages;
pub mod posts;
pub mod products;
pub mod requests;
pub mod unsubscribe;
