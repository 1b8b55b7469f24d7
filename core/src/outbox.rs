//! The outbox: finished requests waiting to be sent, and what happens to them.
//!
//! "Submit" freezes the draft's request into an [`OutboxItem`] with the draft's idempotency
//! key; from then on only this state machine decides. Transient failures (no network, 5xx,
//! 429) are retried with exponential backoff and full jitter, for ever, until the user turns
//! the item back into a draft; a refusal of the content (other 4xx) returns it to an editable
//! draft with the server's messages. The key never changes while an item is in the outbox,
//! so no number of retries, tabs or restarts can create a second request.

use serde::{Deserialize, Serialize};

use crate::config::AppConfig;
use crate::draft::{Draft, Step};
use crate::i18n::Lang;
use crate::schema::{PhotoRef, RequestFields};
use crate::validate::{validate_request, FieldError};
use crate::warranty::CivilDate;

/// Full-jitter backoff (the AWS rule): the delay before try `n + 1` is uniform in
/// `[0, min(cap, base·2^(n−1))]` — 2 s, 4 s, 8 s … up to 5 minutes — raised to
/// [`BACKOFF_FLOOR_MS`] and to the server's `Retry-After` when it gave one.
pub const BACKOFF_BASE_MS: u64 = 2_000;
pub const BACKOFF_CAP_MS: u64 = 5 * 60 * 1_000;
/// The least wait between two tries of one item. Full jitter alone may draw 0 ms; a refusal
/// answered in a millisecond would then be retried in a tight loop. Half a second keeps one
/// tab at two tries a second at worst, and sits well below the app's 3 s retry tick, so the
/// floor costs a customer nothing.
pub const BACKOFF_FLOOR_MS: u64 = 500;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    /// Waiting to be sent (`next_attempt_at_ms`).
    Queued,
    /// A send is under way. Found at start-up, it means the tab died mid-send: sent again,
    /// safely, under the same key.
    Sending,
    Sent {
        reference: String,
        reply_by: String,
    },
    /// The last try failed for a reason that may pass; it is retried at `next_attempt_at_ms`.
    Failed {
        reason: String,
    },
    /// The backend refused a follow-up for good (the request no longer waits for the
    /// customer, or was rated already): it is not sent again, and the customer is told why.
    Refused {
        reason: String,
    },
}

/// What a customer sends about a request already filed: an answer to the team's question, or
/// their rating once it is resolved. It goes through the outbox like a request: offline it
/// waits, and its key makes every retry one message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUp {
    Message { reference: String, contact: String, text: String },
    Rating { reference: String, contact: String, rating: u8, comment: String },
}

impl FollowUp {
    /// The filed request it is about.
    pub fn reference(&self) -> &str {
        match self {
            FollowUp::Message { reference, .. } | FollowUp::Rating { reference, .. } => reference,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// The draft's id: one draft, one outbox item.
    pub id: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_at_ms: u64,
    pub queued_at_ms: u64,
    /// The draft as submitted: the request content (frozen) and what to go back to. For a
    /// follow-up, an empty draft that only carries the item's id and idempotency key.
    pub draft: Draft,
    /// Set when this item is a follow-up to a filed request rather than a request.
    #[serde(default)]
    pub follow_up: Option<FollowUp>,
}

/// What one try to send came to.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    Accepted {
        reference: String,
        reply_by: String,
    },
    /// No answer, 5xx, 429: try again later (`retry_after_ms` from a Retry-After header).
    Transient {
        reason: String,
        retry_after_ms: Option<u64>,
    },
    /// The server refused this content: it cannot succeed unchanged.
    Rejected {
        message: String,
        fields: Vec<FieldError>,
    },
}

/// What an HTTP answer means for something waiting to be sent. One rule for every sender
/// (requests through any backend, deflection counts, and what comes later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 2xx: the backend has it.
    Delivered,
    /// 408, 429 and 5xx: the same content may well succeed later, no sooner than
    /// `retry_after_ms` when the server said so. (No answer at all is retried too.)
    RetryLater { retry_after_ms: Option<u64> },
    /// Any other answer: this content will never succeed as it is.
    Refused,
}

/// Classifies an answer by its status and its `Retry-After` header (delay-seconds; the
/// HTTP-date form is read as no hint, and the backoff decides).
pub fn classify(status: u16, retry_after: Option<&str>) -> Answer {
    match status {
        200..=299 => Answer::Delivered,
        408 | 429 | 500..=599 => Answer::RetryLater {
            retry_after_ms: retry_after
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(|seconds| seconds.saturating_mul(1_000)),
        },
        _ => Answer::Refused,
    }
}

/// What the app must do after recording an outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum AfterSend {
    /// Store the updated item.
    Keep,
    /// Remove the item and store this draft instead, showing these messages on its fields.
    BackToDraft { draft: Box<Draft>, message: String, fields: Vec<FieldError> },
}

/// Delay before try number `attempts + 1`: full jitter (`jitter` in 0..1 picks a point in
/// `[0, min(cap, base·2^(attempts−1))]`), so a crowd of tablets coming back online does not
/// retry in lock-step, and never below [`BACKOFF_FLOOR_MS`].
pub fn backoff_ms(attempts: u32, jitter: f64) -> u64 {
    let exponential = BACKOFF_BASE_MS.saturating_mul(1u64 << attempts.saturating_sub(1).min(20));
    let ceiling = exponential.min(BACKOFF_CAP_MS);
    let drawn = (ceiling as f64 * jitter.clamp(0.0, 1.0)) as u64;
    drawn.max(BACKOFF_FLOOR_MS)
}

impl OutboxItem {
    /// Freezes a finished draft into the outbox, due at once, if it is complete on the
    /// customer's date `today`; it is stamped with that date, on which the server judges it
    /// however long it waits, and with the language the customer reads (`lang`), in which
    /// notices are written to them. Otherwise the errors say what is missing.
    pub fn submit(
        mut draft: Draft,
        config: &AppConfig,
        today: CivilDate,
        lang: Lang,
        now_ms: u64,
    ) -> Result<OutboxItem, Vec<FieldError>> {
        validate_request(&draft.fields, config, today)?;
        draft.fields.local_date = today.to_string();
        draft.fields.language = lang.tag().to_string();
        Ok(OutboxItem::queued(draft, now_ms))
    }

    /// A follow-up to a filed request, due at once, with its own id and idempotency key. A
    /// message's photos ride in the carrier draft, where the sender finds a request's photos
    /// to upload and, once delivered, to delete from the device.
    pub fn follow_up(
        id: String,
        key: String,
        follow_up: FollowUp,
        photos: Vec<PhotoRef>,
        now_ms: u64,
    ) -> OutboxItem {
        let mut carrier = Draft::new(id, key, now_ms);
        if matches!(follow_up, FollowUp::Message { .. }) {
            carrier.fields.photos = photos;
        }
        OutboxItem { follow_up: Some(follow_up), ..OutboxItem::queued(carrier, now_ms) }
    }

    fn queued(draft: Draft, now_ms: u64) -> OutboxItem {
        OutboxItem {
            follow_up: None,
            id: draft.id.clone(),
            status: OutboxStatus::Queued,
            attempts: 0,
            next_attempt_at_ms: now_ms,
            queued_at_ms: now_ms,
            draft,
        }
    }

    pub fn idempotency_key(&self) -> &str {
        &self.draft.idempotency_key
    }

    /// The backend's reference, once delivered.
    pub fn reference(&self) -> Option<&str> {
        match &self.status {
            OutboxStatus::Sent { reference, .. } => Some(reference),
            _ => None,
        }
    }

    pub fn is_sent(&self) -> bool {
        matches!(self.status, OutboxStatus::Sent { .. })
    }

    /// Whether a sender should try this item now.
    pub fn is_due(&self, now_ms: u64) -> bool {
        match self.status {
            OutboxStatus::Queued | OutboxStatus::Failed { .. } => now_ms >= self.next_attempt_at_ms,
            // Left over from a tab that died mid-send.
            OutboxStatus::Sending => true,
            OutboxStatus::Sent { .. } | OutboxStatus::Refused { .. } => false,
        }
    }

    pub fn start_sending(&mut self) {
        self.status = OutboxStatus::Sending;
        self.attempts += 1;
    }

    /// "Send now": the next try is due at once.
    pub fn retry_now(&mut self, now_ms: u64) {
        if !self.is_sent() {
            self.next_attempt_at_ms = now_ms;
        }
    }

    /// Applies a try's outcome. `fresh_key` is used only if the server refused the content:
    /// it certainly stored nothing under the old key, and the corrected request is a new one.
    pub fn record(
        &mut self,
        outcome: SendOutcome,
        now_ms: u64,
        jitter: f64,
        fresh_key: String,
    ) -> AfterSend {
        match outcome {
            SendOutcome::Accepted { reference, reply_by } => {
                self.status = OutboxStatus::Sent { reference, reply_by };
                AfterSend::Keep
            }
            SendOutcome::Transient { reason, retry_after_ms } => {
                let delay = backoff_ms(self.attempts, jitter).max(retry_after_ms.unwrap_or(0));
                self.status = OutboxStatus::Failed { reason };
                self.next_attempt_at_ms = now_ms.saturating_add(delay);
                AfterSend::Keep
            }
            // A follow-up has no form to go back to: it stays, refused, with the reason.
            SendOutcome::Rejected { message, .. } if self.follow_up.is_some() => {
                self.status = OutboxStatus::Refused { reason: message };
                AfterSend::Keep
            }
            SendOutcome::Rejected { message, fields } => {
                let mut draft = self.to_draft(now_ms);
                draft.renew_idempotency_key(fresh_key);
                AfterSend::BackToDraft { draft: Box::new(draft), message, fields }
            }
        }
    }

    /// What a kiosk keeps of a delivered request: its reference, its state and what it was
    /// about (intent and product line) — not who asked, how to reach them, what they said or
    /// their photos. The next customer at the screen must find nothing of them.
    pub fn without_personal_data(&self) -> OutboxItem {
        let mut item = self.clone();
        let kept = &self.draft.fields;
        item.draft.fields = RequestFields {
            intent: kept.intent.clone(),
            product_line: kept.product_line.clone(),
            ..RequestFields::default()
        };
        item.draft.flow = None;
        item.draft.edits.clear();
        item.follow_up = self.follow_up.as_ref().map(|follow_up| match follow_up {
            FollowUp::Message { reference, .. } => FollowUp::Message {
                reference: reference.clone(),
                contact: String::new(),
                text: String::new(),
            },
            FollowUp::Rating { reference, rating, .. } => FollowUp::Rating {
                reference: reference.clone(),
                contact: String::new(),
                rating: *rating,
                comment: String::new(),
            },
        });
        item
    }

    /// The user's "edit instead": the request goes back to being an editable draft on the form
    /// step, keeping its key — a try may have arrived without its answer reaching us.
    pub fn to_draft(&self, now_ms: u64) -> Draft {
        let mut draft = self.draft.clone();
        draft.step = Step::Review;
        draft.revision += 1;
        draft.updated_at_ms = draft.updated_at_ms.max(now_ms);
        draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ErrorCode;
    use crate::Field;

    fn item() -> OutboxItem {
        let mut draft = Draft::new("d1".into(), "key-1".into(), 0);
        draft.fields.description = "空调不制冷".into();
        draft.step = Step::Review;
        OutboxItem::queued(draft, 1_000)
    }

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../static/config.json")).unwrap()
    }

    #[test]
    fn a_kiosk_keeps_nothing_personal_of_a_delivered_request() {
        let mut item = item();
        item.draft.fields.full_name = "王建国".into();
        item.draft.fields.phone = "13812345678".into();
        item.draft.fields.intent = "repair".into();
        item.status = OutboxStatus::Sent { reference: "SR-1".into(), reply_by: "x".into() };
        let kept = item.without_personal_data();
        assert_eq!(kept.reference(), Some("SR-1"));
        assert_eq!(kept.draft.fields.intent, "repair");
        let stored = serde_json::to_string(&kept).unwrap();
        for personal in ["王建国", "13812345678", "空调不制冷"] {
            assert!(!stored.contains(personal), "{personal} left in {stored}");
        }
    }

    #[test]
    fn a_refused_follow_up_stays_refused_and_is_not_sent_again() {
        let message = FollowUp::Message {
            reference: "SR-20261127-K7Q4M2X".into(),
            contact: "13812345678".into(),
            text: "型号是 BCD-452".into(),
        };
        let photo = PhotoRef {
            id: "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b01".into(),
            content_type: "image/jpeg".into(),
            bytes: 9,
            width: 1,
            height: 1,
        };
        let mut item =
            OutboxItem::follow_up("m1".into(), "key-m1".into(), message.clone(), vec![photo], 5);
        assert_eq!(item.draft.fields.photos.len(), 1, "the message's photo goes with it");
        assert!(item.without_personal_data().draft.fields.photos.is_empty());
        let rating = FollowUp::Rating {
            reference: "SR-20261127-K7Q4M2X".into(),
            contact: "13812345678".into(),
            rating: 5,
            comment: String::new(),
        };
        let photo_again = item.draft.fields.photos.clone();
        let rated = OutboxItem::follow_up("r1".into(), "key-r1".into(), rating, photo_again, 5);
        assert!(rated.draft.fields.photos.is_empty(), "a rating has no photos");
        assert!(item.is_due(5));
        item.start_sending();
        let offline = SendOutcome::Transient { reason: "offline".into(), retry_after_ms: None };
        assert_eq!(item.record(offline, 6, 0.5, "unused".into()), AfterSend::Keep);
        item.start_sending();
        let refused = SendOutcome::Rejected { message: "no longer waiting".into(), fields: vec![] };
        assert_eq!(item.record(refused, 7, 0.5, "unused".into()), AfterSend::Keep);
        assert_eq!(item.status, OutboxStatus::Refused { reason: "no longer waiting".into() });
        assert!(!item.is_due(u64::MAX));
        assert_eq!(item.idempotency_key(), "key-m1", "every try carried one key");
        let stored = serde_json::to_string(&item).unwrap();
        assert_eq!(serde_json::from_str::<OutboxItem>(&stored).unwrap(), item);
        assert_eq!(item.follow_up.as_ref().map(FollowUp::reference), Some("SR-20261127-K7Q4M2X"));
    }

    #[test]
    fn every_answer_is_classified_by_one_rule() {
        for status in [200, 201, 204] {
            assert_eq!(classify(status, None), Answer::Delivered, "{status}");
        }
        for status in [408, 429, 500, 502, 503, 504] {
            assert_eq!(classify(status, None), Answer::RetryLater { retry_after_ms: None });
        }
        assert_eq!(classify(429, Some(" 7 ")), Answer::RetryLater { retry_after_ms: Some(7_000) });
        assert_eq!(
            classify(503, Some("Wed, 21 Oct 2026 07:28:00 GMT")),
            Answer::RetryLater { retry_after_ms: None },
            "a date is no hint: the backoff decides"
        );
        for status in [301, 400, 401, 403, 404, 409, 413, 415, 422] {
            assert_eq!(classify(status, Some("5")), Answer::Refused, "{status}");
        }
    }

    #[test]
    fn submitting_checks_the_request_and_stamps_the_customers_date() {
        let today = CivilDate { year: 2026, month: 11, day: 27 };
        let mut draft = Draft::new("d1".into(), "key-1".into(), 0);
        let missing = OutboxItem::submit(draft.clone(), &config(), today, Lang::En, 5).unwrap_err();
        assert!(missing.iter().any(|e| e.field == Field::Intent));
        for (field, value) in [
            (Field::Intent, "consultation"),
            (Field::ProductLine, "network"),
            (Field::FullName, "赵敏"),
            (Field::Phone, "13912345678"),
            (Field::Description, "如何给无线控制器升级？"),
        ] {
            draft.fields.set(field, value.to_string());
        }
        let item = OutboxItem::submit(draft, &config(), today, Lang::En, 5).unwrap();
        assert_eq!(item.draft.fields.local_date, "2026-11-27");
        assert_eq!(item.draft.fields.language, "en", "notices are written in it");
        assert!(item.is_due(5));
    }

    #[test]
    fn backoff_is_full_jitter_up_to_a_doubling_ceiling_with_a_floor() {
        // The ceiling: 2 s for the first retry, doubling, at most 5 minutes.
        assert_eq!(backoff_ms(1, 1.0), 2_000);
        assert_eq!(backoff_ms(2, 1.0), 4_000);
        assert_eq!(backoff_ms(4, 1.0), 16_000);
        assert_eq!(backoff_ms(9, 1.0), BACKOFF_CAP_MS, "2 s · 2^8 = 512 s is over the cap");
        assert_eq!(backoff_ms(u32::MAX, 1.0), BACKOFF_CAP_MS);
        // Uniform below it: the jitter is the fraction of the ceiling drawn.
        assert_eq!(backoff_ms(2, 0.5), 2_000);
        assert_eq!(backoff_ms(30, 0.25), BACKOFF_CAP_MS / 4);
        // Never below the floor, not even for a draw of 0.
        assert_eq!(backoff_ms(1, 0.0), BACKOFF_FLOOR_MS);
        assert_eq!(backoff_ms(30, 0.0), BACKOFF_FLOOR_MS);
        assert_eq!(backoff_ms(1, 0.1), BACKOFF_FLOOR_MS, "200 ms drawn, raised to the floor");
        for attempts in 0..40u32 {
            let ceiling =
                (BACKOFF_BASE_MS << attempts.saturating_sub(1).min(20)).min(BACKOFF_CAP_MS);
            for jitter in [0.0, 0.3, 0.99, 1.0, 7.0, -1.0, f64::NAN] {
                let delay = backoff_ms(attempts, jitter);
                assert!(
                    (BACKOFF_FLOOR_MS..=ceiling).contains(&delay),
                    "{attempts} {jitter} {delay}"
                );
            }
        }
    }

    #[test]
    fn a_new_item_is_due_at_once_and_keeps_the_drafts_key() {
        let item = item();
        assert!(item.is_due(1_000));
        assert_eq!(item.idempotency_key(), "key-1");
        assert_eq!(item.status, OutboxStatus::Queued);
    }

    #[test]
    fn transient_failures_wait_longer_each_time_and_honour_retry_after() {
        let mut item = item();
        item.start_sending();
        let after = item.record(
            SendOutcome::Transient { reason: "offline".into(), retry_after_ms: None },
            10_000,
            1.0,
            "k2".into(),
        );
        assert_eq!(after, AfterSend::Keep);
        assert_eq!(item.status, OutboxStatus::Failed { reason: "offline".into() });
        assert_eq!(item.next_attempt_at_ms, 12_000);
        assert!(!item.is_due(11_999) && item.is_due(12_000));

        item.start_sending();
        item.record(
            SendOutcome::Transient { reason: "HTTP 429".into(), retry_after_ms: Some(60_000) },
            20_000,
            1.0,
            "k2".into(),
        );
        assert_eq!(item.next_attempt_at_ms, 80_000, "Retry-After wins over a shorter backoff");

        // Retry-After is a lower bound, never a replacement: a longer backoff still holds.
        item.start_sending();
        item.record(
            SendOutcome::Transient { reason: "HTTP 503".into(), retry_after_ms: Some(1_000) },
            20_000,
            1.0,
            "k2".into(),
        );
        assert_eq!(item.next_attempt_at_ms, 28_000, "third try: the 8 s ceiling, drawn whole");
        item.start_sending();
        item.record(
            SendOutcome::Transient { reason: "HTTP 503".into(), retry_after_ms: None },
            20_000,
            0.0,
            "k2".into(),
        );
        assert_eq!(
            item.next_attempt_at_ms,
            20_000 + BACKOFF_FLOOR_MS,
            "a draw of 0 waits the floor"
        );
        item.retry_now(30_000);
        assert!(item.is_due(30_000));
        assert_eq!(item.idempotency_key(), "key-1", "the key never changes in the outbox");
    }

    #[test]
    fn an_item_left_sending_by_a_dead_tab_is_due_again() {
        let mut item = item();
        item.start_sending();
        assert!(item.is_due(0));
    }

    #[test]
    fn acceptance_is_final() {
        let mut item = item();
        item.start_sending();
        item.record(
            SendOutcome::Accepted { reference: "SR-20261126-0001".into(), reply_by: "t".into() },
            5,
            0.5,
            "k2".into(),
        );
        assert!(item.is_sent() && !item.is_due(u64::MAX));
        item.retry_now(6);
        assert!(!item.is_due(u64::MAX));
    }

    #[test]
    fn a_refusal_returns_an_editable_draft_with_the_servers_messages() {
        let mut item = item();
        item.start_sending();
        let fields = vec![FieldError { field: Field::Phone, code: ErrorCode::InvalidPhone }];
        let after = item.record(
            SendOutcome::Rejected { message: "bad".into(), fields: fields.clone() },
            9_000,
            0.0,
            "key-2".into(),
        );
        let AfterSend::BackToDraft { draft, message, fields: returned } = after else {
            panic!("{after:?}")
        };
        assert_eq!((message.as_str(), returned), ("bad", fields));
        assert_eq!(draft.step, Step::Review);
        assert_eq!(draft.fields.description, "空调不制冷");
        assert_eq!((draft.revision, draft.updated_at_ms), (1, 9_000));
        assert_eq!(draft.idempotency_key, "key-2", "the corrected request is a new one");
        assert_eq!(
            item.to_draft(9_500).idempotency_key,
            "key-1",
            "editing an unanswered try keeps its key"
        );
    }

    #[test]
    fn items_survive_storage() {
        let item = item();
        let text = serde_json::to_string(&item).unwrap();
        assert_eq!(serde_json::from_str::<OutboxItem>(&text).unwrap(), item);
    }
}
