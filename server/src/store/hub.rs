//! How an instance hears of changes as they commit: the notice worker is woken to deliver
//! what was queued, and the desk's event streams to read the new changes. A write on this
//! instance signals it at once; on PostgreSQL every instance also hears every other one's
//! writes (and colleagues typing) through `LISTEN`, which [`super::postgres`] relays here.

use std::sync::{Arc, RwLock};

use tokio::sync::{broadcast, Notify};

use super::notices::Telling;

/// What the desk's streams are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// Something was stored: read `desk_changes` after the last id sent.
    Changed,
    /// A colleague is typing a reply on a request.
    Typing { reference: String, login: String },
}

/// One per store, shared by everything that listens on this instance.
pub struct Hub {
    desk: broadcast::Sender<Signal>,
    work: Notify,
    telling: RwLock<Arc<Telling>>,
}

impl Default for Hub {
    fn default() -> Hub {
        Hub {
            desk: broadcast::channel(256).0,
            work: Notify::new(),
            telling: RwLock::new(Arc::new(Telling::default())),
        }
    }
}

impl Hub {
    /// Something was stored: wake the worker and the desk's streams.
    pub fn changed(&self) {
        self.work.notify_one();
        let _ = self.desk.send(Signal::Changed);
    }

    pub fn typing(&self, reference: &str, login: &str) {
        let _ = self.desk.send(Signal::Typing { reference: reference.into(), login: login.into() });
    }

    /// A desk stream's receiver.
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.desk.subscribe()
    }

    /// Resolves at the next change (or at once if one came since the last wait).
    pub async fn work_waiting(&self) {
        self.work.notified().await;
    }

    /// The channels set up, for queueing notices.
    pub fn telling(&self) -> Arc<Telling> {
        Arc::clone(&self.telling.read().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    pub fn set_telling(&self, telling: Telling) {
        *self.telling.write().unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(telling);
    }
}
