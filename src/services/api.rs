//! The intake server's API (`/api/v1`), and the run-time configuration.

use gloo_net::http::Request;
use serde::Deserialize;
use shouhou_core::outbox::SendOutcome;
use shouhou_core::{AppConfig, Draft, FieldError, Lang};

/// The server's answer to a created (or replayed) request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Receipt {
    reference: String,
    /// RFC 3339: the promised time of the next reply.
    reply_by: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    fields: Vec<FieldError>,
}

/// Posts the draft's request, keyed by the draft's idempotency key so a retry of the same
/// draft can never create a second request. Every answer maps to what the outbox must do.
pub async fn submit_request(base_url: &str, draft: &Draft, lang: Lang) -> SendOutcome {
    let request = Request::post(&format!("{}/requests", base_url.trim_end_matches('/')))
        .header("Idempotency-Key", &draft.idempotency_key)
        .header("Accept-Language", lang.tag())
        .json(&draft.fields);
    let response = match request {
        Ok(request) => request.send().await,
        Err(error) => return SendOutcome::Rejected { message: error.to_string(), fields: Vec::new() },
    };
    let response = match response {
        Ok(response) => response,
        Err(_) => return SendOutcome::Transient { reason: "offline".into(), retry_after_ms: None },
    };
    let status = response.status();
    match status {
        200 | 201 => match response.json::<Receipt>().await {
            Ok(receipt) => SendOutcome::Accepted { reference: receipt.reference, reply_by: receipt.reply_by },
            // Stored, but the answer was cut: the retry under the same key returns the reference.
            Err(_) => SendOutcome::Transient { reason: format!("HTTP {status}"), retry_after_ms: None },
        },
        408 | 429 | 500..=599 => SendOutcome::Transient {
            reason: format!("HTTP {status}"),
            retry_after_ms: response
                .headers()
                .get("retry-after")
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(|seconds| seconds.saturating_mul(1_000)),
        },
        _ => match response.json::<ErrorBody>().await {
            Ok(body) => SendOutcome::Rejected { message: body.message, fields: body.fields },
            Err(_) => SendOutcome::Rejected { message: format!("HTTP {status}"), fields: Vec::new() },
        },
    }
}

/// Loads `config.json` from beside the page.
pub async fn load_config() -> Result<AppConfig, String> {
    let response = Request::get("config.json").send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    AppConfig::from_json(&text).map_err(|e| e.to_string())
}

/// Fetches and installs the message table of `lang` (`i18n/<lang>.json` beside the page),
/// unless it is there already.
pub async fn load_messages(lang: Lang) -> Result<(), String> {
    if shouhou_core::Messages::has(lang) {
        return Ok(());
    }
    let response = Request::get(&format!("i18n/{}.json", lang.tag())).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    shouhou_core::Messages::install(lang, &text)
}
