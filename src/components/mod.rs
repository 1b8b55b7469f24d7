//! Small reusable pieces of the form: they render and report, they do not decide.

pub mod conflict;
pub mod display;
pub mod emergency;
pub mod error_summary;
pub mod fields;
pub mod kiosk;
pub mod photos;
pub mod rights;
pub mod signature;
pub mod transcript;
