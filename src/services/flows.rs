//! Troubleshooting flows from `flows/<product line>.json`, and the anonymous count of
//! problems they solved.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::outbox::{classify, Answer};
use shouhou_core::Flow;

use crate::storage::settings::local_storage;

/// What fetching a product line's flow found.
pub enum FlowLoad {
    Found(Flow),
    /// No flow for this product line (404).
    None,
    /// Unreadable or invalid: every problem, for the console.
    Broken(Vec<String>),
}

pub async fn load_flow(product_line: &str) -> FlowLoad {
    let response = match Request::get(&format!("/flows/{product_line}.json")).send().await {
        Ok(response) => response,
        Err(error) => return FlowLoad::Broken(vec![error.to_string()]),
    };
    if response.status() == 404 {
        return FlowLoad::None;
    }
    if !response.ok() {
        return FlowLoad::Broken(vec![format!("HTTP {}", response.status())]);
    }
    match response.text().await {
        Ok(text) => match Flow::parse(&text) {
            Ok(flow) if flow.id == product_line => FlowLoad::Found(flow),
            Ok(flow) => {
                FlowLoad::Broken(vec![format!("flow id {:?} is not {product_line:?}", flow.id)])
            }
            Err(problems) => FlowLoad::Broken(problems.iter().map(ToString::to_string).collect()),
        },
        Err(error) => FlowLoad::Broken(vec![error.to_string()]),
    }
}

const PENDING_KEY: &str = "shouhou.pending.deflections";

#[derive(Serialize, Deserialize)]
struct PendingDeflection {
    key: String,
    deflection: Deflection,
}

fn pending() -> Vec<PendingDeflection> {
    local_storage()
        .and_then(|s| s.get_item(PENDING_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn keep(pending: &[PendingDeflection]) {
    if let Some(storage) = local_storage() {
        let _ = if pending.is_empty() {
            storage.remove_item(PENDING_KEY)
        } else {
            storage.set_item(
                PENDING_KEY,
                &serde_json::to_string(pending).expect("deflections serialise"),
            )
        };
    }
}

/// Counts a solved problem: kept locally first, then sent; whatever cannot be sent now
/// (offline, server down) goes with the next [`send_pending_deflections`].
pub fn record_deflection(base_url: String, key: String, deflection: Deflection) {
    let mut queue = pending();
    if !queue.iter().any(|p| p.key == key) {
        queue.push(PendingDeflection { key, deflection });
        keep(&queue);
    }
    wasm_bindgen_futures::spawn_local(send_pending_deflections(base_url));
}

/// Sends every kept deflection; the server ignores repeats of a key, so a retry never counts twice.
pub async fn send_pending_deflections(base_url: String) {
    for item in pending() {
        let sent = Request::post(&format!("{}/deflections", base_url.trim_end_matches('/')))
            .header("Idempotency-Key", &item.key)
            .json(&item.deflection)
            .ok()
            .map(|request| request.send());
        let delivered = match sent {
            // A refused count will never succeed: it is dropped rather than retried forever.
            Some(future) => match future.await {
                Ok(response) => !matches!(
                    classify(response.status(), response.headers().get("retry-after").as_deref()),
                    Answer::RetryLater { .. }
                ),
                Err(_) => false,
            },
            None => true,
        };
        if !delivered {
            return;
        }
        let rest: Vec<PendingDeflection> =
            pending().into_iter().filter(|p| p.key != item.key).collect();
        keep(&rest);
    }
}
