//! The photo control: the attached photos of the fault with their previews and a remove
//! button each, and the picker (camera or files). It shows and reports; shrinking and storing
//! the picked files is `storage::photos`, the previews' lifetime `hooks::photos`.

use std::collections::HashMap;

use shouhou_core::config::PhotoLimits;
use shouhou_core::i18n::{t, Messages};
use shouhou_core::validate::megabytes;
use shouhou_core::{Field, Lang, PhotoRef};
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use super::fields::control_id;
use crate::storage::photos::AttachProblem;

#[derive(Properties, Clone, PartialEq)]
pub struct PhotoFieldProps {
    pub lang: Lang,
    pub photos: Vec<PhotoRef>,
    /// Preview URL of each photo that has one yet, by id.
    pub previews: HashMap<String, String>,
    pub limits: PhotoLimits,
    pub required: bool,
    pub error: Option<String>,
    /// Picked files are being shrunk and stored.
    pub busy: bool,
    pub problem: Option<AttachProblem>,
    pub on_files: Callback<Vec<File>>,
    pub on_remove: Callback<String>,
}

/// Why the photos just picked could not all be added, in words.
fn problem_text(lang: Lang, problem: &AttachProblem) -> String {
    let (key, name, value) = match problem {
        AttachProblem::TooMany { max } => ("photos.too_many", "max", max.to_string()),
        AttachProblem::TooLarge { max_bytes } => ("photos.too_large", "max", megabytes(*max_bytes)),
        AttachProblem::Unreadable { name } => ("photos.unreadable", "name", name.clone()),
        AttachProblem::StoreFailed { reason } => ("photos.store_failed", "reason", reason.clone()),
    };
    Messages::builtin().format(lang, key, &[(name, value)])
}

#[component]
pub fn PhotoField(props: &PhotoFieldProps) -> Html {
    let lang = props.lang;
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let files: Vec<File> = input
                .files()
                .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                .unwrap_or_default();
            input.set_value("");
            on_files.emit(files);
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
                if let Some(url) = props.previews.get(&photo.id) {
                    <img src={url.clone()} {alt} width={photo.width.to_string()} height={photo.height.to_string()} />
                }
                <span class="photo-size">{ size }</span>
                <button type="button" class="secondary" {onclick}>{ messages.format(lang, "photos.remove", &[("n", n)]) }</button>
            </li>
        }
    });
    let hint =
        messages.format(lang, "hint.photos", &[("count", props.limits.max_count.to_string())]);
    let camera_id = format!("{id}-camera");
    let chosen = match props.photos.len() {
        0 => t(lang, "photos.none").to_string(),
        count => messages.format(lang, "photos.count", &[("count", count.to_string())]),
    };
    html! {
        <div class={classes!("field", props.error.as_ref().map(|_| "field-error"))}>
            <label for={id.clone()}>{ t(lang, "field.photos") }</label>
            <p class="hint" id={hint_id}>{ hint }</p>
            if let Some(error) = &props.error {
                <p class="error-message" id={error_id}>{ error }</p>
            }
            // The browser's own file control speaks the browser's language ("Choose Files /
            // No file chosen" on a Chinese page): it is hidden, and styled labels in the page's
            // language pick from the gallery or, on phones, open the camera.
            <div class="photo-pickers">
                <input id={id.clone()} class="visually-hidden" type="file" name="photos" accept="image/*" multiple=true
                    onchange={onchange.clone()} aria-describedby={described_by.clone()}
                    aria-invalid={props.error.as_ref().map(|_| "true")} />
                <label for={id.clone()} class="picker-button">{ t(lang, "photos.add") }</label>
                <input id={camera_id.clone()} class="visually-hidden" type="file" accept="image/*" capture="environment"
                    {onchange} aria-describedby={described_by} />
                <label for={camera_id} class="picker-button">{ t(lang, "photos.camera") }</label>
            </div>
            <p class="photo-count" data-testid="photo-count">{ chosen }</p>
            if props.busy {
                <p class="photo-busy" role="status">{ t(lang, "photos.busy") }</p>
            }
            if let Some(problem) = &props.problem {
                <p class="error-message" role="alert">{ problem_text(lang, problem) }</p>
            }
            <ul class="photos">{ for items }</ul>
        </div>
    }
}
