//! Filing a request and what the customer's app sends besides: the create (idempotent on the
//! client's `Idempotency-Key`), a deflection count, a request read back by its reference, and
//! a photo's bytes.
//!
//! A create is one INSERT that meets both UNIQUE constraints (the key's and the reference's)
//! with `ON CONFLICT DO NOTHING`: a key stored before, by this write or a concurrent one
//! (whose commit the insert waits for), is answered with what it stored; a reference drawn
//! twice (about one in 10⁹ per pair on one day) is drawn again. Any number of concurrent
//! retries of one request therefore make exactly one row, on either database.

use chrono::SecondsFormat;
use serde_json::json;
use shouhou_core::flow::engine::Deflection;
use shouhou_core::reference::{new_reference, RANDOM_LEN};
use shouhou_core::{PhotoRef, Status, ValidRequest, WarrantyStatus};

use super::error::StoreError;
use super::facts::{self, fact_values, RequestRow, Snapshot};
use super::notices::{self, Telling};
use super::report;
use super::search::Words;
use super::sql::{params, Conn};
use super::types::{Created, NewRequest, PhotoUpload, StoredRequest};

/// Where the random part of references comes from: the OS in the server, a script in tests.
pub type Draw<'a> = &'a (dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync);

const INSERT_REQUEST: &str = "
    INSERT INTO requests (reference, idempotency_key, intent, product_line, full_name, phone,
                          email, description, request_json, created_at, reply_by, category,
                          priority, troubleshooting_json, details_json, warranty, submitted_json,
                          search_text, serial_key, created_ts, created_day, reply_by_ts,
                          promised_ts, promised_day, escalates_ts, escalates_day, answered_ts,
                          resolved_ts, resolved_day, followed_up, satisfaction)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
            $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31)
    ON CONFLICT DO NOTHING
    RETURNING id";

/// Stores the request under its idempotency key, or returns what that key stored before.
/// `horizon` is the last day that may be settled ([`report::settle_horizon`]).
pub async fn create(
    c: &impl Conn,
    new: &NewRequest,
    draw: Draw<'_>,
    horizon: &str,
    telling: &Telling,
) -> Result<Created, StoreError> {
    let NewRequest { idempotency_key, submitted_json, request, photos, now, reply_by, filed_by } =
        new;
    let created_at = now.to_rfc3339_opts(SecondsFormat::Secs, false);
    let reply_by = reply_by.to_rfc3339_opts(SecondsFormat::Secs, false);
    let facts = Snapshot {
        request: RequestRow {
            id: 0,
            intent: request.intent.as_str().into(),
            status: Status::Received.as_str().into(),
            product_line: request.product_line.clone(),
            category: request.category.map(|c| c.as_str().into()),
            priority: request.priority.map(|p| p.as_str().into()),
            assigned_to: None,
            created_at: created_at.clone(),
            reply_by: reply_by.clone(),
            first_reply_by: None,
            warranty: request.warranty.as_ref().map(|w| w.as_str().into()),
        },
        events: Vec::new(),
    }
    .facts();
    let words = Words::of_request(request);
    let request_json = serde_json::to_string(request).expect("a valid request serialises");
    let troubleshooting = request
        .troubleshooting
        .as_ref()
        .map(|t| serde_json::to_string(t).expect("a transcript serialises"));
    let details = serde_json::to_string(&request.details).expect("details serialise");
    for _ in 0..16 {
        let reference = new_reference(&now.format("%Y%m%d").to_string(), draw());
        let mut values = params![
            &reference,
            idempotency_key,
            request.intent.as_str(),
            &request.product_line,
            &request.full_name,
            &request.phone,
            request.email.as_deref(),
            &request.description,
            &request_json,
            &created_at,
            &reply_by,
            request.category.map(|c| c.as_str()),
            request.priority.map(|p| p.as_str()),
            troubleshooting.as_deref(),
            &details,
            request.warranty.as_ref().map(WarrantyStatus::as_str),
            submitted_json,
            &words.search_text,
            words.serial_key.as_deref(),
        ]
        .to_vec();
        values.extend(fact_values(&facts));
        let inserted = c.query_opt(INSERT_REQUEST, &values).await?;
        let Some(row) = inserted else {
            // Either this key was stored before (here, or by a concurrent transaction whose
            // commit the insert waited for, which this statement sees), or the reference
            // was taken.
            if let Some(earlier) = replay(c, idempotency_key, submitted_json).await? {
                return Ok(earlier);
            }
            tracing::warn!(%reference, "reference already taken; drawing another");
            continue;
        };
        let request_id: i64 = row.get(0)?;
        // Only staff file with a session, and only a few requests (on-site reports): the
        // create of a customer's writes nothing more.
        if let Some(filed_by) = filed_by {
            c.execute(
                "UPDATE requests SET filed_by = $1 WHERE id = $2",
                params![filed_by, request_id],
            )
            .await?;
        }
        let key = report::filed(
            request.intent.as_str(),
            request.category.map(|c| c.as_str()),
            &request.product_line,
            request.warranty.as_ref().map(WarrantyStatus::as_str),
        );
        report::count_late(c, &facts.created_day, horizon, "filed", &key).await?;
        for photo in &request.photos {
            // The API checked that exactly one upload carries each listed photo.
            let Some(upload) = photos.iter().find(|upload| upload.id == photo.id) else {
                continue;
            };
            insert_photo(c, request_id, photo, upload, None).await?;
        }
        // Troubleshooting said an engineer must come: the desk is to book one.
        if request.details.get("resolution").map(String::as_str) == Some("onsite_visit")
            && request.intent != shouhou_core::Intent::OnsiteReport
        {
            super::visits::ask_for_visit(c, request_id).await?;
        }
        let filed_at = now.timestamp();
        notices::queue(
            c,
            telling,
            notices::About::Held { request_id, request },
            "filed",
            notices::filed(request),
            json!({}),
            filed_at,
        )
        .await?;
        notices::desk_changed(c, &reference, "filed", filed_at).await?;
        return Ok(Created {
            stored: StoredRequest {
                reference,
                status: "received".into(),
                created_at,
                reply_by,
                request: request.clone(),
            },
            replayed: false,
        });
    }
    Err(StoreError::BatchFailed("no free reference after 16 draws".into()))
}

/// Whether a request (or with `posts`, a customer's post) is stored under this key.
pub async fn key_stored(c: &impl Conn, key: &str, posts: bool) -> Result<bool, StoreError> {
    let sql = if posts {
        "SELECT EXISTS (SELECT 1 FROM customer_posts WHERE idempotency_key = $1)"
    } else {
        "SELECT EXISTS (SELECT 1 FROM requests WHERE idempotency_key = $1)"
    };
    c.value(sql, params![key]).await
}

/// What an earlier try of this key stored, if any; `KeyReused` if it stored other content.
async fn replay(
    c: &impl Conn,
    idempotency_key: &str,
    submitted_json: &str,
) -> Result<Option<Created>, StoreError> {
    let earlier = c
        .query_opt(
            "SELECT reference, COALESCE(submitted_json, request_json) FROM requests
             WHERE idempotency_key = $1",
            params![idempotency_key],
        )
        .await?;
    let Some(row) = earlier else { return Ok(None) };
    let (reference, stored_json): (String, String) = (row.get(0)?, row.get(1)?);
    if stored_json != submitted_json {
        return Err(StoreError::KeyReused);
    }
    let stored = find(c, &reference).await?.ok_or(StoreError::NotFound)?;
    Ok(Some(Created { stored, replayed: true }))
}

/// Stores one photo's bytes with its description: a request's (`event_id` None) or those of
/// the customer's message that is event `event_id`.
pub async fn insert_photo(
    c: &impl Conn,
    request_id: i64,
    photo: &PhotoRef,
    upload: &PhotoUpload,
    event_id: Option<i64>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO photos (request_id, photo_id, content_type, bytes, width, height, data,
                             event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        params![
            request_id,
            &photo.id,
            &photo.content_type,
            upload.bytes.len() as i64,
            photo.width,
            photo.height,
            upload.bytes.as_slice(),
            event_id,
        ],
    )
    .await?;
    Ok(())
}

/// Counts a request that guided troubleshooting solved. True when newly recorded, false
/// when this key was recorded before (a retry from the outbox).
pub async fn record_deflection(
    c: &impl Conn,
    idempotency_key: &str,
    deflection: &Deflection,
    now: &str,
    horizon: &str,
) -> Result<bool, StoreError> {
    let day = facts::day(now);
    let inserted = c
        .execute(
            "INSERT INTO deflections (idempotency_key, flow_id, flow_version, product_line,
                                      outcome, created_at, created_day)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING",
            params![
                idempotency_key,
                &deflection.flow_id,
                deflection.flow_version,
                &deflection.product_line,
                &deflection.outcome,
                now,
                &day,
            ],
        )
        .await?;
    if inserted == 1 {
        report::count_late(c, &day, horizon, "deflected", "").await?;
    }
    Ok(inserted == 1)
}

/// A stored request as the status look-up returns it.
pub async fn find(c: &impl Conn, reference: &str) -> Result<Option<StoredRequest>, StoreError> {
    let row = c
        .query_opt(
            "SELECT reference, status, created_at, reply_by, request_json FROM requests
             WHERE reference = $1",
            params![reference],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(StoredRequest {
        reference: row.get(0)?,
        status: row.get(1)?,
        created_at: row.get(2)?,
        reply_by: row.get(3)?,
        request: stored_request(&row.get::<String>(4)?)?,
    }))
}

/// A request as stored (`request_json`), read back.
pub fn stored_request(json: &str) -> Result<ValidRequest, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Data(format!("a stored request does not parse: {e}")))
}

/// A stored photo's content type and bytes (a request's own or a message's).
pub async fn photo(
    c: &impl Conn,
    reference: &str,
    photo_id: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let row = c
        .query_opt(
            "SELECT photos.content_type, photos.data FROM photos
             JOIN requests ON requests.id = photos.request_id
             WHERE requests.reference = $1 AND photos.photo_id = $2",
            params![reference, photo_id],
        )
        .await?;
    row.map(|row| Ok((row.get(0)?, row.get(1)?))).transpose()
}
