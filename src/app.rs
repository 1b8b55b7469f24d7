//! The app shell: loads configuration and stored drafts, keeps the draft saved on every
//! change, and shows the screen the draft is on. The same component renders on the server
//! (the screens drawn from their address, `server/src/customer/pages.rs`) and takes that markup over
//! in the browser: it draws only from its props and state, never asking the browser.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Lang, Step};
use yew::prelude::*;

use crate::components::conflict::ConflictPanel;
use crate::components::display::request_title;
use crate::components::kiosk::{IdleDialog, StaffPanel};
use crate::hooks::autosave::use_autosave;
use crate::hooks::boot::use_boot;
use crate::hooks::document::{use_document_language, use_language_switch};
use crate::hooks::flows::use_flow_loading;
use crate::hooks::history::use_history;
use crate::hooks::kiosk::use_kiosk;
use crate::hooks::other_tabs::use_other_tabs;
use crate::hooks::sender::use_outbox_sender;
use crate::hooks::takeover::{use_resume_hint, use_running};
use crate::hooks::update::use_update_offer;
use crate::hooks::AppContext;
use crate::pages::confirmation::ConfirmationPage;
use crate::pages::drafts::DraftsPage;
use crate::pages::form::FormPage;
use crate::pages::guide::GuidePage;
use crate::pages::outbox::OutboxPage;
use crate::pages::review::ReviewPage;
use crate::pages::start::StartPage;
use crate::pages::status::StatusPage;
use crate::seed::Seed;
use crate::state::{Action, AppState, SaveStatus, View};
use crate::storage::drafts::Writer;
use crate::storage::idb::StorageError;

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// What the first render is drawn from (`crate::seed`).
    pub seed: std::rc::Rc<Seed>,
}

#[component]
pub fn App(props: &AppProps) -> Html {
    let state = use_reducer(|| AppState::from_seed(&props.seed));
    let writer = use_state(|| None::<Writer>);

    // Effects
    use_boot(&state, &writer);
    use_other_tabs(&state);
    use_autosave(&state, (*writer).clone());
    let send_outbox = use_outbox_sender(&state, (*writer).clone());
    let kiosk = use_kiosk(&state, (*writer).clone(), send_outbox.clone());
    let staff_open = use_state(|| false);
    use_flow_loading(&state);
    use_update_offer(&state);
    use_document_language(state.lang);
    use_history(&state);
    use_resume_hint(&state);
    use_running(&state);

    // Callbacks

    let switch_lang = use_language_switch(&state);

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
    let resolve_conflict = {
        let state = state.clone();
        Callback::from(move |take_theirs: Vec<shouhou_core::Field>| {
            state.dispatch(Action::ResolveConflict { take_theirs, now_ms: crate::ids::now_ms() })
        })
    };
    let unsent = state.outbox.iter().filter(|item| !item.is_sent()).count();
    let show_drafts = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowDrafts))
    };
    let resume_earlier = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(earlier) = state.earlier.clone() {
                state.dispatch(Action::Resume(earlier));
            }
        })
    };

    let open_staff = {
        let staff_open = staff_open.clone();
        Callback::from(move |_: MouseEvent| staff_open.set(true))
    };
    let close_staff = {
        let (staff_open, lock) = (staff_open.clone(), kiosk.lock.clone());
        Callback::from(move |()| {
            lock.emit(());
            staff_open.set(false);
        })
    };
    // A kiosk lists no other customer's drafts or requests.
    let lists_shown = !state.kiosk;

    let page = if state.view == View::KioskSetup && !state.config_failed {
        // Closed, the device stays what it was: the draft where it was, the PIN's answer gone.
        let stay_customer = {
            let (state, lock) = (state.clone(), kiosk.lock.clone());
            Callback::from(move |()| {
                lock.emit(());
                state.dispatch(Action::KioskSetupClosed)
            })
        };
        html! {
            <StaffPanel {lang} setup=true unlock_state={kiosk.unlock_state.clone()}
                on_unlock={kiosk.unlock.clone()} on_close={stay_customer} />
        }
    } else {
        screen(&state)
    };

    html! {
        <ContextProvider<AppContext> {context}>
            <a class="skip-link" href="#main">{ t(lang, "app.skip_to_main") }</a>
            <header class="masthead">
                <p class="brand">{ brand }</p>
                // There from the first screen (the server draws it too), so nothing moves
                // when storage opens.
                if lists_shown && state.view != View::Drafts {
                    <button type="button" class="header-button" onclick={show_drafts.clone()}>{ t(lang, "drafts.link") }</button>
                }
                if lists_shown && !state.outbox.is_empty() && state.view != View::Outbox {
                    <button type="button" class="header-button" onclick={show_outbox}>
                        { Messages::builtin().format(lang, "outbox.link", &[("count", unsent.to_string())]) }
                    </button>
                }
                <button type="button" class="lang-switch" lang={t(lang, "lang.switch_tag").to_string()} onclick={switch_lang}>
                    { t(lang, "lang.switch") }
                </button>
                if state.kiosk {
                    <button type="button" class="header-button" onclick={open_staff}>{ t(lang, "kiosk.staff") }</button>
                }
            </header>
            if let Some(seconds_left) = kiosk.seconds_left {
                <IdleDialog {lang} {seconds_left} still_here={kiosk.still_here.clone()} />
            }
            <main id="main" tabindex="-1" inert={kiosk.seconds_left.is_some()}>
                if state.kiosk && *staff_open {
                    <StaffPanel {lang} outbox={state.outbox.clone()} unlock_state={kiosk.unlock_state.clone()}
                        on_unlock={kiosk.unlock.clone()} on_send_now={kiosk.send_now.clone()}
                        on_leave={kiosk.leave.clone()} on_close={close_staff} />
                }
                if state.update_ready {
                    { update_notice(lang) }
                }
                { storage_notices(lang, state.quarantined, state.storage_warning.as_ref()) }
                if storage_may_be_cleared(&state) {
                    <div class="notice" role="status">
                        <p>{ t(lang, "storage.not_persistent") }</p>
                        <button type="button" class="secondary" onclick={show_drafts.clone()}>{ t(lang, "storage.export") }</button>
                    </div>
                }
                if let Some(earlier) = &state.earlier {
                    <div class="notice" role="status">
                        <p>{ Messages::builtin().format(lang, "resume.offer", &[("title", request_title(&earlier.fields, state.config.as_deref(), lang))]) }</p>
                        <button type="button" class="secondary" onclick={resume_earlier}>{ t(lang, "resume.continue") }</button>
                    </div>
                }
                if let (Some(mine), Some(theirs)) = (&state.draft, &state.conflict) {
                    <ConflictPanel {lang} mine={mine.clone()} theirs={theirs.clone()} on_resolve={resolve_conflict} />
                }
                { page }
                { save_status_line(lang, &state.save) }
            </main>
        </ContextProvider<AppContext>>
    }
}

/// Core decides when the "storage may be cleared" notice matters: not on a first visit.
/// Never on a kiosk: what it holds is one customer's, for minutes, and it has no export.
fn storage_may_be_cleared(state: &AppState) -> bool {
    let Some(risk) = state.not_persistent.filter(|_| !state.kiosk) else { return false };
    let drafts = state.draft.iter().filter(|draft| !draft.is_blank());
    let unsent = state.outbox.iter().filter(|item| !item.is_sent()).map(|item| &item.draft);
    let oldest_ms = drafts.chain(unsent).map(|draft| draft.created_at_ms).min();
    // Judged at the time the browser was asked (rendering never reads the clock).
    shouhou_core::eviction::StorageRisk { oldest_ms, ..risk }.warn()
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

/// The screen the state shows: one page per address.
fn screen(state: &AppState) -> Html {
    let lang = state.lang;
    if state.config_failed {
        html! { <div class="notice notice-problem" role="alert"><p>{ t(lang, "config.load_failed") }</p></div> }
    } else if state.view == View::Outbox {
        html! { <OutboxPage key="outbox" /> }
    } else if state.view == View::Drafts {
        html! { <DraftsPage key="drafts" /> }
    } else if let View::Status(reference) = &state.view {
        html! { <StatusPage key={format!("status-{reference}")} reference={reference.clone()} /> }
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
    }
}
