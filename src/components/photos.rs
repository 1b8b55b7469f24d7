//! Photos of the fault: taken with the camera or picked from files, shrunk in the browser
//! (longest side and JPEG quality from configuration) before anything is stored, kept as
//! Blobs in IndexedDB beside the draft, previewed with a remove button each.

use std::collections::HashMap;
use std::rc::Rc;

use js_sys::Promise;
use shouhou_core::config::PhotoLimits;
use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Field, Lang, PhotoRef};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, File, HtmlCanvasElement, HtmlInputElement, ImageBitmap, Url,
};
use yew::prelude::*;

use super::fields::control_id;
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

#[derive(Properties, Clone)]
pub struct PhotoFieldProps {
    pub lang: Lang,
    pub photos: Vec<PhotoRef>,
    pub limits: PhotoLimits,
    pub required: bool,
    pub error: Option<String>,
    pub store: Rc<LocalStore>,
    pub on_add: Callback<PhotoRef>,
    pub on_remove: Callback<String>,
}

impl PartialEq for PhotoFieldProps {
    fn eq(&self, other: &Self) -> bool {
        (self.lang, &self.photos, self.limits, self.required, &self.error)
            == (other.lang, &other.photos, other.limits, other.required, &other.error)
            && Rc::ptr_eq(&self.store, &other.store)
    }
}

/// Why the photos just picked could not all be added.
fn add_problem(lang: Lang, key: &str, name: &str, value: String) -> String {
    Messages::builtin().format(lang, key, &[(name, value)])
}

#[component]
pub fn PhotoField(props: &PhotoFieldProps) -> Html {
    let lang = props.lang;
    // Object URLs of the stored Blobs, for previews; loaded again after a reload.
    let previews = use_state(HashMap::<String, String>::new);
    let busy = use_state(|| false);
    let problem = use_state(|| None::<String>);
    {
        let (previews, store) = (previews.clone(), props.store.clone());
        use_effect_with(props.photos.clone(), move |photos| {
            let missing: Vec<String> = photos
                .iter()
                .map(|p| p.id.clone())
                .filter(|id| !previews.contains_key(id))
                .collect();
            if !missing.is_empty() {
                wasm_bindgen_futures::spawn_local(async move {
                    let mut loaded = (*previews).clone();
                    for id in missing {
                        if let Some(url) = store
                            .photo(&id)
                            .await
                            .and_then(|blob| Url::create_object_url_with_blob(&blob).ok())
                        {
                            loaded.insert(id, url);
                        }
                    }
                    previews.set(loaded);
                });
            }
        });
    }
    let onchange = {
        let props = props.clone();
        let (previews, busy, problem) = (previews.clone(), busy.clone(), problem.clone());
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let files: Vec<File> = input
                .files()
                .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                .unwrap_or_default();
            input.set_value("");
            let (props, previews, busy, problem) =
                (props.clone(), previews.clone(), busy.clone(), problem.clone());
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let limits = props.limits;
                let mut count = props.photos.len();
                let mut total: u64 = props.photos.iter().map(|p| p.bytes).sum();
                let mut added = (*previews).clone();
                for file in files {
                    if count >= limits.max_count as usize {
                        problem.set(Some(add_problem(
                            lang,
                            "photos.too_many",
                            "max",
                            limits.max_count.to_string(),
                        )));
                        break;
                    }
                    let shrunk = match shrink(&file, limits).await {
                        Ok(shrunk) => shrunk,
                        Err(_) => {
                            problem.set(Some(add_problem(
                                lang,
                                "photos.unreadable",
                                "name",
                                file.name(),
                            )));
                            continue;
                        }
                    };
                    let bytes = shrunk.blob.size() as u64;
                    if total + bytes > limits.max_total_bytes {
                        let max = shouhou_core::validate::megabytes(limits.max_total_bytes);
                        problem.set(Some(add_problem(lang, "photos.too_large", "max", max)));
                        break;
                    }
                    let id = new_uuid();
                    if let Err(error) = props.store.put_photo(&id, &shrunk.blob).await {
                        problem.set(Some(add_problem(
                            lang,
                            "photos.store_failed",
                            "reason",
                            error.to_string(),
                        )));
                        break;
                    }
                    if let Ok(url) = Url::create_object_url_with_blob(&shrunk.blob) {
                        added.insert(id.clone(), url);
                    }
                    count += 1;
                    total += bytes;
                    props.on_add.emit(PhotoRef {
                        id,
                        content_type: "image/jpeg".into(),
                        bytes,
                        width: shrunk.width,
                        height: shrunk.height,
                    });
                }
                previews.set(added);
                busy.set(false);
            });
        })
    };

    let id = control_id(Field::Photos);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let messages = Messages::builtin();
    let described_by =
        if props.error.is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() };
    let items = props.photos.iter().enumerate().map(|(index, photo)| {
        let n = (index + 1).to_string();
        let on_remove = props.on_remove.clone();
        let photo_id = photo.id.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_remove.emit(photo_id.clone()));
        let alt = messages.format(lang, "photos.alt", &[("n", n.clone())]);
        let size = messages.format(lang, "photos.size", &[("kb", (photo.bytes / 1000).to_string())]);
        html! {
            <li class="photo">
                if let Some(url) = previews.get(&photo.id) {
                    <img src={url.clone()} {alt} width={photo.width.to_string()} height={photo.height.to_string()} />
                }
                <span class="photo-size">{ size }</span>
                <button type="button" class="secondary" {onclick}>{ messages.format(lang, "photos.remove", &[("n", n)]) }</button>
            </li>
        }
    });
    let hint =
        messages.format(lang, "hint.photos", &[("count", props.limits.max_count.to_string())]);
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "field-error"))}>
            <label for={id.clone()}>{ t(lang, "field.photos") }</label>
            <p class="hint" id={hint_id}>{ hint }</p>
            if let Some(error) = &props.error {
                <p class="error-message" id={error_id}>{ error }</p>
            }
            <input {id} type="file" name="photos" accept="image/*" multiple=true {onchange}
                aria-describedby={described_by} aria-invalid={props.error.as_ref().map(|_| "true")} />
            if *busy {
                <p class="photo-busy" role="status">{ t(lang, "photos.busy") }</p>
            }
            if let Some(problem) = &*problem {
                <p class="error-message" role="alert">{ problem }</p>
            }
            <ul class="photos">{ for items }</ul>
        </div>
    }
}
