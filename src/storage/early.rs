//! What `static/boot.js` kept of a customer's typing on a form the server drew, before the app
//! arrived (`shouhou.early`: the page's address, each named control's value, when). The app
//! that takes that page over reads the controls themselves; a journal left by a page the app
//! never took over (the tab was closed, or the customer went elsewhere first) becomes a draft
//! like any other, so nothing typed is lost.

use serde::Deserialize;
use shouhou_core::{AppConfig, Draft, DraftEvent, Field, Step};
use std::collections::BTreeMap;

use super::settings::{local_storage, EARLY_KEY};

thread_local! {
    /// The address this page arrived at (path and query), as boot.js saw it.
    static ARRIVED_AT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Keeps the address the page arrived at, before anything runs: the app replaces a screen's
/// address with its own once it has taken it over, and a journal kept for the page taken over
/// must not be read as another page's (a second draft of the first keystrokes).
pub fn note_arrival() {
    let (path, query) = shouhou_web::router::address();
    let here = if query.is_empty() { path } else { format!("{path}?{query}") };
    ARRIVED_AT.with(|at| *at.borrow_mut() = here);
}

#[derive(Deserialize)]
struct Early {
    path: String,
    values: BTreeMap<String, String>,
    at: f64,
}

/// Turns a journal left by another page than the one this page arrived at (path and query)
/// into a draft in the keystroke journal, which storage reads back with the others; a journal
/// with nothing typed (only the start choices, which are in its address) is dropped.
pub fn import(config: &AppConfig) {
    let here = ARRIVED_AT.with(|at| at.borrow().clone());
    let Some(storage) = local_storage() else { return };
    let Some(text) = storage.get_item(EARLY_KEY).ok().flatten() else { return };
    let Ok(early) = serde_json::from_str::<Early>(&text) else {
        let _ = storage.remove_item(EARLY_KEY);
        return;
    };
    if early.path == here {
        // This page's: in the draft on screen, and dropped once that is saved.
        return;
    }
    if let Some(draft) = draft_of(&early, config) {
        if !super::drafts::journal(&draft) {
            return;
        }
    }
    let _ = storage.remove_item(EARLY_KEY);
}

/// What boot.js kept is in a draft the app has journalled: it goes.
pub fn done() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(EARLY_KEY);
    }
}

/// The draft the journal's page showed, with what was typed into it.
fn draft_of(early: &Early, config: &AppConfig) -> Option<Draft> {
    let (path, query) = early.path.split_once('?').unwrap_or((&early.path, ""));
    let step = Step::parse(path.strip_prefix("/form/")?)?;
    let typed: Vec<(Field, String)> = early
        .values
        .iter()
        .filter_map(|(name, value)| Some((Field::parse(name)?, value.clone())))
        .filter(|(field, value)| {
            !value.is_empty() && !shouhou_core::draft::START_CHOICES.contains(field)
        })
        .collect();
    if typed.is_empty() {
        return None;
    }
    let choices = query.split('&').filter_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let value = js_sys::decode_uri_component(&value.replace('+', " ")).ok()?;
        Some((Field::parse(name)?, String::from(value)))
    });
    let at = early.at as u64;
    let fresh = Draft::new(crate::ids::new_uuid(), crate::ids::new_uuid(), at);
    let (mut draft, errors) = fresh.addressed(step, choices, false, config, at);
    if !errors.is_empty() {
        return None;
    }
    for (field, value) in typed {
        let _ = draft.apply(DraftEvent::Edit { field, value }, config, at);
    }
    Some(draft)
}
