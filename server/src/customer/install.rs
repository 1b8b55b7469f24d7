//! The apps a tablet or phone can install (issue 27): one web app manifest per app and
//! language, drawn from [`APPS`] — a third app (the engineer's, at `/field/`) is one more
//! entry there and its two names in `server/i18n/<lang>.json`.
//!
//! - `GET /<app>.webmanifest?lang=<tag>`: the app's name and short name in that language (the
//!   brand from `config.json`; without `lang`, the browser's `Accept-Language`), its start
//!   address, scope and display mode, the palette's colours and the icons. Browsers fetch
//!   a manifest without cookies, so the page names its language in the address: every page
//!   links the manifest of its app in its own language ([`manifest_href`], `pages.rs`).
//! - The icons are built files (`static/icons/`, drawn by `scripts/make-icons.py`): an
//!   "any" and a "maskable" one at 192 and 512 pixels, the sizes launchers and Chrome's install
//!   prompt ask for. Only the install machinery fetches them, never the customer's first load.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shouhou_core::{i18n, Lang};

use crate::http::error::caller_lang;
use crate::state::AppState;

/// An installable app: where it starts and what it governs once installed.
#[derive(Debug, Clone, Copy)]
pub struct Installable {
    /// Names its manifest (`/<id>.webmanifest`) and its messages (`install.<id>.name`,
    /// `install.<id>.short_name`, `{brand}` in them); the manifest's `id` is its start address.
    pub id: &'static str,
    pub start_url: &'static str,
    /// Every address the installed app opens in its own window: the kiosk moves on to the
    /// same screens as the website (`/form/…`, `/review`), so both govern the whole site.
    pub scope: &'static str,
    /// `standalone` (no browser bar) or `fullscreen` (a shared screen shows nothing else).
    pub display: &'static str,
}

/// The customer's app, installed from `/`.
pub const CUSTOMER: Installable =
    Installable { id: "customer", start_url: "/", scope: "/", display: "standalone" };
/// The kiosk: the same app, filling the screen, started at `/kiosk` (where staff make the
/// device a kiosk with the PIN, and where a kiosk wipes what the last visitor left).
pub const KIOSK: Installable =
    Installable { id: "kiosk", start_url: "/kiosk", scope: "/", display: "fullscreen" };

/// The engineer's app (`/field/`, its own wasm): a tablet on site opens only its screens.
pub const FIELD: Installable =
    Installable { id: "field", start_url: "/field/", scope: "/field/", display: "standalone" };

/// Every app a device can install.
pub const APPS: [Installable; 3] = [CUSTOMER, KIOSK, FIELD];

/// The palette's (`web/tokens.css`): `--brand` for the title bar, `--paper` behind the
/// splash screen.
const THEME_COLOR: &str = "#0b4f6c";
const BACKGROUND_COLOR: &str = "#ffffff";

/// The icons every app shares, by purpose and size (files `static/icons/<purpose>-<size>.png`).
pub const ICONS: [(&str, u32); 4] =
    [("any", 192), ("any", 512), ("maskable", 192), ("maskable", 512)];

impl Installable {
    /// Where its manifest is served.
    pub fn manifest_path(&self) -> String {
        format!("/{}.webmanifest", self.id)
    }

    /// The manifest in `lang`, with the brand from the configuration.
    pub fn manifest(&self, lang: Lang, brand: &str) -> serde_json::Value {
        let named = |which: &str| {
            i18n::Messages::builtin().format(
                lang,
                &format!("install.{}.{which}", self.id),
                &[("brand", brand.to_string())],
            )
        };
        let icons: Vec<serde_json::Value> = ICONS
            .iter()
            .map(|(purpose, size)| {
                serde_json::json!({
                    "src": icon_path(purpose, *size),
                    "sizes": format!("{size}x{size}"),
                    "type": "image/png",
                    "purpose": purpose,
                })
            })
            .collect();
        serde_json::json!({
            "id": self.start_url,
            "name": named("name"),
            "short_name": named("short_name"),
            "lang": lang.tag(),
            "start_url": self.start_url,
            "scope": self.scope,
            "display": self.display,
            "background_color": BACKGROUND_COLOR,
            "theme_color": THEME_COLOR,
            "icons": icons,
        })
    }
}

/// Where an icon is served.
pub fn icon_path(purpose: &str, size: u32) -> String {
    format!("/icons/{purpose}-{size}.png")
}

/// What a page in `lang` links as its manifest (`<link rel="manifest" data-href>`, moved to
/// `href` by boot.js).
pub fn manifest_href(app: &Installable, lang: Lang) -> String {
    format!("{}?lang={}", app.manifest_path(), lang.tag())
}

#[derive(Deserialize)]
pub struct ManifestQuery {
    lang: Option<String>,
}

/// `GET /<app>.webmanifest?lang=…`: `application/manifest+json`, revalidated like the other
/// plain-named files (the brand may change with the configuration).
pub async fn manifest(
    app: Installable,
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(query): Query<ManifestQuery>,
) -> Response {
    let lang =
        query.lang.as_deref().and_then(Lang::from_tag).unwrap_or_else(|| caller_lang(&headers));
    let body = app.manifest(lang, state.config.brand.get(lang)).to_string();
    ([(header::CONTENT_TYPE, "application/manifest+json")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colours_are_the_palettes() {
        let tokens = include_str!("../../../web/tokens.css");
        assert!(tokens.contains(&format!("--brand: {THEME_COLOR};")));
        assert!(tokens.contains(&format!("--paper: {BACKGROUND_COLOR};")));
    }

    #[test]
    fn every_app_is_named_in_every_language() {
        for app in APPS {
            for lang in Lang::ALL {
                let manifest = app.manifest(lang, "Brand");
                for member in ["name", "short_name"] {
                    let text = manifest[member].as_str().unwrap();
                    assert!(!text.contains("install."), "{} {member} in {lang:?}: {text}", app.id);
                }
            }
        }
    }
}
