// The one sample request the server's tests store directly (below the HTTP layer): a
// complaint with the given photo ids. Shared by the integration tests (through `common`)
// and by src/store/sqlite.rs's own tests (`include!`, hence no inner doc comment), so it depends
// on core alone.

use shouhou_core::{Intent, PhotoRef, ValidRequest};

/// The bytes each sample photo is uploaded with: a JPEG's signature, 4 bytes.
pub const SAMPLE_PHOTO_BYTES: [u8; 4] = [0xFF, 0xD8, 0xFF, 0xE0];

/// A valid complaint, with one 4-byte JPEG listed per id.
pub fn sample_request(photo_ids: &[&str]) -> ValidRequest {
    ValidRequest {
        intent: Intent::Complaint,
        product_line: "property".into(),
        full_name: "李娜".into(),
        phone: "+8613912345678".into(),
        email: None,
        description: "楼道灯坏了一周".into(),
        category: None,
        priority: None,
        troubleshooting: None,
        details: Default::default(),
        warranty: None,
        photos: photo_ids
            .iter()
            .map(|id| PhotoRef {
                id: (*id).into(),
                content_type: "image/jpeg".into(),
                bytes: SAMPLE_PHOTO_BYTES.len() as u64,
                width: 1,
                height: 1,
            })
            .collect(),
    }
}
