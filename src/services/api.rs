//! The intake server's API (`/api/v1`), and the run-time configuration.

use gloo_net::http::Request;
use serde::Deserialize;
use shouhou_core::outbox::SendOutcome;
use shouhou_core::{AppConfig, Draft, FieldError, Lang};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, FormData};

use crate::storage::drafts::LocalStore;

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
///
/// With photos, the body is multipart: the fields as the `request` part, then each stored
/// photo as a `photo` part named by its id. The server stores the request and its photos in
/// one transaction, so a cut upload is simply sent again, whole, under the same key.
pub async fn submit_request(base_url: &str, draft: &Draft, lang: Lang, store: &LocalStore) -> SendOutcome {
    let builder = Request::post(&format!("{}/requests", base_url.trim_end_matches('/')))
        .header("Idempotency-Key", &draft.idempotency_key)
        .header("Accept-Language", lang.tag());
    let request = if draft.fields.photos.is_empty() {
        builder.json(&draft.fields)
    } else {
        match multipart(draft, store).await {
            Ok(form) => builder.body(form),
            Err(message) => return SendOutcome::Rejected { message, fields: Vec::new() },
        }
    };
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

async fn multipart(draft: &Draft, store: &LocalStore) -> Result<FormData, String> {
    let form = FormData::new().map_err(|_| "FormData".to_string())?;
    let json = serde_json::to_string(&draft.fields).map_err(|e| e.to_string())?;
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(&json));
    let request = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(|_| "Blob".to_string())?;
    form.append_with_blob("request", &request).map_err(|_| "FormData".to_string())?;
    for photo in &draft.fields.photos {
        // A photo missing from storage cannot be sent; the customer must attach it again.
        let blob = store.photo(&photo.id).await.ok_or_else(|| format!("photo {} is missing from this device", photo.id))?;
        form.append_with_blob_and_filename("photo", &blob, &photo.id).map_err(|_| "FormData".to_string())?;
    }
    Ok(form)
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
