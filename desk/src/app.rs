//! The desk's shell: language, session, route, the header, and the screen for the address.

use std::rc::Rc;

use shouhou_core::desk::{InboxFilter, Role, Session};
use shouhou_core::i18n::Lang;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::{self, tr};
use crate::route::Route;
use crate::widgets::Link;

/// A product line's id and its names, from `/config.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub id: String,
    pub zh: String,
    pub en: String,
}

impl Line {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// What every screen may read.
#[derive(Clone, PartialEq)]
pub struct Ctx {
    pub lang: Lang,
    pub session: Option<Session>,
    pub navigate: Callback<Route>,
    pub signed_in: Callback<Session>,
    pub signed_out: Callback<()>,
    pub lines: Rc<Vec<Line>>,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        tr(self.lang, key)
    }

    pub fn line_name(&self, id: &str) -> String {
        self.lines
            .iter()
            .find(|line| line.id == id)
            .map_or_else(|| id.to_string(), |line| line.name(self.lang).to_string())
    }

    pub fn is_lead(&self) -> bool {
        self.session.as_ref().is_some_and(|s| s.role == Role::Lead)
    }
}

#[derive(Clone, PartialEq)]
enum SessionState {
    Unknown,
    SignedOut,
    SignedIn(Session),
}

/// Each new screen's heading takes the focus, so a screen reader hears where it is (run by
/// the screen itself, once its heading is in the page).
#[hook]
pub fn use_focus_title<D: PartialEq + 'static>(deps: D) {
    // After this render has replaced the previous screen (whose heading had the same id).
    use_effect_with(deps, |_| {
        gloo_timers::callback::Timeout::new(0, focus_title).forget();
    });
}

fn focus_title() {
    if let Some(title) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("page-title"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = title.focus();
    }
}

async fn product_lines() -> Vec<Line> {
    let Ok(response) = gloo_net::http::Request::get("/config.json").send().await else {
        return Vec::new();
    };
    let Ok(config) = response.json::<serde_json::Value>().await else {
        return Vec::new();
    };
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key).and_then(|s| s.as_str()).unwrap_or_default().to_string()
    };
    config
        .get("product_lines")
        .and_then(|lines| lines.as_array())
        .map(|lines| {
            lines
                .iter()
                .map(|line| {
                    let id = text(line, "id");
                    let name = line.get("name").cloned().unwrap_or_default();
                    let (zh, en) = (text(&name, "zh-CN"), text(&name, "en"));
                    Line {
                        zh: if zh.is_empty() { id.clone() } else { zh },
                        en: if en.is_empty() { id.clone() } else { en },
                        id,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

#[function_component(App)]
pub fn app() -> Html {
    let lang = use_state(i18n::initial);
    let loaded = use_state(|| None::<Lang>);
    let session = use_state(|| SessionState::Unknown);
    let route = use_state(Route::current);
    let lines = use_state(|| Rc::new(Vec::<Line>::new()));
    // The inbox's filters outlive the inbox: back from a request, they are as they were.
    let filter = use_state(InboxFilter::default);

    {
        let loaded = loaded.clone();
        use_effect_with(*lang, move |lang| {
            let lang = *lang;
            if let Some(root) =
                web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("lang", lang.tag());
            }
            i18n::remember(lang);
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = i18n::load(lang).await {
                    web_sys::console::error_1(&format!("messages: {e}").into());
                }
                loaded.set(Some(lang));
            });
        });
    }
    {
        let session = session.clone();
        let lines = lines.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                lines.set(Rc::new(product_lines().await));
                match crate::api::get::<Session>("/session").await {
                    Ok(s) => session.set(SessionState::SignedIn(s)),
                    Err(_) => session.set(SessionState::SignedOut),
                }
            });
        });
    }
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let window = web_sys::window().expect("a window");
            let listener = gloo_events::EventListener::new(&window, "popstate", move |_| {
                route.set(Route::current());
            });
            move || drop(listener)
        });
    }

    let navigate = {
        let route = route.clone();
        Callback::from(move |to: Route| {
            if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                let _ =
                    history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&to.path()));
            }
            route.set(to);
            if let Some(window) = web_sys::window() {
                window.scroll_to_with_x_and_y(0.0, 0.0);
            }
        })
    };
    let signed_in = {
        let session = session.clone();
        Callback::from(move |s: Session| session.set(SessionState::SignedIn(s)))
    };
    let signed_out = {
        let session = session.clone();
        Callback::from(move |()| session.set(SessionState::SignedOut))
    };

    let ready = *loaded == Some(*lang) && *session != SessionState::Unknown;
    let current = (*route).clone();
    let signed_in_now = matches!(*session, SessionState::SignedIn(_));
    // The page's title follows the screen and the language.
    {
        let title_key = match (&current, signed_in_now) {
            (_, false) => "title.sign_in",
            (Route::Inbox, _) => "title.inbox",
            (Route::Request(_), _) => "title.request",
            (Route::Figures, _) => "title.figures",
            (Route::NotFound, _) => "title.not_found",
        };
        let title = format!("{} · {}", tr(*lang, title_key), tr(*lang, "app.name"));
        use_effect_with((title, ready), |(title, ready)| {
            if *ready {
                if let Some(d) = web_sys::window().and_then(|w| w.document()) {
                    d.set_title(title);
                }
            }
        });
    }

    if !ready {
        return html! {
            <main id="main"><p class="loading">{ "正在加载… Loading…" }</p></main>
        };
    }

    let ctx = Ctx {
        lang: *lang,
        session: match &*session {
            SessionState::SignedIn(s) => Some(s.clone()),
            _ => None,
        },
        navigate,
        signed_in,
        signed_out,
        lines: (*lines).clone(),
    };

    let switch_lang = {
        let lang = lang.clone();
        Callback::from(move |_: MouseEvent| {
            lang.set(match *lang {
                Lang::ZhCn => Lang::En,
                Lang::En => Lang::ZhCn,
            })
        })
    };
    let other = match *lang {
        Lang::ZhCn => Lang::En,
        Lang::En => Lang::ZhCn,
    };

    let sign_out = {
        let signed_out = ctx.signed_out.clone();
        Callback::from(move |_: MouseEvent| {
            let signed_out = signed_out.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = crate::api::delete("/session").await;
                signed_out.emit(());
            });
        })
    };

    let body = match (&ctx.session, &current) {
        (None, _) => html! { <crate::signin::SignIn /> },
        (Some(_), Route::Inbox) => {
            let on_filter = {
                let filter = filter.clone();
                Callback::from(move |f: InboxFilter| filter.set(f))
            };
            html! { <crate::inbox::InboxPage filter={(*filter).clone()} {on_filter} /> }
        }
        (Some(_), Route::Request(reference)) => {
            html! { <crate::request::RequestPage reference={reference.clone()} /> }
        }
        (Some(_), Route::Figures) => html! { <crate::figures::FiguresPage /> },
        (Some(_), Route::NotFound) => html! { <NotFound /> },
    };

    let nav = ctx.session.as_ref().map(|s| {
        let page = |r: &Route| -> Option<AttrValue> {
            (std::mem::discriminant(r) == std::mem::discriminant(&current))
                .then(|| AttrValue::from("page"))
        };
        html! {
            <>
                <nav class="nav" aria-label={ctx.t("nav.label")}>
                    <Link to={Route::Inbox} current={page(&Route::Inbox)}>{ ctx.t("nav.inbox") }</Link>
                    if ctx.is_lead() {
                        <Link to={Route::Figures} current={page(&Route::Figures)}>{ ctx.t("nav.figures") }</Link>
                    }
                </nav>
                <p class="who">{ i18n::trf(ctx.lang, "who", &[("login", s.login.clone()), ("role", ctx.t(&format!("role.{}", s.role.as_str())))]) }</p>
                <button type="button" class="secondary" onclick={sign_out}>{ ctx.t("sign_out") }</button>
            </>
        }
    });

    html! {
        <ContextProvider<Ctx> context={ctx.clone()}>
            <header class="topbar">
                <p class="brand">{ ctx.t("app.name") }</p>
                { for nav }
                <button type="button" class="lang" lang={other.tag()} onclick={switch_lang}>
                    { tr(*lang, "lang.switch") }
                </button>
            </header>
            <main id="main">{ body }</main>
        </ContextProvider<Ctx>>
    }
}

#[function_component(NotFound)]
fn not_found() -> Html {
    let ctx = use_context::<Ctx>().expect("the desk's context");
    use_focus_title(());
    html! {
        <>
            <h1 id="page-title" tabindex="-1">{ ctx.t("title.not_found") }</h1>
            <p><Link to={Route::Inbox}>{ ctx.t("nav.inbox") }</Link></p>
        </>
    }
}
