//! Shouhou's browser library: the plumbing the customer app and the staff desk share, so each
//! app holds only its own screens and effects.
//!
//! - [`http`]: one function sends a request, one error ([`http::HttpError`]) says how it failed;
//!   [`maps`] reads the desk's JSON with only the decoders JSON needs;
//! - [`i18n`]: a language's messages fetched into core's tables, the language chosen;
//! - [`config`]: `config.json` read as core's `AppConfig`;
//! - [`router`]: addresses in the History API, links followed in place;
//! - [`dom`]: what a control holds, focus, the title, localStorage.
//!
//! What an answer or an address *means* is core's; this crate only carries it to and from
//! the browser. Its pure parts (encoding, query strings, which links are the app's) are
//! tested natively with `cargo test -p shouhou-web`.

pub mod config;
pub mod dom;
pub mod http;
pub mod i18n;
pub mod maps;
pub mod router;

// Every app built with this library (the customer app, the desk, the engineer's app) is
// single-threaded wasm, which `TalckWasm` requires.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
