//! What every desk screen may read, provided by `app.rs` and read with [`use_desk`]: the
//! language, who is signed in, what it reads of the configuration (the product lines' names,
//! the fault causes, the parts), and how to say the session ended.

use std::rc::Rc;

use shouhou_core::desk::{Role, Session};
use shouhou_core::Lang;
use shouhou_web::config::{DeskSettings, LineName};
use shouhou_web::i18n::{label, tr, trf};
use yew::prelude::*;

use crate::route::Route;

/// What the live desk heard ([`crate::hooks::live`]): how many changes since the desk
/// opened (a screen reads itself again when the count moves), and which colleague is typing
/// a reply to which request, for a few seconds after they last did.
#[derive(Clone, PartialEq, Default)]
pub struct Live {
    pub changes: u32,
    /// `(reference, login)`.
    pub typing: Option<Rc<(String, String)>>,
}

#[derive(Clone, PartialEq)]
pub struct Desk {
    pub lang: Lang,
    /// `None` only on the sign-in screen.
    pub session: Option<Session>,
    /// From the configuration the customer app runs with (empty when it could not be read).
    pub settings: Rc<DeskSettings>,
    pub signed_in: Callback<Session>,
    /// The server said the session is gone (a 401): the desk shows the sign-in.
    pub signed_out: Callback<()>,
    /// What the live desk heard.
    pub live: Live,
    /// Shows another screen, as a new history entry.
    pub navigate: Callback<Route>,
}

impl Desk {
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    pub fn tf(&self, key: &str, args: &[(&str, String)]) -> String {
        trf(self.lang, key, args)
    }

    /// The words for an API value of `group` (`status`, `intent`, …).
    pub fn label(&self, group: &str, value: &str) -> String {
        label(self.lang, group, value)
    }

    /// A product line by its name in the desk's language; its id when the configuration
    /// does not know it.
    pub fn line_name(&self, id: &str) -> String {
        self.settings
            .product_lines
            .iter()
            .find(|line| line.id == id)
            .map_or_else(|| id.to_string(), |line| line.name.get(self.lang).to_string())
    }

    pub fn lines(&self) -> &[LineName] {
        &self.settings.product_lines
    }

    /// A configured fault cause or part by its name in the desk's language; its id when the
    /// configuration does not know it.
    pub fn cause_name(&self, id: &str) -> String {
        let causes = &self.settings.fault_causes;
        causes
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_string(), |c| c.name.get(self.lang).into())
    }

    pub fn part_name(&self, id: &str) -> String {
        let parts = &self.settings.parts;
        parts
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.get(self.lang).into())
    }

    pub fn login(&self) -> String {
        self.session.as_ref().map(|s| s.login.clone()).unwrap_or_default()
    }

    /// An engineer sees their own visits and the requests they visit; booking is the desk's.
    pub fn is_engineer(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.role == Role::Engineer)
    }

    /// Agents and leads work a request from its page; an engineer reads it (core's rule).
    pub fn works_requests(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.role.works_requests())
    }

    /// Leads see the figures and export; agents work requests.
    pub fn is_lead(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.role == Role::Lead)
    }
}

/// The desk's context, for a screen rendered inside the app.
#[hook]
pub fn use_desk() -> Desk {
    use_context::<Desk>().expect("desk screens are rendered inside the desk")
}
