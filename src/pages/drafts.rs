//! "My drafts": every draft on this device — continue, duplicate, delete (with undo), and
//! export to or import from a file that carries the photos too.

use std::rc::Rc;

use shouhou_core::archive::{self, ArchivedPhoto};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Draft, Lang};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::use_heading_focus;
use crate::components::display::{local_time, request_title};
use crate::hooks::use_app;
use crate::ids::{new_draft, new_uuid, now_ms};
use crate::state::Action;
use crate::storage::drafts::{LocalStore, Writer};

/// What the last action did, said once under the heading.
#[derive(Clone, PartialEq)]
enum Said {
    Nothing,
    Done(String),
    Problem(String),
    /// A deleted draft, until undone or replaced by another message.
    Deleted(Draft),
}

/// Every stored draft, newest first, the one on screen in its newest form (a draft just
/// deleted is not brought back by a stale screen copy: only stored drafts are listed).
async fn all_drafts(writer: &Writer, on_screen: Option<Draft>) -> Vec<Draft> {
    writer.flushed().await;
    let mut drafts = writer.store().load_all().await.drafts;
    if let Some(current) = on_screen {
        if let Some(stored) = drafts.iter_mut().find(|d| d.id == current.id) {
            *stored = current;
        }
    }
    drafts.sort_by_key(|d| std::cmp::Reverse(d.updated_at_ms));
    drafts
}

/// The drafts and their photos as an export file, offered as a download.
async fn export(store: &LocalStore, drafts: &[Draft]) {
    let mut photos = Vec::new();
    for photo in drafts.iter().flat_map(|d| &d.fields.photos) {
        let data = match store.photo(&photo.id).await {
            Some(blob) => crate::js::blob_data_url(&blob).await,
            None => None,
        };
        if let Some(data) = data {
            photos.push(ArchivedPhoto { id: photo.id.clone(), data });
        }
    }
    let text = archive::export(drafts, &photos, now_ms());
    let day =
        String::from(js_sys::Date::new_0().to_iso_string()).chars().take(10).collect::<String>();
    crate::js::download(&format!("shouhou-drafts-{day}.json"), &text);
}

/// Reads an export file; stores its photos and those of its drafts that are newer than the
/// copy here (or new here), and tells `stored` of each. A bad file changes nothing.
async fn import(
    store: &LocalStore,
    writer: &Writer,
    text: &str,
    lang: Lang,
    stored: &Callback<Draft>,
) -> Said {
    let (drafts, photos) = match archive::import(text) {
        Ok(read) => read,
        Err(error) => {
            return Said::Problem(t(lang, &format!("import.error.{}", error.code())).to_string())
        }
    };
    for photo in &photos {
        let blob = JsFuture::from(crate::js::data_url_blob(&photo.data))
            .await
            .ok()
            .and_then(|b| b.dyn_into::<web_sys::Blob>().ok());
        let stored = match blob {
            Some(blob) => store.put_photo(&photo.id, &blob).await.map_err(|e| e.to_string()),
            None => Err("not an image".to_string()),
        };
        if let Err(reason) = stored {
            return Said::Problem(Messages::builtin().format(
                lang,
                "photos.store_failed",
                &[("reason", reason)],
            ));
        }
    }
    let here = store.load_all().await.drafts;
    for draft in &drafts {
        match here.iter().find(|d| d.id == draft.id) {
            Some(local) if Draft::newer(local, draft) == local => {}
            _ => {
                writer.save(draft);
                stored.emit(draft.clone());
            }
        }
    }
    Said::Done(Messages::builtin().format(
        lang,
        "drafts.imported",
        &[("count", drafts.len().to_string())],
    ))
}

#[component]
pub fn DraftsPage() -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let heading = use_heading_focus(true);
    let lang = state.lang;
    let drafts = use_state(|| None::<Vec<Draft>>);
    let said = use_state(|| Said::Nothing);
    // Bumped to read the list again after a change.
    let reload = use_state(|| 0u32);
    {
        let (drafts, writer, on_screen) = (drafts.clone(), ctx.writer.clone(), state.draft.clone());
        // Read once storage is open: the list may be asked for before (its button is there
        // from the first screen).
        use_effect_with((*reload, writer.is_some()), move |_| {
            if let Some(writer) = writer {
                spawn_local(async move { drafts.set(Some(all_drafts(&writer, on_screen).await)) });
            }
        });
    }
    let Some(writer) = ctx.writer.clone() else { return html! {} };
    let store: Rc<LocalStore> = writer.store().clone();
    let refresh = {
        let reload = reload.clone();
        move || reload.set(*reload + 1)
    };

    let close = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowJourney))
    };
    let start_new = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Resume(new_draft())))
    };
    let export_all = {
        let (store, drafts) = (store.clone(), drafts.clone());
        Callback::from(move |_: MouseEvent| {
            let (store, all) = (store.clone(), (*drafts).clone().unwrap_or_default());
            spawn_local(async move { export(&store, &all).await });
        })
    };
    let on_import = {
        let (store, writer, said, refresh) =
            (store.clone(), writer.clone(), said.clone(), refresh.clone());
        // An imported copy of the draft on screen reaches the screen as another tab's would:
        // taken when newer, asked about when both changed.
        let stored = {
            let state = state.clone();
            Callback::from(move |draft: Draft| state.dispatch(Action::OtherTab(draft)))
        };
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let (store, writer, said, refresh, stored) =
                (store.clone(), writer.clone(), said.clone(), refresh.clone(), stored.clone());
            spawn_local(async move {
                let text = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                    .unwrap_or_default();
                said.set(import(&store, &writer, &text, lang, &stored).await);
                refresh();
            });
        })
    };
    let undo = {
        let (writer, said, refresh) = (writer.clone(), said.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            if let Said::Deleted(draft) = &*said {
                writer.save(draft);
                said.set(Said::Nothing);
                refresh();
            }
        })
    };

    let messages = Messages::builtin();
    let on_screen = state.draft.as_ref().map(|d| d.id.clone());
    let items = drafts.as_deref().unwrap_or_default().iter().map(|draft| {
        let title_id = format!("draft-{}", draft.id);
        let title = Some(request_title(&draft.fields, ctx.state.config.as_deref(), lang)).filter(|t| !t.is_empty()).unwrap_or_else(|| t(lang, "drafts.untitled").to_string());
        let changed = messages.format(lang, "drafts.changed", &[("time", local_time(&JsValue::from_f64(draft.updated_at_ms as f64), lang))]);
        let progress = messages.format(lang, "step.progress", &[("current", draft.step_number().to_string()), ("total", draft.form().len().to_string())]);
        let photos = messages.format(lang, "review.photo_count", &[("count", draft.fields.photos.len().to_string())]);
        let resume = {
            let (state, draft) = (state.clone(), draft.clone());
            Callback::from(move |_: MouseEvent| state.dispatch(Action::Resume(draft.clone())))
        };
        let duplicate = {
            let (store, writer, said, refresh, draft) = (store.clone(), writer.clone(), said.clone(), refresh.clone(), draft.clone());
            Callback::from(move |_: MouseEvent| {
                let (store, writer, said, refresh, draft) = (store.clone(), writer.clone(), said.clone(), refresh.clone(), draft.clone());
                spawn_local(async move {
                    // Each copy owns its photos: the bytes are copied under new ids.
                    let mut renamed = Vec::new();
                    for photo in &draft.fields.photos {
                        let id = new_uuid();
                        if let Some(blob) = store.photo(&photo.id).await {
                            let _ = store.put_photo(&id, &blob).await;
                        }
                        renamed.push((photo.id.clone(), id));
                    }
                    let copy = draft.duplicate(new_uuid(), new_uuid(), now_ms(), |old| {
                        renamed.iter().find(|(from, _)| from == old).map_or_else(new_uuid, |(_, to)| to.clone())
                    });
                    writer.save(&copy);
                    said.set(Said::Done(t(lang, "drafts.copied").to_string()));
                    refresh();
                });
            })
        };
        let export_one = {
            let (store, draft) = (store.clone(), draft.clone());
            Callback::from(move |_: MouseEvent| {
                let (store, draft) = (store.clone(), draft.clone());
                spawn_local(async move { export(&store, &[draft]).await });
            })
        };
        let delete = {
            let (state, writer, said, refresh, draft) = (state.clone(), writer.clone(), said.clone(), refresh.clone(), draft.clone());
            Callback::from(move |_: MouseEvent| {
                writer.delete(&draft.id);
                if state.draft.as_ref().is_some_and(|d| d.id == draft.id) {
                    state.dispatch(Action::Forget { id: draft.id.clone(), next: new_draft() });
                }
                said.set(Said::Deleted(draft.clone()));
                refresh();
            })
        };
        let current = on_screen.as_deref() == Some(draft.id.as_str());
        html! {
            <li class={classes!("draft-item", current.then_some("current"))} aria-labelledby={title_id.clone()}>
                <p class="draft-title" id={title_id.clone()}>{ title }</p>
                <p class="draft-meta">{ changed }{ " · " }{ progress }{ " · " }{ photos }</p>
                <div class="actions">
                    <button type="button" class="primary" onclick={resume} aria-describedby={title_id.clone()}>{ t(lang, "drafts.resume") }</button>
                    <button type="button" class="secondary" onclick={duplicate} aria-describedby={title_id.clone()}>{ t(lang, "drafts.duplicate") }</button>
                    <button type="button" class="secondary" onclick={export_one} aria-describedby={title_id.clone()}>{ t(lang, "drafts.export") }</button>
                    <button type="button" class="secondary" onclick={delete} aria-describedby={title_id}>{ t(lang, "drafts.delete") }</button>
                </div>
            </li>
        }
    });
    let notice = match &*said {
        Said::Nothing => html! {},
        Said::Done(text) => html! { <div class="notice" role="status"><p>{ text }</p></div> },
        Said::Problem(text) => {
            html! { <div class="notice notice-problem" role="alert"><p>{ text }</p></div> }
        }
        Said::Deleted(_) => html! {
            <div class="notice" role="status">
                <p>{ t(lang, "drafts.deleted") }</p>
                <button type="button" class="secondary" onclick={undo}>{ t(lang, "drafts.undo") }</button>
            </div>
        },
    };
    let empty = drafts.as_ref().is_some_and(|d| d.is_empty());
    html! {
        <section class="step drafts" aria-labelledby="drafts-heading">
            <h1 id="drafts-heading" tabindex="-1" ref={heading}>{ t(lang, "drafts.heading") }</h1>
            <p class="lead">{ t(lang, "drafts.intro") }</p>
            <div aria-live="polite">{ notice }</div>
            if empty {
                <p>{ t(lang, "drafts.empty") }</p>
            } else {
                <ul class="draft-list">{ for items }</ul>
            }
            <div class="actions">
                <button type="button" class="primary" onclick={start_new}>{ t(lang, "drafts.new") }</button>
                if !empty {
                    <button type="button" class="secondary" onclick={export_all}>{ t(lang, "drafts.export_all") }</button>
                }
            </div>
            <div class="field">
                <label for="import-file">{ t(lang, "drafts.import") }</label>
                <input id="import-file" type="file" accept=".json,application/json" onchange={on_import} />
            </div>
            <div class="actions">
                <button type="button" class="secondary" onclick={close}>{ t(lang, "drafts.close") }</button>
            </div>
        </section>
    }
}
