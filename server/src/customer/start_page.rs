//! The page for `/`, with the start step already in it: the first screen is in the HTML the
//! server sends, drawn from the configuration this server runs with (product lines change
//! without a rebuild) in the language the browser asks for, before any script runs. Its
//! markup is exactly what `static/boot.js` draws, so boot.js only takes it over, and the app
//! after it (`src/hooks/adopt.rs`).

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use shouhou_core::i18n::Messages;
use shouhou_core::rules::offered_intents;
use shouhou_core::{AppConfig, Lang};

use crate::state::AppState;

/// Text for HTML, attribute values included: the configuration is the company's, but a
/// product name must never become markup.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn choices(field: &str, legend: &str, options: &[(String, String)]) -> String {
    let mut html = format!(
        "<fieldset class=\"field\"><legend>{}</legend><div class=\"choices\">",
        escape(legend)
    );
    for (index, (value, label)) in options.iter().enumerate() {
        let id = if index == 0 { format!("f-{field}") } else { format!("f-{field}-{value}") };
        html.push_str(&format!(
            "<div class=\"choice\"><input type=\"radio\" id=\"{id}\" name=\"{field}\" value=\"{value}\"><label for=\"{id}\">{label}</label></div>",
            id = escape(&id),
            value = escape(value),
            label = escape(label),
        ));
    }
    html.push_str("</div></fieldset>");
    html
}

/// The start step's markup in `lang`, as boot.js draws it.
pub fn start_markup(config: &AppConfig, lang: Lang) -> String {
    let messages = Messages::builtin();
    let t = |key: &str| escape(messages.get(lang, key));
    let intents: Vec<(String, String)> = offered_intents(config.mode)
        .iter()
        .map(|i| {
            (
                i.as_str().to_string(),
                messages.get(lang, &format!("intent.{}", i.as_str())).to_string(),
            )
        })
        .collect();
    let lines: Vec<(String, String)> = config
        .product_lines
        .iter()
        .map(|line| (line.id.clone(), line.name.get(lang).to_string()))
        .collect();
    let progress =
        messages.format(lang, "step.progress", &[("current", "1".into()), ("total", "5".into())]);
    format!(
        "<a class=\"skip-link\" href=\"#main\">{skip}</a>\
         <header class=\"masthead\"><p class=\"brand\">{brand}</p><button type=\"button\" class=\"lang-switch\" lang=\"{switch_tag}\">{switch}</button></header>\
         <main id=\"main\" tabindex=\"-1\"><form class=\"step\" novalidate=\"\">\
         <p class=\"step-progress\">{progress}</p><h1 tabindex=\"-1\">{heading}</h1><p class=\"lead\">{intro}</p>\
         {intents}{lines}\
         <div class=\"actions\"><button type=\"submit\" class=\"primary\">{continue_}</button></div>\
         <p class=\"check-request\"><a href=\"/status\">{check}</a></p></form></main>",
        skip = t("app.skip_to_main"),
        brand = escape(config.brand.get(lang)),
        switch_tag = t("lang.switch_tag"),
        switch = t("lang.switch"),
        progress = escape(&progress),
        heading = t("start.heading"),
        intro = t("start.intro"),
        intents = choices("intent", messages.get(lang, "field.intent"), &intents),
        lines = choices("product_line", messages.get(lang, "field.product_line"), &lines),
        continue_ = t("start.continue"),
        check = t("start.check_request"),
    )
}

/// `GET /`: the built page with the start step rendered in, in the browser's language.
pub async fn start_page(state: Arc<AppState>, index: PathBuf, headers: HeaderMap) -> Response {
    let Ok(page) = tokio::fs::read_to_string(&index).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let lang = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map_or(Lang::ZhCn, Lang::from_accept_language);
    let rendered = format!(
        "<div id=\"boot\" data-rendered=\"{tag}\">{markup}</div>",
        tag = lang.tag(),
        markup = start_markup(&state.config, lang)
    );
    let page = page
        .replacen("<div id=\"boot\" hidden></div>", &rendered, 1)
        .replacen("<div id=\"app\">", "<div id=\"app\" hidden>", 1)
        .replacen("<html lang=\"zh-CN\">", &format!("<html lang=\"{}\">", lang.tag()), 1);
    let mut response = page.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    // One page per language: caches must keep them apart.
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use shouhou_core::Intent;

    #[test]
    fn the_start_step_is_drawn_from_the_config_in_the_language_asked_and_escaped() {
        let mut config = AppConfig::from_json(include_str!("../../../static/config.json")).unwrap();
        config.product_lines[0].name.en = "Switches <b>& routers</b>".into();
        let en = start_markup(&config, Lang::En);
        assert!(en.contains("What do you need help with?"));
        assert!(en.contains("id=\"f-intent-repair\" name=\"intent\" value=\"repair\""));
        assert!(en.contains("Switches &lt;b&gt;&amp; routers&lt;/b&gt;"), "{en}");
        assert!(!en.contains("<b>"));
        let zh = start_markup(&config, Lang::ZhCn);
        assert!(zh.contains("您需要什么帮助？"));
        assert_eq!(
            zh.matches("type=\"radio\"").count(),
            Intent::ALL.len() - 1 + config.product_lines.len(),
            "no on-site report for customers"
        );
    }
}
