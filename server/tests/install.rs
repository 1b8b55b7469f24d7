//! The apps are installable (issue 27): each app's web app manifest is served in each language
//! with what Chrome's install prompt and a launcher need, its icons are PNGs of the sizes it
//! states, and every page links the manifest of the app it belongs to in its own language.

mod common;

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use shouhou_core::{AppConfig, Lang};
use shouhou_server::{app, Settings};
use tower::ServiceExt;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    cache_control: String,
    body: Vec<u8>,
}

struct Site {
    router: axum::Router,
    brand: shouhou_core::Localized,
    _dir: tempfile::TempDir,
}

impl Site {
    /// The server with the real page and the committed icons as the build copies them.
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("icons")).unwrap();
        std::fs::copy(repo("index.html"), dist.join("index.html")).unwrap();
        for icon in std::fs::read_dir(repo("static/icons")).unwrap() {
            let icon = icon.unwrap().path();
            std::fs::copy(&icon, dist.join("icons").join(icon.file_name().unwrap())).unwrap();
        }
        let config = repo("static/config.json");
        let brand = AppConfig::from_json(&std::fs::read_to_string(&config).unwrap()).unwrap().brand;
        let settings = Settings {
            db: common::test_db(dir.path(), "db.sqlite3"),
            config,
            dist: dist.clone(),
            ..Settings::default()
        };
        Site { router: app(common::state(&settings), &dist), brand, _dir: dir }
    }

    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::get(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response =
            self.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let (content_type, cache_control) = (header("content-type"), header("cache-control"));
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer { status, content_type, cache_control, body }
    }

    async fn manifest(&self, path: &str, headers: &[(&str, &str)]) -> Value {
        let answer = self.get(path, headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.content_type, "application/manifest+json", "{path}");
        // Revalidated like every plain-named file: the brand may change with the configuration.
        assert_eq!(answer.cache_control, "no-cache", "{path}");
        serde_json::from_slice(&answer.body).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
    }

    /// The manifest a page links (`<link rel="manifest" data-href>`: boot.js moves it to
    /// `href` once the app runs, or once the page has only been looked at for a while).
    async fn linked_manifest(&self, path: &str, headers: &[(&str, &str)]) -> String {
        let page = self.get(path, headers).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let page = String::from_utf8(page.body).unwrap();
        let links: Vec<&str> = page
            .match_indices("<link rel=\"manifest\" data-href=\"")
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(at, tag)| page[at + tag.len()..].split('"').next().unwrap())
            .collect();
        assert_eq!(links.len(), 1, "{path} links one manifest: {links:?}");
        links[0].to_string()
    }
}

/// Width and height from a PNG's header (the signature, then the IHDR chunk).
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[tokio::test]
async fn each_app_has_a_manifest_in_each_language_and_its_icons_are_what_it_says() {
    let site = Site::new();
    // (manifest, start address, scope, display): the website in a window of its own, the
    // kiosk filling a shared screen, both governing every screen of the site; the engineer's
    // app in a window of its own, governing only its own screens.
    let apps = [
        ("/customer.webmanifest", "/", "/", "standalone"),
        ("/kiosk.webmanifest", "/kiosk", "/", "fullscreen"),
        ("/field.webmanifest", "/field/", "/field/", "standalone"),
    ];
    for (path, start, scope, display) in apps {
        for lang in Lang::ALL {
            let url = format!("{path}?lang={}", lang.tag());
            let manifest = site.manifest(&url, &[]).await;
            let brand = site.brand.get(lang);
            assert!(manifest["name"].as_str().unwrap().contains(brand), "{url}: {manifest}");
            assert!(!manifest["short_name"].as_str().unwrap().is_empty(), "{url}");
            assert_eq!(manifest["lang"], lang.tag(), "{url}");
            assert_eq!(manifest["start_url"], start, "{url}");
            assert_eq!(manifest["id"], start, "{url}");
            assert_eq!(manifest["scope"], scope, "{url}");
            assert_eq!(manifest["display"], display, "{url}");
            assert_eq!(manifest["theme_color"], "#0b4f6c", "{url}");
            assert_eq!(manifest["background_color"], "#ffffff", "{url}");
            let mut offered = Vec::new();
            for icon in manifest["icons"].as_array().unwrap() {
                let src = icon["src"].as_str().unwrap();
                let answer = site.get(src, &[]).await;
                assert_eq!(answer.status, StatusCode::OK, "{src}");
                assert_eq!(answer.content_type, "image/png", "{src}");
                assert_eq!(icon["type"], "image/png", "{src}");
                let (width, height) = png_size(&answer.body);
                assert_eq!(icon["sizes"], format!("{width}x{height}"), "{src}");
                offered.push((icon["purpose"].as_str().unwrap().to_string(), width));
            }
            for purpose in ["any", "maskable"] {
                for size in [192, 512] {
                    assert!(
                        offered.contains(&(purpose.to_string(), size)),
                        "{url}: {purpose} {size}"
                    );
                }
            }
        }
    }
    // The two languages name the apps differently, and the kiosk is not the website.
    let name = |manifest: &Value| manifest["name"].as_str().unwrap().to_string();
    let customer_zh = name(&site.manifest("/customer.webmanifest?lang=zh-CN", &[]).await);
    let customer_en = name(&site.manifest("/customer.webmanifest?lang=en", &[]).await);
    let kiosk_zh = name(&site.manifest("/kiosk.webmanifest?lang=zh-CN", &[]).await);
    assert_ne!(customer_zh, customer_en);
    assert_ne!(customer_zh, kiosk_zh);
    let field_zh = name(&site.manifest("/field.webmanifest?lang=zh-CN", &[]).await);
    assert!(![customer_zh, kiosk_zh].contains(&field_zh), "{field_zh}");
}

#[tokio::test]
async fn without_a_language_in_its_address_the_manifest_speaks_the_browsers() {
    let site = Site::new();
    let en = site.manifest("/customer.webmanifest", &[("accept-language", "en-GB,en;q=0.9")]).await;
    assert_eq!(en["lang"], "en");
    assert_eq!(en["name"], site.brand.get(Lang::En));
    let unknown = site.manifest("/kiosk.webmanifest?lang=fr", &[]).await;
    assert_eq!(unknown["lang"], "zh-CN");
}

#[tokio::test]
async fn every_page_links_the_manifest_of_its_app_in_its_language() {
    let site = Site::new();
    let english = [("accept-language", "en")];
    assert_eq!(site.linked_manifest("/", &[]).await, "/customer.webmanifest?lang=zh-CN");
    assert_eq!(site.linked_manifest("/", &english).await, "/customer.webmanifest?lang=en");
    assert_eq!(
        site.linked_manifest(
            "/form/contact?intent=repair&product_line=network",
            &[("cookie", "shouhou_lang=en")]
        )
        .await,
        "/customer.webmanifest?lang=en"
    );
    // The kiosk's start address, and every page drawn for a kiosk from then on.
    assert_eq!(site.linked_manifest("/kiosk", &english).await, "/kiosk.webmanifest?lang=en");
    assert_eq!(
        site.linked_manifest("/", &[("cookie", "shouhou_kiosk=on")]).await,
        "/kiosk.webmanifest?lang=zh-CN"
    );
    // A screen the app draws from the device gets the built page as it is.
    assert_eq!(site.linked_manifest("/drafts", &[]).await, "/customer.webmanifest?lang=zh-CN");
    // What every page links for iOS's home screen is there too.
    let page = String::from_utf8(site.get("/", &[]).await.body).unwrap();
    let touch = page.split("<link rel=\"apple-touch-icon\" href=\"").nth(1).unwrap();
    let touch = touch.split('"').next().unwrap();
    let icon = site.get(touch, &[]).await;
    assert_eq!((icon.status, icon.content_type.as_str()), (StatusCode::OK, "image/png"));
    assert!(png_size(&icon.body).0 >= 180, "{touch}");
    assert!(page.contains("<meta name=\"theme-color\" content=\"#0b4f6c\">"));
}
