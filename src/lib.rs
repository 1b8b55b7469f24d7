//! Shouhou's browser app: a Yew single-page app that collects a complete after-sales
//! request, keeps it as a draft in the browser on every keystroke, and sends it to the
//! configured backend.
//!
//! Implementation note: the domain rules (what is valid, how a draft changes, what a
//! message says) come from `shouhou-core`; this crate renders them and performs their
//! effects — IndexedDB and localStorage (`storage`), HTTP (`services`) — and keeps screen
//! state in one reducer (`state`).

// Actions, sender reports and screen messages are moved once into the reducer or a
// component and dropped: boxing their large variants would add allocations and download
// size for no saving.
#![allow(clippy::large_enum_variant)]

pub mod app;
pub mod components;
pub mod hooks;
pub mod ids;
pub mod js;
pub mod pages;
pub mod seed;
pub mod sender;
pub mod services;
pub mod state;
pub mod storage;

use std::rc::Rc;

use seed::{PageSeed, Seed};

/// Starts the app in `#app`: it takes over the screen the server drew there (the page's seed
/// says what it was drawn from), or, on a page without one (the offline shell, a screen only
/// the app draws), replaces the loading text with its own first screen.
pub fn start() {
    storage::early::note_arrival();
    let document = web_sys::window().and_then(|w| w.document()).expect("a browser document");
    let root = document.get_element_by_id("app").expect("index.html has an #app element");
    let page = document
        .get_element_by_id("shouhou-seed")
        .and_then(|block| block.text_content())
        .and_then(|text| PageSeed::read(&text));
    match page {
        #[cfg(feature = "hydration")]
        Some(page) => wasm_bindgen_futures::spawn_local(take_over(root, page)),
        _ => render(root, Seed::of_device()),
    }
}

fn render(root: web_sys::Element, seed: Seed) {
    root.set_inner_html("");
    let props = app::AppProps { seed: Rc::new(seed) };
    yew::Renderer::<app::App>::with_root_and_props(root, props).render();
}

/// Takes the server's screen over: first what it was drawn from (configuration, messages, the
/// flow on guided help's offer — cached files), then the hand-over (hydration), whose first
/// render is exactly the server's and leaves the controls alone; what the customer chose or
/// typed there goes into the draft through core's edits once it has taken over
/// (`hooks::takeover`). Where this device cannot read the same flow, the app draws the screen
/// itself from the same draft and what the controls hold (guided help then says it is
/// unavailable); without the configuration or messages (offline midway), from what the
/// device keeps.
#[cfg(feature = "hydration")]
async fn take_over(root: web_sys::Element, page: PageSeed) {
    let Some((mut screen, same)) = screen_of(page.draft, page.attempted, page.lang).await else {
        return render(root, Seed { lang: page.lang, ..Seed::of_device() });
    };
    screen.taking_over = same;
    if !same {
        let now_ms = ids::now_ms();
        for (field, value) in hooks::takeover::controls(&root).0 {
            let event = shouhou_core::DraftEvent::Edit { field, value };
            let _ = screen.draft.apply(event, &screen.config, now_ms);
        }
    }
    let seed = Seed {
        lang: page.lang,
        kiosk: page.kiosk,
        today: ids::today(),
        tab: ids::new_uuid(),
        screen: Some(screen),
    };
    if !same {
        return render(root, seed);
    }
    let props = app::AppProps { seed: Rc::new(seed) };
    yew::Renderer::<app::App>::with_root_and_props(root, props).hydrate();
}

/// The server's screen as the app's state: the draft under this device's own ids, with the
/// configuration, the language's messages and the line's flow it was drawn with; and whether
/// this device read the same (a flow the server could read and it cannot).
#[cfg(feature = "hydration")]
async fn screen_of(
    mut draft: shouhou_core::Draft,
    attempted: bool,
    lang: shouhou_core::Lang,
) -> Option<(seed::Screen, bool)> {
    let config = shouhou_web::config::load().await.ok()?;
    shouhou_web::i18n::load(services::MESSAGES, lang).await.ok()?;
    let (flow, same) = match draft.step {
        shouhou_core::Step::Guide => {
            match services::flows::load_flow(&draft.fields.product_line).await {
                Ok(Some(flow)) => (Some(Rc::new(flow)), true),
                _ => (None, false),
            }
        }
        _ => (None, true),
    };
    let now_ms = ids::now_ms();
    (draft.id, draft.idempotency_key) = (ids::new_uuid(), ids::new_uuid());
    (draft.created_at_ms, draft.updated_at_ms) = (now_ms, now_ms);
    let screen =
        seed::Screen { config: Rc::new(config), draft, flow, attempted, taking_over: false };
    Some((screen, same))
}
