//! The customer's screens that follow from their address alone, rendered by the app's own
//! components (`yew::ServerRenderer`; the app crate's `ssr` feature) into the built page: the
//! start step (`/`), guided help's offer (`/help?intent=…&product_line=…`) and the form's
//! first step (`/form/contact?…`). A customer on a slow phone chooses, skips guided help and
//! types before the app (wasm) arrives; the app then takes the markup over (hydration) from
//! the seed beside it (`src/seed.rs`). One renderer per screen: nothing here writes markup.
//!
//! The start step is a real form (`GET /help`) and the offer's "skip" a real link, so the way
//! to the first text field needs no script. The language is the `shouhou_lang` cookie's (the
//! app's language switch sets it), else `Accept-Language`; a device staff made a kiosk (at
//! `/kiosk`, with the PIN) carries `shouhou_kiosk=on` and gets kiosk pages. The page inlines the stylesheet (one
//! round trip less before the first paint on a slow network), which the Content-Security-
//! Policy allows by its hash ([`Pages::style_hash`]).
//!
//! Screens that depend on what the device keeps (drafts, the outbox, the review, receipts,
//! status answers) are the app's alone: their addresses get the built page as it is, the
//! seedless shell, where the app draws from IndexedDB.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use shouhou::app::{App, AppProps};
use shouhou::seed::{Screen, Seed};
use shouhou_core::{AppConfig, CivilDate, Draft, Field, Flow, Lang, Step};

use crate::customer::install::{self, manifest_href, Installable};
use crate::http::error::caller_lang;
use crate::state::AppState;

/// The cookie the app's language switch sets.
pub const LANGUAGE_COOKIE: &str = "shouhou_lang";
/// The cookie the app sets when staff make the device a kiosk (and clear when it stops being one).
pub const KIOSK_COOKIE: &str = "shouhou_kiosk";

/// The built page (`dist/index.html`) cut where a rendered screen goes, with its stylesheet.
#[derive(Debug, Clone)]
pub struct Pages {
    /// The page as built: the seedless shell.
    shell: String,
    /// The page up to `<div id="app">` (exclusive) and from the app's own content on, its
    /// stylesheet link replaced by the stylesheet; `None` when the page has no place marked
    /// for a screen (then every address gets the shell).
    around: Option<(String, String)>,
    /// The threads screens are rendered on, started with the pages rather than at the first
    /// page asked for: yew would start them then, and a server whose file descriptors a crowd
    /// holds (threads and their runtimes need some) would abort there, under `panic = "abort"`.
    renderer: Option<yew::platform::Runtime>,
    /// `'sha256-…'` of the inlined stylesheet, for the CSP's `style-src`.
    pub style_hash: Option<String>,
}

/// Where the app's content starts and ends in `index.html` (its loading text in between).
const APP_OPEN: &str = "<div id=\"app\"><!--app-->";
const APP_CLOSE: &str = "<!--/app--></div>";
/// The page's own `<html>` tag, whose language and class a rendered screen sets.
const HTML_TAG: &str = "<html lang=\"zh-CN\">";

impl Pages {
    /// Reads the built page and its stylesheet from `dist`.
    pub fn load(dist: &Path) -> Pages {
        let shell = std::fs::read_to_string(dist.join("index.html")).unwrap_or_default();
        let (page, style) = inline_stylesheet(&shell, dist);
        let around = match (page.find(APP_OPEN), page.find(APP_CLOSE)) {
            (Some(open), Some(close)) if open < close => {
                Some((page[..open].to_string(), page[close + APP_CLOSE.len()..].to_string()))
            }
            _ => None,
        };
        let renderer = around.as_ref().and_then(|_| match yew::platform::Runtime::builder().build() {
            Ok(renderer) => Some(renderer),
            Err(error) => {
                tracing::error!(%error, "cannot start the screens' renderer: every address gets the page as built");
                None
            }
        });
        let around = around.filter(|_| renderer.is_some());
        let style_hash = style.filter(|_| around.is_some()).map(|style| {
            use base64::Engine;
            use sha2::Digest;
            let digest = sha2::Sha256::digest(style.as_bytes());
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
        });
        Pages { shell, around, style_hash, renderer }
    }

    /// The page with `body` (the app's rendered markup) and its seed in place, in `lang` (the
    /// title as the app sets it).
    fn with_screen(&self, visitor: &Visitor, seed_json: &str, body: &str) -> Option<String> {
        let (before, after) = self.around.as_ref()?;
        let lang = visitor.lang;
        let class = if visitor.kiosk { " class=\"kiosk\"" } else { "" };
        let html = format!("<html lang=\"{}\"{class}>", lang.tag());
        let mut before =
            linking_manifest(&before.replacen(HTML_TAG, &html, 1), visitor.installs(), lang);
        if let (Some(open), Some(close)) = (before.find("<title>"), before.find("</title>")) {
            let title = shouhou_core::i18n::t(lang, "app.title");
            before.replace_range(open..close, &format!("<title>{}", escaped(title)));
        }
        Some(format!(
            "{before}<script type=\"application/json\" id=\"shouhou-seed\">{seed_json}</script><div id=\"app\">{body}</div>{after}"
        ))
    }
}

/// Text as HTML text (a message is the product's own, but never markup).
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The page with its stylesheet link (`<link rel="stylesheet" href="/…">`) replaced by the
/// stylesheet itself, and that stylesheet; the page as it is when it has none to read.
fn inline_stylesheet(page: &str, dist: &Path) -> (String, Option<String>) {
    const LINK: &str = "<link rel=\"stylesheet\" href=\"/";
    let Some(start) = page.find(LINK) else { return (page.to_string(), None) };
    let Some(length) = page[start..].find('>') else { return (page.to_string(), None) };
    let tag = &page[start..=start + length];
    let file = tag[LINK.len()..].split('"').next().unwrap_or_default();
    if file.contains("..") {
        return (page.to_string(), None);
    }
    match std::fs::read_to_string(dist.join(file)) {
        Ok(style) => {
            let style = style.trim_end().to_string();
            (page.replacen(tag, &format!("<style>{style}</style>"), 1), Some(style))
        }
        Err(_) => (page.to_string(), None),
    }
}

/// What a page is drawn for: the language and kiosk mode from the request.
struct Visitor {
    lang: Lang,
    kiosk: bool,
}

impl Visitor {
    fn of(headers: &HeaderMap) -> Visitor {
        let cookie = |name: &str| {
            headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(';'))
                .find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    (key == name).then(|| value.to_string())
                })
        };
        let lang = cookie(LANGUAGE_COOKIE)
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_else(|| caller_lang(headers));
        Visitor { lang, kiosk: cookie(KIOSK_COOKIE).as_deref() == Some("on") }
    }

    /// The app this visitor would install from the page: the kiosk on a kiosk.
    fn installs(&self) -> &'static Installable {
        if self.kiosk {
            &install::KIOSK
        } else {
            &install::CUSTOMER
        }
    }
}

/// The page linking `app`'s manifest in `lang` instead of the built page's own (the customer
/// app's, in zh-CN, like its `<html lang>`). The address waits in `data-href` until boot.js
/// moves it to `href`: once there, Chromium fetches the manifest and its icon for its install
/// check, and on a slow phone those bytes must not share the line with the app the customer's
/// first choice sends for.
fn linking_manifest(page: &str, app: &Installable, lang: Lang) -> String {
    let built = format!(
        "<link rel=\"manifest\" data-href=\"{}\">",
        manifest_href(&install::CUSTOMER, Lang::ZhCn)
    );
    let linked = format!("<link rel=\"manifest\" data-href=\"{}\">", manifest_href(app, lang));
    page.replacen(&built, &linked, 1)
}

/// The start choices in a query, by field.
fn choices(query: &HashMap<String, String>) -> Vec<(Field, String)> {
    query.iter().filter_map(|(name, value)| Some((Field::parse(name)?, value.clone()))).collect()
}

/// Today on this server's calendar: what the rendered screens show does not depend on it
/// (the warranty is asked later), and the app takes them over with the customer's own date.
fn today() -> CivilDate {
    let now = chrono::Local::now();
    CivilDate::at(now.timestamp_millis(), now.offset().local_minus_utc() / 60)
}

/// The product line's flow as the app reads it (`services::flows::load_flow`): parsed,
/// checked, and its own.
fn flow_of(dist: &Path, config: &AppConfig, line: &str) -> Option<Flow> {
    config.product_line(line)?;
    let text = std::fs::read_to_string(dist.join("flows").join(format!("{line}.json"))).ok()?;
    Flow::parse(&text).ok().filter(|flow| flow.id == line)
}

/// What every page handler shares.
#[derive(Clone)]
pub struct PageState {
    pub app: Arc<AppState>,
    pub pages: Arc<Pages>,
    pub dist: Arc<Path>,
}

/// `GET /`: the start step; a printed receipt's `/?status=…` is the app's status screen.
pub async fn start(
    State(state): State<PageState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if query.contains_key("status") {
        return shell(&state.pages);
    }
    screen(&state, &headers, Step::Start, &query, None).await
}

/// `GET /help?…`: guided help's offer for the choices in the query; the form's first step when
/// the line has no usable help; the start step with its errors when a choice is missing (the
/// start step's form sent without it). `/help` without a query is the app's: the draft in
/// progress on the device, wherever it is in the checks.
pub async fn help(
    State(state): State<PageState>,
    headers: HeaderMap,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if uri.query().is_none() {
        return shell(&state.pages);
    }
    let line = query.get(Field::ProductLine.name()).map_or("", String::as_str);
    let flow = flow_of(&state.dist, &state.app.config, line);
    screen(&state, &headers, Step::Guide, &query, flow).await
}

/// `GET /form/contact?…`: the form's first step for the choices in the query (guided help's
/// "skip"). `/form/contact` without a query is the app's: the draft in progress on the device.
pub async fn contact(
    State(state): State<PageState>,
    headers: HeaderMap,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if uri.query().is_none() {
        return shell(&state.pages);
    }
    screen(&state, &headers, Step::Contact, &query, None).await
}

/// `GET /kiosk`: the kiosk's start address, so its page links the kiosk's manifest. The app
/// draws it: on a kiosk, the start step after wiping what the last visitor left; on any other
/// device, the staff PIN that makes it one. No cookie is set here: a link to `/kiosk` must not
/// turn a customer's phone into a kiosk (the app sets it once the PIN is taken).
pub async fn kiosk(State(state): State<PageState>, headers: HeaderMap) -> Response {
    let lang = Visitor::of(&headers).lang;
    html_response(linking_manifest(&state.pages.shell, &install::KIOSK, lang))
}

/// The built page as it is: the app draws the screen itself.
fn shell(pages: &Pages) -> Response {
    html_response(pages.shell.clone())
}

fn html_response(page: String) -> Response {
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

/// How long a rendered page (or where an address sends) is kept: a minute, on the device
/// only, so boot.js can fetch the next screen while the customer is still choosing and the
/// navigation that follows finds it there; one per language and per kiosk or not.
fn page_caching(headers: &mut HeaderMap) {
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language, Cookie"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=60"));
}

/// The screen for `to` as the address describes it, rendered into the page.
async fn screen(
    state: &PageState,
    headers: &HeaderMap,
    to: Step,
    query: &HashMap<String, String>,
    flow: Option<Flow>,
) -> Response {
    let Some(renderer) = state.pages.renderer.clone() else {
        return shell(&state.pages);
    };
    let visitor = Visitor::of(headers);
    let config = state.app.config.clone();
    // Ids and times of no one's: never shown, and the app takes the draft over under its own
    // (so one address is one page, whoever asks).
    let draft = Draft::new("page".into(), "page".into(), 0);
    let (draft, errors) = draft.addressed(to, choices(query), flow.is_some(), &config, 0);
    if draft.step != to && errors.is_empty() {
        // No guided help for this request: on to the form's first step.
        let to = shouhou_core::Route::of_step(draft.step).path();
        let mut response = Redirect::to(&format!("{to}?{}", draft.choices_query())).into_response();
        page_caching(response.headers_mut());
        return response;
    }
    let flow = flow.filter(|_| draft.step == Step::Guide);
    let drawn = Drawn {
        lang: visitor.lang,
        kiosk: visitor.kiosk,
        today: today(),
        attempted: !errors.is_empty(),
        config,
        draft,
        flow,
    };
    let Some(seed_json) = drawn.seed().page_json() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let body = drawn.render(renderer).await;
    match state.pages.with_screen(&visitor, &seed_json, &body) {
        Some(page) => {
            let mut response = html_response(page);
            page_caching(response.headers_mut());
            response
        }
        None => shell(&state.pages),
    }
}

/// What a screen is drawn from, in parts that may cross threads (the seed holds `Rc`s).
struct Drawn {
    lang: Lang,
    kiosk: bool,
    today: CivilDate,
    attempted: bool,
    config: AppConfig,
    draft: Draft,
    flow: Option<Flow>,
}

impl Drawn {
    fn seed(&self) -> Seed {
        let screen = Screen {
            config: Rc::new(self.config.clone()),
            draft: self.draft.clone(),
            flow: self.flow.clone().map(Rc::new),
            attempted: self.attempted,
            taking_over: false,
        };
        Seed {
            lang: self.lang,
            kiosk: self.kiosk,
            today: self.today,
            tab: String::new(),
            screen: Some(screen),
        }
    }

    /// The app's markup, as the app renders it (on one of the renderer's threads).
    async fn render(self, renderer: yew::platform::Runtime) -> String {
        yew::ServerRenderer::<App>::with_props(move || AppProps { seed: Rc::new(self.seed()) })
            .with_runtime(renderer)
            .render()
            .await
    }
}
