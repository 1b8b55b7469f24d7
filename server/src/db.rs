//! [`Db`]: the one store interface the handlers and the staff command use. Every method is
//! the same operation on either store: one SQLite file (the default, written through its
//! writer thread, read off the async threads) or PostgreSQL for several instances on one
//! database ([`crate::pg`]). The rules both apply are core's, called from `store/`.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;
use shouhou_core::flow::engine::Deflection;
use shouhou_core::ValidRequest;

use crate::pg::PgStore;
use crate::store::customer::{self, CustomerPost, Posted};
use crate::store::report::{self, Counts};
use crate::store::staff::{self, StaffMember};
use crate::store::timeline::{
    self, CustomerView, Entry, EventRequest, Inbox, InboxFilter, RequestDetail,
};
use crate::store::{Created, NewRequest, Role, Session, Store, StoreError};

/// Where requests are kept: one SQLite file (the default), or PostgreSQL for several
/// instances on one database (`--db postgres://…`).
pub enum Db {
    Sqlite(Arc<Store>),
    Postgres(PgStore),
}

impl Db {
    /// A read on SQLite's reading connection, off the async threads.
    async fn read<T: Send + 'static>(
        store: &Arc<Store>,
        read: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(store);
        tokio::task::spawn_blocking(move || store.read(read))
            .await
            .map_err(|error| StoreError::Io(std::io::Error::other(error)))?
    }

    /// Stores a request, idempotent on its key.
    pub async fn create(&self, new: NewRequest) -> Result<Created, StoreError> {
        match self {
            Db::Sqlite(store) => store.create(new).await,
            Db::Postgres(store) => store.create(new).await,
        }
    }

    /// Counts a deflection, idempotent on its key.
    pub async fn record_deflection(
        &self,
        idempotency_key: String,
        deflection: Deflection,
        now: DateTime<FixedOffset>,
    ) -> Result<bool, StoreError> {
        match self {
            Db::Sqlite(store) => store.record_deflection(idempotency_key, deflection, now).await,
            Db::Postgres(store) => store.record_deflection(idempotency_key, deflection, now).await,
        }
    }

    /// The customer's status look-up: the request, its public timeline, what they may do.
    pub async fn customer_view(&self, reference: &str) -> Result<Option<CustomerView>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let reference = reference.to_string();
                Db::read(store, move |c| timeline::customer_view(c, &reference)).await
            }
            Db::Postgres(store) => store.customer_view(reference).await,
        }
    }

    /// A customer's message or rating, idempotent on its key; `contact_ok` checks the
    /// contact sent against the request's (a wrong one is `NotFound`).
    pub async fn customer_post(
        &self,
        reference: &str,
        contact_ok: impl FnOnce(&ValidRequest) -> bool + Send + 'static,
        new: CustomerPost,
    ) -> Result<Posted, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let reference = reference.to_string();
                store.write(move |c| customer::post(c, &reference, contact_ok, &new)).await
            }
            Db::Postgres(store) => store.customer_post(reference, contact_ok, &new).await,
        }
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
        match self {
            Db::Sqlite(store) => {
                let (login, hash, now) =
                    (login.to_string(), password_hash.to_string(), now.to_string());
                store.write(move |c| staff::add(c, &login, role, &hash, &now)).await
            }
            Db::Postgres(store) => store.add_staff(login, role, password_hash, now).await,
        }
    }

    pub async fn list_staff(&self) -> Result<Vec<StaffMember>, StoreError> {
        match self {
            Db::Sqlite(store) => Db::read(store, staff::list).await,
            Db::Postgres(store) => store.list_staff().await,
        }
    }

    /// Disables the account and ends its sessions at once; `NotFound` for no such login.
    pub async fn disable_staff(&self, login: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(store) => {
                let login = login.to_string();
                store.write(move |c| staff::disable(c, &login)).await
            }
            Db::Postgres(store) => store.disable_staff(login).await,
        }
    }

    /// The id and password hash of an active account.
    pub async fn credentials(&self, login: &str) -> Result<Option<(i64, String)>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let login = login.to_string();
                Db::read(store, move |c| staff::credentials(c, &login)).await
            }
            Db::Postgres(store) => store.credentials(login).await,
        }
    }

    pub async fn start_session(
        &self,
        staff_id: i64,
        token_hash: &str,
        now: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(store) => {
                let (hash, now, expires) =
                    (token_hash.to_string(), now.to_string(), expires_at.to_string());
                store.write(move |c| staff::start_session(c, staff_id, &hash, &now, &expires)).await
            }
            Db::Postgres(store) => store.start_session(staff_id, token_hash, now, expires_at).await,
        }
    }

    /// The session's owner while it is unexpired and the account active.
    pub async fn session(
        &self,
        token_hash: &str,
        now: &str,
    ) -> Result<Option<Session>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let (hash, now) = (token_hash.to_string(), now.to_string());
                Db::read(store, move |c| staff::session(c, &hash, &now)).await
            }
            Db::Postgres(store) => store.session(token_hash, now).await,
        }
    }

    pub async fn end_session(&self, token_hash: &str) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(store) => {
                let hash = token_hash.to_string();
                store.write(move |c| staff::end_session(c, &hash)).await
            }
            Db::Postgres(store) => store.end_session(token_hash).await,
        }
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
        match self {
            Db::Sqlite(store) => {
                let (reference, actor, now) =
                    (reference.to_string(), actor.map(str::to_string), now.to_string());
                store
                    .write(move |c| {
                        timeline::add_event(c, &reference, &event, actor.as_deref(), &now)
                    })
                    .await
            }
            Db::Postgres(store) => store.add_event(reference, &event, actor, now).await,
        }
    }

    pub async fn inbox(
        &self,
        filter: InboxFilter,
        me: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Inbox, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let me = me.to_string();
                Db::read(store, move |c| timeline::inbox(c, &filter, &me, now)).await
            }
            Db::Postgres(store) => store.inbox(&filter, me, now).await,
        }
    }

    pub async fn detail(
        &self,
        reference: &str,
        now: DateTime<FixedOffset>,
    ) -> Result<Option<RequestDetail>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let reference = reference.to_string();
                Db::read(store, move |c| timeline::detail(c, &reference, now)).await
            }
            Db::Postgres(store) => store.detail(reference, now).await,
        }
    }

    /// A stored photo's content type and bytes.
    pub async fn photo(
        &self,
        reference: &str,
        photo_id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let (reference, photo_id) = (reference.to_string(), photo_id.to_string());
                Db::read(store, move |c| timeline::photo(c, &reference, &photo_id)).await
            }
            Db::Postgres(store) => store.photo(reference, photo_id).await,
        }
    }

    // Figures and the export

    /// `from` and `to` are `YYYY-MM-DD`; `now` is in Unix seconds.
    pub async fn counts(&self, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let (from, to) = (from.to_string(), to.to_string());
                Db::read(store, move |c| report::counts(c, &from, &to, now)).await
            }
            Db::Postgres(store) => store.counts(from, to, now).await,
        }
    }

    /// The requests filed in the period, one row of [`report::EXPORT_COLUMNS`] each.
    pub async fn export_rows(&self, from: &str, to: &str) -> Result<Vec<Vec<String>>, StoreError> {
        match self {
            Db::Sqlite(store) => {
                let (from, to) = (from.to_string(), to.to_string());
                Db::read(store, move |c| report::export_rows(c, &from, &to)).await
            }
            Db::Postgres(store) => store.export_rows(from, to).await,
        }
    }
}
