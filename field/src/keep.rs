//! What the tablet keeps in its own IndexedDB database (`shouhou-field`, never the
//! customer app's): the visit list and each listed request's details as the server last
//! sent them, with when they were saved; the report drafts, one per visit, written on every
//! keystroke; the outbox of reports to send; the drawn signatures as PNG blobs.
//!
//! The visits and requests are kept as the server's own JSON inside `{saved_at_ms, data}`,
//! so offline they are read exactly as an answer with signal is. The requests' photos are
//! kept by the service worker (`field/static/sw.js`), in the cache named [`PHOTO_CACHE`]; who
//! is signed in, in localStorage.

use serde::de::DeserializeOwned;
use serde::Deserialize;
use shouhou::storage::idb::{Db, Op, StorageError};
use shouhou_core::desk::{RequestDetail, Role, Session, VisitRow};
use shouhou_core::visit::VisitState;
use shouhou_web::dom::local_storage;
use shouhou_web::http;

use crate::plan::{QueuedReport, ReportDraft};

const DATABASE: &str = "shouhou-field";
const VISITS: &str = "visits";
const REQUESTS: &str = "requests";
const DRAFTS: &str = "drafts";
const OUTBOX: &str = "outbox";
const PHOTOS: &str = "photos";
const STORES: &[&str] = &[VISITS, REQUESTS, DRAFTS, OUTBOX, PHOTOS];
/// The service worker's cache of the requests' photos (its `PHOTOS`).
const PHOTO_CACHE: &str = "field-photos";
/// The key prefix of a draft or queued report that could not be read back, kept as it was.
const UNREADABLE: &str = "unreadable.";
/// The visit list's one key in its store.
const LIST: &str = "list";
/// Where a draft's last change waits, synchronously, until IndexedDB has committed it: a tab
/// killed in between loses nothing (localStorage, `shouhou-field.draft.<visit>`).
const JOURNAL: &str = "shouhou-field.draft.";

/// Something kept as the server sent it, and when.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Kept<T> {
    pub saved_at_ms: u64,
    pub data: T,
}

#[derive(Clone)]
pub struct Keep {
    db: Db,
}

impl PartialEq for Keep {
    fn eq(&self, _: &Keep) -> bool {
        // One database per app: any two handles are the same.
        true
    }
}

fn kept_json(saved_at_ms: u64, raw: &str) -> String {
    format!("{{\"saved_at_ms\":{saved_at_ms},\"data\":{raw}}}")
}

/// Writes the draft's change where a killed tab keeps it, before IndexedDB has it.
pub fn journal(visit: i64, json: &str) {
    if let Some(storage) = shouhou_web::dom::local_storage() {
        // Full: IndexedDB still gets the change a moment later.
        let _ = storage.set_item(&[JOURNAL, &visit.to_string()].concat(), json);
    }
}

/// The journalled draft of a visit, if a change never reached IndexedDB.
pub fn journalled(visit: i64) -> Option<ReportDraft> {
    let storage = shouhou_web::dom::local_storage()?;
    let json = storage.get_item(&[JOURNAL, &visit.to_string()].concat()).ok()??;
    serde_json::from_str(&json).ok()
}

/// Forgets the journal once IndexedDB holds `json` (not when a later change is journalled).
pub fn settle_journal(visit: i64, json: Option<&str>) {
    let Some(storage) = shouhou_web::dom::local_storage() else { return };
    let key = [JOURNAL, &visit.to_string()].concat();
    let current = storage.get_item(&key).ok().flatten();
    if json.is_none() || current.as_deref() == json {
        let _ = storage.remove_item(&key);
    }
}

/// Who signed in last on this tablet: with no signal, the kept visits are theirs to read.
const SIGNED_IN: &str = "shouhou-field-session";

/// Remembers who is signed in (login and role), or that no one is: forgotten at once at a
/// sign-out, so nothing more of customers is kept from then.
pub fn remember(session: Option<&Session>) {
    let Some(storage) = local_storage() else { return };
    let _ = match session {
        Some(session) => storage
            .set_item(SIGNED_IN, &[session.login.as_str(), "\n", session.role.as_str()].concat()),
        None => storage.remove_item(SIGNED_IN),
    };
}

/// Who is signed in on this tablet, as it remembers.
pub fn remembered() -> Option<Session> {
    let text = local_storage()?.get_item(SIGNED_IN).ok()??;
    let (login, role) = text.split_once('\n')?;
    let role =
        [Role::Agent, Role::Lead, Role::Engineer].into_iter().find(|r| r.as_str() == role)?;
    Some(Session { login: login.to_string(), role, expires_at: String::new() })
}

/// Forgets the requests' photos the service worker keeps, at every end of a session (whether
/// or not IndexedDB can be opened).
pub async fn forget_photos() {
    if let Some(caches) = web_sys::window().and_then(|window| window.caches().ok()) {
        let _ = wasm_bindgen_futures::JsFuture::from(caches.delete(PHOTO_CACHE)).await;
    }
}

impl Keep {
    pub async fn open() -> Result<Keep, StorageError> {
        Ok(Keep { db: Db::open_with(DATABASE, STORES).await? })
    }

    async fn read<T: DeserializeOwned>(&self, store: &str, key: &str) -> Option<T> {
        let json = self.db.get_json(store, key).await.ok()??;
        http::read_maps(&json).ok()
    }

    /// The visit list as the server sent it (`raw`), at `saved_at_ms`.
    pub async fn keep_visits(&self, raw: &str, saved_at_ms: u64) -> Result<(), StorageError> {
        self.db.put_json(VISITS, LIST, &kept_json(saved_at_ms, raw)).await
    }

    pub async fn visits<T: DeserializeOwned>(&self) -> Option<Kept<T>> {
        self.read(VISITS, LIST).await
    }

    /// A request's details as the server sent them.
    pub async fn keep_request(
        &self,
        reference: &str,
        raw: &str,
        saved_at_ms: u64,
    ) -> Result<(), StorageError> {
        self.db.put_json(REQUESTS, reference, &kept_json(saved_at_ms, raw)).await
    }

    pub async fn request<T: DeserializeOwned>(&self, reference: &str) -> Option<Kept<T>> {
        self.read(REQUESTS, reference).await
    }

    /// Forgets what was kept of customers when the session ends: the visits and requests (the
    /// photos: [`forget_photos`]), and every draft that is still only the prefill (and its journal). What the engineer
    /// wrote or queued stays, theirs to send (see [`ReportDraft::stays_at_sign_out`]).
    pub async fn forget_customers(&self) {
        let visits: Vec<VisitRow> = self.visits().await.map(|kept| kept.data).unwrap_or_default();
        for (key, draft) in self.drafts().await {
            let visit = visits.iter().find(|visit| visit.id.to_string() == key);
            let detail: Option<Kept<RequestDetail>> = match visit {
                Some(visit) => self.request(&visit.reference).await,
                None => None,
            };
            if !draft.stays_at_sign_out(visit.zip(detail.as_ref().map(|kept| &kept.data))) {
                let _ = self.db.delete(DRAFTS, &key).await;
                if let Ok(visit) = key.parse() {
                    settle_journal(visit, None);
                }
            }
        }
        for store in [VISITS, REQUESTS] {
            let _ = self.db.clear(store).await;
        }
    }

    /// Every draft that can be read back, with its key.
    pub async fn drafts(&self) -> Vec<(String, ReportDraft)> {
        let all = self.db.get_all_json(DRAFTS).await.unwrap_or_default();
        all.into_iter()
            .filter_map(|(key, json)| Some((key, serde_json::from_str(&json).ok()?)))
            .collect()
    }

    /// The visit's draft. One that cannot be read back (a damaged record, or one a later
    /// build cannot read) is set aside as it is, under [`UNREADABLE`], before the form starts
    /// afresh over its key: never written over, never sent.
    pub async fn draft(&self, visit: i64) -> Option<ReportDraft> {
        let key = visit.to_string();
        let json = self.db.get_json(DRAFTS, &key).await.ok()??;
        let draft = serde_json::from_str(&json).ok();
        if draft.is_none() {
            self.set_aside(DRAFTS, &key, &json).await;
        }
        draft
    }

    async fn set_aside(&self, store: &str, key: &str, json: &str) {
        let aside = [UNREADABLE, key].concat();
        let _ =
            self.db.write(&[Op::Put { store, key: &aside, json }, Op::Delete { store, key }]).await;
    }

    /// How many drafts and queued reports were set aside unreadable: the list says so.
    pub async fn unreadable(&self) -> usize {
        let mut count = 0;
        for store in [DRAFTS, OUTBOX] {
            let keys = self.db.keys(store).await.unwrap_or_default();
            count += keys.iter().filter(|key| key.starts_with(UNREADABLE)).count();
        }
        count
    }

    /// Saves the draft: journalled at once, then in IndexedDB, then the journal forgotten.
    pub async fn save_draft(&self, visit: i64, draft: &ReportDraft) -> Result<(), StorageError> {
        let json = serde_json::to_string(draft).expect("a draft serialises");
        journal(visit, &json);
        self.db.put_json(DRAFTS, &visit.to_string(), &json).await?;
        settle_journal(visit, Some(&json));
        Ok(())
    }

    /// Queues the report and drops its draft, in one transaction: it is in one place or
    /// the other, never both and never neither.
    pub async fn queue(&self, item: &QueuedReport) -> Result<(), StorageError> {
        let key = item.visit.to_string();
        let json = serde_json::to_string(item).expect("a report serialises");
        self.db
            .write(&[
                Op::Put { store: OUTBOX, key: &key, json: &json },
                Op::Delete { store: DRAFTS, key: &key },
            ])
            .await?;
        settle_journal(item.visit, None);
        Ok(())
    }

    /// A refused report back to a draft, in one transaction, like [`Keep::queue`] the other
    /// way round.
    pub async fn back_to_draft(&self, visit: i64, draft: &ReportDraft) -> Result<(), StorageError> {
        let key = visit.to_string();
        let json = serde_json::to_string(draft).expect("a draft serialises");
        self.db
            .write(&[
                Op::Put { store: DRAFTS, key: &key, json: &json },
                Op::Delete { store: OUTBOX, key: &key },
            ])
            .await
    }

    /// Removes a report from the tablet, with its signature, in one transaction (a report
    /// stored whose join was refused, once the engineer confirms).
    pub async fn remove(&self, item: &QueuedReport) -> Result<(), StorageError> {
        let key = item.visit.to_string();
        self.without_signature(item, Op::Delete { store: OUTBOX, key: &key }).await
    }

    /// Writes `outbox` (the report's record) and deletes the report's signature, in one
    /// transaction: the signature leaves the tablet with the report.
    async fn without_signature(
        &self,
        item: &QueuedReport,
        outbox: Op<'_>,
    ) -> Result<(), StorageError> {
        let signature = &item.fields.signature;
        let mut ops = vec![outbox];
        if !signature.is_empty() {
            ops.push(Op::Delete { store: PHOTOS, key: signature });
        }
        self.db.write(&ops).await
    }

    pub async fn put_queued(&self, item: &QueuedReport) -> Result<(), StorageError> {
        let json = serde_json::to_string(item).expect("a report serialises");
        self.db.put_json(OUTBOX, &item.visit.to_string(), &json).await
    }

    /// Every queued report, the oldest first; one that cannot be read back is set aside as
    /// it is (see [`Keep::draft`]), not dropped.
    pub async fn outbox(&self) -> Vec<QueuedReport> {
        let mut items: Vec<QueuedReport> = Vec::new();
        for (key, json) in self.db.get_all_json(OUTBOX).await.unwrap_or_default() {
            if key.starts_with(UNREADABLE) {
                continue;
            }
            match serde_json::from_str(&json) {
                Ok(item) => items.push(item),
                Err(_) => self.set_aside(OUTBOX, &key, &json).await,
            }
        }
        items.sort_by_key(|item| item.queued_at_ms);
        items
    }

    /// A report sent and joined: kept as sent (so the visit never offers a second report,
    /// even before a list that says it is done can be read), its signature off the tablet
    /// (the server holds it now).
    pub async fn sent(&self, item: &QueuedReport) {
        let key = item.visit.to_string();
        let json = serde_json::to_string(item).expect("a report serialises");
        // Left queued, it is sent again next time: the server answers it the same way.
        let _ =
            self.without_signature(item, Op::Put { store: OUTBOX, key: &key, json: &json }).await;
    }

    /// Forgets the reports sent whose visits a list read with signal (`visits`) no longer
    /// shows as still to do: that list now says what came of them.
    pub async fn forget_sent(&self, visits: &[VisitRow]) {
        for item in self.outbox().await.into_iter().filter(|item| item.joined) {
            let to_do = visits
                .iter()
                .any(|visit| visit.id == item.visit && visit.state == VisitState::Scheduled);
            if !to_do {
                let _ = self.db.delete(OUTBOX, &item.visit.to_string()).await;
            }
        }
    }

    pub async fn put_signature(&self, id: &str, blob: &web_sys::Blob) -> Result<(), StorageError> {
        self.db.put_value(PHOTOS, id, blob).await
    }

    /// A drawing no draft refers to any more (redrawn or cleared).
    pub async fn forget_signature(&self, id: &str) {
        let _ = self.db.delete(PHOTOS, id).await;
    }

    pub async fn signature(&self, id: &str) -> Option<web_sys::Blob> {
        use wasm_bindgen::JsCast;
        self.db.get_value(PHOTOS, id).await.ok()??.dyn_into().ok()
    }
}
