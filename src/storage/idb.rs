//! A thin async layer over IndexedDB (gloo has none).
//!
//! Each call opens its own short transaction and awaits its `complete` event, so a write is
//! reported saved only once the browser has committed it, and no transaction ever spans a
//! network call or a timer. Values are stored as plain JS objects (parsed from JSON), so
//! what is in the database can be read with the browser's own tools and by the tests.

use std::fmt;

use js_sys::{Array, Promise, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

/// Why storage failed, in words a customer can be shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageError {
    /// No IndexedDB at all (some private modes, locked-down kiosks).
    Unavailable,
    /// The disk or the origin's quota is full.
    QuotaExceeded,
    /// Anything else, with the browser's own name for it.
    Failed(String),
}

impl fmt::Display for StorageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StorageError::Unavailable => write!(f, "IndexedDB unavailable"),
            StorageError::QuotaExceeded => write!(f, "QuotaExceededError"),
            StorageError::Failed(name) => write!(f, "{name}"),
        }
    }
}

impl StorageError {
    fn from_js(value: JsValue) -> StorageError {
        // Errors arrive as a DOMException, or as an error event whose target request holds one.
        let exception = match value.dyn_ref::<web_sys::DomException>() {
            Some(exception) => Some(exception.clone()),
            None => value
                .dyn_ref::<web_sys::Event>()
                .and_then(|event| event.target())
                .and_then(|target| target.dyn_into::<IdbRequest>().ok())
                .and_then(|request| request.error().ok().flatten()),
        };
        let name = exception
            .map(|e| e.name())
            .or_else(|| value.as_string())
            .unwrap_or_else(|| "UnknownError".to_string());
        if name == "QuotaExceededError" {
            StorageError::QuotaExceeded
        } else {
            StorageError::Failed(name)
        }
    }
}

/// Object stores, each keyed by an explicit string key.
pub const STORES: &[&str] = &["drafts", "quarantine", "outbox", "photos"];
/// 1: drafts, quarantine. 2: outbox. 3: photos (Blobs by photo id). The upgrade creates
/// whatever store is missing.
const DB_VERSION: u32 = 3;

/// One write of a transaction.
pub enum Op<'a> {
    Put { store: &'a str, key: &'a str, json: &'a str },
    Delete { store: &'a str, key: &'a str },
}

#[derive(Clone)]
pub struct Db {
    db: IdbDatabase,
}

/// Resolves when `target` fires one of its success events, rejects on its failure events.
async fn settle(
    set: impl FnOnce(&js_sys::Function, &js_sys::Function),
) -> Result<JsValue, StorageError> {
    let mut set = Some(set);
    let promise = Promise::new(&mut |resolve, reject| {
        if let Some(set) = set.take() {
            set(&resolve, &reject);
        }
    });
    JsFuture::from(promise).await.map_err(StorageError::from_js)
}

async fn request(req: IdbRequest) -> Result<JsValue, StorageError> {
    settle(|resolve, reject| {
        req.set_onsuccess(Some(resolve));
        req.set_onerror(Some(reject));
    })
    .await?;
    req.result().map_err(StorageError::from_js)
}

async fn committed(tx: &IdbTransaction) -> Result<(), StorageError> {
    let error = || tx.error().map(|e| StorageError::from_js(e.into()));
    settle(|resolve, reject| {
        tx.set_oncomplete(Some(resolve));
        tx.set_onerror(Some(reject));
        tx.set_onabort(Some(reject));
    })
    .await
    .map(drop)
    .map_err(|fallback| error().unwrap_or(fallback))
}

impl Db {
    pub async fn open(name: &str) -> Result<Db, StorageError> {
        Db::open_with(name, STORES).await
    }

    /// Opens another app's database (the engineer's app keeps its own stores), creating
    /// whichever of `stores` is missing.
    pub async fn open_with(
        name: &str,
        stores: &'static [&'static str],
    ) -> Result<Db, StorageError> {
        let factory = web_sys::window()
            .and_then(|w| w.indexed_db().ok().flatten())
            .ok_or(StorageError::Unavailable)?;
        let open: IdbOpenDbRequest =
            factory.open_with_u32(name, DB_VERSION).map_err(|_| StorageError::Unavailable)?;
        let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
            move |event: web_sys::Event| {
                let Some(db) = event
                    .target()
                    .and_then(|t| t.dyn_into::<IdbRequest>().ok())
                    .and_then(|r| r.result().ok())
                    .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
                else {
                    return;
                };
                let existing = db.object_store_names();
                for store in stores {
                    if !existing.contains(store) {
                        let _ = db.create_object_store(store);
                    }
                }
            },
        );
        open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
        let result = request(open.clone().into()).await;
        open.set_onupgradeneeded(None);
        drop(upgrade);
        let db: IdbDatabase =
            result?.dyn_into().map_err(|_| StorageError::Failed("not a database".into()))?;
        Ok(Db { db })
    }

    fn transaction(
        &self,
        store: &str,
        mode: IdbTransactionMode,
    ) -> Result<IdbTransaction, StorageError> {
        self.db.transaction_with_str_and_mode(store, mode).map_err(StorageError::from_js)
    }

    /// Carries out all `ops` in one transaction: all of them are committed, or none.
    pub async fn write(&self, ops: &[Op<'_>]) -> Result<(), StorageError> {
        let mut stores: Vec<&str> = ops
            .iter()
            .map(|op| match op {
                Op::Put { store, .. } | Op::Delete { store, .. } => *store,
            })
            .collect();
        stores.sort_unstable();
        stores.dedup();
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let tx = self
            .db
            .transaction_with_str_sequence_and_mode(&names, IdbTransactionMode::Readwrite)
            .map_err(StorageError::from_js)?;
        for op in ops {
            match op {
                Op::Put { store, key, json } => {
                    let value =
                        JSON::parse(json).map_err(|_| StorageError::Failed("not JSON".into()))?;
                    let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
                    object_store
                        .put_with_key(&value, &JsValue::from_str(key))
                        .map_err(StorageError::from_js)?;
                }
                Op::Delete { store, key } => {
                    let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
                    object_store.delete(&JsValue::from_str(key)).map_err(StorageError::from_js)?;
                }
            }
        }
        committed(&tx).await
    }

    /// Stores the JSON text under `key`, replacing what was there; resolves once committed.
    pub async fn put_json(&self, store: &str, key: &str, json: &str) -> Result<(), StorageError> {
        self.write(&[Op::Put { store, key, json }]).await
    }

    pub async fn delete(&self, store: &str, key: &str) -> Result<(), StorageError> {
        self.write(&[Op::Delete { store, key }]).await
    }

    /// Every record of a store as (key, JSON text). A record that is not JSON-serialisable
    /// comes back as its `String()` form so the caller can still set it aside.
    pub async fn get_all_json(&self, store: &str) -> Result<Vec<(String, String)>, StorageError> {
        let tx = self.transaction(store, IdbTransactionMode::Readonly)?;
        let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
        let keys = request(object_store.get_all_keys().map_err(StorageError::from_js)?).await?;
        let values = request(object_store.get_all().map_err(StorageError::from_js)?).await?;
        let (keys, values): (Array, Array) = (keys.unchecked_into(), values.unchecked_into());
        Ok(keys
            .iter()
            .zip(values.iter())
            .map(|(key, value)| {
                let key = key.as_string().unwrap_or_else(|| format!("{key:?}"));
                let json = JSON::stringify(&value)
                    .ok()
                    .and_then(|s| s.as_string())
                    .unwrap_or_else(|| format!("{value:?}"));
                (key, json)
            })
            .collect())
    }

    /// Every key of a store.
    pub async fn keys(&self, store: &str) -> Result<Vec<String>, StorageError> {
        let tx = self.transaction(store, IdbTransactionMode::Readonly)?;
        let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
        let keys = request(object_store.get_all_keys().map_err(StorageError::from_js)?).await?;
        Ok(keys.unchecked_into::<Array>().iter().filter_map(|key| key.as_string()).collect())
    }

    /// Empties a store (the kiosk reset and tests start from nothing).
    pub async fn clear(&self, store: &str) -> Result<(), StorageError> {
        let tx = self.transaction(store, IdbTransactionMode::Readwrite)?;
        let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
        object_store.clear().map_err(StorageError::from_js)?;
        committed(&tx).await
    }

    pub async fn get_json(&self, store: &str, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self
            .get_value(store, key)
            .await?
            .and_then(|value| JSON::stringify(&value).ok()?.as_string()))
    }

    /// A record as it is stored (a Blob stays a Blob).
    pub async fn get_value(&self, store: &str, key: &str) -> Result<Option<JsValue>, StorageError> {
        let tx = self.transaction(store, IdbTransactionMode::Readonly)?;
        let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
        let value =
            request(object_store.get(&JsValue::from_str(key)).map_err(StorageError::from_js)?)
                .await?;
        Ok((!value.is_undefined()).then_some(value))
    }

    /// Stores a value as it is (a Blob, which JSON cannot carry); resolves once committed.
    pub async fn put_value(
        &self,
        store: &str,
        key: &str,
        value: &JsValue,
    ) -> Result<(), StorageError> {
        let tx = self.transaction(store, IdbTransactionMode::Readwrite)?;
        let object_store = tx.object_store(store).map_err(StorageError::from_js)?;
        object_store.put_with_key(value, &JsValue::from_str(key)).map_err(StorageError::from_js)?;
        committed(&tx).await
    }
}
