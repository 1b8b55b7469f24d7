//! Where drafts and the outbox live, and how a keystroke becomes durable.
//!
//! Every change is written twice: at once and synchronously to a localStorage journal entry
//! (`shouhou.journal.<draft id>`), then asynchronously to IndexedDB through a queue that
//! runs one write at a time and keeps only the newest pending copy of each draft. A tab
//! killed between the two loses nothing: at start the journal is replayed, and of two copies
//! the one with more revisions wins (`Draft::newer`). Records that cannot be read are moved
//! to the `quarantine` store, never dropped, and never stop the app from starting.
//!
//! Every write — draft saves, deletes, moving a draft into the outbox and back — goes
//! through one [`Writer`] queue, so they happen in the order they were asked for.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use shouhou_core::outbox::OutboxItem;
use shouhou_core::Draft;
use yew::Callback;

use wasm_bindgen::JsCast;

use super::idb::{Db, Op, StorageError};
use super::settings::local_storage;

pub const DB_NAME: &str = "shouhou";
const DRAFTS: &str = "drafts";
const QUARANTINE: &str = "quarantine";
const OUTBOX: &str = "outbox";
const PHOTOS: &str = "photos";
const JOURNAL_PREFIX: &str = "shouhou.journal.";

/// What was found in storage at start.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Newest change first.
    pub drafts: Vec<Draft>,
    /// How many records could not be read and were set aside.
    pub quarantined: usize,
}

pub struct LocalStore {
    /// `None` when the browser offers no IndexedDB: the journal still keeps the draft.
    db: Option<Db>,
}

impl LocalStore {
    /// Opens storage; the error says why drafts will only live in the journal.
    pub async fn open() -> (LocalStore, Option<StorageError>) {
        match Db::open(DB_NAME).await {
            Ok(db) => (LocalStore { db: Some(db) }, None),
            Err(error) => (LocalStore { db: None }, Some(error)),
        }
    }

    /// Every outbox item, oldest first. Unreadable items are quarantined like drafts.
    pub async fn load_outbox(&self) -> Vec<OutboxItem> {
        self.load_outbox_counted().await.0
    }

    /// The same, with how many unreadable items were set aside by this read (at start, for
    /// the storage notice).
    pub async fn load_outbox_counted(&self) -> (Vec<OutboxItem>, usize) {
        let Some(db) = &self.db else { return (Vec::new(), 0) };
        let mut items = Vec::new();
        let mut quarantined = 0;
        for (key, text) in db.get_all_json(OUTBOX).await.unwrap_or_default() {
            match serde_json::from_str::<OutboxItem>(&text) {
                Ok(item) => items.push(item),
                Err(why) => {
                    self.quarantine("outbox", &key, &text, &why.to_string()).await;
                    let _ = db.delete(OUTBOX, &key).await;
                    quarantined += 1;
                }
            }
        }
        items.sort_by_key(|item| item.queued_at_ms);
        (items, quarantined)
    }

    /// Keeps a shrunk photo beside the drafts; the draft refers to it by id.
    pub async fn put_photo(&self, id: &str, blob: &web_sys::Blob) -> Result<(), StorageError> {
        let db = self.db.as_ref().ok_or(StorageError::Unavailable)?;
        db.put_value(PHOTOS, id, blob).await
    }

    pub async fn photo(&self, id: &str) -> Option<web_sys::Blob> {
        let value = self.db.as_ref()?.get_value(PHOTOS, id).await.ok()??;
        value.dyn_into().ok()
    }

    /// Photos no draft or outbox item refers to any more (removed, or delivered).
    pub async fn delete_photos(&self, ids: &[String]) {
        if let Some(db) = &self.db {
            let ops: Vec<Op> = ids.iter().map(|key| Op::Delete { store: PHOTOS, key }).collect();
            let _ = db.write(&ops).await;
        }
    }

    /// The ids of every stored photo.
    pub async fn photo_ids(&self) -> Vec<String> {
        match &self.db {
            Some(db) => db.keys(PHOTOS).await.unwrap_or_default(),
            None => Vec::new(),
        }
    }

    /// Everything a kiosk customer left on this device, gone before the next one: every
    /// draft and set-aside record, every photo, delivered outbox items and the keystroke
    /// journal. Unsent outbox items stay, with their photos: they must still be delivered.
    pub async fn wipe_for_next_customer(&self) {
        if let Some(db) = &self.db {
            let outbox = self.load_outbox().await;
            let still_needed: Vec<String> = outbox
                .iter()
                .filter(|item| !item.is_sent())
                .flat_map(|item| item.draft.fields.photos.iter().map(|p| p.id.clone()))
                .collect();
            let delivered: Vec<String> =
                outbox.iter().filter(|item| item.is_sent()).map(|item| item.id.clone()).collect();
            let photos: Vec<String> = self
                .photo_ids()
                .await
                .into_iter()
                .filter(|id| !still_needed.contains(id))
                .collect();
            let _ = db.clear(DRAFTS).await;
            let _ = db.clear(QUARANTINE).await;
            let mut ops: Vec<Op> =
                photos.iter().map(|key| Op::Delete { store: PHOTOS, key }).collect();
            ops.extend(delivered.iter().map(|key| Op::Delete { store: OUTBOX, key }));
            let _ = db.write(&ops).await;
        }
        if let Some(storage) = local_storage() {
            for (id, _) in journal_entries() {
                let _ = storage.remove_item(&format!("{JOURNAL_PREFIX}{id}"));
            }
            // The boot script's hint holds the customer's start choices, its journal what
            // they typed before the app arrived.
            let _ = storage.remove_item(super::settings::RESUME_KEY);
            let _ = storage.remove_item(super::settings::EARLY_KEY);
            // Status answers remembered before the device became a kiosk hold other people's
            // messages to the team.
            let remembered: Vec<String> = (0..storage.length().unwrap_or(0))
                .filter_map(|i| storage.key(i).ok().flatten())
                .filter(|key| key.starts_with(super::settings::REMEMBERED_STATUS_PREFIX))
                .collect();
            for key in remembered {
                let _ = storage.remove_item(&key);
            }
        }
    }

    pub fn has_database(&self) -> bool {
        self.db.is_some()
    }

    /// Reads every draft from IndexedDB and the journal, newest copy of each.
    pub async fn load_all(&self) -> Loaded {
        let mut loaded = Loaded::default();
        let mut drafts: Vec<Draft> = Vec::new();

        if let Some(db) = &self.db {
            for (key, text) in db.get_all_json(DRAFTS).await.unwrap_or_default() {
                match Draft::decode(&text) {
                    Ok(draft) => drafts.push(draft),
                    Err(why) => {
                        self.quarantine("indexeddb", &key, &text, &why.to_string()).await;
                        let _ = db.delete(DRAFTS, &key).await;
                        loaded.quarantined += 1;
                    }
                }
            }
        }

        for (key, text) in journal_entries() {
            let journal_key = format!("{JOURNAL_PREFIX}{key}");
            match Draft::decode(&text) {
                Ok(journalled) => match drafts.iter_mut().find(|d| d.id == journalled.id) {
                    Some(stored) => {
                        if Draft::newer(stored, &journalled) == &journalled && *stored != journalled
                        {
                            *stored = journalled;
                            self.write(stored).await.ok();
                        }
                    }
                    None => {
                        self.write(&journalled).await.ok();
                        drafts.push(journalled);
                    }
                },
                Err(why) => {
                    self.quarantine("journal", &journal_key, &text, &why.to_string()).await;
                    unjournal(&key);
                    loaded.quarantined += 1;
                }
            }
        }

        drafts.sort_by_key(|draft| std::cmp::Reverse(draft.updated_at_ms));
        loaded.drafts = drafts;
        loaded
    }

    async fn write(&self, draft: &Draft) -> Result<(), StorageError> {
        match &self.db {
            Some(db) => db.put_json(DRAFTS, &draft.id, &draft.encode()).await,
            None => Err(StorageError::Unavailable),
        }
    }

    /// Carries out one queued write as one transaction.
    async fn perform(&self, write: &Write) -> Result<(), StorageError> {
        let Some(db) = &self.db else {
            return Err(StorageError::Unavailable);
        };
        match write {
            Write::Put(draft) => db.put_json(DRAFTS, &draft.id, &draft.encode()).await,
            Write::Delete(id) => db.delete(DRAFTS, id).await,
            Write::Submit(item) => {
                let json = serde_json::to_string(item).expect("outbox items serialise");
                db.write(&[
                    Op::Put { store: OUTBOX, key: &item.id, json: &json },
                    Op::Delete { store: DRAFTS, key: &item.id },
                ])
                .await
            }
            Write::PutOutbox(item) => {
                let json = serde_json::to_string(item).expect("outbox items serialise");
                db.put_json(OUTBOX, &item.id, &json).await
            }
            Write::BackToDraft(draft) => {
                let json = draft.encode();
                db.write(&[
                    Op::Delete { store: OUTBOX, key: &draft.id },
                    Op::Put { store: DRAFTS, key: &draft.id, json: &json },
                ])
                .await
            }
        }
    }

    /// Keeps an unreadable record's raw text where support staff can still recover it.
    async fn quarantine(&self, source: &str, key: &str, raw: &str, reason: &str) {
        let Some(db) = &self.db else { return };
        let now = crate::ids::now_ms();
        let record = QuarantinedRecord { source, key, raw, reason, quarantined_at_ms: now };
        let json = serde_json::to_string(&record).expect("a quarantined record serialises");
        // Keyed by the record's content, not the time: two readers finding the same bad record
        // at once (the sender and the start-up photo check, or two tabs) set it aside once,
        // while a different bad record under the same key is kept beside it.
        let fingerprint = raw.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        let _ = db.put_json(QUARANTINE, &format!("{source}:{key}:{fingerprint:016x}"), &json).await;
    }
}

/// What the `quarantine` store keeps of a record that could not be read.
#[derive(serde::Serialize)]
struct QuarantinedRecord<'a> {
    /// `indexeddb`, `journal` or `outbox`.
    source: &'a str,
    key: &'a str,
    /// The record exactly as found.
    raw: &'a str,
    reason: &'a str,
    quarantined_at_ms: u64,
}

/// The draft a localStorage key journals, if it is a journal entry (another tab's change
/// arrives as a `storage` event on such a key).
pub fn journalled_draft(key: &str) -> Option<&str> {
    key.strip_prefix(JOURNAL_PREFIX)
}

fn journal_entries() -> Vec<(String, String)> {
    let Some(storage) = local_storage() else { return Vec::new() };
    let count = storage.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter_map(|key| key.strip_prefix(JOURNAL_PREFIX).map(str::to_string))
        .filter_map(|id| {
            let text = storage.get_item(&format!("{JOURNAL_PREFIX}{id}")).ok().flatten()?;
            Some((id, text))
        })
        .collect()
}

/// The synchronous half of a save. Returns false when localStorage refused (full or absent).
pub(super) fn journal(draft: &Draft) -> bool {
    local_storage().is_some_and(|s| {
        s.set_item(&format!("{JOURNAL_PREFIX}{}", draft.id), &draft.encode()).is_ok()
    })
}

fn unjournal(id: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(&format!("{JOURNAL_PREFIX}{id}"));
    }
}

/// Performance marks for `scripts/bench-autosave.sh`: when the last change reached the
/// journal, and when IndexedDB committed it. Only the latest of each is kept.
pub const JOURNALLED_MARK: &str = "shouhou:journalled";
pub const COMMITTED_MARK: &str = "shouhou:committed";

fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        performance.clear_marks_with_mark_name(name);
        let _ = performance.mark(name);
    }
}

enum Write {
    Put(Draft),
    Delete(String),
    /// Into the outbox and out of the drafts, at once.
    Submit(OutboxItem),
    PutOutbox(OutboxItem),
    /// Out of the outbox and back among the drafts, at once.
    BackToDraft(Draft),
}

impl Write {
    fn id(&self) -> &str {
        match self {
            Write::Put(draft) | Write::BackToDraft(draft) => &draft.id,
            Write::Delete(id) => id,
            Write::Submit(item) | Write::PutOutbox(item) => &item.id,
        }
    }

    /// Whether this write makes a still-pending `older` one pointless. Only plain saves are
    /// ever dropped: a newer save, a delete or a submit of the same draft overtakes them, and
    /// a newer copy of an outbox item overtakes an older copy.
    fn supersedes(&self, older: &Write) -> bool {
        self.id() == older.id()
            && matches!(
                (self, older),
                (Write::Put(_) | Write::Delete(_) | Write::Submit(_), Write::Put(_))
                    | (Write::PutOutbox(_), Write::PutOutbox(_))
            )
    }
}

/// The outcome of one IndexedDB write, reported to the screen.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveReport {
    /// This revision of this draft is committed.
    Saved {
        id: String,
        revision: u64,
    },
    Failed(StorageError),
}

/// The one queue every local write goes through: it serialises writes so a late save can
/// never bring back a deleted or submitted draft, and coalesces a burst of keystrokes into
/// one write of the newest copy.
#[derive(Clone)]
pub struct Writer {
    store: Rc<LocalStore>,
    queue: Rc<RefCell<VecDeque<Write>>>,
    busy: Rc<RefCell<bool>>,
    report: Callback<SaveReport>,
}

impl PartialEq for Writer {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.queue, &other.queue)
    }
}

impl Writer {
    pub fn new(store: Rc<LocalStore>, report: Callback<SaveReport>) -> Writer {
        Writer { store, queue: Rc::default(), busy: Rc::default(), report }
    }

    pub fn store(&self) -> &Rc<LocalStore> {
        &self.store
    }

    pub fn save(&self, draft: &Draft) {
        let journalled = journal(draft);
        mark(JOURNALLED_MARK);
        if !self.store.has_database() {
            let report = if journalled {
                SaveReport::Saved { id: draft.id.clone(), revision: draft.revision }
            } else {
                SaveReport::Failed(StorageError::Unavailable)
            };
            self.report.emit(report);
            return;
        }
        self.enqueue(Write::Put(draft.clone()));
    }

    pub fn delete(&self, id: &str) {
        unjournal(id);
        self.enqueue(Write::Delete(id.to_string()));
    }

    /// Moves a finished draft into the outbox in one transaction.
    pub fn submit(&self, item: OutboxItem) {
        unjournal(&item.id);
        self.enqueue(Write::Submit(item));
    }

    pub fn put_outbox(&self, item: OutboxItem) {
        self.enqueue(Write::PutOutbox(item));
    }

    /// Moves an outbox item back among the drafts in one transaction.
    pub fn back_to_draft(&self, draft: Draft) {
        journal(&draft);
        self.enqueue(Write::BackToDraft(draft));
    }

    /// Resolves when every write queued so far is done (the sender waits on this before it
    /// reads the outbox, so it never misses an item just submitted).
    pub async fn flushed(&self) {
        while *self.busy.borrow() || !self.queue.borrow().is_empty() {
            gloo_timers::future::TimeoutFuture::new(2).await;
        }
    }

    fn enqueue(&self, write: Write) {
        {
            let mut queue = self.queue.borrow_mut();
            queue.retain(|pending| !write.supersedes(pending));
            queue.push_back(write);
        }
        if *self.busy.borrow() {
            return;
        }
        *self.busy.borrow_mut() = true;
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            loop {
                let next = this.queue.borrow_mut().pop_front();
                let Some(write) = next else { break };
                let result = this.store.perform(&write).await;
                match (&write, result) {
                    (Write::Put(draft), Ok(())) => {
                        mark(COMMITTED_MARK);
                        this.report.emit(SaveReport::Saved {
                            id: draft.id.clone(),
                            revision: draft.revision,
                        });
                    }
                    (_, Ok(())) => {}
                    (_, Err(error)) => this.report.emit(SaveReport::Failed(error)),
                }
            }
            *this.busy.borrow_mut() = false;
        });
    }
}
