//! Owns photos being attached: shrinking and storing the files picked, their preview addresses
//! (created and revoked), removing one, and the signature drawn on the on-site report.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use shouhou_core::PhotoRef;
use web_sys::{Blob, File, Url};
use yew::prelude::*;

use super::use_app;
use crate::ids::now_ms;
use crate::state::Action;
use crate::storage::photos::{attach, AttachProblem};

/// Preview addresses (object URLs) of the draft's photos, by photo id.
type Previews = Rc<RefCell<HashMap<String, String>>>;

/// What the photo control shows and reports, for any set of photos: the draft's, or those of
/// an answer to the team being written.
#[derive(Clone, PartialEq)]
pub struct AttachedPhotos {
    /// Preview URL of each attached photo that has one yet.
    pub previews: HashMap<String, String>,
    pub busy: bool,
    pub problem: Option<AttachProblem>,
    /// The customer picked these files (camera or gallery).
    pub on_files: Callback<Vec<File>>,
    pub on_remove: Callback<String>,
}

/// The draft's photo control, and its signature pad.
#[derive(Clone, PartialEq)]
pub struct PhotosHandle {
    pub attached: AttachedPhotos,
    /// The customer's drawn signature (a PNG, its width and height): stored like a photo,
    /// in place of the one before.
    pub on_signature: Callback<(Blob, u32, u32)>,
    pub on_clear_signature: Callback<()>,
}

/// A signature is the only PNG among a draft's photos: picked photos are stored as JPEG.
pub fn is_signature(photo: &PhotoRef) -> bool {
    photo.content_type == "image/png"
}

/// Attaching to `photos`, held by the caller: picked files are shrunk and stored, then
/// `on_added`; a preview URL is kept for each photo. A URL is revoked when its photo goes or
/// the screen does, so a kiosk running all day does not keep every customer's images in memory.
#[hook]
fn use_attached(
    photos: Vec<PhotoRef>,
    on_added: Callback<PhotoRef>,
    on_remove: Callback<String>,
) -> (AttachedPhotos, Previews, UseForceUpdateHandle) {
    let ctx = use_app();
    let store = ctx.writer.as_ref().map(|writer| writer.store().clone());
    let previews: Previews = (*use_memo((), |_| Rc::new(RefCell::new(HashMap::new())))).clone();
    let redraw = use_force_update();
    let busy = use_state(|| false);
    let problem = use_state(|| None::<AttachProblem>);

    // Previews follow the attached photos: stale ones revoked, missing ones read from storage.
    {
        let (previews, store, redraw) = (previews.clone(), store.clone(), redraw.clone());
        use_effect_with(photos.clone(), move |photos| {
            previews.borrow_mut().retain(|id, url| {
                let keep = photos.iter().any(|p| &p.id == id);
                if !keep {
                    let _ = Url::revoke_object_url(url);
                }
                keep
            });
            let missing: Vec<String> = photos
                .iter()
                .map(|p| p.id.clone())
                .filter(|id| !previews.borrow().contains_key(id))
                .collect();
            if let (false, Some(store)) = (missing.is_empty(), store) {
                wasm_bindgen_futures::spawn_local(async move {
                    for id in missing {
                        if let Some(blob) = store.photo(&id).await {
                            preview(&previews, id, &blob);
                        }
                    }
                    redraw.force_update();
                });
            }
        });
    }
    {
        let previews = previews.clone();
        use_effect_with((), move |_| {
            move || {
                for url in previews.borrow().values() {
                    let _ = Url::revoke_object_url(url);
                }
            }
        });
    }

    let on_files = {
        let (config, previews) = (ctx.state.config.clone(), previews.clone());
        let (busy, problem, redraw) = (busy.clone(), problem.clone(), redraw.clone());
        Callback::from(move |files: Vec<File>| {
            let (Some(store), Some(config)) = (store.clone(), config.clone()) else { return };
            let (previews, photos, on_added) = (previews.clone(), photos.clone(), on_added.clone());
            let (busy, problem, redraw) = (busy.clone(), problem.clone(), redraw.clone());
            busy.set(true);
            problem.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let outcome = attach(&store, files, &photos, config.photos, |photo, blob| {
                    preview(&previews, photo.id.clone(), blob);
                    on_added.emit(photo);
                })
                .await;
                problem.set(outcome);
                busy.set(false);
                redraw.force_update();
            });
        })
    };
    let attached = AttachedPhotos {
        previews: previews.borrow().clone(),
        busy: *busy,
        problem: (*problem).clone(),
        on_files,
        on_remove,
    };
    (attached, previews, redraw)
}

/// The draft's photos on this device, and its signature.
#[hook]
pub fn use_photos() -> PhotosHandle {
    let ctx = use_app();
    let photos: Vec<PhotoRef> =
        ctx.state.draft.as_ref().map(|d| d.fields.photos.clone()).unwrap_or_default();
    let store = ctx.writer.as_ref().map(|writer| writer.store().clone());
    let on_added = {
        let state = ctx.state.clone();
        Callback::from(move |photo| state.dispatch(Action::AddPhoto { photo, now_ms: now_ms() }))
    };
    let on_remove = {
        let state = ctx.state.clone();
        Callback::from(move |id: String| {
            state.dispatch(Action::RemovePhoto { id, now_ms: now_ms() })
        })
    };
    let (attached, previews, redraw) = use_attached(photos.clone(), on_added, on_remove);
    // Each stroke replaces the stored drawing; every earlier one goes, even one whose save
    // was still under way when the next stroke ended.
    let saved: Rc<RefCell<Vec<String>>> =
        (*use_memo((), |_| Rc::new(RefCell::new(Vec::new())))).clone();
    let on_signature = {
        let (state, previews) = (ctx.state.clone(), previews.clone());
        let (store, redraw) = (store.clone(), redraw.clone());
        let shown: Vec<String> =
            photos.iter().filter(|p| is_signature(p)).map(|p| p.id.clone()).collect();
        Callback::from(move |(blob, width, height): (Blob, u32, u32)| {
            let Some(store) = store.clone() else { return };
            let (state, previews, redraw) = (state.clone(), previews.clone(), redraw.clone());
            let (shown, saved) = (shown.clone(), saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let id = crate::ids::new_uuid();
                if store.put_photo(&id, &blob).await.is_err() {
                    return;
                }
                let mut earlier = std::mem::replace(&mut *saved.borrow_mut(), vec![id.clone()]);
                for old in shown {
                    if !earlier.contains(&old) {
                        earlier.push(old);
                    }
                }
                earlier.retain(|old| *old != id);
                preview(&previews, id.clone(), &blob);
                let photo = PhotoRef {
                    id: id.clone(),
                    content_type: "image/png".into(),
                    bytes: blob.size() as u64,
                    width,
                    height,
                };
                state.dispatch(Action::AddPhoto { photo, now_ms: now_ms() });
                let field = shouhou_core::Field::Signature;
                state.dispatch(Action::Edit { field, value: id, now_ms: now_ms() });
                for old in &earlier {
                    state.dispatch(Action::RemovePhoto { id: old.clone(), now_ms: now_ms() });
                }
                store.delete_photos(&earlier).await;
                redraw.force_update();
            });
        })
    };
    let on_clear_signature = {
        let state = ctx.state.clone();
        let earlier: Vec<String> =
            photos.iter().filter(|p| is_signature(p)).map(|p| p.id.clone()).collect();
        Callback::from(move |()| {
            let field = shouhou_core::Field::Signature;
            state.dispatch(Action::Edit { field, value: String::new(), now_ms: now_ms() });
            for old in &earlier {
                state.dispatch(Action::RemovePhoto { id: old.clone(), now_ms: now_ms() });
            }
        })
    };
    PhotosHandle { attached, on_signature, on_clear_signature }
}

/// The photos of an answer to the team being written: kept on the screen until it is sent
/// (then the outbox item holds them), removed from storage when taken off.
#[hook]
pub fn use_reply_photos() -> ReplyPhotos {
    let ctx = use_app();
    let photos = use_state(Vec::<PhotoRef>::new);
    // Several files arrive one after another before the screen redraws: each is added to
    // the latest list, not to the one this render saw.
    let latest: Rc<RefCell<Vec<PhotoRef>>> =
        (*use_memo((), |_| Rc::new(RefCell::new(Vec::new())))).clone();
    *latest.borrow_mut() = (*photos).clone();
    let on_added = {
        let (photos, latest) = (photos.clone(), latest.clone());
        Callback::from(move |photo: PhotoRef| {
            latest.borrow_mut().push(photo);
            photos.set(latest.borrow().clone());
        })
    };
    let on_remove = {
        let (photos, latest) = (photos.clone(), latest.clone());
        let store = ctx.writer.as_ref().map(|writer| writer.store().clone());
        Callback::from(move |id: String| {
            latest.borrow_mut().retain(|p| p.id != id);
            photos.set(latest.borrow().clone());
            if let Some(store) = store.clone() {
                wasm_bindgen_futures::spawn_local(async move { store.delete_photos(&[id]).await });
            }
        })
    };
    // Sent: the outbox item holds them now, so they stay in storage.
    let sent = {
        let (photos, latest) = (photos.clone(), latest.clone());
        Callback::from(move |()| {
            latest.borrow_mut().clear();
            photos.set(Vec::new());
        })
    };
    let (attached, _, _) = use_attached((*photos).clone(), on_added, on_remove);
    ReplyPhotos { photos: (*photos).clone(), sent, attached }
}

/// See [`use_reply_photos`].
#[derive(Clone, PartialEq)]
pub struct ReplyPhotos {
    pub photos: Vec<PhotoRef>,
    /// The answer went into the outbox with these photos: start afresh.
    pub sent: Callback<()>,
    pub attached: AttachedPhotos,
}

fn preview(previews: &Previews, id: String, blob: &Blob) {
    if let Ok(url) = Url::create_object_url_with_blob(blob) {
        if let Some(old) = previews.borrow_mut().insert(id, url) {
            let _ = Url::revoke_object_url(&old);
        }
    }
}
