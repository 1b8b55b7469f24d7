//! Drafts as stored: one JSON shape per schema version, every older version migrated forward
//! when read, never dropped.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::record::Draft;
use crate::schema::RequestFields;
use crate::steps::Step;

/// Bumped whenever the stored shape changes; [`Draft::decode`] migrates every older version.
/// 1: the first short form. 2: guided troubleshooting (`flow`, `step: "guide"`), category,
/// priority and transcript fields. 3: the complete request in several steps (contact,
/// product, problem or on-site report, review), photos, `revisit`. 4: `edits`, the edits each
/// browser tab made, to tell two tabs' concurrent changes from one tab's later ones.
pub const DRAFT_SCHEMA_VERSION: u32 = 4;

/// Why a stored draft could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftDecodeError {
    /// Not JSON, or not the shape of any draft version.
    Unreadable(String),
    /// Written by a newer version of the app than this one.
    FromTheFuture(u32),
}

impl std::fmt::Display for DraftDecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DraftDecodeError::Unreadable(why) => write!(f, "unreadable draft: {why}"),
            DraftDecodeError::FromTheFuture(v) => {
                write!(f, "draft schema version {v} is newer than this app")
            }
        }
    }
}

impl Draft {
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("a draft always serialises")
    }

    /// Reads a stored draft of any past schema version, migrating it forward.
    ///
    /// Migrations are typed: each past version has the shape it was written in, and a step
    /// to the next. (Typed rather than through `serde_json::Value`, which would add its whole
    /// machinery to the app's download.)
    pub fn decode(text: &str) -> Result<Draft, DraftDecodeError> {
        #[derive(Deserialize)]
        struct VersionProbe {
            schema_version: Option<u64>,
        }
        let unreadable = |e: serde_json::Error| DraftDecodeError::Unreadable(e.to_string());
        let probe: VersionProbe = serde_json::from_str(text).map_err(unreadable)?;
        let version = probe
            .schema_version
            .ok_or_else(|| DraftDecodeError::Unreadable("no schema_version".into()))?;
        match version {
            0 => Err(DraftDecodeError::Unreadable("schema_version 0".into())),
            1 => Ok(read_as_current(migrate_v1_to_v2(
                serde_json::from_str(text).map_err(unreadable)?,
            ))),
            // Version 2's fields are a subset of version 3's, its "details" step version 3's
            // contact step (a serde alias): it reads as it is.
            2 => serde_json::from_str(text).map(read_as_current).map_err(unreadable),
            3 => serde_json::from_str(text).map(read_as_current).map_err(unreadable),
            // Version 4 added `edits` (empty for older drafts: no tab has counted yet).
            4 => serde_json::from_str(text).map_err(unreadable),
            newer => Err(DraftDecodeError::FromTheFuture(u32::try_from(newer).unwrap_or(u32::MAX))),
        }
    }
}

/// A version-1 draft: the first short form, before guided troubleshooting.
#[derive(Deserialize)]
struct DraftV1 {
    id: String,
    idempotency_key: String,
    created_at_ms: u64,
    updated_at_ms: u64,
    revision: u64,
    step: Step,
    fields: RequestFields,
}

/// Version 2 added guided troubleshooting: no flow yet, and no category, priority or
/// transcript (the fields default to empty).
fn migrate_v1_to_v2(v1: DraftV1) -> Draft {
    Draft {
        schema_version: 2,
        id: v1.id,
        idempotency_key: v1.idempotency_key,
        created_at_ms: v1.created_at_ms,
        updated_at_ms: v1.updated_at_ms,
        revision: v1.revision,
        step: v1.step,
        fields: v1.fields,
        flow: None,
        revisit: false,
        edits: BTreeMap::new(),
    }
}

/// Versions 2 and 3 are read with today's shape (what they lack defaults): only the version
/// number changes.
fn read_as_current(older: Draft) -> Draft {
    Draft { schema_version: DRAFT_SCHEMA_VERSION, ..older }
}
