//! Browser storage: IndexedDB for drafts, a synchronous localStorage journal that makes a
//! keystroke durable before the asynchronous IndexedDB write finishes, what the boot script
//! kept before the app arrived, and small settings.

pub mod drafts;
pub mod early;
pub mod idb;
pub mod photos;
pub mod settings;
