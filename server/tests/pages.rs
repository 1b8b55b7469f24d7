//! The screens the server draws from their address (`src/customer/pages.rs`): the start step, guided
//! help's offer and the form's first step are the app's own components rendered natively, in
//! the built page with the seed the app takes them over from. Each page is compared with the
//! app rendered here from the seed the address describes, so the server and the app cannot
//! drift apart (one renderer per screen).

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use shouhou::app::{App, AppProps};
use shouhou::seed::{PageSeed, Screen, Seed};
use shouhou_core::{AppConfig, CivilDate, Draft, Field, Flow, Lang, Step};
use shouhou_server::customer::app::is_hashed_name;
use shouhou_server::{app, Settings};
use tower::ServiceExt;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

fn config() -> AppConfig {
    AppConfig::from_json(&std::fs::read_to_string(repo("static/config.json")).unwrap()).unwrap()
}

/// A build folder with the real page, stylesheet and flows (as scripts/build-app.sh copies
/// them, before it hashes their names), one file under a hashed name, and no flow for the
/// appliance line.
fn built(dir: &Path) -> PathBuf {
    let dist = dir.join("dist");
    std::fs::create_dir_all(dist.join("flows")).unwrap();
    std::fs::copy(repo("index.html"), dist.join("index.html")).unwrap();
    std::fs::copy(repo("static/app.css"), dist.join("app.css")).unwrap();
    for line in ["network", "inverter"] {
        let file = format!("{line}.json");
        std::fs::copy(repo("static/flows").join(&file), dist.join("flows").join(&file)).unwrap();
    }
    std::fs::write(dist.join("boot.0123456789.js"), "export {}").unwrap();
    dist
}

struct Site {
    router: axum::Router,
    _dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let dist = built(dir.path());
        let settings = Settings {
            db: common::test_db(dir.path(), "db.sqlite3"),
            config: repo("static/config.json"),
            dist: dist.clone(),
            ..Settings::default()
        };
        Site { router: app(common::state(&settings), &dist), _dir: dir }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let mut headers: HashMap<String, String> = HashMap::new();
        for (name, value) in response.headers() {
            let value = value.to_str().unwrap();
            headers
                .entry(name.to_string())
                .and_modify(|all| *all = format!("{all}, {value}"))
                .or_insert_with(|| value.to_string());
        }
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Page { status, headers, body: String::from_utf8(body.to_vec()).unwrap() }
    }
}

struct Page {
    status: StatusCode,
    headers: HashMap<String, String>,
    body: String,
}

impl Page {
    /// The seed the page carries.
    fn seed(&self) -> PageSeed {
        let start = self.body.find("id=\"shouhou-seed\">").expect("a seed") + 18;
        let end = start + self.body[start..].find("</script>").unwrap();
        PageSeed::read(&self.body[start..end]).expect("a readable seed")
    }
}

/// The app rendered here as the address describes the screen: the same components, the same
/// configuration, the draft from core's rule for addresses.
async fn rendered(lang: Lang, kiosk: bool, to: Step, choices: &[(Field, &str)]) -> (Draft, String) {
    let flow = choices
        .iter()
        .find(|(field, _)| *field == Field::ProductLine)
        .and_then(|(_, line)| {
            std::fs::read_to_string(repo(&format!("static/flows/{line}.json"))).ok()
        })
        .and_then(|text| Flow::parse(&text).ok());
    let choices: Vec<(Field, String)> =
        choices.iter().map(|(field, value)| (*field, value.to_string())).collect();
    let (draft, errors) = Draft::new("page".into(), "page".into(), 0).addressed(
        to,
        choices,
        flow.is_some(),
        &config(),
        0,
    );
    let (kept, attempted) = (draft.clone(), !errors.is_empty());
    let flow = flow.filter(|_| draft.step == Step::Guide);
    let html = yew::ServerRenderer::<App>::with_props(move || {
        let screen = Screen {
            config: Rc::new(config()),
            draft,
            flow: flow.map(Rc::new),
            attempted,
            taking_over: false,
        };
        let today = CivilDate { year: 2026, month: 11, day: 27 };
        AppProps {
            seed: Rc::new(Seed { lang, kiosk, today, tab: String::new(), screen: Some(screen) }),
        }
    })
    .render()
    .await;
    (kept, html)
}

/// The page holds exactly the app's markup in `#app`, and the seed it was drawn from.
fn assert_is_the_app(page: &Page, lang: Lang, kiosk: bool, draft: &Draft, app_html: &str) {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&format!("<div id=\"app\">{app_html}</div>")),
        "the server's #app is the app's own render:\n{}\n---\n{app_html}",
        page.body
    );
    let seed = page.seed();
    assert_eq!((seed.lang, seed.kiosk), (lang, kiosk));
    assert_eq!((seed.draft.step, &seed.draft.fields), (draft.step, &draft.fields));
    let class = if kiosk { " class=\"kiosk\"" } else { "" };
    assert!(page.body.contains(&format!("<html lang=\"{}\"{class}>", lang.tag())));
}

#[tokio::test]
async fn the_start_step_is_the_apps_own_in_the_language_asked() {
    let site = Site::new();
    for (lang, accept, heading) in [
        (Lang::En, "en-GB,en;q=0.9", "What do you need help with?"),
        (Lang::ZhCn, "zh-CN,zh;q=0.9", "您需要什么帮助？"),
    ] {
        let page = site.get("/", &[("accept-language", accept)]).await;
        let (draft, app_html) = rendered(lang, false, Step::Start, &[]).await;
        assert_is_the_app(&page, lang, false, &draft, &app_html);
        assert!(app_html.contains(heading), "{app_html}");
        // A real form: the choices work before the app has arrived.
        assert!(app_html.contains("method=\"get\" action=\"/help\""), "{app_html}");
        assert!(!app_html.contains("<script"), "no script inside the screen");
        let radios = app_html.matches("type=\"radio\"").count();
        assert_eq!(radios, 4 + config().product_lines.len(), "no on-site report for customers");
    }
    // The language chosen in the app (its cookie) wins over the browser's.
    let page =
        site.get("/", &[("accept-language", "en"), ("cookie", "a=b; shouhou_lang=zh-CN")]).await;
    assert_eq!(page.seed().lang, Lang::ZhCn);
}

#[tokio::test]
async fn guided_helps_offer_and_the_forms_first_step_are_the_apps_own() {
    let site = Site::new();
    let choices = [(Field::Intent, "repair"), (Field::ProductLine, "network")];
    let page =
        site.get("/help?intent=repair&product_line=network", &[("accept-language", "en")]).await;
    let (draft, app_html) = rendered(Lang::En, false, Step::Guide, &choices).await;
    assert_eq!(draft.step, Step::Guide);
    assert_is_the_app(&page, Lang::En, false, &draft, &app_html);
    // Skipping is a link to the form's first step, drawn from the same choices.
    assert!(
        app_html.contains("href=\"/form/contact?intent=repair&amp;product_line=network\""),
        "{app_html}"
    );

    let page = site
        .get("/form/contact?intent=repair&product_line=network", &[("accept-language", "zh-CN")])
        .await;
    let (draft, app_html) = rendered(Lang::ZhCn, false, Step::Contact, &choices).await;
    assert_eq!(draft.step, Step::Contact);
    assert_is_the_app(&page, Lang::ZhCn, false, &draft, &app_html);
    assert!(app_html.contains("name=\"full_name\""), "{app_html}");
    assert!(app_html.contains("name=\"phone\""), "{app_html}");
}

#[tokio::test]
async fn an_address_that_cannot_be_shown_goes_where_the_choices_allow() {
    let site = Site::new();
    // No flow for the line: the form's first step, kept a minute like the pages.
    let page = site.get("/help?intent=repair&product_line=appliance", &[]).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers["location"], "/form/contact?intent=repair&product_line=appliance");
    assert_eq!(page.headers["cache-control"], "private, max-age=60");
    // A choice missing: the start step with what is missing said, as the app says it.
    let page =
        site.get("/help?intent=complaint&product_line=network", &[("accept-language", "en")]).await;
    let choices = [(Field::Intent, "complaint"), (Field::ProductLine, "network")];
    let (draft, app_html) = rendered(Lang::En, false, Step::Contact, &choices).await;
    assert_eq!(draft.step, Step::Start);
    assert_is_the_app(&page, Lang::En, false, &draft, &app_html);
    assert!(app_html.contains("error-summary"), "{app_html}");
    // Nothing typed ever comes from an address.
    let page = site.get("/form/contact?intent=repair&product_line=network&full_name=X", &[]).await;
    assert_eq!(page.seed().draft.fields.full_name, "");
    // Without a query, the address names the draft in progress on the device: the app's.
    for path in ["/help", "/form/contact"] {
        let page = site.get(path, &[]).await;
        assert_eq!(page.body, std::fs::read_to_string(repo("index.html")).unwrap(), "{path}");
    }
    // The start step's form sent with nothing chosen: the start step says what is missing.
    let page = site.get("/help?", &[("accept-language", "en")]).await;
    assert_eq!(page.seed().draft.step, Step::Start);
    assert!(page.body.contains("error-summary"));
    // A receipt's status link is the app's screen: the page as built, no seed.
    let page = site.get("/?status=SR-20261127-0001", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("shouhou-seed"));
    assert_eq!(page.body, std::fs::read_to_string(repo("index.html")).unwrap());
}

#[tokio::test]
async fn a_kiosk_gets_kiosk_pages_and_a_link_to_kiosk_makes_no_device_one() {
    let site = Site::new();
    let page = site.get("/kiosk", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    // The app asks for the staff PIN first, and sets the cookie once it is taken.
    assert!(!page.headers.contains_key("set-cookie"), "{:?}", page.headers);
    assert!(!page.body.contains("shouhou-seed"), "the app draws /kiosk itself");
    let page = site.get("/", &[("cookie", "shouhou_kiosk=on"), ("accept-language", "en")]).await;
    let (draft, app_html) = rendered(Lang::En, true, Step::Start, &[]).await;
    assert_is_the_app(&page, Lang::En, true, &draft, &app_html);
    assert!(app_html.contains("Staff"), "the staff button of a kiosk: {app_html}");
}

#[tokio::test]
async fn pages_inline_their_stylesheet_by_hash_and_files_under_hashed_names_are_kept_for_good() {
    use base64::Engine;
    use sha2::Digest;
    let site = Site::new();
    let page = site.get("/", &[]).await;
    let start = page.body.find("<style>").expect("the stylesheet inline") + 7;
    let style = &page.body[start..start + page.body[start..].find("</style>").unwrap()];
    assert_eq!(style, std::fs::read_to_string(repo("static/app.css")).unwrap().trim_end());
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style));
    let csp = &page.headers["content-security-policy"];
    assert!(csp.contains(&format!("style-src 'self' 'sha256-{hash}';")), "{csp}");
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(page.headers["cache-control"], "private, max-age=60");
    assert_eq!(page.headers["vary"], "Accept-Language, Cookie, accept-encoding");

    let hashed = site.get("/boot.0123456789.js", &[]).await;
    assert_eq!(hashed.headers["cache-control"], "public, max-age=31536000, immutable");
    let plain = site.get("/app.css", &[]).await;
    assert_eq!(plain.headers["cache-control"], "no-cache");
    let config = site.get("/config.json", &[]).await;
    assert_eq!(config.headers["cache-control"], "no-cache");
    assert!(is_hashed_name("/pkg/shouhou_bg.0a1b2c3d4e.wasm"));
    assert!(is_hashed_name("/i18n/zh-CN.0a1b2c3d4e.json"));
    for plain in [
        "/sw.js",
        "/config.json",
        "/flows/network.json",
        "/x.0A1B2C3D4E.js",
        "/.0a1b2c3d4e.js",
        "/a.0a1b2c3d4.js",
    ] {
        assert!(!is_hashed_name(plain), "{plain}");
    }
}
