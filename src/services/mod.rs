//! Talking to the backend: one async function per endpoint, each over the shared
//! [`shouhou_web::http`] request function; what an answer means for the outbox is core's.

pub mod api;
pub mod flows;
pub mod kiosk;
pub mod products;
pub mod status;

use shouhou_core::outbox::{classify, Answer, SendOutcome};
use shouhou_web::http::HttpError;

/// Where the app's message tables are, beside the page (`/i18n/<lang>.json`).
pub const MESSAGES: &str = "/i18n";

/// The API base of Shouhou's intake server, when that is the configured backend (only it
/// counts deflections, looks requests up and unlocks kiosks).
pub fn intake_api(config: &shouhou_core::AppConfig) -> Option<String> {
    (config.backend.adapter == shouhou_core::config::Adapter::Shouhou)
        .then(|| config.backend.url.clone())
}

/// What a failed send means for the outbox: no answer, 408, 429 and 5xx are tried again
/// later (after the server's `Retry-After`); any other refusal goes back to the customer
/// with the server's words and the fields it names.
pub fn outbox_outcome(error: HttpError) -> SendOutcome {
    let reason = error.to_string();
    match error {
        HttpError::Offline => SendOutcome::Transient { reason, retry_after_ms: None },
        HttpError::Refused(refusal) => {
            match classify(refusal.status, refusal.retry_after.as_deref()) {
                Answer::RetryLater { retry_after_ms } => SendOutcome::Transient {
                    reason: format!("HTTP {}", refusal.status),
                    retry_after_ms,
                },
                Answer::Delivered | Answer::Refused => {
                    SendOutcome::Rejected { message: reason, fields: refusal.fields() }
                }
            }
        }
        HttpError::Unreadable(_) | HttpError::Unsendable(_) => {
            SendOutcome::Rejected { message: reason, fields: Vec::new() }
        }
    }
}
