//! The status look-up: what the service team's records say of a filed request.

use std::collections::BTreeMap;

use gloo_net::http::Request;
use serde::Deserialize;

use shouhou_core::desk::PublicEntry;
use shouhou_core::outbox::{FollowUp, OutboxItem, SendOutcome};
use shouhou_core::Lang;
use shouhou_web::http::{self, send, HttpError};

use crate::services::api::{multipart, stored_photos};
use crate::services::outbox_outcome;
use crate::storage::drafts::LocalStore;

/// The intake server's answer, as much of it as the status screen shows (and, outside kiosk
/// mode, remembers for a customer who looks again without a connection).
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct RequestStatus {
    pub reference: String,
    pub status: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339: the promised time of the next reply.
    pub reply_by: String,
    /// Status changes and the team's public replies (never internal notes), oldest first.
    #[serde(default)]
    pub timeline: Vec<PublicEntry>,
    /// The team asked something: the customer may answer.
    #[serde(default)]
    pub can_reply: bool,
    /// Resolved and not rated yet.
    #[serde(default)]
    pub can_rate: bool,
    /// The engineer's next booked visit (`PublicVisit`'s texts) and, while `waiting_parts`,
    /// what it waits for (`PartsAwaited`'s): read as a request's details are, by name, so
    /// that the app carries no decoder of their own.
    #[serde(default)]
    pub visit: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub parts: Option<BTreeMap<String, String>>,
}

/// `GET /requests/{reference}?contact=…` on the intake server at `base_url`. A 404 says no
/// request has this reference and contact (the server does not say which is wrong).
pub async fn look_up(
    base_url: &str,
    reference: &str,
    contact: &str,
    lang: Lang,
) -> Result<RequestStatus, HttpError> {
    let url = format!("{}/requests/{reference}", base_url.trim_end_matches('/'));
    let request =
        Request::get(&url).query([("contact", contact)]).header("Accept-Language", lang.tag());
    http::json(send(request.build()).await?).await
}

/// Sends a follow-up from the outbox: a message to `POST /requests/{reference}/messages` or a
/// rating to `POST /requests/{reference}/feedback`, under the item's key, so a retry of an
/// answer whose reply was lost is the same message.
pub async fn send_follow_up(
    base_url: &str,
    item: &OutboxItem,
    lang: Lang,
    store: &LocalStore,
) -> SendOutcome {
    let Some(follow_up) = &item.follow_up else {
        return SendOutcome::Rejected { message: "not a follow-up".into(), fields: Vec::new() };
    };
    let base = base_url.trim_end_matches('/');
    let photos = &item.draft.fields.photos;
    let (url, body) = match follow_up {
        FollowUp::Message { reference, contact, text } => (
            format!("{base}/requests/{reference}/messages"),
            serde_json::json!({ "contact": contact, "text": text, "photos": photos }),
        ),
        FollowUp::Rating { reference, contact, rating, comment } => (
            format!("{base}/requests/{reference}/feedback"),
            serde_json::json!({ "contact": contact, "rating": rating, "comment": comment }),
        ),
    };
    let builder = Request::post(&url)
        .header("Idempotency-Key", item.idempotency_key())
        .header("Accept-Language", lang.tag());
    // With photos, multipart like a request: the message as the `message` part, each photo
    // as a `photo` part named by its id; the server stores them with the message or not at all.
    let request = if photos.is_empty() {
        builder.json(&body)
    } else {
        let stored = match stored_photos(&item.draft, store).await {
            Ok(stored) => stored,
            Err(outcome) => return outcome,
        };
        builder.body(multipart("message", &body.to_string(), &stored))
    };
    match send(request).await {
        Ok(_) => SendOutcome::Accepted {
            reference: follow_up.reference().to_string(),
            reply_by: String::new(),
        },
        Err(error) => outbox_outcome(error),
    }
}
