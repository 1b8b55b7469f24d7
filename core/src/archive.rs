//! Drafts exported to a file and imported back: a field engineer's week of reports moved to
//! another tablet, or kept safe before a browser that may evict storage. The file carries
//! its photos, so it is complete on its own; an import is checked whole before anything is
//! stored, so a bad file changes nothing.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::draft::{Draft, DraftDecodeError};
use crate::validate::is_plain_uuid;

/// Names the file's kind, so a wrong file is told apart from a damaged one.
pub const ARCHIVE_FORMAT: &str = "shouhou-drafts";
pub const ARCHIVE_VERSION: u32 = 1;
/// Data URL prefixes of the photos a draft may carry.
const PHOTO_PREFIXES: [&str; 3] =
    ["data:image/jpeg;base64,", "data:image/png;base64,", "data:image/webp;base64,"];

/// A photo's bytes inside the file, as a `data:` URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedPhoto {
    pub id: String,
    pub data: String,
}

#[derive(Serialize)]
struct ArchiveOut<'a> {
    format: &'a str,
    version: u32,
    exported_at_ms: u64,
    drafts: &'a [Draft],
    photos: &'a [ArchivedPhoto],
}

#[derive(Deserialize)]
struct ArchiveIn {
    format: String,
    version: u32,
    /// Each draft as written, of any past schema version: migrated like stored drafts.
    drafts: Vec<Box<RawValue>>,
    #[serde(default)]
    photos: Vec<ArchivedPhoto>,
}

/// Why a file cannot be imported. Each has a message (`import.error.<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not JSON, or not shaped like an export.
    NotAnExport,
    /// An export of a newer app version.
    TooNew,
    /// A draft in it cannot be read (its position, 1-based).
    BadDraft(usize),
    /// A draft names a photo the file does not carry, or a photo is not an image.
    BadPhoto,
    Empty,
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            ImportError::NotAnExport => "not_an_export",
            ImportError::TooNew => "too_new",
            ImportError::BadDraft(_) => "bad_draft",
            ImportError::BadPhoto => "bad_photo",
            ImportError::Empty => "empty",
        }
    }
}

/// The export file's text.
pub fn export(drafts: &[Draft], photos: &[ArchivedPhoto], now_ms: u64) -> String {
    let out = ArchiveOut {
        format: ARCHIVE_FORMAT,
        version: ARCHIVE_VERSION,
        exported_at_ms: now_ms,
        drafts,
        photos,
    };
    serde_json::to_string(&out).expect("an archive serialises")
}

/// Reads an export file: every draft migrated to the current schema, and only the photos
/// they refer to. All or nothing.
pub fn import(text: &str) -> Result<(Vec<Draft>, Vec<ArchivedPhoto>), ImportError> {
    let archive: ArchiveIn = serde_json::from_str(text).map_err(|_| ImportError::NotAnExport)?;
    if archive.format != ARCHIVE_FORMAT {
        return Err(ImportError::NotAnExport);
    }
    if archive.version > ARCHIVE_VERSION {
        return Err(ImportError::TooNew);
    }
    let mut drafts = Vec::new();
    for (index, raw) in archive.drafts.iter().enumerate() {
        match Draft::decode(raw.get()) {
            Ok(draft) => drafts.push(draft),
            Err(DraftDecodeError::FromTheFuture(_)) => return Err(ImportError::TooNew),
            Err(DraftDecodeError::Unreadable(_)) => return Err(ImportError::BadDraft(index + 1)),
        }
    }
    if drafts.is_empty() {
        return Err(ImportError::Empty);
    }
    let photo_ok = |photo: &ArchivedPhoto| {
        is_plain_uuid(&photo.id) && PHOTO_PREFIXES.iter().any(|p| photo.data.starts_with(p))
    };
    let mut photos = Vec::new();
    for reference in drafts.iter().flat_map(|d| &d.fields.photos) {
        match archive.photos.iter().find(|photo| photo.id == reference.id) {
            Some(photo) if photo_ok(photo) => photos.push(photo.clone()),
            _ => return Err(ImportError::BadPhoto),
        }
    }
    Ok((drafts, photos))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::PhotoRef;

    const PHOTO: &str = "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10";

    fn draft_with_photo() -> Draft {
        let mut draft = Draft::new("d1".into(), "k1".into(), 5);
        draft.fields.description = "楼道灯坏了 💡".into();
        draft.fields.photos.push(PhotoRef {
            id: PHOTO.into(),
            content_type: "image/jpeg".into(),
            bytes: 4,
            width: 1,
            height: 1,
        });
        draft
    }

    fn photo() -> ArchivedPhoto {
        ArchivedPhoto { id: PHOTO.into(), data: "data:image/jpeg;base64,/9j/AA==".into() }
    }

    #[test]
    fn an_export_reads_back_whole() {
        let text = export(&[draft_with_photo()], &[photo()], 99);
        assert_eq!(import(&text), Ok((vec![draft_with_photo()], vec![photo()])));
    }

    #[test]
    fn older_drafts_in_a_file_are_migrated() {
        let v1 = include_str!("../tests/fixtures/drafts/v1.json");
        let text =
            format!(r#"{{"format":"shouhou-drafts","version":1,"drafts":[{v1}],"photos":[]}}"#);
        let (drafts, _) = import(&text).unwrap();
        assert_eq!(drafts[0].fields.description, "楼道灯坏了一周");
    }

    #[test]
    fn a_bad_file_says_what_is_wrong() {
        let good = export(&[draft_with_photo()], &[photo()], 1);
        assert_eq!(import("not json"), Err(ImportError::NotAnExport));
        assert_eq!(
            import(r#"{"format":"other","version":1,"drafts":[]}"#),
            Err(ImportError::NotAnExport)
        );
        assert_eq!(
            import(&good.replace(r#""version":1"#, r#""version":2"#)),
            Err(ImportError::TooNew)
        );
        assert_eq!(
            import(r#"{"format":"shouhou-drafts","version":1,"drafts":[]}"#),
            Err(ImportError::Empty)
        );
        let broken = good.replace(r#""schema_version":4"#, r#""schema_version":"three""#);
        assert_eq!(import(&broken), Err(ImportError::BadDraft(1)));
        assert_eq!(import(&export(&[draft_with_photo()], &[], 1)), Err(ImportError::BadPhoto));
        let not_image =
            ArchivedPhoto { data: "data:text/html;base64,PHNjcmlwdD4=".into(), ..photo() };
        assert_eq!(
            import(&export(&[draft_with_photo()], &[not_image], 1)),
            Err(ImportError::BadPhoto)
        );
    }
}
