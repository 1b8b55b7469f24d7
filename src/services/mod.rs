//! Talking to the backend: one async function per endpoint.

pub mod api;
pub mod flows;
pub mod kiosk;
pub mod status;
