//! [`Db`]: the one store interface the handlers and the command line use. Each method runs
//! one operation of the store on whichever database it is (see [`on_store`]).

use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, SecondsFormat};
use shouhou_core::flow::engine::Deflection;
use shouhou_core::follow_up::DueCall;
use shouhou_core::notice::delivery::RateCap;
use shouhou_core::product::ProductRecord;
use shouhou_core::quality::QualityReport;
use shouhou_core::reference::RANDOM_LEN;
use shouhou_core::warranty::CivilDate;
use shouhou_core::{AppConfig, ValidRequest, WarrantyStatus};

use super::audit::{self, Action, AuditEntry};
use super::customer::{self, CustomerPost, Posted};
use super::error::StoreError;
use super::facts;
use super::follow_ups;
use super::history;
use super::hub::Hub;
use super::inbox::{self, Cursor, Inbox, InboxFilter};
use super::notices;
use super::pg_conn::PgConn;
use super::postgres::{is_url, PgStore};
use super::privacy;
use super::products;
use super::quality;
use super::report::{self, Counts, ExportMark};
use super::requests;
use super::sql;
use super::sqlite::SqliteStore;
use super::sqlite_conn::SqliteConn;
use super::staff::{self, Role, Session, StaffMember};
use super::timeline::{self, CustomerView, Entry, EventRequest, RequestDetail};
use super::types::{now, Created, NewRequest, StoredRequest};
use super::visits;
use shouhou_core::desk::{UnscheduledVisit, VisitRow};

/// Where requests are kept: one SQLite file (the default), or PostgreSQL for several
/// instances on one database (`--db postgres://…`).
pub enum Db {
    Sqlite(Arc<SqliteStore>),
    Postgres(PgStore),
}

/// Runs one operation on whichever database `$db` is: `$op`, an expression over the
/// connection `$c`, is written once and compiled for both. A read runs on a SQLite reading
/// connection (off the async threads) or on a pooled PostgreSQL connection, each statement
/// on its own ([`PgConn::reading`]); a write goes through SQLite's writer (its own savepoint
/// in the next group commit) or is one PostgreSQL transaction, committed when `$op`
/// succeeds and then announced to the other instances ([`PgStore::announce`]). Either way
/// it answers once durable.
/// Everything `$op` uses is moved to SQLite's thread, so it must be owned.
macro_rules! on_store {
    ($db:expr, $kind:ident, |$c:ident| $op:expr) => {
        match $db {
            Db::Sqlite(store) => {
                on_store!(@sqlite $kind, store, move |conn: &rusqlite::Connection| {
                    let $c = &SqliteConn(conn);
                    sql::ready($op)
                })
            }
            Db::Postgres(store) => on_store!(@postgres $kind, store, |$c| $op),
        }
    };
    (@postgres look_up, $store:expr, |$c:ident| $op:expr) => {
        on_store!(@postgres read, $store, |$c| $op)
    };
    (@postgres read, $store:expr, |$c:ident| $op:expr) => {{
        let client = $store.pool.get().await?;
        let $c = &PgConn::reading(&client);
        Ok($op.await?)
    }};
    (@postgres write, $store:expr, |$c:ident| $op:expr) => {{
        let mut client = $store.pool.get().await?;
        let tx = client.transaction().await?;
        let (answer, announces) = {
            let conn = PgConn::new(&tx);
            let $c = &conn;
            ($op.await?, conn.announces())
        };
        tx.commit().await?;
        if announces {
            $store.announce();
        }
        Ok(answer)
    }};
    (@sqlite read, $store:expr, $apply:expr) => { $store.read($apply).await };
    (@sqlite look_up, $store:expr, $apply:expr) => { $store.look_up($apply).await };
    (@sqlite write, $store:expr, $apply:expr) => { $store.write($apply).await };
}

impl Db {
    /// Opens either store: a `postgres://` URL, or a SQLite file (created with its folder).
    pub async fn open(db: &str) -> Result<Db, StoreError> {
        if is_url(db) {
            Ok(Db::Postgres(PgStore::open(db).await?))
        } else {
            Ok(Db::Sqlite(Arc::new(SqliteStore::open(std::path::Path::new(db))?)))
        }
    }

    /// Bytes free for the database on its disk: SQLite's folder; `None` for PostgreSQL, whose
    /// disk is the database server's, out of this server's sight.
    pub fn free_disk(&self) -> Option<u64> {
        match self {
            Db::Sqlite(store) => store.free_disk(),
            Db::Postgres(_) => None,
        }
    }

    /// Whether something is stored under this idempotency key already: a request (`posts`
    /// false) or a customer's message or rating (`posts` true). A retry of it is a replay.
    pub async fn key_stored(&self, key: &str, posts: bool) -> Result<bool, StoreError> {
        let key = key.to_string();
        on_store!(self, read, |c| requests::key_stored(c, &key, posts))
    }

    /// Stores a request, idempotent on its key, with the alert it raises.
    pub async fn create(&self, new: NewRequest) -> Result<Created, StoreError> {
        let draw = self.draw();
        let horizon = horizon();
        let telling = self.hub().telling();
        if let Db::Postgres(store) = self {
            store.last_create.store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
        }
        let created =
            on_store!(self, write, |c| requests::create(c, &new, &*draw, &horizon, &telling))?;
        self.hub().changed();
        Ok(created)
    }

    /// Puts the words of every request not in the index yet into it now, rather than when
    /// creates pause: for tests and the bench's fill. How many it put.
    #[doc(hidden)]
    pub async fn index_words_now(&self) -> Result<usize, StoreError> {
        if let Db::Postgres(store) = self {
            let mut done = 0;
            loop {
                let step = store.index_words_now().await?;
                done += step;
                if step == 0 {
                    return Ok(done);
                }
            }
        }
        on_store!(self, write, |c| super::search::index_pending(c, i64::MAX, None))
    }

    /// What this instance's listeners hear of changes, and the channels set up.
    pub fn hub(&self) -> &Arc<Hub> {
        match self {
            Db::Sqlite(store) => &store.hub,
            Db::Postgres(store) => &store.hub,
        }
    }

    /// Relays other instances' changes to this one's hub (PostgreSQL; nothing to do for one
    /// SQLite file, whose one instance hears its own writes).
    pub fn listen(&self) {
        if let Db::Postgres(store) = self {
            store.listen();
            store.keep_words_indexed();
        }
    }

    fn draw(&self) -> Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync> {
        match self {
            Db::Sqlite(store) => Arc::clone(&store.draw),
            Db::Postgres(store) => Arc::clone(&store.draw),
        }
    }

    /// Counts a deflection, idempotent on its key.
    pub async fn record_deflection(
        &self,
        idempotency_key: String,
        deflection: Deflection,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        let now = now.to_rfc3339_opts(SecondsFormat::Secs, false);
        let horizon = horizon();
        on_store!(self, write, |c| requests::record_deflection(
            c,
            &idempotency_key,
            &deflection,
            &now,
            &horizon
        ))
    }

    /// The customer's status look-up: the request, its public timeline, what they may do.
    pub async fn customer_view(&self, reference: &str) -> Result<Option<CustomerView>, StoreError> {
        let reference = reference.to_string();
        on_store!(self, read, |c| timeline::customer_view(c, &reference))
    }

    /// A customer's message or rating, idempotent on its key; `contact_ok` checks the
    /// contact sent against the request's (a wrong one is `NotFound`).
    pub async fn customer_post(
        &self,
        reference: &str,
        contact_ok: impl FnOnce(&ValidRequest) -> bool + Send + 'static,
        new: CustomerPost,
    ) -> Result<Posted, StoreError> {
        let reference = reference.to_string();
        let telling = self.hub().telling();
        let posted =
            on_store!(self, write, |c| customer::post(c, &reference, contact_ok, &new, &telling))?;
        self.hub().changed();
        Ok(posted)
    }

    // Staff accounts and sessions

    /// A new account; `Exists` when the login is taken.
    pub async fn add_staff(
        &self,
        login: &str,
        role: Role,
        password_hash: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let (login, hash, now) = (login.to_string(), password_hash.to_string(), now.to_string());
        on_store!(self, write, |c| staff::add(c, &login, role, &hash, &now))
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        on_store!(self, read, |c| staff::list(c))
    }

    /// Disables the account and ends its sessions at once; `NotFound` for no such login.
    pub async fn disable_staff(&self, login: &str) -> Result<(), StoreError> {
        let login = login.to_string();
        on_store!(self, write, |c| staff::disable(c, &login))
    }

    /// The id and password hash of an active account.
    pub async fn credentials(&self, login: &str) -> Result<Option<(i64, String)>, StoreError> {
        let login = login.to_string();
        on_store!(self, read, |c| staff::credentials(c, &login))
    }

    pub async fn start_session(
        &self,
        staff_id: i64,
        token_hash: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let (hash, now, expires) =
            (token_hash.to_string(), now.to_string(), expires_at.to_string());
        on_store!(self, write, |c| staff::start_session(c, staff_id, &hash, &now, &expires))
    }

    /// The session's owner while it is unexpired and the account active.
    pub async fn session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<Session>, StoreError> {
        let (hash, now) = (token_hash.to_string(), now.to_string());
        on_store!(self, read, |c| staff::session(c, &hash, &now))
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let hash = token_hash.to_string();
        on_store!(self, write, |c| staff::end_session(c, &hash))
    }

    // The desk

    /// Adds one event (checked against core's status machine) and applies what it changes.
    pub async fn add_event(
        &self,
        reference: &str,
        event: EventRequest,
        actor: Option<&str>,
        now: &str,
    ) -> Result<Entry, StoreError> {
        let (reference, actor, now) =
            (reference.to_string(), actor.map(str::to_string), now.to_string());
        let telling = self.hub().telling();
        let entry = on_store!(self, write, |c| timeline::add_event(
            c,
            &reference,
            &event,
            actor.as_deref(),
            &now,
            &telling
        ))?;
        self.hub().changed();
        Ok(entry)
    }

    /// The requests due a follow-up call: first resolved from `from` to `to` (days,
    /// inclusive), not followed up yet, oldest first.
    pub async fn due_calls(&self, from: &str, to: &str) -> Result<Vec<DueCall>, StoreError> {
        let (from, to) = (from.to_string(), to.to_string());
        on_store!(self, read, |c| follow_ups::due_calls(c, &from, &to))
    }

    /// A page of the inbox at `now`, or the one after `cursor` (read at its own clock); of
    /// the requests an engineer visits, for one (`visiting`).
    pub async fn inbox(
        &self,
        filter: InboxFilter,
        me: &str,
        visiting: Option<&str>,
        now: DateTime<FixedOffset>,
        cursor: Option<Cursor>,
    ) -> Result<Inbox, StoreError> {
        let (me, visiting) = (me.to_string(), visiting.map(str::to_string));
        let now = now.timestamp();
        on_store!(self, read, |c| inbox::inbox(
            c,
            &filter,
            &me,
            visiting.as_deref(),
            now,
            cursor.as_ref()
        ))
    }

    /// Whether `engineer` has a visit on the request (not called off).
    pub async fn visits_request(
        &self,
        reference: &str,
        engineer: &str,
    ) -> Result<bool, StoreError> {
        let (reference, engineer) = (reference.to_string(), engineer.to_string());
        on_store!(self, read, |c| visits::visits_request(c, &reference, &engineer))
    }

    /// The visits sharing any time with `from`..`to` (Unix seconds), of one engineer or all.
    pub async fn visits_between(
        &self,
        from: i64,
        to: i64,
        engineer: Option<&str>,
    ) -> Result<Vec<VisitRow>, StoreError> {
        let engineer = engineer.map(str::to_string);
        on_store!(self, read, |c| visits::between(c, from, to, engineer.as_deref()))
    }

    /// The open requests waiting for a visit to be booked, oldest first.
    pub async fn unscheduled_visits(&self) -> Result<Vec<UnscheduledVisit>, StoreError> {
        on_store!(self, read, |c| visits::unscheduled(c))
    }

    pub async fn detail(
        &self,
        reference: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<RequestDetail>, StoreError> {
        let reference = reference.to_string();
        on_store!(self, read, |c| timeline::detail(c, &reference, now))
    }

    /// A stored photo's content type and bytes.
    pub async fn photo(
        &self,
        reference: &str,
        photo_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let (reference, photo_id) = (reference.to_string(), photo_id.to_string());
        on_store!(self, read, |c| requests::photo(c, &reference, &photo_id))
    }

    /// A request as the status look-up stores it, by its reference.
    pub async fn find(&self, reference: &str) -> Result<Option<StoredRequest>, StoreError> {
        let reference = reference.to_string();
        on_store!(self, read, |c| requests::find(c, &reference))
    }

    // Figures and the export

    /// The figures' counts for a period: `from` and `to` are `YYYY-MM-DD`; `now` is in Unix
    /// seconds. Settles the days that passed since the last time first (one write a day).
    pub async fn counts(&self, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
        let horizon = horizon();
        let settled = {
            let horizon = horizon.clone();
            on_store!(self, read, |c| report::is_settled(c, &horizon))?
        };
        if !settled {
            on_store!(self, write, |c| report::settle_days(c, &horizon))?;
        }
        let (from, to) = (from.to_string(), to.to_string());
        on_store!(self, read, |c| report::counts(c, &from, &to, now))
    }

    /// Up to `limit` requests filed in the period after `after`, one row of
    /// [`report::EXPORT_COLUMNS`] each, and where the next batch starts (`None`: no more).
    pub async fn export_batch(
        &self,
        from: &str,
        to: &str,
        after: Option<ExportMark>,
        limit: i64,
    ) -> Result<(Vec<Vec<String>>, Option<ExportMark>), StoreError> {
        let (from, to) = (from.to_string(), to.to_string());
        on_store!(self, read, |c| report::export_batch(c, &from, &to, after.as_ref(), limit))
    }

    /// The quality report of the requests filed from `from` to `to` (`YYYY-MM-DD`).
    pub async fn quality(&self, from: &str, to: &str) -> Result<QualityReport, StoreError> {
        let (from, to) = (from.to_string(), to.to_string());
        on_store!(self, read, |c| quality::quality(c, &from, &to))
    }

    // The product archive

    /// A unit for the customer's look-up, by serial alone (the line they chose first).
    pub async fn find_product(
        &self,
        serial: &str,
        preferred: Option<&str>,
    ) -> Result<Option<ProductRecord>, StoreError> {
        let (serial, preferred) = (serial.to_string(), preferred.map(str::to_string));
        on_store!(self, read, |c| products::find(c, &serial, preferred.as_deref()))
    }

    pub async fn product(
        &self,
        product_line: &str,
        serial: &str,
    ) -> Result<Option<ProductRecord>, StoreError> {
        let (line, serial) = (product_line.to_string(), serial.to_string());
        on_store!(self, look_up, |c| products::get(c, &line, &serial))
    }

    /// A staff member's edit of a unit (checked by core), with its line in the audit trail.
    pub async fn edit_product(
        &self,
        record: ProductRecord,
        actor: &str,
        now: &str,
    ) -> Result<ProductRecord, StoreError> {
        let (actor, now) = (actor.to_string(), now.to_string());
        on_store!(self, write, |c| products::edit(c, record, &actor, &now))
    }

    /// Checks an import file's every row, and unless `dry_run` or a row is refused writes
    /// them all in one transaction. On SQLite the writer does nothing else meanwhile.
    pub async fn import_products(
        &self,
        body: axum::body::Bytes,
        config: Arc<AppConfig>,
        today: CivilDate,
        dry_run: bool,
        now: &str,
    ) -> Result<products::ImportOutcome, StoreError> {
        let now = now.to_string();
        if dry_run {
            on_store!(self, read, |c| products::import(c, &body, &config, today, true, &now))
        } else {
            on_store!(self, write, |c| products::import(c, &body, &config, today, false, &now))
        }
    }

    /// The unit a request is about: its record, its history (for an engineer, `visiting`,
    /// only the requests they visit), its earlier repairs.
    pub async fn unit_context(
        &self,
        reference: &str,
        performance_causes: Vec<String>,
        visiting: Option<&str>,
    ) -> Result<Option<products::UnitContext>, StoreError> {
        let (reference, visiting) = (reference.to_string(), visiting.map(str::to_string));
        on_store!(self, read, |c| products::unit_context(
            c,
            &reference,
            &performance_causes,
            visiting.as_deref()
        ))
    }

    /// Staff confirmed a customer's proof of purchase ([`timeline::confirm_warranty`]).
    pub async fn confirm_warranty(
        &self,
        reference: &str,
        delivered_on: &str,
        judged: Option<WarrantyStatus>,
        actor: &str,
        now: &str,
    ) -> Result<Entry, StoreError> {
        let (reference, delivered_on) = (reference.to_string(), delivered_on.to_string());
        let (actor, now) = (actor.to_string(), now.to_string());
        on_store!(self, write, |c| timeline::confirm_warranty(
            c,
            &reference,
            &delivered_on,
            judged.clone(),
            &actor,
            &now
        ))
    }

    // Privacy: the audit trail and erasure

    /// Records a member of staff's access to personal data (a view, a photo, an export) in
    /// the audit trail, durably, before the data is read.
    pub async fn record_access(
        &self,
        actor: &str,
        action: Action,
        target: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let (actor, target, detail) = (actor.to_string(), target.to_string(), detail.to_string());
        let now = super::types::now_text();
        on_store!(self, write, |c| audit::record(c, &now, &actor, action, &target, &detail))
    }

    /// A page of the audit trail, newest first, before line `before`; and the next page's start.
    pub async fn audit_page(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<AuditEntry>, Option<i64>), StoreError> {
        on_store!(self, read, |c| audit::page(c, before, limit))
    }

    /// Erases one customer's personal data (by phone or e-mail), with its line in the audit
    /// trail: how many requests it took.
    pub async fn erase_customer(&self, contact: &str, actor: &str) -> Result<usize, StoreError> {
        let (contact, actor, now) =
            (contact.to_string(), actor.to_string(), super::types::now_text());
        on_store!(self, write, |c| privacy::erase_customer(c, &contact, &actor, &now))
    }

    /// Erases up to `limit` requests closed before `cutoff` (Unix seconds): the retention
    /// schedule's step. How many it took.
    pub async fn erase_expired(&self, cutoff: i64, limit: i64) -> Result<usize, StoreError> {
        let now = super::types::now_text();
        on_store!(self, write, |c| privacy::erase_expired(c, cutoff, limit, &now))
    }

    /// One customer's data, request by request, with the export's line in the audit trail.
    pub async fn customer_data(
        &self,
        contact: &str,
        actor: &str,
    ) -> Result<Vec<CustomerView>, StoreError> {
        let (contact, actor, now) =
            (contact.to_string(), actor.to_string(), super::types::now_text());
        on_store!(self, write, |c| privacy::customer_data(c, &contact, &actor, &now))
    }

    /// Writes requests with their timelines as they stand ([`history::insert`]), their
    /// references' random parts drawn from `draw`; [`Db::rebuild`] then derives the rest.
    pub async fn insert_history(
        &self,
        past: Vec<history::PastRequest>,
        draw: Arc<dyn Fn() -> [u8; RANDOM_LEN] + Send + Sync>,
    ) -> Result<(), StoreError> {
        on_store!(self, write, |c| history::insert(c, &past, &*draw))
    }

    /// Derives everything kept beside the requests again from the rows alone
    /// ([`facts::rebuild`]): a full recount, for a store filled by other means or checked.
    pub async fn rebuild(&self) -> Result<(), StoreError> {
        let horizon = horizon();
        on_store!(self, write, |c| async {
            facts::rebuild(c).await?;
            report::settle_days(c, &horizon).await
        })
    }
}

impl Db {
    // Notices and the live desk (store/notices.rs)

    /// Takes the notices due at `now` that nobody holds, for `lease` seconds.
    pub async fn claim_notices(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<notices::Claimed>, StoreError> {
        on_store!(self, write, |c| notices::claim(c, now, now + lease, limit))
    }

    /// Records what became of a claimed notice.
    pub async fn finish_notice(
        &self,
        id: i64,
        outcome: notices::Outcome,
        now: i64,
    ) -> Result<(), StoreError> {
        on_store!(self, write, |c| notices::finish(c, id, &outcome, now))?;
        self.hub().changed();
        Ok(())
    }

    /// Takes a place under the cap per recipient for a claimed notice; or, with the recipient
    /// at the cap, when the next place frees.
    pub async fn take_place(
        &self,
        id: i64,
        recipient: &str,
        cap: RateCap,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let recipient = recipient.to_string();
        on_store!(self, write, |c| notices::take_place(c, id, &recipient, cap, now))
    }

    pub async fn is_unsubscribed(&self, address: &str) -> Result<bool, StoreError> {
        let address = address.to_string();
        on_store!(self, read, |c| notices::is_unsubscribed(c, &address))
    }

    /// Every notice of a request, oldest first.
    pub async fn notices_of(
        &self,
        reference: &str,
    ) -> Result<Vec<notices::NoticeRecord>, StoreError> {
        let reference = reference.to_string();
        on_store!(self, read, |c| notices::of_request(c, &reference))
    }

    /// Queues a failed notice again; its request's reference.
    pub async fn resend_notice(&self, id: i64, now: i64) -> Result<String, StoreError> {
        let reference = on_store!(self, write, |c| notices::resend(c, id, now))?;
        self.hub().changed();
        Ok(reference)
    }

    /// The request and address of a customer's email notice (an unsubscribe link's).
    pub async fn emailed(&self, id: i64) -> Result<Option<(String, String)>, StoreError> {
        on_store!(self, read, |c| notices::emailed(c, id))
    }

    pub async fn unsubscribe(&self, address: &str, now: &str) -> Result<(), StoreError> {
        let (address, now) = (address.to_string(), now.to_string());
        on_store!(self, write, |c| notices::unsubscribe(c, &address, &now))
    }

    /// Queues the alerts of requests that escalated since the last scan.
    pub async fn alert_escalations(&self, now: i64) -> Result<usize, StoreError> {
        let telling = self.hub().telling();
        let queued = on_store!(self, write, |c| notices::alert_escalations(c, &telling, now))?;
        if queued > 0 {
            self.hub().changed();
        }
        Ok(queued)
    }

    /// The key unsubscribe links are signed with, the same on every instance.
    pub async fn link_key(&self, candidate: &str) -> Result<String, StoreError> {
        let candidate = candidate.to_string();
        on_store!(self, write, |c| notices::link_key(c, &candidate))
    }

    /// The desk's changes after `after`, oldest first.
    pub async fn desk_changes(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<notices::DeskChange>, StoreError> {
        on_store!(self, read, |c| notices::changes_after(c, after, limit))
    }

    /// The newest desk change's id.
    pub async fn last_desk_change(&self) -> Result<i64, StoreError> {
        on_store!(self, read, |c| notices::last_change(c))
    }

    pub async fn prune_desk_changes(&self, before: i64) -> Result<u64, StoreError> {
        on_store!(self, write, |c| notices::prune_changes(c, before))
    }

    /// A colleague typing a reply: told to every instance's desks (not stored).
    pub async fn typing(&self, reference: &str, login: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(store) => {
                store.hub.typing(reference, login);
                Ok(())
            }
            Db::Postgres(store) => {
                let client = store.pool.get().await?;
                client
                    .execute(
                        "SELECT pg_notify('shouhou', $1)",
                        &[&format!("typing:{reference}:{login}")],
                    )
                    .await?;
                Ok(())
            }
        }
    }

    /// Sets or clears the address a member of staff gets alerts at.
    pub async fn set_staff_email(
        &self,
        login: &str,
        email: Option<String>,
    ) -> Result<(), StoreError> {
        let login = login.to_string();
        on_store!(self, write, |c| staff::set_email(c, &login, email.as_deref()))
    }
}

/// The last day that may be settled now ([`report::settle_horizon`]).
fn horizon() -> String {
    report::settle_horizon(now().date_naive())
}
