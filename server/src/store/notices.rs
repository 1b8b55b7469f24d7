//! The notification outbox: every notice to a customer and every alert to the team is a row
//! of `notices` (one per notice, channel and recipient), written in the same transaction as
//! the change that causes it, so a change is never stored without its notices nor a notice
//! queued for a change that was undone. The worker (`crate::notify`) claims due rows, sends
//! them and records each try in `notice_attempts`. A row is unique per request, cause, kind,
//! channel and recipient, so queueing twice (a retried write, two instances scanning for
//! escalations) queues once.
//!
//! Beside it, `desk_changes`: one row per change the live desk must see (a new request, an
//! entry, a notice's delivery), read by the desk's event stream from any instance and after a
//! reconnection (its id is the stream's event id). On PostgreSQL every instance is also told
//! with `NOTIFY` once the change has committed ([`super::postgres::PgStore::announce`]).

use serde_json::json;
use shouhou_core::notice::delivery::RateCap;
use shouhou_core::notice::{told, Channel, CustomerNotice, Happening, TeamAlert};
use shouhou_core::{Lang, ValidRequest};

use super::error::StoreError;
use super::sql::{params, status_list, Conn, Row};

/// The channels this server has set up, for queueing: a notice on a channel nobody set up
/// would never go, so it is not queued.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Telling {
    /// SMTP is set up (`--smtp-url`).
    pub email: bool,
    /// An SMS gateway is set up (`--sms-url`).
    pub sms: bool,
    /// Group robots set up for team alerts.
    pub robots: Vec<Channel>,
    /// The team's language, for alerts.
    pub team_lang: Option<Lang>,
}

/// Who hears of a change: the audience's name on each row.
const CUSTOMER: &str = "customer";
const TEAM: &str = "team";

/// The request a notice is about.
pub enum About<'a> {
    /// One stored, read back with its assignee.
    Stored(i64),
    /// One its writer has just stored (a create): nobody is assigned to it yet.
    Held { request_id: i64, request: &'a ValidRequest },
}

/// Queues what `happening` on the request tells: the customer's notice on each
/// channel they agreed to (with the contact given), and the team's alert by email to the
/// assignee (or the leads when nobody is assigned) and to each robot. `cause` names the
/// change once (`event:<id>`, `filed`, `escalated`); `args` are the sentence's values (a
/// time, a rating). Returns how many rows were queued.
pub async fn queue(
    c: &impl Conn,
    telling: &Telling,
    about: About<'_>,
    cause: &str,
    happening: Happening,
    args: serde_json::Value,
    now: i64,
) -> Result<usize, StoreError> {
    let told = told(happening);
    if told.customer.is_none() && told.team.is_none() {
        return Ok(0);
    }
    let read: ValidRequest;
    let (request_id, request, assigned) = match about {
        About::Held { request_id, request } => (request_id, request, None),
        About::Stored(request_id) => {
            let row = c
                .query_opt(
                    "SELECT request_json, assigned_to FROM requests WHERE id = $1",
                    params![request_id],
                )
                .await?
                .ok_or(StoreError::NotFound)?;
            read = serde_json::from_str(&row.get::<String>(0)?)
                .map_err(|e| StoreError::Data(format!("a stored request does not read: {e}")))?;
            (request_id, &read, row.get::<Option<String>>(1)?)
        }
    };
    let urgent = shouhou_core::notice::is_emergency(request.priority, request.category);
    let mut rows: Vec<(&str, &str, Channel, String, String)> = Vec::new();
    if let Some(notice) = told.customer {
        let lang = request.language.clone().unwrap_or_else(|| Lang::ZhCn.tag().to_string());
        for channel in request.notify.iter().map(|c| Channel::from(*c)) {
            let recipient = match channel {
                Channel::Email if telling.email => request.email.clone(),
                Channel::Sms if telling.sms => Some(request.phone.clone()),
                _ => None,
            };
            if let Some(recipient) = recipient {
                rows.push((CUSTOMER, notice.as_str(), channel, recipient, lang.clone()));
            }
        }
    }
    if let Some(alert) = told.team {
        let lang = telling.team_lang.unwrap_or(Lang::ZhCn).tag().to_string();
        if telling.email {
            for address in super::staff::alert_addresses(c, assigned.as_deref()).await? {
                rows.push((TEAM, alert.as_str(), Channel::Email, address, lang.clone()));
            }
        }
        for robot in &telling.robots {
            rows.push((TEAM, alert.as_str(), *robot, robot.as_str().to_string(), lang.clone()));
        }
    }
    let args = args.to_string();
    let mut queued = 0;
    for (audience, kind, channel, recipient, lang) in rows {
        queued += c
            .execute(
                "INSERT INTO notices (request_id, cause, kind, audience, channel, recipient, lang,
                                      args_json, urgent, queued_at, due_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
                 ON CONFLICT DO NOTHING",
                params![
                    request_id,
                    cause,
                    kind,
                    audience,
                    channel.as_str(),
                    &recipient,
                    &lang,
                    &args,
                    urgent,
                    now
                ],
            )
            .await?;
    }
    Ok(queued as usize)
}

/// What made a new request pressing, for [`Happening::Filed`].
pub fn filed(request: &ValidRequest) -> Happening {
    Happening::Filed {
        priority: request.priority,
        category: request.category,
        danger: request.details.get("danger").is_some_and(|danger| danger == "yes"),
    }
}

/// Records a change the live desk must see, to be announced to every instance once it has
/// committed. `what`: `filed`, `event`, `notice`.
pub async fn desk_changed(
    c: &impl Conn,
    reference: &str,
    what: &str,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO desk_changes (at, reference, what) VALUES ($1, $2, $3)",
        params![now, reference, what],
    )
    .await?;
    c.announce_at_commit();
    Ok(())
}

/// A change the desk's stream sends: its id (the event id), the request, what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct DeskChange {
    pub id: i64,
    pub reference: String,
    pub what: String,
}

/// The changes after `after`, oldest first, at most `limit`.
pub async fn changes_after(
    c: &impl Conn,
    after: i64,
    limit: i64,
) -> Result<Vec<DeskChange>, StoreError> {
    let rows = c
        .query(
            "SELECT id, reference, what FROM desk_changes WHERE id > $1 ORDER BY id LIMIT $2",
            params![after, limit],
        )
        .await?;
    rows.iter()
        .map(|row| Ok(DeskChange { id: row.get(0)?, reference: row.get(1)?, what: row.get(2)? }))
        .collect()
}

/// The newest change's id (0 for none): where a stream without `Last-Event-ID` starts.
pub async fn last_change(c: &impl Conn) -> Result<i64, StoreError> {
    c.value("SELECT COALESCE(MAX(id), 0) FROM desk_changes", params![]).await
}

/// Forgets changes older than `before`: a desk away longer reloads its screens anyway.
pub async fn prune_changes(c: &impl Conn, before: i64) -> Result<u64, StoreError> {
    c.execute("DELETE FROM desk_changes WHERE at < $1", params![before]).await
}

/// A notice the worker claimed, with what sending it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: i64,
    pub reference: String,
    pub product_line: String,
    pub kind: String,
    pub audience: String,
    pub channel: Channel,
    pub recipient: String,
    pub lang: Lang,
    pub args: serde_json::Value,
    pub urgent: bool,
    pub queued_at: i64,
    pub attempts: u32,
}

impl Claimed {
    pub fn customer_notice(&self) -> Option<CustomerNotice> {
        (self.audience == CUSTOMER).then(|| CustomerNotice::parse(&self.kind)).flatten()
    }

    pub fn team_alert(&self) -> Option<TeamAlert> {
        (self.audience == TEAM).then(|| TeamAlert::parse(&self.kind)).flatten()
    }
}

/// Takes up to `limit` notices due at `now` that no one holds, holding them until
/// `lease_until`: another instance skips them (PostgreSQL: `FOR UPDATE SKIP LOCKED`; SQLite
/// has one writer), and a holder that dies lets them go when the lease runs out, with the
/// place under the cap it may have taken ([`take_place`]).
pub async fn claim(
    c: &impl Conn,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Claimed>, StoreError> {
    let sql = format!(
        "UPDATE notices SET leased_until = $1, sending_since = NULL
         WHERE id IN (SELECT id FROM notices
                      WHERE state = 'queued' AND due_at <= $2
                        AND (leased_until IS NULL OR leased_until <= $2)
                      ORDER BY due_at, id LIMIT $3{})
         RETURNING id",
        c.dialect().skip_locked
    );
    let ids = c.query(&sql, params![lease_until, now, limit]).await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let row = c
            .query_opt(
                "SELECT n.id, r.reference, r.product_line, n.kind, n.audience, n.channel,
                        n.recipient, n.lang, n.args_json, n.urgent, n.queued_at, n.attempts
                 FROM notices n JOIN requests r ON r.id = n.request_id WHERE n.id = $1",
                params![id.get::<i64>(0)?],
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        claimed.push(claimed_from(&row)?);
    }
    Ok(claimed)
}

fn claimed_from(row: &Row) -> Result<Claimed, StoreError> {
    let channel: String = row.get(5)?;
    let lang: String = row.get(7)?;
    let args: String = row.get(8)?;
    Ok(Claimed {
        id: row.get(0)?,
        reference: row.get(1)?,
        product_line: row.get(2)?,
        kind: row.get(3)?,
        audience: row.get(4)?,
        channel: Channel::parse(&channel)
            .ok_or_else(|| StoreError::Data(format!("unknown channel {channel:?}")))?,
        recipient: row.get(6)?,
        lang: Lang::from_tag(&lang).unwrap_or(Lang::ZhCn),
        args: serde_json::from_str(&args).unwrap_or_default(),
        urgent: row.get(9)?,
        queued_at: row.get(10)?,
        attempts: row.get(11)?,
    })
}

/// Takes a place under the cap per recipient for the claimed notice `id` to `recipient`,
/// or answers when the next place frees if the recipient is at the cap. The places are the
/// notices sent to the recipient within the window and those being sent to it now (a place
/// taken and the lease still held, on any instance), counted and taken in one transaction
/// that holds the recipient (PostgreSQL: `lock_name`; SQLite's write transactions take turns
/// for the whole file), so two workers never both take the last place. The outcome's
/// [`finish`] gives the place back, or keeps it as a notice sent.
pub async fn take_place(
    c: &impl Conn,
    id: i64,
    recipient: &str,
    cap: RateCap,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    if let Some(lock) = c.dialect().lock_name {
        c.execute(lock, params![recipient]).await?;
    }
    let rows = c
        .query(
            "SELECT sent_at FROM notices WHERE recipient = $1 AND state = 'sent' AND sent_at > $2
             UNION ALL
             SELECT sending_since FROM notices
             WHERE recipient = $1 AND sending_since IS NOT NULL AND leased_until > $3 AND id <> $4",
            params![recipient, now - cap.window, now, id],
        )
        .await?;
    let taken = rows.iter().map(|row| row.get(0)).collect::<Result<Vec<i64>, _>>()?;
    let held = cap.holds_until(&taken, now);
    if held.is_none() {
        c.execute("UPDATE notices SET sending_since = $1 WHERE id = $2", params![now, id]).await?;
    }
    Ok(held)
}

pub async fn is_unsubscribed(c: &impl Conn, address: &str) -> Result<bool, StoreError> {
    c.value(
        "SELECT EXISTS (SELECT 1 FROM unsubscribed WHERE address = $1)",
        params![address.to_lowercase()],
    )
    .await
}

/// What became of one try (or of a notice not tried).
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent,
    /// Failed; tried again at `at`.
    Retry {
        at: i64,
        reason: String,
    },
    /// Failed for good.
    Failed {
        reason: String,
    },
    /// Not tried now: quiet hours or the cap per recipient; due again at `until`.
    Held {
        until: i64,
        reason: String,
    },
    /// Never to be sent (the address unsubscribed).
    Skipped {
        reason: String,
    },
}

/// Records what became of a claimed notice, lets its lease go, and tells the desk.
pub async fn finish(c: &impl Conn, id: i64, outcome: &Outcome, now: i64) -> Result<(), StoreError> {
    let tried = !matches!(outcome, Outcome::Held { .. } | Outcome::Skipped { .. });
    let (state, due, error, name) = match outcome {
        Outcome::Sent => ("sent", None, None, "sent"),
        Outcome::Retry { at, reason } => ("queued", Some(*at), Some(reason.as_str()), "failed"),
        Outcome::Failed { reason } => ("failed", None, Some(reason.as_str()), "failed"),
        Outcome::Held { until, reason } => ("queued", Some(*until), Some(reason.as_str()), "held"),
        Outcome::Skipped { reason } => ("skipped", None, Some(reason.as_str()), "skipped"),
    };
    c.execute(
        "UPDATE notices SET state = $1, due_at = COALESCE($2, due_at), leased_until = NULL,
                sending_since = NULL, attempts = attempts + $3, last_error = COALESCE($4, last_error),
                sent_at = CASE WHEN $1 = 'sent' THEN $5 ELSE sent_at END
         WHERE id = $6",
        params![state, due, i64::from(tried), error, now, id],
    )
    .await?;
    c.execute(
        "INSERT INTO notice_attempts (notice_id, at, outcome, detail) VALUES ($1, $2, $3, $4)",
        params![id, now, name, error],
    )
    .await?;
    let reference: String = c
        .value(
            "SELECT r.reference FROM notices n JOIN requests r ON r.id = n.request_id
             WHERE n.id = $1",
            params![id],
        )
        .await?;
    desk_changed(c, &reference, "notice", now).await
}

pub use shouhou_core::desk::NoticeRecord;

/// Unix seconds as every stored time is answered: RFC 3339 in the server's offset.
fn rfc3339(at: i64) -> String {
    let offset = *super::types::now().offset();
    chrono::DateTime::from_timestamp(at, 0)
        .unwrap_or_default()
        .with_timezone(&offset)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Every notice of a request, oldest first, with its tries.
pub async fn of_request(c: &impl Conn, reference: &str) -> Result<Vec<NoticeRecord>, StoreError> {
    let rows = c
        .query(
            "SELECT n.id, n.kind, n.audience, n.channel, n.recipient, n.state, n.attempts,
                    n.queued_at, n.sent_at, n.due_at, n.last_error
             FROM notices n JOIN requests r ON r.id = n.request_id
             WHERE r.reference = $1 ORDER BY n.id",
            params![reference],
        )
        .await?;
    rows.iter()
        .map(|row| {
            Ok(NoticeRecord {
                id: row.get(0)?,
                kind: row.get(1)?,
                audience: row.get(2)?,
                channel: row.get(3)?,
                recipient: row.get(4)?,
                state: row.get(5)?,
                attempts: row.get(6)?,
                queued_at: rfc3339(row.get(7)?),
                sent_at: row.get::<Option<i64>>(8)?.map(rfc3339),
                due_at: rfc3339(row.get(9)?),
                last_error: row.get(10)?,
            })
        })
        .collect()
}

/// A failed notice queued again at `now`, with a new day to be delivered in; `NotFound` for
/// no such notice, `NotFailed` for one that has not failed (delivered, or still trying).
pub async fn resend(c: &impl Conn, id: i64, now: i64) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT n.state, r.reference FROM notices n JOIN requests r ON r.id = n.request_id
         WHERE n.id = $1{}",
        c.dialect().lock_rows
    );
    let row = c.query_opt(&sql, params![id]).await?.ok_or(StoreError::NotFound)?;
    let (state, reference): (String, String) = (row.get(0)?, row.get(1)?);
    if state != "failed" {
        return Err(StoreError::NotFailed);
    }
    c.execute(
        "UPDATE notices SET state = 'queued', queued_at = $1, due_at = $1, leased_until = NULL
         WHERE id = $2",
        params![now, id],
    )
    .await?;
    c.execute(
        "INSERT INTO notice_attempts (notice_id, at, outcome, detail) VALUES ($1, $2, 'resent', NULL)",
        params![id, now],
    )
    .await?;
    desk_changed(c, &reference, "notice", now).await?;
    Ok(reference)
}

/// The email notice `id` for an unsubscribe link: its request's reference and the address.
pub async fn emailed(c: &impl Conn, id: i64) -> Result<Option<(String, String)>, StoreError> {
    let row = c
        .query_opt(
            "SELECT r.reference, n.recipient FROM notices n JOIN requests r ON r.id = n.request_id
             WHERE n.id = $1 AND n.channel = 'email' AND n.audience = 'customer'",
            params![id],
        )
        .await?;
    row.map(|row| Ok((row.get(0)?, row.get(1)?))).transpose()
}

/// Stops every notice by email to `address`, from the next one on.
pub async fn unsubscribe(c: &impl Conn, address: &str, now: &str) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO unsubscribed (address, at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        params![address.to_lowercase(), now],
    )
    .await?;
    Ok(())
}

/// Queues the escalation alert of every request that escalated since the last scan, up to
/// `now`: each once (the row's uniqueness), whichever instance scans.
pub async fn alert_escalations(
    c: &impl Conn,
    telling: &Telling,
    now: i64,
) -> Result<usize, StoreError> {
    let sql = format!(
        "SELECT value FROM store_state WHERE name = 'escalations_alerted_to'{}",
        c.dialect().lock_rows
    );
    let since: i64 = match c.query_opt(&sql, params![]).await? {
        Some(row) => row.get::<String>(0)?.parse().unwrap_or(now),
        None => now,
    };
    // The escalating statuses as the partial index of them spells them.
    let sql = format!(
        "SELECT id, reference FROM requests
         WHERE escalates_ts > $1 AND escalates_ts <= $2 AND answered_ts IS NULL
           AND status IN ({})",
        status_list(shouhou_core::escalation::escalating_statuses())
    );
    let rows = c.query(&sql, params![since, now]).await?;
    let mut queued = 0;
    for row in &rows {
        let (id, reference): (i64, String) = (row.get(0)?, row.get(1)?);
        queued +=
            queue(c, telling, About::Stored(id), "escalated", Happening::Escalated, json!({}), now)
                .await?;
        desk_changed(c, &reference, "escalated", now).await?;
    }
    c.execute(
        "UPDATE store_state SET value = $1 WHERE name = 'escalations_alerted_to'",
        params![now.to_string()],
    )
    .await?;
    Ok(queued)
}

/// The key the unsubscribe links are signed with: made once by whichever instance starts
/// first (`candidate`, random), then shared by all through the database.
pub async fn link_key(c: &impl Conn, candidate: &str) -> Result<String, StoreError> {
    c.execute(
        "INSERT INTO store_state (name, value) VALUES ('notice_link_key', $1) ON CONFLICT DO NOTHING",
        params![candidate],
    )
    .await?;
    c.value("SELECT value FROM store_state WHERE name = 'notice_link_key'", params![]).await
}
