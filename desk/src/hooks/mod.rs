//! The desk's effects as named hooks: each owns one conversation with the browser or the
//! server and returns a documented handle, so `app.rs` and the pages only wire them together
//! and what happens on start, on a filter change or after an action is found by name.

pub mod board;
pub mod figures;
pub mod follow_ups;
pub mod inbox;
pub mod language;
pub mod lines;
pub mod live;
pub mod notices;
pub mod privacy;
pub mod products;
pub mod record;
pub mod request;
pub mod session;
pub mod title;
