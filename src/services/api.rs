//! Sending a request: to the intake server's API (`/api/v1`), or to a company's own backend.

use gloo_net::http::Request;
use serde::Deserialize;
use shouhou_core::adapter;
use shouhou_core::config::Adapter;
use shouhou_core::outbox::SendOutcome;
use shouhou_core::{AppConfig, Draft, Lang, PhotoRef};
use shouhou_web::http::{self, send};
use wasm_bindgen::JsValue;
use web_sys::{Blob, BlobPropertyBag, FormData};

use crate::services::outbox_outcome;
use crate::storage::drafts::LocalStore;

/// The server's answer to a created (or replayed) request.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Receipt {
    reference: String,
    /// RFC 3339: the promised time of the next reply.
    reply_by: String,
}

/// Sends the draft's request to the configured backend. Every answer maps to what the
/// outbox must do: 2xx delivered, 408/429/5xx and no answer retried, other refusals back to
/// the customer.
pub async fn submit(
    config: &AppConfig,
    draft: &Draft,
    lang: Lang,
    store: &LocalStore,
) -> SendOutcome {
    match config.backend.adapter {
        Adapter::Shouhou => submit_request(&config.backend.url, draft, lang, store).await,
        Adapter::Webhook | Adapter::Multipart => submit_elsewhere(config, draft, store).await,
    }
}

/// Posts to Shouhou's intake server, keyed by the draft's idempotency key so a retry of the
/// same draft can never create a second request.
///
/// With photos, the body is multipart: the fields as the `request` part, then each stored
/// photo as a `photo` part named by its id. The server stores the request and its photos in
/// one transaction, so a cut upload is simply sent again, whole, under the same key.
async fn submit_request(
    base_url: &str,
    draft: &Draft,
    lang: Lang,
    store: &LocalStore,
) -> SendOutcome {
    let builder = Request::post(&format!("{}/requests", base_url.trim_end_matches('/')))
        .header("Idempotency-Key", &draft.idempotency_key)
        .header("Accept-Language", lang.tag());
    let request = if draft.fields.photos.is_empty() {
        builder.json(&draft.fields)
    } else {
        let photos = match stored_photos(draft, store).await {
            Ok(photos) => photos,
            Err(outcome) => return outcome,
        };
        let json = serde_json::to_string(&draft.fields).expect("fields serialise");
        builder.body(multipart("request", &json, &photos))
    };
    let response = match send(request).await {
        Ok(response) => response,
        Err(error) => return outbox_outcome(error),
    };
    let status = response.status();
    match http::json::<Receipt>(response).await {
        Ok(receipt) => {
            SendOutcome::Accepted { reference: receipt.reference, reply_by: receipt.reply_by }
        }
        // Stored, but the answer was cut: the retry under the same key returns the reference.
        Err(_) => SendOutcome::Transient { reason: format!("HTTP {status}"), retry_after_ms: None },
    }
}

/// The draft's photos from this device's storage. One that is missing cannot be sent: the
/// request comes back to the customer to attach it again.
pub(crate) async fn stored_photos<'a>(
    draft: &'a Draft,
    store: &LocalStore,
) -> Result<Vec<(&'a PhotoRef, Blob)>, SendOutcome> {
    let mut photos = Vec::new();
    for photo in &draft.fields.photos {
        match store.photo(&photo.id).await {
            Some(blob) => photos.push((photo, blob)),
            None => {
                let message = format!("photo {} is missing from this device", photo.id);
                return Err(SendOutcome::Rejected { message, fields: Vec::new() });
            }
        }
    }
    Ok(photos)
}

/// Posts to a company's own backend: a JSON webhook or a classic form handler, shaped by the
/// configured mapping (`shouhou_core::adapter`). The idempotency key goes as a header too,
/// so a receiver that honours it sees every retry as the same request.
async fn submit_elsewhere(config: &AppConfig, draft: &Draft, store: &LocalStore) -> SendOutcome {
    let backend = &config.backend;
    let values = adapter::outgoing(&draft.fields, &draft.idempotency_key, backend);
    let target = adapter::photos_target(backend).filter(|_| !draft.fields.photos.is_empty());
    let photos = match &target {
        Some(_) => match stored_photos(draft, store).await {
            Ok(photos) => photos,
            Err(outcome) => return outcome,
        },
        None => Vec::new(),
    };
    let mut builder = Request::post(&backend.url).header("Idempotency-Key", &draft.idempotency_key);
    for (name, value) in &backend.headers {
        builder = builder.header(name, value);
    }
    let request = match backend.adapter {
        Adapter::Multipart => {
            let form = FormData::new().expect("FormData exists");
            for (name, value) in &values {
                let (adapter::Value::Text(text) | adapter::Value::Json(text)) = value;
                let _ = form.append_with_str(name, text);
            }
            if let Some(name) = &target {
                for (photo, blob) in &photos {
                    let _ = form.append_with_blob_and_filename(
                        name,
                        blob,
                        &format!("{}.jpg", photo.id),
                    );
                }
            }
            builder.body(form)
        }
        _ => {
            let mut attached = Vec::new();
            for (photo, blob) in &photos {
                let data = crate::js::blob_data_url(blob).await.unwrap_or_default();
                let described = serde_json::to_string(photo).expect("a photo serialises");
                attached.push(format!(
                    "{},\"data\":{}}}",
                    &described[..described.len() - 1],
                    serde_json::to_string(&data).expect("a string serialises")
                ));
            }
            let photos_json =
                target.as_deref().map(|path| (path, format!("[{}]", attached.join(","))));
            builder
                .header("Content-Type", "application/json")
                .body(adapter::webhook_body(&values, photos_json))
        }
    };
    let response = match send(request).await {
        Ok(response) => response,
        Err(error) => return outbox_outcome(error),
    };
    let answer = http::text(response).await.unwrap_or_default();
    // The target's own number when it says one; otherwise the key identifies the request.
    let reference = backend
        .reference_path
        .as_deref()
        .and_then(|path| crate::js::value_at(&answer, path))
        .unwrap_or_else(|| {
            draft.idempotency_key.chars().take(8).collect::<String>().to_ascii_uppercase()
        });
    let priority = shouhou_core::rules::priority_of(&draft.fields);
    let reply_by = js_sys::Date::new(&JsValue::from_f64(
        config.reply_by(priority, js_sys::Date::now() as i64) as f64,
    ));
    SendOutcome::Accepted { reference, reply_by: String::from(reply_by.to_iso_string()) }
}

/// The intake server's multipart body: the JSON as the `part` part (a request's fields, or a
/// customer's message), then each photo named by its id.
pub fn multipart(part: &str, json: &str, photos: &[(&PhotoRef, Blob)]) -> FormData {
    let form = FormData::new().expect("FormData exists");
    let options = BlobPropertyBag::new();
    options.set_type("application/json");
    let parts = js_sys::Array::of1(&JsValue::from_str(json));
    let body = Blob::new_with_str_sequence_and_options(&parts, &options).expect("a Blob of text");
    let _ = form.append_with_blob(part, &body);
    for (photo, blob) in photos {
        let _ = form.append_with_blob_and_filename("photo", blob, &photo.id);
    }
    form
}
