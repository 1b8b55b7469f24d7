//! What every screen of the engineer's app may read, provided by `app.rs`.

use std::rc::Rc;

use shouhou_core::desk::Session;
use shouhou_core::{AppConfig, Lang};
use shouhou_web::i18n::{tr, trf};
use yew::prelude::*;

use crate::keep::Keep;
use crate::plan::QueuedReport;
use crate::route::Route;

#[derive(Clone, PartialEq)]
pub struct Tablet {
    pub lang: Lang,
    pub session: Session,
    /// The tablet's storage; `None` where the browser has no IndexedDB (nothing is kept).
    pub keep: Option<Keep>,
    /// The configuration the report is validated with (kept by the service worker).
    pub config: Option<Rc<AppConfig>>,
    /// The reports queued on this tablet, as last read.
    pub outbox: Rc<Vec<QueuedReport>>,
    /// Moves each time the list should read itself again: a report joined to its visit, or
    /// signal back.
    pub refresh: u32,
    /// Sends what is queued (after queueing one).
    pub send: Callback<()>,
    /// The server said the session is gone (a 401): the sign-in shows.
    pub signed_out: Callback<()>,
    pub navigate: Callback<Route>,
}

impl Tablet {
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, String)]) -> String {
        trf(self.lang, key, args)
    }

    /// A product line by its name in the app's language; its id when the configuration
    /// does not know it.
    pub fn line_name(&self, id: &str) -> String {
        self.config
            .as_ref()
            .and_then(|config| config.product_lines.iter().find(|line| line.id == id))
            .map_or_else(|| id.to_string(), |line| line.name.get(self.lang).to_string())
    }
}

#[hook]
pub fn use_tablet() -> Tablet {
    use_context::<Tablet>().expect("app.rs provides the tablet's context")
}
