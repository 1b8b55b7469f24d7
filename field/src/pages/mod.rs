//! One page per screen of `route.rs`, and the sign-in.

pub mod sign_in;
pub mod visit;
pub mod visits;
