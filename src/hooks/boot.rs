//! Owns the app's start: message tables (the shown language, then the other), the
//! configuration, persistent storage and its risk, opening storage with its drafts and outbox,
//! the deflection counts kept offline, and the first screen for the address (or kiosk mode).

use std::rc::Rc;

use shouhou_web::{config, i18n};
use yew::prelude::*;

use crate::ids::new_draft;
use crate::services::flows::send_pending_deflections;
use crate::services::{intake_api, MESSAGES};
use crate::state::{Action, AppState};
use crate::storage::drafts::{LocalStore, Writer};

/// Starts the app once: the messages of the shown language (then the other), the
/// configuration, persistent storage, the stored drafts and outbox, and then the screen the
/// address names. Hands the storage writer to `writer` once it is open.
#[hook]
pub fn use_boot(state: &UseReducerHandle<AppState>, writer: &UseStateHandle<Option<Writer>>) {
    let (state, writer) = (state.clone(), writer.clone());
    use_effect_with((), move |_| {
        wasm_bindgen_futures::spawn_local(load_languages(state.clone()));
        wasm_bindgen_futures::spawn_local(ask_for_persistence(state.clone()));
        wasm_bindgen_futures::spawn_local(open_storage(state, writer));
    });
}

async fn load_languages(state: UseReducerHandle<AppState>) {
    match i18n::load(MESSAGES, state.lang).await {
        Ok(()) => state.dispatch(Action::MessagesLoaded),
        Err(_) => state.dispatch(Action::MessagesFailed),
    }
    // The other language after the first screen: switching is then instant, and an
    // emergency is shown in both.
    if i18n::load(MESSAGES, i18n::other(state.lang)).await.is_ok() {
        state.dispatch(Action::MessagesLoaded);
    }
}

/// Asks the browser to keep this site's storage even when space runs low (some browsers ask
/// the customer, so nothing waits for the answer).
async fn ask_for_persistence(state: UseReducerHandle<AppState>) {
    if !crate::storage::settings::request_persistence().await {
        state.dispatch(Action::NotPersistent(storage_risk().await));
    }
}

/// What the browser says about its quota, and whether it is one known to evict.
async fn storage_risk() -> shouhou_core::eviction::StorageRisk {
    let mut risk = shouhou_core::eviction::StorageRisk {
        now_ms: crate::ids::now_ms(),
        ..shouhou_core::eviction::StorageRisk::default()
    };
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else { return risk };
    risk.evicting_browser = navigator
        .user_agent()
        .is_ok_and(|agent| shouhou_core::eviction::is_evicting_browser(&agent));
    if let Ok(promise) = navigator.storage().estimate() {
        if let Ok(estimate) = wasm_bindgen_futures::JsFuture::from(promise).await {
            let number = |key: &str| {
                js_sys::Reflect::get(&estimate, &key.into()).ok()?.as_f64().map(|n| n as u64)
            };
            risk.usage_bytes = number("usage");
            risk.quota_bytes = number("quota");
        }
    }
    risk
}

async fn open_storage(state: UseReducerHandle<AppState>, writer: UseStateHandle<Option<Writer>>) {
    // A screen the server drew came with the configuration already read (`crate::start`).
    let config = match state.config.clone() {
        Some(config) => Some(config),
        None => match config::load().await {
            Ok(config) => {
                let config = Rc::new(config);
                state.dispatch(Action::ConfigLoaded(config.clone()));
                Some(config)
            }
            Err(_) => {
                state.dispatch(Action::ConfigFailed);
                None
            }
        },
    };
    if let Some(config) = &config {
        // Counts kept while offline go now, and whenever the network returns.
        if let (Some(url), Some(window)) = (intake_api(config), web_sys::window()) {
            wasm_bindgen_futures::spawn_local(send_pending_deflections(url.clone()));
            gloo_events::EventListener::new(&window, "online", move |_| {
                wasm_bindgen_futures::spawn_local(send_pending_deflections(url.clone()));
            })
            .forget();
        }
        // Typing boot.js kept on a form the app never took over becomes a draft like any other.
        crate::storage::early::import(config);
    }
    let (store, warning) = LocalStore::open().await;
    let store = Rc::new(store);
    let loaded = store.load_all().await;
    let report = {
        let state = state.clone();
        Callback::from(move |report| state.dispatch(Action::Saved(report)))
    };
    // Photos of drafts deleted in an earlier visit (kept then for "undo") go once the form
    // is usable. Only photos stored before now are candidates: one attached in the meantime
    // is never taken for unused.
    let stored_photos = store.photo_ids().await;
    // Unreadable outbox items are set aside like drafts, and counted in the same notice.
    let (outbox, outbox_quarantined) = store.load_outbox_counted().await;
    let in_use: Vec<String> = loaded
        .drafts
        .iter()
        .chain(outbox.iter().map(|item| &item.draft))
        .flat_map(|draft| draft.fields.photos.iter().map(|p| p.id.clone()))
        .collect();
    let opened = Writer::new(store.clone(), report);
    let draft = loaded.drafts.into_iter().next().unwrap_or_else(new_draft);
    // `/kiosk` on a kiosk is its start address: whatever earlier visitors left goes first.
    // On any other device it asks for the staff PIN (`View::KioskSetup`) and changes nothing
    // before: a link to it must not wipe a customer's phone.
    if crate::hooks::history::current_route() == shouhou_core::Route::Kiosk
        && crate::storage::settings::kiosk_mode()
    {
        crate::storage::settings::set_kiosk_mode(true);
        return crate::hooks::kiosk::wipe_and_restart(Some(opened)).await;
    }
    // The draft to show first, then the writer: a screen the server drew is saved only once it
    // is known whether storage holds the draft it continues (`AppState::take_stored`).
    state.dispatch(Action::StorageReady {
        draft,
        outbox,
        quarantined: loaded.quarantined + outbox_quarantined,
        warning,
    });
    writer.set(Some(opened));
    // From here the app keeps every keystroke: boot.js stops keeping them (`shouhou.early`).
    if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new("shouhou-stored")) {
        let _ = window.dispatch_event(&event);
    }
    state.dispatch(Action::Opened(crate::hooks::history::current_route()));
    let unused: Vec<String> = stored_photos.into_iter().filter(|id| !in_use.contains(id)).collect();
    store.delete_photos(&unused).await;
}
