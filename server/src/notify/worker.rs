//! The worker each instance runs: it takes the notices that are due ([`Db::claim_notices`]:
//! held for a lease, skipped by other instances' workers), applies core's rules — an address
//! that unsubscribed is skipped, a text message waits out the night's quiet hours unless the
//! request is an emergency, a recipient over its cap waits its turn — sends each, and records
//! the outcome (sent, or tried again with backoff and jitter, or failed for good after a day).
//! Every 30 seconds it also queues the alerts of requests that escalated and forgets old desk
//! changes. A change stored on this instance (or, on PostgreSQL, any) wakes it at once.

use std::sync::Arc;

use futures_util::future::join_all;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use shouhou_core::notice::delivery::AfterFailure;
use shouhou_core::notice::sms::national_phone;
use shouhou_core::notice::text::{self, About};
use shouhou_core::notice::Channel;

use super::links;
use super::mail::{Email, MailError};
use super::outbound;
use crate::state::AppState;
use crate::store::notices::{Claimed, Outcome};

/// How many notices one round takes (and sends at once).
const ROUND: i64 = 16;
/// How often escalations are looked for and old desk changes forgotten.
const SWEEP_SECONDS: i64 = 30;
/// How long the desk's changes are kept for a reconnecting stream.
const KEEP_CHANGES_SECONDS: i64 = 86_400;

type HttpClient = Client<outbound::Https, Full<Bytes>>;

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Runs until the process ends.
pub async fn run(state: Arc<AppState>) {
    let client = outbound::client();
    let mut last_sweep = 0;
    loop {
        let now = unix_now();
        if now - last_sweep >= SWEEP_SECONDS {
            last_sweep = now;
            if let Err(error) = state.store.alert_escalations(now).await {
                tracing::warn!(%error, "cannot look for escalated requests");
            }
            if let Err(error) = state.store.prune_desk_changes(now - KEEP_CHANGES_SECONDS).await {
                tracing::warn!(%error, "cannot forget old desk changes");
            }
        }
        let lease = state.notices.lease_seconds;
        match state.store.claim_notices(now, lease, ROUND).await {
            Ok(claimed) if !claimed.is_empty() => {
                join_all(claimed.into_iter().map(|notice| deliver(&state, &client, notice))).await;
                continue;
            }
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot take the due notices"),
        }
        tokio::select! {
            () = state.store.hub().work_waiting() => {}
            () = tokio::time::sleep(state.notices.poll) => {}
        }
    }
}

/// Decides, sends and records one claimed notice.
async fn deliver(state: &AppState, client: &HttpClient, notice: Claimed) {
    let now = unix_now();
    let outcome = match hold(state, &notice, now).await {
        Some(outcome) => outcome,
        None => match send(state, client, &notice, now).await {
            Ok(()) => Outcome::Sent,
            Err((reason, transient)) => {
                let attempts = notice.attempts + 1;
                match state.notices.backoff.after_failure(
                    notice.queued_at,
                    now,
                    attempts,
                    jitter(),
                    !transient,
                ) {
                    AfterFailure::RetryAt(at) => Outcome::Retry { at, reason },
                    AfterFailure::GiveUp => Outcome::Failed { reason },
                }
            }
        },
    };
    match &outcome {
        Outcome::Sent => {
            tracing::info!(id = notice.id, channel = notice.channel.as_str(), kind = %notice.kind, reference = %notice.reference, "notice sent")
        }
        Outcome::Retry { reason, .. } | Outcome::Failed { reason } => {
            tracing::warn!(id = notice.id, channel = notice.channel.as_str(), %reason, "notice not sent")
        }
        _ => {}
    }
    if let Err(error) = state.store.finish_notice(notice.id, outcome, now).await {
        // The lease runs out and the notice is taken again.
        tracing::warn!(id = notice.id, %error, "cannot record a notice's outcome");
    }
}

/// Why the notice is not sent now, if it is not: unsubscribed, quiet hours, the cap.
async fn hold(state: &AppState, notice: &Claimed, now: i64) -> Option<Outcome> {
    if notice.channel == Channel::Email && notice.customer_notice().is_some() {
        match state.store.is_unsubscribed(&notice.recipient).await {
            Ok(true) => return Some(Outcome::Skipped { reason: "unsubscribed".into() }),
            Ok(false) => {}
            Err(error) => return Some(Outcome::Held { until: now + 5, reason: error.to_string() }),
        }
    }
    if notice.channel == Channel::Sms && !notice.urgent {
        let offset = state.config.reply_times.offset();
        if let Some(until) = state.notices.quiet_hours.holds_until(now, offset) {
            return Some(Outcome::Held { until, reason: "quiet hours".into() });
        }
    }
    // Last, so that a place under the cap is taken only by a notice that is then sent.
    match state.store.take_place(notice.id, &notice.recipient, state.notices.cap, now).await {
        Ok(held) => held.map(|until| Outcome::Held { until, reason: "cap per recipient".into() }),
        Err(error) => Some(Outcome::Held { until: now + 5, reason: error.to_string() }),
    }
}

/// Sends one notice on its channel; why not, and whether a retry could help.
async fn send(
    state: &AppState,
    client: &HttpClient,
    notice: &Claimed,
    now: i64,
) -> Result<(), (String, bool)> {
    let settings = &state.notices;
    let public = settings.public_url.as_deref().unwrap_or_default();
    let lang = notice.lang;
    let product_line = state
        .config
        .product_line(&notice.product_line)
        .map_or(notice.product_line.clone(), |line| line.name.get(lang).to_string());
    let link = match notice.customer_notice() {
        Some(_) => text::status_link(public, &notice.reference),
        None => text::desk_link(public, &notice.reference),
    };
    let about = About {
        reference: &notice.reference,
        link: &link,
        at: notice.args["at"].as_i64(),
        until: notice.args["until"].as_i64(),
        offset: state.config.reply_times.offset(),
        product_line: &product_line,
        rating: notice.args["rating"].as_u64().and_then(|r| u8::try_from(r).ok()),
    };
    let sentence = match (notice.customer_notice(), notice.team_alert()) {
        (Some(kind), _) => text::customer_sentence(kind, lang, &about),
        (None, Some(alert)) => text::alert_sentence(alert, lang, &about),
        (None, None) => return Err((format!("unknown notice {:?}", notice.kind), false)),
    };
    let refused =
        |refusal: shouhou_core::notice::robot::Refusal| (refusal.reason, refusal.transient);
    match notice.channel {
        Channel::Email => {
            let smtp = settings.smtp.as_ref().ok_or(("SMTP is not set up".to_string(), false))?;
            let customer = notice.customer_notice().is_some();
            let (body, unsubscribe) = if customer {
                let key = link_key(state).await.map_err(|e| (e, true))?;
                let token = links::token(&key, notice.id);
                let brand = state.config.brand.get(lang);
                let page = format!("{}/unsubscribe/{token}", public.trim_end_matches('/'));
                let one_click =
                    format!("{}/api/v1/unsubscribe/{token}", public.trim_end_matches('/'));
                (text::email_body(lang, &sentence, brand, &page), Some(one_click))
            } else {
                (format!("{sentence}\r\n"), None)
            };
            let host = public
                .split("://")
                .nth(1)
                .unwrap_or("shouhou.invalid")
                .split(['/', ':'])
                .next()
                .unwrap_or("shouhou.invalid");
            smtp.send(Email {
                message_id: format!("<notice-{}@{host}>", notice.id),
                to: &notice.recipient,
                subject: text::subject(lang, &notice.reference, !customer),
                body,
                unsubscribe,
            })
            .await
            .map_err(|MailError { reason, transient }| (reason, transient))
        }
        Channel::Sms => {
            let gateway =
                settings.sms.as_ref().ok_or(("no SMS gateway is set up".to_string(), false))?;
            let values = [
                ("phone", notice.recipient.as_str()),
                ("national_phone", national_phone(&notice.recipient)),
                ("reference", notice.reference.as_str()),
                ("link", link.as_str()),
                ("text", sentence.as_str()),
                ("notice", notice.kind.as_str()),
                ("template", gateway.body.template_for(&notice.kind)),
                ("language", lang.tag()),
            ];
            gateway.send(client, &values).await.map_err(refused)
        }
        robot => {
            let hook =
                settings.robot(robot).ok_or(("that robot is not set up".to_string(), false))?;
            hook.send(client, &sentence, now * 1000).await.map_err(refused)
        }
    }
}

/// The unsubscribe links' key, read from the database once.
pub async fn link_key(state: &AppState) -> Result<String, String> {
    state
        .link_key
        .get_or_try_init(|| async { state.store.link_key(&links::new_key()).await })
        .await
        .cloned()
        .map_err(|e| e.to_string())
}

/// A uniform draw in 0..1 for the backoff's jitter.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::getrandom(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

/// Starts the worker on the current runtime.
pub fn spawn(state: Arc<AppState>) {
    tokio::spawn(run(state));
}
