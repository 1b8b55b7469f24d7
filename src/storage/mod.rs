//! Browser storage: IndexedDB for drafts, a synchronous localStorage journal that makes a
//! keystroke durable before the asynchronous IndexedDB write finishes, and small settings.

pub mod drafts;
pub mod idb;
pub mod photos;
pub mod settings;
