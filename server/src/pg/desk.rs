//! The staff desk and the customer's side of the loop on PostgreSQL: staff accounts and
//! sessions, the timeline (status changes, assignment, notes, replies, follow-ups, promised
//! reply times), the inbox and a request's record, customers' messages with photos and
//! ratings, and what the figures and the CSV export count.
//!
//! The rules are core's, applied through the same functions the SQLite store calls
//! ([`timeline::event_entry`], [`customer::post_entry`], [`timeline::public_view`]); this
//! module only reads and writes. Every write is one transaction that first takes the
//! request's row `FOR UPDATE`, so two instances changing one request at once are put in
//! order: the second sees the first's status before core checks its own change.
//!
//! Times stay RFC 3339 text as in SQLite; comparisons cast them to `timestamptz`.

use std::collections::BTreeMap;

use shouhou_core::{EntryKind, PhotoRef, Status, ValidRequest};
use tokio_postgres::types::ToSql;
use tokio_postgres::{GenericClient, Row};

use super::{find, insert_photo, pg_error, pool_error, stored_request, violates, PgStore, Retry};
use crate::store::customer::{post_entry, CustomerPost, Post, Posted};
use crate::store::report::Counts;
use crate::store::staff::StaffMember;
use crate::store::timeline::{
    event_entry, public_view, Change, CustomerView, Dialect, Entry, EventRequest, Inbox,
    InboxFilter, InboxQuery, InboxRow, RequestDetail,
};
use crate::store::{Role, Session, StoreError};

fn role(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Postgres(format!("unknown role {text:?}")))
}

/// A row id and status of a request, locked until the transaction ends.
async fn lock_request(
    client: &impl GenericClient,
    reference: &str,
) -> Result<Option<(i64, Status)>, StoreError> {
    let row = client
        .query_opt("SELECT id, status FROM requests WHERE reference = $1 FOR UPDATE", &[&reference])
        .await
        .map_err(pg_error)?;
    Ok(row.map(|row| {
        let status: String = row.get(1);
        (row.get(0), Status::parse(&status).unwrap_or(Status::Received))
    }))
}

const ENTRY_COLUMNS: &str =
    "id, at, kind, actor, public, text, status, satisfaction, outcome, reply_by, assigned_to";

fn entry_from(row: &Row) -> Result<Entry, StoreError> {
    let kind: String = row.get(2);
    let status: Option<String> = row.get(6);
    let satisfaction: Option<i32> = row.get(7);
    Ok(Entry {
        id: row.get(0),
        at: row.get(1),
        kind: EntryKind::parse(&kind)
            .ok_or_else(|| StoreError::Postgres(format!("unknown entry kind {kind:?}")))?,
        actor: row.get(3),
        public: row.get(4),
        text: row.get(5),
        status: status.as_deref().and_then(Status::parse),
        satisfaction: satisfaction.and_then(|s| u8::try_from(s).ok()),
        outcome: row.get(8),
        reply_by: row.get(9),
        to: row.get(10),
        photos: Vec::new(),
        findings: None,
    })
}

async fn insert_entry(
    client: &impl GenericClient,
    request_id: i64,
    entry: &mut Entry,
) -> Result<(), StoreError> {
    let row = client
        .query_one(
            "INSERT INTO events (request_id, at, kind, actor, public, text, status, satisfaction,
                                 outcome, reply_by, assigned_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                &request_id,
                &entry.at,
                &entry.kind.as_str(),
                &entry.actor,
                &entry.public,
                &entry.text,
                &entry.status.map(Status::as_str),
                &entry.satisfaction.map(i32::from),
                &entry.outcome,
                &entry.reply_by,
                &entry.to,
            ],
        )
        .await
        .map_err(pg_error)?;
    entry.id = row.get(0);
    Ok(())
}

/// The photos customers' messages brought, with the entry each belongs to, oldest first.
async fn event_photos(
    client: &impl GenericClient,
    column: &str,
    id: i64,
) -> Result<Vec<(i64, PhotoRef)>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT event_id, photo_id, content_type, bytes, width, height FROM photos
                 WHERE {column} = $1 AND event_id IS NOT NULL ORDER BY id"
            ),
            &[&id],
        )
        .await
        .map_err(pg_error)?;
    Ok(rows
        .iter()
        .map(|row| {
            let (bytes, width, height): (i64, i64, i64) = (row.get(3), row.get(4), row.get(5));
            (
                row.get(0),
                PhotoRef {
                    id: row.get(1),
                    content_type: row.get(2),
                    bytes: bytes as u64,
                    width: width as u32,
                    height: height as u32,
                },
            )
        })
        .collect())
}

async fn entry_by_id(client: &impl GenericClient, id: i64) -> Result<Entry, StoreError> {
    let row = client
        .query_one(&format!("SELECT {ENTRY_COLUMNS} FROM events WHERE id = $1"), &[&id])
        .await
        .map_err(pg_error)?;
    let mut entry = entry_from(&row)?;
    entry.photos =
        event_photos(client, "event_id", id).await?.into_iter().map(|(_, p)| p).collect();
    Ok(entry)
}

async fn timeline(
    client: &impl GenericClient,
    request_id: i64,
    public_only: bool,
) -> Result<Vec<Entry>, StoreError> {
    let rows = client
        .query(
            &format!(
                "SELECT {ENTRY_COLUMNS} FROM events WHERE request_id = $1 AND (public OR NOT $2)
                 ORDER BY id"
            ),
            &[&request_id, &public_only],
        )
        .await
        .map_err(pg_error)?;
    let mut entries = rows.iter().map(entry_from).collect::<Result<Vec<_>, _>>()?;
    for (event_id, photo) in event_photos(client, "request_id", request_id).await? {
        if let Some(entry) = entries.iter_mut().find(|entry| entry.id == event_id) {
            entry.photos.push(photo);
        }
    }
    Ok(entries)
}

/// The SQL that says a request is overdue at `now` (Unix seconds, inlined).
fn overdue_sql(now: i64) -> String {
    format!(
        "(status IN ('received', 'in_progress') AND reply_by::timestamptz < to_timestamp({now}))"
    )
}

/// PostgreSQL's SQL for the inbox's query (see [`InboxQuery`]).
const POSTGRES: Dialect = Dialect {
    param: |n| format!("${n}"),
    // ILIKE: SQLite's LIKE ignores ASCII case, and so does this search on both stores.
    like: |column, pattern| format!("{column} ILIKE {pattern}"),
    serial_number: "(details_json::jsonb ->> 'serial_number')",
    always: "true",
    overdue: overdue_sql,
    reply_by_time: "reply_by::timestamptz",
};

/// Query parameters that are all text, as the driver wants them.
fn text_params(args: &[String]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|arg| arg as &(dyn ToSql + Sync)).collect()
}

impl PgStore {
    // Staff accounts and sessions

    pub async fn add_staff(
        &self,
        login: &str,
        role: Role,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let inserted = client
            .execute(
                "INSERT INTO staff (login, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (login) DO NOTHING",
                &[&login, &role.as_str(), &password_hash, &now],
            )
            .await
            .map_err(pg_error)?;
        if inserted == 0 {
            return Err(StoreError::Exists);
        }
        Ok(())
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let rows = client
            // Byte order, as SQLite sorts, whatever the database's collation.
            .query(
                "SELECT login, role, disabled, created_at FROM staff ORDER BY login COLLATE \"C\"",
                &[],
            )
            .await
            .map_err(pg_error)?;
        rows.iter()
            .map(|row| {
                Ok(StaffMember {
                    login: row.get(0),
                    role: role(row.get(1))?,
                    disabled: row.get(2),
                    created_at: row.get(3),
                })
            })
            .collect()
    }

    /// Disables the account and ends its sessions, in one transaction.
    pub async fn disable_staff(&self, login: &str) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let changed = tx
            .execute("UPDATE staff SET disabled = true WHERE login = $1", &[&login])
            .await
            .map_err(pg_error)?;
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        tx.execute(
            "DELETE FROM staff_sessions WHERE staff_id = (SELECT id FROM staff WHERE login = $1)",
            &[&login],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)
    }

    pub async fn credentials(&self, login: &str) -> Result<Option<(i64, String)>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                "SELECT id, password_hash FROM staff WHERE login = $1 AND NOT disabled",
                &[&login],
            )
            .await
            .map_err(pg_error)?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// Starts a session, and forgets the expired ones while at it.
    pub async fn start_session(
        &self,
        staff_id: i64,
        token_hash: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        tx.execute(
            "DELETE FROM staff_sessions WHERE expires_at::timestamptz <= $1::text::timestamptz",
            &[&now],
        )
        .await
        .map_err(pg_error)?;
        tx.execute(
            "INSERT INTO staff_sessions (token_hash, staff_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4)",
            &[&token_hash, &staff_id, &now, &expires_at],
        )
        .await
        .map_err(pg_error)?;
        tx.commit().await.map_err(pg_error)
    }

    /// The session's owner while it is unexpired and the account active, whichever instance
    /// started it.
    pub async fn session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<Session>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                "SELECT staff.login, staff.role, staff_sessions.expires_at
                 FROM staff_sessions JOIN staff ON staff.id = staff_sessions.staff_id
                 WHERE token_hash = $1 AND NOT staff.disabled
                   AND staff_sessions.expires_at::timestamptz > $2::text::timestamptz",
                &[&token_hash, &now],
            )
            .await
            .map_err(pg_error)?;
        row.map(|row| {
            Ok(Session { login: row.get(0), role: role(row.get(1))?, expires_at: row.get(2) })
        })
        .transpose()
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        client
            .execute("DELETE FROM staff_sessions WHERE token_hash = $1", &[&token_hash])
            .await
            .map_err(pg_error)?;
        Ok(())
    }

    // The timeline

    /// Adds one event and applies what it changes, in one transaction holding the request's
    /// row: two instances changing one request's status at once cannot both pass the check.
    pub async fn add_event(
        &self,
        reference: &str,
        event: &EventRequest,
        actor: Option<&str>,
        now: &str,
    ) -> Result<Entry, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let tx = client.transaction().await.map_err(pg_error)?;
        let (request_id, current) =
            lock_request(&*tx, reference).await?.ok_or(StoreError::NotFound)?;
        let (mut entry, change) = event_entry(current, event, actor, now)?;
        apply_change(&*tx, request_id, change).await?;
        insert_entry(&*tx, request_id, &mut entry).await?;
        tx.commit().await.map_err(pg_error)?;
        Ok(entry)
    }

    pub async fn inbox(
        &self,
        filter: &InboxFilter,
        me: &str,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<Inbox, StoreError> {
        let mut query = InboxQuery::new(filter, me, now.timestamp(), &POSTGRES);
        let client = self.pool.get().await.map_err(pool_error)?;

        let mut counts: BTreeMap<String, i64> =
            Status::ALL.iter().map(|status| (status.as_str().to_string(), 0)).collect();
        let rows =
            client.query(&query.counts_sql(), &text_params(&query.args)).await.map_err(pg_error)?;
        for row in rows {
            let (status, count): (String, i64) = (row.get(0), row.get(1));
            if let Some(status) = Status::parse(&status) {
                counts.insert(status.as_str().to_string(), count);
            }
        }

        query.with_status(filter.status);
        let total: i64 = client
            .query_one(&query.total_sql(), &text_params(&query.args))
            .await
            .map_err(pg_error)?
            .get(0);
        let rows =
            client.query(&query.rows_sql(), &text_params(&query.args)).await.map_err(pg_error)?;
        let requests = rows
            .iter()
            .map(|row| InboxRow {
                reference: row.get(0),
                status: row.get(1),
                intent: row.get(2),
                product_line: row.get(3),
                category: row.get(4),
                priority: row.get(5),
                full_name: row.get(6),
                phone: row.get(7),
                created_at: row.get(8),
                reply_by: row.get(9),
                assigned_to: row.get(10),
                warranty: row.get(11),
                overdue: row.get(12),
            })
            .collect();
        Ok(Inbox { counts, total, requests })
    }

    pub async fn detail(
        &self,
        reference: &str,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<Option<RequestDetail>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                &format!(
                    "SELECT id, reference, status, created_at, reply_by, first_reply_by,
                            assigned_to, request_json, {}
                     FROM requests WHERE reference = $1",
                    overdue_sql(now.timestamp())
                ),
                &[&reference],
            )
            .await
            .map_err(pg_error)?;
        let Some(row) = row else { return Ok(None) };
        let request = stored_request(row.get(7))?;
        let status: String = row.get(2);
        let status = Status::parse(&status).unwrap_or(Status::Received);
        Ok(Some(RequestDetail {
            reference: row.get(1),
            status,
            next_statuses: status.next().to_vec(),
            created_at: row.get(3),
            reply_by: row.get(4),
            first_reply_by: row.get(5),
            overdue: row.get(8),
            assigned_to: row.get(6),
            request,
            timeline: timeline(&**client, row.get(0), false).await?,
            product: None,
            entitlement: None,
            history: Default::default(),
        }))
    }

    /// A stored photo's content type and bytes (a request's own or a message's).
    pub async fn photo(
        &self,
        reference: &str,
        photo_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let row = client
            .query_opt(
                "SELECT photos.content_type, photos.data FROM photos
                 JOIN requests ON requests.id = photos.request_id
                 WHERE requests.reference = $1 AND photos.photo_id = $2",
                &[&reference, &photo_id],
            )
            .await
            .map_err(pg_error)?;
        Ok(row.map(|row| (row.get(0), row.get(1))))
    }

    /// The status look-up's answer: the request, its public timeline, what the customer may do.
    pub async fn customer_view(&self, reference: &str) -> Result<Option<CustomerView>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let Some(stored) = find(&**client, reference).await? else { return Ok(None) };
        let id: i64 = client
            .query_one("SELECT id FROM requests WHERE reference = $1", &[&reference])
            .await
            .map_err(pg_error)?
            .get(0);
        Ok(Some(public_view(stored, timeline(&**client, id, true).await?)))
    }

    // The customer's messages and ratings

    /// Stores the customer's post on the request's timeline, or answers what its key stored
    /// before (on any instance). One transaction holding the request's row: retries of one
    /// post, a message racing a staff status change, two ratings: each sees the other's
    /// commit before core's rules are checked.
    pub async fn customer_post(
        &self,
        reference: &str,
        contact_ok: impl FnOnce(&ValidRequest) -> bool,
        new: &CustomerPost,
    ) -> Result<Posted, StoreError> {
        let mut client = self.pool.get().await.map_err(pool_error)?;
        let Some(stored) = find(&**client, reference).await? else {
            return Err(StoreError::NotFound);
        };
        if !contact_ok(&stored.request) {
            return Err(StoreError::NotFound);
        }
        // The same key on two requests at once (locks on two rows) meets at the key's UNIQUE:
        // the loser tries again, and then finds the winner's post.
        for _ in 0..3 {
            let tx = client.transaction().await.map_err(pg_error)?;
            match post_in(&*tx, reference, new).await {
                Ok(posted) => match tx.commit().await {
                    Ok(()) => return Ok(posted),
                    Err(error) if violates(&error, KEY_CLASH) => continue,
                    Err(error) => return Err(pg_error(error)),
                },
                Err(Retry::Again(())) => continue,
                Err(Retry::Failed(error)) => return Err(error),
            }
        }
        Err(StoreError::Postgres("an idempotency key kept clashing".into()))
    }

    // Figures and the export

    /// `from` and `to` are `YYYY-MM-DD`; `now` is in Unix seconds.
    pub async fn counts(&self, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let group = |column: &'static str| {
            let client = &client;
            async move {
                let rows = client
                    .query(
                        &format!(
                            "SELECT {column}, count(*) FROM requests
                             WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2
                               AND {column} IS NOT NULL
                             GROUP BY {column}"
                        ),
                        &[&from, &to],
                    )
                    .await
                    .map_err(pg_error)?;
                Ok::<BTreeMap<String, i64>, StoreError>(
                    rows.iter().map(|row| (row.get(0), row.get(1))).collect(),
                )
            }
        };
        let mut counts = Counts {
            by_intent: group("intent").await?,
            by_category: group("category").await?,
            by_product_line: group("product_line").await?,
            ..Counts::default()
        };
        counts.requests = counts.by_intent.values().sum();
        counts.deflections = client
            .query_one(
                "SELECT count(*) FROM deflections
                 WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2",
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?
            .get(0);

        let rows = client
            .query(
                "SELECT substr(created_at, 1, 7), warranty, count(*) FROM requests
                 WHERE intent = 'repair' AND warranty IS NOT NULL
                   AND substr(created_at, 1, 10) BETWEEN $1 AND $2
                 GROUP BY 1, 2",
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?;
        for row in rows {
            let (month, warranty, count): (String, String, i64) =
                (row.get(0), row.get(1), row.get(2));
            let slot = counts.repairs_by_month.entry(month).or_default();
            match warranty.as_str() {
                "in_warranty" => slot.0 += count,
                _ => slot.1 += count,
            }
        }

        // Resolved in the period: its first change to resolved dated in it.
        let rows = client
            .query(
                "SELECT extract(epoch FROM r.created_at::timestamptz)::bigint,
                        min(extract(epoch FROM e.at::timestamptz))::bigint,
                        EXISTS (SELECT 1 FROM events f
                                WHERE f.request_id = r.id AND f.kind = 'follow_up')
                 FROM events e JOIN requests r ON r.id = e.request_id
                 WHERE e.kind = 'status' AND e.status = 'resolved'
                   AND substr(e.at, 1, 10) BETWEEN $1 AND $2
                 GROUP BY r.id",
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?;
        for row in rows {
            let (created, resolved, followed_up): (i64, i64, bool) =
                (row.get(0), row.get(1), row.get(2));
            counts.resolved += 1;
            counts.followed_up += i64::from(followed_up);
            counts.seconds_to_resolve.push(resolved - created);
        }

        let rows = client
            .query(
                "SELECT kind, satisfaction FROM events
                 WHERE kind IN ('rating', 'follow_up') AND satisfaction IS NOT NULL
                   AND substr(at, 1, 10) BETWEEN $1 AND $2
                 ORDER BY id",
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?;
        for row in rows {
            let (kind, satisfaction): (String, i32) = (row.get(0), row.get(1));
            let Ok(satisfaction) = u8::try_from(satisfaction) else { continue };
            if kind == "rating" {
                counts.customer_ratings.push(satisfaction);
            } else {
                counts.follow_up_ratings.push(satisfaction);
            }
        }

        // Answered: the first public reply or status change by staff, against the first promise.
        let rows = client
            .query(
                "SELECT extract(epoch FROM COALESCE(r.first_reply_by, r.reply_by)::timestamptz)::bigint,
                        (SELECT min(extract(epoch FROM e.at::timestamptz))::bigint FROM events e
                         WHERE e.request_id = r.id AND e.actor IS NOT NULL
                           AND e.kind IN ('reply', 'status'))
                 FROM requests r
                 WHERE substr(COALESCE(r.first_reply_by, r.reply_by), 1, 10) BETWEEN $1 AND $2",
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?;
        for row in rows {
            let (due, answered): (i64, Option<i64>) = (row.get(0), row.get(1));
            // A promise still ahead and not yet kept is neither met nor missed.
            if answered.is_none() && due > now {
                continue;
            }
            counts.due += 1;
            counts.answered_on_time += i64::from(answered.is_some_and(|at| at <= due));
        }
        Ok(counts)
    }

    /// The requests filed in the period, one row of `EXPORT_COLUMNS` each, oldest first.
    pub async fn export_rows(&self, from: &str, to: &str) -> Result<Vec<Vec<String>>, StoreError> {
        let client = self.pool.get().await.map_err(pool_error)?;
        let columns = crate::store::report::EXPORT_COLUMNS.map(|column| match column {
            "company" | "address" | "model" | "serial_number" | "purchase_date"
            | "order_number" => format!("details_json::jsonb ->> '{column}'"),
            "satisfaction" => "(SELECT satisfaction::text FROM events e
                                WHERE e.request_id = requests.id AND e.satisfaction IS NOT NULL
                                ORDER BY e.id DESC LIMIT 1)"
                .to_string(),
            stored => stored.to_string(),
        });
        let select: Vec<String> =
            columns.iter().map(|column| format!("COALESCE(({column})::text, '')")).collect();
        let rows = client
            .query(
                &format!(
                    "SELECT {} FROM requests WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2
                     ORDER BY created_at::timestamptz, id",
                    select.join(", ")
                ),
                &[&from, &to],
            )
            .await
            .map_err(pg_error)?;
        Ok(rows
            .iter()
            .map(|row| (0..columns.len()).map(|i| row.get::<_, String>(i)).collect())
            .collect())
    }
}

async fn apply_change(
    client: &impl GenericClient,
    request_id: i64,
    change: Change,
) -> Result<(), StoreError> {
    match change {
        Change::None => {}
        Change::Status(status) => {
            client
                .execute(
                    "UPDATE requests SET status = $1 WHERE id = $2",
                    &[&status.as_str(), &request_id],
                )
                .await
                .map_err(pg_error)?;
        }
        Change::Assign(to) => {
            let active: bool = client
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM staff WHERE login = $1 AND NOT disabled)",
                    &[&to],
                )
                .await
                .map_err(pg_error)?
                .get(0);
            if !active {
                return Err(StoreError::UnknownStaff);
            }
            client
                .execute("UPDATE requests SET assigned_to = $1 WHERE id = $2", &[&to, &request_id])
                .await
                .map_err(pg_error)?;
        }
        Change::ReplyBy(at) => {
            client
                .execute(
                    "UPDATE requests SET first_reply_by = COALESCE(first_reply_by, reply_by),
                                         reply_by = $1 WHERE id = $2",
                    &[&at, &request_id],
                )
                .await
                .map_err(pg_error)?;
        }
    }
    Ok(())
}

/// Another transaction stored this key meanwhile: try again, and find it.
const KEY_CLASH: &str = "customer_posts_idempotency_key_key";

fn checked(result: Result<u64, tokio_postgres::Error>) -> Result<u64, Retry<()>> {
    result.map_err(|error| {
        if violates(&error, KEY_CLASH) {
            Retry::Again(())
        } else {
            Retry::Failed(pg_error(error))
        }
    })
}

async fn post_in(
    tx: &impl GenericClient,
    reference: &str,
    new: &CustomerPost,
) -> Result<Posted, Retry<()>> {
    let (request_id, status) = lock_request(tx, reference).await?.ok_or(StoreError::NotFound)?;
    // A retry is answered before any status check: the message that moved the request on
    // must still be acknowledged when its retry arrives after that.
    let earlier = tx
        .query_opt(
            "SELECT submitted_json, event_id FROM customer_posts WHERE idempotency_key = $1",
            &[&new.idempotency_key],
        )
        .await
        .map_err(pg_error)?;
    if let Some(row) = earlier {
        let (submitted, event_id): (String, i64) = (row.get(0), row.get(1));
        if submitted != new.submitted_json {
            return Err(StoreError::KeyReused.into());
        }
        return Ok(Posted { entry: entry_by_id(tx, event_id).await?, replayed: true });
    }
    let mut made = post_entry(status, &new.post, &new.now)?;
    match &new.post {
        Post::Message { text, photos } => {
            made.text = Some(text.clone());
            insert_entry(tx, request_id, &mut made).await?;
            for (photo, upload) in photos {
                let taken: bool = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM photos
                                        WHERE request_id = $1 AND photo_id = $2)",
                        &[&request_id, &photo.id],
                    )
                    .await
                    .map_err(pg_error)?
                    .get(0);
                if taken {
                    return Err(StoreError::PhotoIdTaken.into());
                }
                insert_photo(tx, request_id, photo, upload, Some(made.id)).await?;
                made.photos.push(photo.clone());
            }
            // The answer is what the team waited for: the request is the team's again,
            // through core's status machine, on the timeline, dated with the message.
            let (mut moved, change) = event_entry(
                status,
                &EventRequest::Status { status: Status::InProgress },
                None,
                &new.now,
            )?;
            apply_change(tx, request_id, change).await?;
            insert_entry(tx, request_id, &mut moved).await?;
        }
        Post::Rating { .. } => {
            let rated: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE request_id = $1 AND kind = 'rating')",
                    &[&request_id],
                )
                .await
                .map_err(pg_error)?
                .get(0);
            if rated {
                return Err(StoreError::AlreadyRated.into());
            }
            insert_entry(tx, request_id, &mut made).await?;
        }
    }
    checked(
        tx.execute(
            "INSERT INTO customer_posts (idempotency_key, request_id, event_id, submitted_json)
             VALUES ($1, $2, $3, $4)",
            &[&new.idempotency_key, &request_id, &made.id, &new.submitted_json],
        )
        .await,
    )?;
    Ok(Posted { entry: made, replayed: false })
}
