//! What a draft is, as stored: its own file, so that how it changes (`mod.rs`), how it is
//! read back (`codec`) and how two tabs' copies relate (`lineage`) each build on it without
//! needing one another.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::flow::engine::FlowProgress;
use crate::schema::RequestFields;
use crate::steps::Step;

/// A request being filled in, as the browser keeps it between keystrokes, reloads and tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub schema_version: u32,
    pub id: String,
    /// Created with the draft and sent with it, so every retry of this request is one request.
    pub idempotency_key: String,
    pub created_at_ms: u64,
    pub updated_at_ms: u64,
    /// Grows by one on every change: the newer of two copies is the one with more changes.
    pub revision: u64,
    pub step: Step,
    pub fields: RequestFields,
    /// Where the customer is in guided troubleshooting; `None` before it starts.
    #[serde(default)]
    pub flow: Option<FlowProgress>,
    /// Reached through a "change" link on the review page: moving on returns there.
    #[serde(default)]
    pub revisit: bool,
    /// How many changes each browser tab (by a random id) made: a version vector. Of two
    /// copies, one that has seen every change of the other is simply newer; otherwise two
    /// tabs changed the draft at once and the customer decides ([`Draft::lineage`]).
    #[serde(default)]
    pub edits: BTreeMap<String, u64>,
}
