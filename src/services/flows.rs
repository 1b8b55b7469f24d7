//! Troubleshooting flows from `flows/<product line>.json`, and the anonymous count of
//! problems they solved.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::outbox::{classify, Answer};
use shouhou_core::Flow;
use shouhou_web::dom::local_storage;
use shouhou_web::http::{self, send, HttpError};

/// The troubleshooting flow of a product line, checked as the flow validator checks it:
/// `None` when the line has none (404); a flow that does not read or validate is
/// [`HttpError::Unreadable`], with every problem.
pub async fn load_flow(product_line: &str) -> Result<Option<Flow>, HttpError> {
    let path = shouhou_web::dom::asset(&format!("/flows/{product_line}.json"));
    let text = match http::get_text(&path).await {
        Err(error) if error.status() == Some(404) => return Ok(None),
        answer => answer?,
    };
    match Flow::parse(&text) {
        Ok(flow) if flow.id == product_line => Ok(Some(flow)),
        Ok(flow) => {
            Err(HttpError::Unreadable(format!("flow id {:?} is not {product_line:?}", flow.id)))
        }
        Err(problems) => Err(HttpError::Unreadable(
            problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
        )),
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
        let request = Request::post(&format!("{}/deflections", base_url.trim_end_matches('/')))
            .header("Idempotency-Key", &item.key)
            .json(&item.deflection);
        // A refused count will never succeed: it is dropped rather than retried forever.
        let done = match send(request).await {
            Ok(_) | Err(HttpError::Unsendable(_) | HttpError::Unreadable(_)) => true,
            Err(HttpError::Offline) => false,
            Err(HttpError::Refused(refusal)) => !matches!(
                classify(refusal.status, refusal.retry_after.as_deref()),
                Answer::RetryLater { .. }
            ),
        };
        if !done {
            return;
        }
        let rest: Vec<PendingDeflection> =
            pending().into_iter().filter(|p| p.key != item.key).collect();
        keep(&rest);
    }
}
