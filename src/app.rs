//! The app shell: loads configuration and stored drafts, keeps the draft saved on every
//! change, and shows the screen the draft is on.

use std::rc::Rc;

use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Lang, Step};
use yew::prelude::*;

use crate::components::conflict::ConflictPanel;
use crate::ids::new_draft;
use crate::intake_api;
use crate::pages::confirmation::ConfirmationPage;
use crate::pages::drafts::DraftsPage;
use crate::pages::form::FormPage;
use crate::pages::guide::GuidePage;
use crate::pages::outbox::OutboxPage;
use crate::pages::review::ReviewPage;
use crate::pages::start::StartPage;
use crate::sender::{send_due, SenderReport};
use crate::services::api::{load_config, load_messages};
use crate::services::flows::{load_flow, send_pending_deflections, FlowLoad};
use crate::state::{Action, AppState, GuidedHelp, SaveStatus, View};
use crate::storage::drafts::{LocalStore, Writer};
use crate::storage::idb::StorageError;
use crate::storage::settings::{initial_lang, remember_lang};

/// What every screen can reach.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    /// `None` until storage is open.
    pub writer: Option<Writer>,
    /// Sends what is due in the outbox now (`true`: everything unsent, backoff or not).
    pub send_outbox: Callback<bool>,
}

/// Runs the sender with the app's writer and backend, reporting into the app's state.
fn outbox_sender(
    state: &UseReducerHandle<AppState>,
    writer: Option<Writer>,
    pending: Rc<std::cell::Cell<bool>>,
) -> Callback<bool> {
    let state = state.clone();
    Callback::from(move |everything: bool| {
        let (Some(writer), Some(config)) = (&writer, &state.config) else { return };
        let report = {
            let (state, pending) = (state.clone(), pending.clone());
            Callback::from(move |report| match report {
                SenderReport::Outbox(items) => {
                    pending.set(items.iter().any(|item| !item.is_sent()));
                    state.dispatch(Action::OutboxChanged(items));
                }
                SenderReport::Returned { draft, message, fields } => {
                    state.dispatch(Action::Returned { draft, message, fields })
                }
            })
        };
        send_due(writer.clone(), config.clone(), state.lang, everything, report);
    })
}

/// How often a waiting outbox item is checked for its retry time.
const RETRY_TICK_MS: u32 = 3_000;

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(initial_lang()));
    let writer = use_state(|| None::<Writer>);
    // Whether the outbox holds anything unsent: the retry timer only works when it does.
    let pending = use_memo((), |_| Rc::new(std::cell::Cell::new(false)));
    let send_outbox = outbox_sender(&state, (*writer).clone(), (*pending).clone());

    // Effects

    // Configuration and stored drafts, once.
    {
        let state = state.clone();
        let writer = writer.clone();
        use_effect_with((), move |_| {
            {
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    match load_messages(state.lang).await {
                        Ok(()) => state.dispatch(Action::MessagesLoaded),
                        Err(_) => state.dispatch(Action::MessagesFailed),
                    }
                    // The other language after the first screen: switching is then instant,
                    // and an emergency is shown in both.
                    let other = if state.lang == Lang::ZhCn { Lang::En } else { Lang::ZhCn };
                    if load_messages(other).await.is_ok() {
                        state.dispatch(Action::MessagesLoaded);
                    }
                });
            }
            {
                // Ask the browser to keep this site's storage even when space runs low (some
                // browsers ask the customer, so nothing waits for the answer).
                let state = state.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if !crate::storage::settings::request_persistence().await {
                        state.dispatch(Action::NotPersistent);
                    }
                });
            }
            wasm_bindgen_futures::spawn_local(async move {
                match load_config().await {
                    Ok(config) => {
                        // Counts kept while offline go now, and whenever the network returns.
                        if let (Some(url), Some(window)) = (intake_api(&config), web_sys::window())
                        {
                            wasm_bindgen_futures::spawn_local(send_pending_deflections(
                                url.clone(),
                            ));
                            gloo_events::EventListener::new(&window, "online", move |_| {
                                wasm_bindgen_futures::spawn_local(send_pending_deflections(
                                    url.clone(),
                                ));
                            })
                            .forget();
                        }
                        state.dispatch(Action::ConfigLoaded(Rc::new(config)));
                    }
                    Err(_) => state.dispatch(Action::ConfigFailed),
                }
                let (store, warning) = LocalStore::open().await;
                let store = Rc::new(store);
                let loaded = store.load_all().await;
                let report = {
                    let state = state.clone();
                    Callback::from(move |report| state.dispatch(Action::Saved(report)))
                };
                // Photos of drafts deleted in an earlier visit (kept then for "undo") go once the
                // form is usable. Only photos stored before now are candidates: one attached in
                // the meantime is never taken for unused.
                let stored_photos = store.photo_ids().await;
                let mut in_use: Vec<String> = loaded
                    .drafts
                    .iter()
                    .flat_map(|draft| draft.fields.photos.iter().map(|p| p.id.clone()))
                    .collect();
                writer.set(Some(Writer::new(store.clone(), report)));
                let draft = loaded.drafts.into_iter().next().unwrap_or_else(new_draft);
                state.dispatch(Action::StorageReady {
                    draft,
                    quarantined: loaded.quarantined,
                    warning,
                });
                let outbox = store.load_outbox().await;
                in_use.extend(
                    outbox
                        .iter()
                        .flat_map(|item| item.draft.fields.photos.iter().map(|p| p.id.clone())),
                );
                let unused: Vec<String> =
                    stored_photos.into_iter().filter(|id| !in_use.contains(id)).collect();
                store.delete_photos(&unused).await;
            });
        });
    }

    // Another tab's change to a draft arrives through its journal entry; the reducer decides
    // whether it is newer, older, or a conflict.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let listener = gloo_events::EventListener::new(&window, "storage", move |event| {
                let Some(event) = wasm_bindgen::JsCast::dyn_ref::<web_sys::StorageEvent>(event)
                else {
                    return;
                };
                let (Some(key), Some(value)) = (event.key(), event.new_value()) else { return };
                if crate::storage::drafts::journalled_draft(&key).is_some() {
                    if let Ok(draft) = shouhou_core::Draft::decode(&value) {
                        state.dispatch(Action::OtherTab(draft));
                    }
                }
            });
            move || drop(listener)
        });
    }

    // Every change of the draft is saved; an untouched new draft is not worth a record.
    {
        let draft = state.draft.clone();
        use_effect_with((draft, (*writer).clone()), |(draft, writer)| {
            if let (Some(draft), Some(writer)) = (draft, writer) {
                if draft.revision > 0 {
                    writer.save(draft);
                }
            }
        });
    }

    // The outbox sends once storage and configuration are ready, whenever the browser comes
    // back online, and every few seconds while something waits for its backed-off retry.
    {
        let ready = writer.is_some() && state.config.is_some();
        let send_outbox = send_outbox.clone();
        let pending = (*pending).clone();
        use_effect_with(ready, move |ready| {
            let mut keep = None;
            if *ready {
                send_outbox.emit(false);
                let window = web_sys::window().expect("a browser window");
                let on_online = {
                    let send_outbox = send_outbox.clone();
                    gloo_events::EventListener::new(&window, "online", move |_| {
                        send_outbox.emit(true)
                    })
                };
                let timer = gloo_timers::callback::Interval::new(RETRY_TICK_MS, move || {
                    if pending.get() {
                        send_outbox.emit(false);
                    }
                });
                keep = Some((on_online, timer));
            }
            move || drop(keep)
        });
    }

    // The chosen product line's troubleshooting flow, fetched when the choice changes.
    {
        let state = state.clone();
        let product_line =
            state.draft.as_ref().map(|d| d.fields.product_line.clone()).unwrap_or_default();
        let configured =
            state.config.as_ref().is_some_and(|c| c.product_line(&product_line).is_some());
        use_effect_with((product_line, configured), move |(product_line, configured)| {
            let product_line = product_line.clone();
            if *configured && state.guided_for != product_line {
                state.dispatch(Action::FlowLoaded {
                    product_line: product_line.clone(),
                    guided: GuidedHelp::Unknown,
                });
                wasm_bindgen_futures::spawn_local(async move {
                    let guided = match load_flow(&product_line).await {
                        FlowLoad::Found(flow) => GuidedHelp::Available(Rc::new(flow)),
                        FlowLoad::None => GuidedHelp::Missing,
                        FlowLoad::Broken(problems) => {
                            // For whoever maintains the flow files; the customer sees a plain notice.
                            web_sys::console::warn_1(
                                &format!("flows/{product_line}.json: {}", problems.join("; "))
                                    .into(),
                            );
                            GuidedHelp::Broken
                        }
                    };
                    state.dispatch(Action::FlowLoaded { product_line, guided });
                });
            }
        });
    }

    // A new version installed by the service worker (index.html) is offered, never forced.
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a browser window");
            let waiting = js_sys::Reflect::get(&window, &"shouhouUpdateWaiting".into())
                .ok()
                .is_some_and(|v| v.is_truthy());
            if waiting {
                state.dispatch(Action::UpdateReady);
            }
            let listener = gloo_events::EventListener::new(&window, "shouhou-update", move |_| {
                state.dispatch(Action::UpdateReady)
            });
            move || drop(listener)
        });
    }

    // The document speaks the chosen language.
    use_effect_with((state.lang, shouhou_core::Messages::has(state.lang)), |(lang, _)| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(t(*lang, "app.title"));
        }
    });

    // Callbacks

    let switch_lang = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let next = if state.lang == Lang::ZhCn { Lang::En } else { Lang::ZhCn };
            let state = state.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Without the other language's messages (offline, never fetched) stay as is.
                if load_messages(next).await.is_ok() {
                    remember_lang(next);
                    state.dispatch(Action::SetLang(next));
                }
            });
        })
    };

    let lang = state.lang;
    if !shouhou_core::Messages::has(lang) {
        // The only text not from the message tables: what to say before (or without) them.
        return if state.config_failed {
            html! { <main id="main"><p role="alert">{ "无法加载页面，请检查网络后刷新。 The page could not be loaded: check the connection and reload." }</p></main> }
        } else {
            html! { <main id="main"><p class="loading">{ "正在加载… Loading…" }</p></main> }
        };
    }
    let brand = state
        .config
        .as_ref()
        .map_or_else(|| t(lang, "app.title").to_string(), |c| c.brand.get(lang).to_string());
    let context = AppContext { state: state.clone(), writer: (*writer).clone(), send_outbox };
    let show_outbox = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowOutbox))
    };
    let unsent = state.outbox.iter().filter(|item| !item.is_sent()).count();
    let show_drafts = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowDrafts))
    };

    let page = if state.config_failed {
        html! { <div class="notice notice-problem" role="alert"><p>{ t(lang, "config.load_failed") }</p></div> }
    } else if state.view == View::Outbox {
        html! { <OutboxPage key="outbox" /> }
    } else if state.view == View::Drafts {
        html! { <DraftsPage key="drafts" /> }
    } else if state.showing.is_some() {
        html! { <ConfirmationPage key="confirmation" /> }
    } else {
        match (&state.config, &state.draft) {
            (Some(_), Some(draft)) => match draft.step {
                Step::Start => html! { <StartPage key="start" /> },
                Step::Guide => html! { <GuidePage key="guide" /> },
                Step::Review => html! { <ReviewPage key="review" /> },
                // Keyed by step: each step is a new screen, with focus on its heading.
                step => html! { <FormPage key={step.name()} /> },
            },
            _ => html! { <p class="loading">{ t(lang, "app.loading") }</p> },
        }
    };

    html! {
        <ContextProvider<AppContext> {context}>
            <a class="skip-link" href="#main">{ t(lang, "app.skip_to_main") }</a>
            <header class="masthead">
                <p class="brand">{ brand }</p>
                if writer.is_some() && state.view != View::Drafts {
                    <button type="button" class="header-button" onclick={show_drafts.clone()}>{ t(lang, "drafts.link") }</button>
                }
                if !state.outbox.is_empty() && state.view != View::Outbox {
                    <button type="button" class="header-button" onclick={show_outbox}>
                        { Messages::builtin().format(lang, "outbox.link", &[("count", unsent.to_string())]) }
                    </button>
                }
                <button type="button" class="lang-switch" lang={t(lang, "lang.switch_tag").to_string()} onclick={switch_lang}>
                    { t(lang, "lang.switch") }
                </button>
            </header>
            <main id="main" tabindex="-1">
                if state.update_ready {
                    { update_notice(lang) }
                }
                { storage_notices(lang, state.quarantined, state.storage_warning.as_ref()) }
                if state.not_persistent && (state.draft.as_ref().is_some_and(|d| !d.is_blank()) || state.outbox.iter().any(|i| !i.is_sent())) {
                    <div class="notice" role="status">
                        <p>{ t(lang, "storage.not_persistent") }</p>
                        <button type="button" class="secondary" onclick={show_drafts.clone()}>{ t(lang, "storage.export") }</button>
                    </div>
                }
                if let (Some(mine), Some(theirs)) = (&state.draft, &state.conflict) {
                    <ConflictPanel {lang} mine={mine.clone()} theirs={theirs.clone()} state={state.clone()} />
                }
                { page }
                { save_status_line(lang, &state.save) }
            </main>
        </ContextProvider<AppContext>>
    }
}

fn update_notice(lang: Lang) -> Html {
    let apply = Callback::from(|_: MouseEvent| {
        let window = web_sys::window().expect("a browser window");
        if let Ok(apply) = js_sys::Reflect::get(&window, &"shouhouApplyUpdate".into()) {
            if let Some(apply) = wasm_bindgen::JsCast::dyn_ref::<js_sys::Function>(&apply) {
                let _ = apply.call0(&window);
            }
        }
    });
    html! {
        <div class="notice" role="status">
            <p>{ t(lang, "update.ready") }</p>
            <button type="button" class="secondary" onclick={apply}>{ t(lang, "update.apply") }</button>
        </div>
    }
}

/// Problems with what the device keeps, said once at the top of every screen.
fn storage_notices(lang: Lang, quarantined: usize, warning: Option<&StorageError>) -> Html {
    html! {
        <>
            if warning.is_some() {
                <div class="notice" role="status"><p>{ t(lang, "storage.unavailable") }</p></div>
            }
            if quarantined > 0 {
                <div class="notice" role="status">
                    <p>{ Messages::builtin().format(lang, "storage.quarantined", &[("count", quarantined.to_string())]) }</p>
                </div>
            }
        </>
    }
}

/// The autosave line, announced politely: screen readers hear "saved" once, and a failure
/// (full disk, refused quota) as soon as it happens.
fn save_status_line(lang: Lang, status: &SaveStatus) -> Html {
    let (class, text) = match status {
        SaveStatus::Idle => ("save-status", String::new()),
        SaveStatus::Saved => ("save-status", t(lang, "autosave.saved").to_string()),
        SaveStatus::Failed(StorageError::QuotaExceeded) => {
            ("save-status save-failed", t(lang, "storage.full").to_string())
        }
        SaveStatus::Failed(error) => (
            "save-status save-failed",
            Messages::builtin().format(lang, "autosave.failed", &[("reason", error.to_string())]),
        ),
    };
    html! { <p class={class} role="status" aria-live="polite" data-testid="save-status">{ text }</p> }
}
