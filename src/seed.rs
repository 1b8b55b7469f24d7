//! What the app's first render is drawn from, so that rendering never asks the browser: the
//! language, kiosk mode, the customer's date and this tab's id, and — for a screen the server
//! drew from its address (the start step, guided help's offer, the form's first step) — the
//! draft and configuration it drew it from.
//!
//! The server renders [`crate::app::App`] with the same components (`yew::ServerRenderer`) and
//! puts `<script type="application/json" id="shouhou-seed">` beside it: the language, kiosk
//! mode and the draft the address describes. The app takes that markup over (hydration) from
//! the same seed, with its own draft ids and the configuration, messages and flow fetched
//! (cached files); what the customer typed or chose on the server's page stays in its controls
//! and goes into the draft once the app has taken over.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use shouhou_core::{AppConfig, CivilDate, Draft, Flow, Lang};

use crate::storage::settings::{kiosk_mode, LANGUAGE};

/// Where the app runs, as its first render needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Seed {
    pub lang: Lang,
    pub kiosk: bool,
    /// The customer's date: warranty and what a step asks follow from it.
    pub today: CivilDate,
    /// This tab's id in drafts' version vectors (empty where nothing is edited: the server).
    pub tab: String,
    /// The screen the server drew, for the app to take over; `None`: the app starts from
    /// what the device keeps.
    pub screen: Option<Screen>,
}

/// A screen the server drew from its address.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub config: Rc<AppConfig>,
    pub draft: Draft,
    /// The product line's flow, on guided help's offer.
    pub flow: Option<Rc<Flow>>,
    /// The address asked to leave the start step without its choices: their errors show.
    pub attempted: bool,
    /// The app is taking this screen over in the browser: its first render must be the
    /// server's markup exactly, so it leaves every control as it is (the customer may have
    /// typed or chosen there, and may still be while it takes over) and reads them once it has
    /// (`hooks::takeover`). False where the screen is drawn (the server).
    pub taking_over: bool,
}

/// The page's seed: what the address decided. Configuration, messages and flows are files
/// the app fetches (cached for good under their hashed names) before taking over.
#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    lang: &'a str,
    kiosk: bool,
    attempted: bool,
    #[serde(borrow)]
    draft: &'a RawValue,
}

/// A seed as the page carries it: what the app reads back before it takes the screen over.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSeed {
    pub lang: Lang,
    pub kiosk: bool,
    pub attempted: bool,
    pub draft: Draft,
}

impl Seed {
    /// This device's own, for a screen the app draws itself: the language chosen here (else
    /// the browser's), kiosk mode, today's date and a new tab id.
    pub fn of_device() -> Seed {
        Seed {
            lang: LANGUAGE.initial(),
            kiosk: kiosk_mode(),
            today: crate::ids::today(),
            tab: crate::ids::new_uuid(),
            screen: None,
        }
    }

    /// The page's JSON block for a server-drawn screen, `<` escaped so that nothing in it can
    /// end the script element. The draft's empty fields are left out: a field read back
    /// missing is empty, and on a new screen nearly all are (a kilobyte a page).
    pub fn page_json(&self) -> Option<String> {
        let screen = self.screen.as_ref()?;
        let mut draft: serde_json::Value = serde_json::from_str(&screen.draft.encode()).ok()?;
        if let Some(serde_json::Value::Object(fields)) = draft.get_mut("fields") {
            fields.retain(|_, value| value.as_str() != Some(""));
        }
        let draft = serde_json::value::to_raw_value(&draft).ok()?;
        let wire = Wire {
            lang: self.lang.tag(),
            kiosk: self.kiosk,
            attempted: screen.attempted,
            draft: &draft,
        };
        serde_json::to_string(&wire).ok().map(|json| json.replace('<', "\\u003c"))
    }
}

impl PageSeed {
    /// The page's seed, as [`Seed::page_json`] wrote it.
    pub fn read(text: &str) -> Option<PageSeed> {
        let wire: Wire = serde_json::from_str(text).ok()?;
        Some(PageSeed {
            lang: Lang::from_tag(wire.lang)?,
            kiosk: wire.kiosk,
            attempted: wire.attempted,
            draft: Draft::decode(wire.draft.get()).ok()?,
        })
    }
}
