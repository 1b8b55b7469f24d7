//! Photos of the fault as the device keeps them: decoded, shrunk to the configured longest
//! side and JPEG quality, checked against the count and size limits, and stored as Blobs in
//! IndexedDB beside the draft before anything else sees them.

use js_sys::Promise;
use shouhou_core::config::PhotoLimits;
use shouhou_core::PhotoRef;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap};

use crate::ids::new_uuid;
use crate::storage::drafts::LocalStore;

/// A photo shrunk to the configured size, ready to store.
pub struct Shrunk {
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
}

fn js_error(value: JsValue) -> String {
    value
        .as_string()
        .or_else(|| js_sys::Reflect::get(&value, &"message".into()).ok()?.as_string())
        .unwrap_or_default()
}

/// Decodes the picked file and re-encodes it as a JPEG no longer than `max_side_px` on
/// either side. Camera files of 4–12 MB come out at a few hundred KB.
pub async fn shrink(file: &Blob, limits: PhotoLimits) -> Result<Shrunk, String> {
    let window = web_sys::window().ok_or("no window")?;
    let decoded = window.create_image_bitmap_with_blob(file).map_err(js_error)?;
    let bitmap: ImageBitmap = JsFuture::from(decoded).await.map_err(js_error)?.unchecked_into();
    let (width, height) = (bitmap.width(), bitmap.height());
    let longest = width.max(height).max(1);
    let side = limits.max_side_px.min(longest);
    // Integer arithmetic, rounded: the longest side becomes exactly `side`.
    let fit = |length: u32| {
        ((u64::from(length) * u64::from(side) + u64::from(longest) / 2) / u64::from(longest)).max(1)
            as u32
    };
    let (width, height) = (fit(width), fit(height));
    let document = window.document().ok_or("no document")?;
    let canvas: HtmlCanvasElement =
        document.create_element("canvas").map_err(js_error)?.unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d =
        canvas.get_context("2d").map_err(js_error)?.ok_or("no 2d context")?.unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(js_error)?;
    bitmap.close();
    let quality = JsValue::from_f64(f64::from(limits.jpeg_quality_percent) / 100.0);
    let encoded = Promise::new(&mut |resolve, reject| {
        if let Err(error) =
            canvas.to_blob_with_type_and_encoder_options(&resolve, "image/jpeg", &quality)
        {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let blob = JsFuture::from(encoded).await.map_err(js_error)?;
    let blob: Blob = blob.dyn_into().map_err(|_| "the image could not be encoded".to_string())?;
    Ok(Shrunk { blob, width, height })
}

/// Why not every picked photo could be attached.
#[derive(Debug, Clone, PartialEq)]
pub enum AttachProblem {
    TooMany {
        max: u32,
    },
    TooLarge {
        max_bytes: u64,
    },
    /// The file is not an image the browser can read.
    Unreadable {
        name: String,
    },
    /// IndexedDB refused the write (a full disk).
    StoreFailed {
        reason: String,
    },
}

/// Shrinks and stores the picked files one by one, within the limits counted from the
/// photos already attached; each stored photo goes to `on_stored` at once (so one taken
/// before a later problem is kept), with its Blob for a preview.
pub async fn attach(
    store: &LocalStore,
    files: Vec<File>,
    attached: &[PhotoRef],
    limits: PhotoLimits,
    mut on_stored: impl FnMut(PhotoRef, &Blob),
) -> Option<AttachProblem> {
    let mut count = attached.len();
    let mut total: u64 = attached.iter().map(|p| p.bytes).sum();
    let mut problem = None;
    for file in files {
        if count >= limits.max_count as usize {
            return Some(AttachProblem::TooMany { max: limits.max_count });
        }
        let Ok(shrunk) = shrink(&file, limits).await else {
            problem = Some(AttachProblem::Unreadable { name: file.name() });
            continue;
        };
        let bytes = shrunk.blob.size() as u64;
        if total + bytes > limits.max_total_bytes {
            return Some(AttachProblem::TooLarge { max_bytes: limits.max_total_bytes });
        }
        let id = new_uuid();
        if let Err(error) = store.put_photo(&id, &shrunk.blob).await {
            return Some(AttachProblem::StoreFailed { reason: error.to_string() });
        }
        count += 1;
        total += bytes;
        let photo = PhotoRef {
            id,
            content_type: "image/jpeg".into(),
            bytes,
            width: shrunk.width,
            height: shrunk.height,
        };
        on_stored(photo, &shrunk.blob);
    }
    problem
}
