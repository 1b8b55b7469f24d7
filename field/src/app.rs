//! The app's shell: the language, who is signed in (remembered on the tablet, so with no
//! signal the engineer still sees what was kept), the storage, the configuration, the
//! outbox and its sender, and the page for the address.

use std::rc::Rc;

use gloo_events::EventListener;
use gloo_timers::callback::Interval;
use shouhou_core::desk::{Role, Session};
use shouhou_core::AppConfig;
use shouhou_web::dom::local_storage;
use shouhou_web::http::HttpError;
use shouhou_web::i18n::{self, Preference};
use yew::prelude::*;

use crate::context::Tablet;
use crate::keep::{self, remember, remembered, Keep};
use crate::pages::sign_in::SignIn;
use crate::pages::visit::VisitPage;
use crate::pages::visits::VisitsPage;
use crate::plan::QueuedReport;
use crate::route::{Route, SITE};
use crate::{api, sender};

const LANGUAGE: Preference = Preference("shouhou-field-lang");
const MESSAGES: &str = "/field/i18n";
/// A sign-out the server has not heard yet (there was no signal). The session cookie is
/// HttpOnly, so only the server can end it: until it has, the tablet is signed out, whatever
/// the session look-up says, or whoever picks the tablet up next would be that engineer.
const SIGN_OUT_PENDING: &str = "shouhou-field-sign-out";
/// How often the outbox is tried while something waits (a tablet is not always told it
/// is online again).
const RETRY_MS: u32 = 15_000;

/// A count that only goes up (a reducer: a callback made at the first render still counts
/// from the latest value).
#[derive(Default, PartialEq)]
struct Refresh(u32);

impl Reducible for Refresh {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Refresh(self.0 + 1))
    }
}

#[derive(Clone, PartialEq)]
enum SessionState {
    Unknown,
    SignedOut,
    SignedIn(Session),
}

fn sign_out_pending(pending: bool) {
    let Some(storage) = local_storage() else { return };
    let _ = match pending {
        true => storage.set_item(SIGN_OUT_PENDING, "1"),
        false => storage.remove_item(SIGN_OUT_PENDING),
    };
}

/// Ends the session on the server; what the tablet must remember if it could not be told.
async fn end_session() {
    sign_out_pending(true);
    if !matches!(api::sign_out().await, Err(HttpError::Offline)) {
        sign_out_pending(false);
    }
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_state(|| LANGUAGE.initial());
    let loaded = use_state(|| None);
    let session = use_state(|| SessionState::Unknown);
    let keep = use_state(|| None::<Option<Keep>>);
    let config = use_state(|| None::<Rc<AppConfig>>);
    // Set after every run of the sender, every few seconds: redrawn only when it changed.
    let outbox = use_state_eq(|| Rc::new(Vec::<QueuedReport>::new()));
    // Each time the list should read itself again: a report joined, or signal back.
    let refresh = use_reducer(Refresh::default);
    let routing = shouhou_web::router::use_route::<Route>(SITE);

    // Effects
    {
        let loaded = loaded.clone();
        use_effect_with(*lang, move |lang| {
            let lang = *lang;
            i18n::show_language(lang);
            LANGUAGE.remember(lang);
            sender::speak(lang);
            wasm_bindgen_futures::spawn_local(async move {
                let _ = i18n::load(MESSAGES, lang).await;
                loaded.set(Some(lang));
            });
        });
    }
    {
        let (session, keep, config) = (session.clone(), keep.clone(), config.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let pending = local_storage()
                    .and_then(|storage| storage.get_item(SIGN_OUT_PENDING).ok().flatten())
                    .is_some();
                let state = if pending {
                    // The app was closed before the sign-out was done: what was kept of
                    // customers goes now, as it would have then.
                    keep::forget_photos().await;
                    if let Ok(kept) = Keep::open().await {
                        kept.forget_customers().await;
                    }
                    end_session().await;
                    SessionState::SignedOut
                } else {
                    match api::session().await {
                        Ok(signed_in) => {
                            remember(Some(&signed_in));
                            SessionState::SignedIn(signed_in)
                        }
                        Err(e) if e.status() == Some(401) => {
                            // The session ran out while the app was closed: what was kept of
                            // customers goes, as at any sign-out.
                            keep::forget_photos().await;
                            if let Ok(kept) = Keep::open().await {
                                kept.forget_customers().await;
                            }
                            remember(None);
                            SessionState::SignedOut
                        }
                        // No signal, a server in trouble or a captive portal's page: the
                        // engineer still reaches what is kept, and the sign-in waits for an
                        // answer that says the session is gone.
                        Err(_) => {
                            remembered().map_or(SessionState::SignedOut, SessionState::SignedIn)
                        }
                    }
                };
                // Read before the first screen: its "today" is the site's.
                if let Ok(loaded) = shouhou_web::config::load().await {
                    crate::time::site_offset_is(loaded.reply_times.offset() as i32);
                    config.set(Some(Rc::new(loaded)));
                }
                session.set(state);
                keep.set(Some(Keep::open().await.ok()));
            });
        });
    }
    let send = {
        let (keep, outbox, refresh) = (keep.clone(), outbox.clone(), refresh.clone());
        let session = session.clone();
        Callback::from(move |()| {
            if let (Some(Some(keep)), SessionState::SignedIn(who)) = (&*keep, &*session) {
                let (outbox, refresh) = (outbox.clone(), refresh.clone());
                let report = Callback::from(move |heard: sender::Heard| {
                    outbox.set(Rc::new(heard.outbox));
                    if heard.joined {
                        refresh.dispatch(());
                    }
                });
                sender::send_queued(keep.clone(), who.login.clone(), report);
            }
        })
    };
    {
        // Sends at start, when the browser is online again, and every little while.
        let (send, refresh) = (send.clone(), refresh.clone());
        let ready =
            matches!(&*keep, Some(Some(_))) && matches!(&*session, SessionState::SignedIn(_));
        use_effect_with(ready, move |ready| {
            let listening = ready.then(|| {
                send.emit(());
                let online = {
                    let send = send.clone();
                    web_sys::window().map(|window| {
                        EventListener::new(&window, "online", move |_| {
                            send.emit(());
                            refresh.dispatch(());
                        })
                    })
                };
                let timer = Interval::new(RETRY_MS, move || send.emit(()));
                (online, timer)
            });
            move || drop(listening)
        });
    }

    // Callbacks
    let signed_in = {
        let session = session.clone();
        Callback::from(move |signed_in: Session| {
            // A new sign-in is a new cookie: the pending sign-out's session is gone with it.
            sign_out_pending(false);
            remember(Some(&signed_in));
            session.set(SessionState::SignedIn(signed_in));
        })
    };
    // Signed out by the button or by the server (a 401): what was kept of customers leaves
    // the tablet with the engineer; what they wrote and queued stays, to be sent.
    let signed_out = {
        let (session, keep) = (session.clone(), keep.clone());
        Callback::from(move |()| {
            sender::signed_out();
            remember(None);
            let (session, keep) = (session.clone(), (*keep).clone().flatten());
            wasm_bindgen_futures::spawn_local(async move {
                keep::forget_photos().await;
                if let Some(keep) = keep {
                    keep.forget_customers().await;
                }
                session.set(SessionState::SignedOut);
            });
        })
    };
    let sign_out = {
        let signed_out = signed_out.clone();
        Callback::from(move |_: MouseEvent| {
            let signed_out = signed_out.clone();
            sender::signed_out();
            // At once: nothing more of customers is kept while the server is told.
            remember(None);
            wasm_bindgen_futures::spawn_local(async move {
                end_session().await;
                signed_out.emit(());
            });
        })
    };
    let switch = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| lang.set(i18n::other(*lang)))
    };

    let lang = *lang;
    let ready = *loaded == Some(lang) && *session != SessionState::Unknown && keep.is_some();
    let title_key = match (&*session, &routing.route) {
        (SessionState::SignedIn(_), Route::Visit(_)) => "title.visit",
        (SessionState::SignedIn(_), _) => "title.visits",
        _ => "title.sign_in",
    };
    use_effect_with((title_key, lang, ready), |(key, lang, ready)| {
        if *ready {
            shouhou_web::dom::set_title(
                &[i18n::tr(*lang, key), i18n::tr(*lang, "app.name")].join(" · "),
            );
        }
    });
    if !ready {
        return html! { <main id="main"><p class="loading">{ "正在加载… Loading…" }</p></main> };
    }
    let t = |key: &str| i18n::tr(lang, key);
    // Each language's name in itself: the other's table is not loaded.
    let switch_label = match lang {
        shouhou_core::Lang::ZhCn => "English",
        shouhou_core::Lang::En => "中文",
    };
    let header = |who: Option<&Session>| {
        html! {
            <header class="field-header">
                <a class="brand" href="/field/">{ t("app.name") }</a>
                <nav aria-label={t("nav.label")}>
                    if let Some(who) = who {
                        <span class="who">{ &who.login }</span>
                        <button type="button" class="secondary" onclick={sign_out.clone()}>{ t("nav.sign_out") }</button>
                    }
                    <button type="button" class="secondary" lang={i18n::other(lang).tag()} onclick={switch.clone()}>{ switch_label }</button>
                </nav>
            </header>
        }
    };
    let SessionState::SignedIn(who) = &*session else {
        return html! { <>{ header(None) }<main id="main"><SignIn {lang} {signed_in} /></main></> };
    };
    if who.role != Role::Engineer {
        return html! {
            <>
                { header(Some(who)) }
                <main id="main" class="narrow">
                    <h1 id="page-title" tabindex="-1">{ t("not_engineer.heading") }</h1>
                    <p>{ i18n::trf(lang, "not_engineer.text", &[("login", who.login.clone()), ("role", i18n::label(lang, "role", who.role.as_str()))]) }</p>
                    <p><a href="/desk/">{ t("not_engineer.desk") }</a></p>
                </main>
            </>
        };
    }
    let tablet = Tablet {
        lang,
        session: who.clone(),
        keep: keep.as_ref().cloned().flatten(),
        config: (*config).clone(),
        outbox: (*outbox).clone(),
        refresh: refresh.0,
        send,
        signed_out,
        navigate: routing.navigate.clone(),
    };
    let body = match &routing.route {
        Route::Visits => html! { <VisitsPage /> },
        Route::Visit(id) => html! { <VisitPage id={*id} /> },
        Route::NotFound => html! {
            <div class="narrow">
                <h1 id="page-title" tabindex="-1">{ t("not_found.heading") }</h1>
                <p><a href="/field/">{ t("not_found.back") }</a></p>
            </div>
        },
    };
    html! {
        <ContextProvider<Tablet> context={tablet}>
            { header(Some(who)) }
            <main id="main">{ body }</main>
        </ContextProvider<Tablet>>
    }
}
