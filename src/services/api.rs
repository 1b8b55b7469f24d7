//! The intake server's API (`/api/v1`), and the run-time configuration.

use gloo_net::http::{Request, Response};
use serde::Deserialize;
use shouhou_core::{AppConfig, Draft, FieldError, Lang};

/// Why a request did not arrive, as the customer needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitError {
    /// No answer at all: offline, DNS, connection refused. Safe to retry as is.
    Network,
    /// The server could not take it now (5xx, 429). Safe to retry as is.
    Unavailable { status: u16 },
    /// The server refused this content: it must change before it can be sent.
    Refused { message: String, fields: Vec<FieldError> },
}

/// The server's answer to a created (or replayed) request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Receipt {
    pub reference: String,
    /// RFC 3339: the promised time of the next reply.
    pub reply_by: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: String,
    #[serde(default)]
    fields: Vec<FieldError>,
}

/// Posts the draft's request, keyed by the draft's idempotency key so a retry of the same
/// draft can never create a second request.
pub async fn submit_request(base_url: &str, draft: &Draft, lang: Lang) -> Result<Receipt, SubmitError> {
    let response = Request::post(&format!("{}/requests", base_url.trim_end_matches('/')))
        .header("Idempotency-Key", &draft.idempotency_key)
        .header("Accept-Language", lang.tag())
        .json(&draft.fields)
        .map_err(|_| SubmitError::Network)?
        .send()
        .await
        .map_err(|_| SubmitError::Network)?;
    match response.status() {
        200 | 201 => response.json::<Receipt>().await.map_err(|_| SubmitError::Unavailable { status: response.status() }),
        429 | 500..=599 => Err(SubmitError::Unavailable { status: response.status() }),
        status => Err(refusal(response, status).await),
    }
}

async fn refusal(response: Response, status: u16) -> SubmitError {
    match response.json::<ErrorBody>().await {
        Ok(body) => SubmitError::Refused { message: body.message, fields: body.fields },
        Err(_) => SubmitError::Refused { message: format!("HTTP {status}"), fields: Vec::new() },
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
