//! One page per screen. A page takes what it shows from its hooks and the desk's context and
//! lays out components; pages never import each other or the shell.

pub mod board;
pub mod figures;
pub mod follow_ups;
pub mod inbox;
pub mod not_found;
pub mod privacy;
pub mod products;
pub mod request;
pub mod sign_in;
