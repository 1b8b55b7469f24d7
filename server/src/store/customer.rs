//! What the customer adds from the status page: a message answering the team, and a
//! satisfaction rating. Both come from the app's outbox, which retries until it hears back,
//! so both are idempotent on the client's key exactly as a create is: the first try writes,
//! every retry with the same content is answered with what the first one wrote.
//!
//! Everything — the contact check, the key, the status check, the entry, its photos and the
//! status change a message brings — happens in one write on the writer thread, so concurrent
//! retries of one message make one entry, and a message and a staff status change racing
//! each other cannot both pass the status check.

use rusqlite::{params, Connection, OptionalExtension};
use shouhou_core::{EntryKind, PhotoRef, Status, ValidRequest};

use super::timeline::{add_event, blank_entry, entry, insert_entry};
use super::{Entry, EventRequest, PhotoUpload, StoreError};

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
/// and photos are the store's to add. Both stores build it here.
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
/// [`StoreError::NotFound`], as for a reference that does not exist.
pub fn post(
    conn: &Connection,
    reference: &str,
    contact_ok: impl FnOnce(&ValidRequest) -> bool,
    new: &CustomerPost,
) -> Result<Posted, StoreError> {
    let Some(stored) = super::find_in(conn, reference)? else { return Err(StoreError::NotFound) };
    if !contact_ok(&stored.request) {
        return Err(StoreError::NotFound);
    }
    let request_id: i64 =
        conn.query_row("SELECT id FROM requests WHERE reference = ?1", [reference], |r| r.get(0))?;

    // A retry is answered before any status check: the message that moved the request on to
    // `in_progress` must still be acknowledged when its retry arrives after that.
    let earlier: Option<(String, i64)> = conn
        .query_row(
            "SELECT submitted_json, event_id FROM customer_posts WHERE idempotency_key = ?1",
            [&new.idempotency_key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    if let Some((submitted, event_id)) = earlier {
        if submitted != new.submitted_json {
            return Err(StoreError::KeyReused);
        }
        return Ok(Posted { entry: entry(conn, event_id)?, replayed: true });
    }

    let status = Status::parse(&stored.status).unwrap_or(Status::Received);
    let mut made = post_entry(status, &new.post, &new.now)?;
    match &new.post {
        Post::Message { text, photos } => {
            made.text = Some(text.clone());
            insert_entry(conn, request_id, &mut made)?;
            for (photo, upload) in photos {
                let taken: bool = conn.query_row(
                    "SELECT EXISTS (SELECT 1 FROM photos WHERE request_id = ?1 AND photo_id = ?2)",
                    params![request_id, photo.id],
                    |row| row.get(0),
                )?;
                if taken {
                    return Err(StoreError::PhotoIdTaken);
                }
                conn.execute(
                    "INSERT INTO photos (request_id, photo_id, content_type, bytes, width, height,
                                         data, event_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        request_id,
                        photo.id,
                        photo.content_type,
                        upload.bytes.len() as i64,
                        photo.width,
                        photo.height,
                        upload.bytes,
                        made.id,
                    ],
                )?;
                made.photos.push(photo.clone());
            }
            // The answer is what the team waited for: the request is the team's again,
            // through the same status machine as a staff change (so it is one, on the
            // timeline, dated with the message).
            add_event(
                conn,
                reference,
                &EventRequest::Status { status: Status::InProgress },
                None,
                &new.now,
            )?;
        }
        Post::Rating { .. } => {
            let rated: bool = conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM events WHERE request_id = ?1 AND kind = 'rating')",
                [request_id],
                |row| row.get(0),
            )?;
            if rated {
                return Err(StoreError::AlreadyRated);
            }
            insert_entry(conn, request_id, &mut made)?;
        }
    }
    conn.execute(
        "INSERT INTO customer_posts (idempotency_key, request_id, event_id, submitted_json)
         VALUES (?1, ?2, ?3, ?4)",
        params![new.idempotency_key, request_id, made.id, new.submitted_json],
    )?;
    Ok(Posted { entry: made, replayed: false })
}
