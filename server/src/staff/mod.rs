//! `/api/v1/staff`: the staff desk's API. Every route but sign-in needs a session
//! ([`crate::http::session::Staff`], 401 without); every state-changing one also passes the
//! same-site guard ([`crate::http::same_site`], 403); no answer may be cached.

pub mod figures;
pub mod follow_ups;
pub mod notices;
pub mod privacy;
pub mod products;
pub mod requests;
pub mod session;
pub mod visits;
