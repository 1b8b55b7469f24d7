//! The desk's pieces: data and callbacks in, markup out. None of them fetches, holds a
//! session or decides a rule; most are plain functions, since every component costs the
//! download its own copy of Yew's lifecycle code (the action forms are one: their fields
//! are their own).

pub mod actions;
pub mod figures;
pub mod header;
pub mod inbox;
pub mod product;
pub mod quality;
pub mod request;
