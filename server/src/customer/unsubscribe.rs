//! The one-click unsubscribe link of every email to a customer (RFC 8058): no sign-in, a
//! token signed by the server ([`crate::notify::links`]). `GET /unsubscribe/{token}` is a
//! page that asks (a link scanner that follows links must not unsubscribe anyone);
//! `POST /api/v1/unsubscribe/{token}` — what a mail client's one-click button sends
//! (`List-Unsubscribe=One-Click`), and what the page's button sends — stops every email
//! notice to the address from the next one on. Both answer a small page in the caller's
//! language.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use shouhou_core::i18n::Messages;
use shouhou_core::Lang;

use crate::notify::links;
use crate::notify::worker::link_key;
use crate::state::AppState;
use crate::store;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn page(lang: Lang, status: StatusCode, body: &str) -> Response {
    let title = escape(Messages::builtin().get(lang, "unsubscribe.title"));
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/app.css\"></head>\
         <body><main id=\"main\"><h1>{title}</h1>{body}</main></body></html>",
        lang.tag()
    );
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        html,
    )
        .into_response()
}

fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_accept_language(
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or(""),
    )
}

/// The address and request a token stands for, if it is genuine.
async fn resolve(state: &AppState, token: &str) -> Option<(String, String)> {
    let key = link_key(state).await.ok()?;
    let id = links::verify(&key, token)?;
    state.store.emailed(id).await.ok().flatten()
}

fn invalid(lang: Lang) -> Response {
    let text = escape(Messages::builtin().get(lang, "unsubscribe.invalid"));
    page(lang, StatusCode::NOT_FOUND, &format!("<p>{text}</p>"))
}

/// `GET /unsubscribe/{token}`: asks, with a button that posts the one-click form.
pub async fn ask(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers);
    let Some((reference, _)) = resolve(&state, &token).await else { return invalid(lang) };
    let messages = Messages::builtin();
    let question = messages.format(lang, "unsubscribe.ask", &[("reference", reference)]);
    page(
        lang,
        StatusCode::OK,
        &format!(
            "<p>{}</p><form method=\"post\" action=\"/api/v1/unsubscribe/{}\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <div class=\"actions\"><button type=\"submit\" class=\"primary\">{}</button></div></form>",
            escape(&question),
            escape(&token),
            escape(messages.get(lang, "unsubscribe.confirm"))
        ),
    )
}

/// `POST /api/v1/unsubscribe/{token}`: RFC 8058's one-click unsubscribe.
#[utoipa::path(
    post,
    path = "/api/v1/unsubscribe/{token}",
    tag = "customer",
    params(("token" = String, Path, description = "The token of an email's unsubscribe link.")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`List-Unsubscribe=One-Click`, as RFC 8058 has mail clients send it (the body is not needed)."),
    responses(
        (status = 200, description = "No more email notices to that address: a page that says so.", content_type = "text/html", body = String),
        (status = 404, description = "Not a genuine link: a page that says so.", content_type = "text/html", body = String),
    )
)]
pub async fn unsubscribe(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers);
    let Some((reference, address)) = resolve(&state, &token).await else { return invalid(lang) };
    if let Err(error) = state.store.unsubscribe(&address, &store::now_text()).await {
        tracing::warn!(%error, "cannot record an unsubscription");
        return page(lang, StatusCode::INTERNAL_SERVER_ERROR, "");
    }
    tracing::info!(%reference, "unsubscribed from email notices");
    let done = escape(Messages::builtin().get(lang, "unsubscribe.done"));
    page(lang, StatusCode::OK, &format!("<p>{done}</p>"))
}
