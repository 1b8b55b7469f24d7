//! What the customer adds from the status page: a message answering the team, and a
//! satisfaction rating. Both come from the app's outbox, which retries until it hears back,
//! so both are idempotent on the client's key exactly as a create is: the first try writes,
//! every retry with the same content is answered with what the first one wrote.
//!
//! Everything — the contact check, the key, the status check, the entry, its photos and the
//! status change a message brings — happens in one write holding the request's row, so
//! concurrent retries of one message make one entry, and a message and a staff status change
//! racing each other cannot both pass the status check.

use shouhou_core::{EntryKind, PhotoRef, Status, ValidRequest};

use super::error::StoreError;
use super::facts;
use super::requests::{find, insert_photo};
use super::sql::{params, Conn};
use super::timeline::{apply_change, blank_entry, entry, event_entry, insert_entry, lock_request};
use super::timeline::{Entry, EventRequest};
use super::types::PhotoUpload;

/// What the customer posts.
pub enum Post {
    /// Answers the team's question; brings the request back to `in_progress`.
    Message { text: String, photos: Vec<(PhotoRef, PhotoUpload)> },
    /// 1–5, and a comment that may be empty.
    Rating { rating: u8, comment: String },
}

/// A post with everything the write needs, owned, so it can travel to the writer thread.
pub struct CustomerPost {
    pub idempotency_key: String,
    /// What was sent, as compared on a retry: the same key with other content is refused.
    pub submitted_json: String,
    pub post: Post,
    /// RFC 3339, in the server's offset like every other time.
    pub now: String,
}

/// The timeline entry the post made, and whether this was a retry of it.
#[derive(Debug)]
pub struct Posted {
    pub entry: Entry,
    pub replayed: bool,
}

/// The entry a post makes on a request now in `status`, by core's rules (a message only
/// while the team waits for the customer, a rating only once resolved); a message's text
/// and photos are the store's to add.
pub fn post_entry(status: Status, post: &Post, now: &str) -> Result<Entry, StoreError> {
    let mut made = blank_entry(EntryKind::CustomerMessage, None, now);
    match post {
        Post::Message { .. } => {
            if !status.customer_may_reply() {
                return Err(StoreError::NotWaitingForCustomer);
            }
        }
        Post::Rating { rating, comment } => {
            if !status.customer_may_rate() {
                return Err(StoreError::NotResolved);
            }
            made.kind = EntryKind::Rating;
            made.satisfaction = Some(*rating);
            made.text = (!comment.is_empty()).then(|| comment.clone());
        }
    }
    made.public = true;
    Ok(made)
}

/// Stores the post on the request's timeline, or answers what its key stored before.
/// `contact_ok` says whether the contact sent matches the request's; a wrong one is
/// [`StoreError::NoMatch`], as for a reference that does not exist.
pub async fn post(
    c: &impl Conn,
    reference: &str,
    contact_ok: impl FnOnce(&ValidRequest) -> bool,
    new: &CustomerPost,
) -> Result<Posted, StoreError> {
    let Some(stored) = find(c, reference).await? else { return Err(StoreError::NoMatch) };
    if !contact_ok(&stored.request) {
        return Err(StoreError::NoMatch);
    }
    let (request_id, status) = lock_request(c, reference).await?.ok_or(StoreError::NoMatch)?;

    // A retry is answered before any status check: the message that moved the request on to
    // `in_progress` must still be acknowledged when its retry arrives after that.
    if let Some(earlier) = earlier_post(c, new).await? {
        return Ok(earlier);
    }

    let mut made = post_entry(status, &new.post, &new.now)?;
    let before = facts::snapshot(c, request_id).await?;
    match &new.post {
        Post::Message { text, photos } => {
            made.text = Some(text.clone());
            insert_entry(c, request_id, &mut made).await?;
            for (photo, upload) in photos {
                let taken: bool = c
                    .value(
                        "SELECT EXISTS (SELECT 1 FROM photos WHERE request_id = $1 AND photo_id = $2)",
                        params![request_id, &photo.id],
                    )
                    .await?;
                if taken {
                    return Err(StoreError::PhotoIdTaken);
                }
                insert_photo(c, request_id, photo, upload, Some(made.id)).await?;
                made.photos.push(photo.clone());
            }
            // The answer is what the team waited for: the request is the team's again,
            // through the same status machine as a staff change (so it is one, on the
            // timeline, dated with the message).
            let (mut moved, change) = event_entry(
                status,
                &EventRequest::Status { status: Status::InProgress },
                None,
                &new.now,
            )?;
            apply_change(c, request_id, change).await?;
            insert_entry(c, request_id, &mut moved).await?;
        }
        Post::Rating { .. } => {
            let rated: bool = c
                .value(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE request_id = $1 AND kind = 'rating')",
                    params![request_id],
                )
                .await?;
            if rated {
                return Err(StoreError::AlreadyRated);
            }
            insert_entry(c, request_id, &mut made).await?;
        }
    }
    // The same key on two requests at once (each write holding its own request) meets here,
    // at the key's UNIQUE: the second waits for the first's commit and stores nothing, and its
    // write is undone with the refusal.
    let inserted = c
        .execute(
            "INSERT INTO customer_posts (idempotency_key, request_id, event_id, submitted_json)
             VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING",
            params![&new.idempotency_key, request_id, made.id, &new.submitted_json],
        )
        .await?;
    if inserted == 0 {
        return Err(StoreError::KeyReused);
    }
    facts::settle(c, &before, &facts::snapshot(c, request_id).await?).await?;
    Ok(Posted { entry: made, replayed: false })
}

/// What this post's key stored before, if anything; `KeyReused` for other content under it.
async fn earlier_post(c: &impl Conn, new: &CustomerPost) -> Result<Option<Posted>, StoreError> {
    let earlier = c
        .query_opt(
            "SELECT submitted_json, event_id FROM customer_posts WHERE idempotency_key = $1",
            params![&new.idempotency_key],
        )
        .await?;
    let Some(row) = earlier else { return Ok(None) };
    let (submitted, event_id): (String, i64) = (row.get(0)?, row.get(1)?);
    if submitted != new.submitted_json {
        return Err(StoreError::KeyReused);
    }
    Ok(Some(Posted { entry: entry(c, event_id).await?, replayed: true }))
}
