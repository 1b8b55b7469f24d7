//! One visit: the request's details, photos, history and troubleshooting transcript (from
//! the server with signal, else as the tablet kept them), and the on-site report,
//! prefilled from the request and the visit, drafted on every keystroke, queued on send.

use std::rc::Rc;

use shouhou::components::error_summary::ErrorSummary;
use shouhou::components::fields::{
    checkbox, choice_group, text_field, CheckboxProps, ChoiceGroupProps, TextFieldProps, TextKind,
};
use shouhou::components::signature::SignaturePad;
use shouhou::components::transcript::transcript_view;
use shouhou_core::desk::{RequestDetail, VisitRow};
use shouhou_core::schema::{FieldKind, Intent};
use shouhou_core::steps::Step;
use shouhou_core::visit::VisitState;
use shouhou_core::{validate_request, Conditions, Field, FieldError, PhotoRef};
use shouhou_web::i18n::label;
use yew::prelude::*;

use crate::context::{use_tablet, Tablet};
use crate::load::{self, Failure, Loaded};
use crate::plan::{parts_date_problem, window, Change, QueuedReport, ReportDraft};
use crate::route::Route;
use crate::time::saved_at;

#[derive(Properties, PartialEq)]
pub struct VisitProps {
    pub id: i64,
}

type Shown = Result<(VisitRow, Loaded<RequestDetail>), Failure>;

#[function_component(VisitPage)]
pub fn visit_page(props: &VisitProps) -> Html {
    let tablet = use_tablet();
    let shown = use_state(|| None::<Shown>);
    // "Remove from this tablet" asked, for a report stored whose join was refused.
    let asking = use_state(|| false);
    {
        // The question takes the focus when asked, the button again when kept: never nowhere.
        let asked = use_mut_ref(|| false);
        use_effect_with(*asking, move |asking| {
            if std::mem::replace(&mut *asked.borrow_mut(), true) {
                let id = if *asking { "remove-question" } else { "remove" };
                shouhou_web::dom::focus_by_id(id, false);
            }
        });
    }
    {
        let (shown, keep, signed_out) =
            (shown.clone(), tablet.keep.clone(), tablet.signed_out.clone());
        use_effect_with(props.id, move |id| {
            let id = *id;
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let visits = load::visits(keep.as_ref()).await?;
                    let row = visits
                        .data
                        .into_iter()
                        .find(|row| row.id == id)
                        .ok_or(Failure::Failed("error.not_found".into()))?;
                    let detail = load::request(keep.as_ref(), &row.reference).await?;
                    Ok((row, detail))
                }
                .await;
                if result == Err(Failure::SignedOut) {
                    return signed_out.emit(());
                }
                shown.set(Some(result));
                shouhou_web::dom::focus_by_id("page-title", false);
            });
        });
    }
    let back = html! { <p><a href="/field/">{ tablet.t("visit.back") }</a></p> };
    let (row, detail) = match &*shown {
        None => {
            return html! { <><h1 id="page-title" tabindex="-1">{ tablet.t("title.visit") }</h1><p class="loading" role="status">{ tablet.t("visits.loading") }</p></> }
        }
        Some(Err(failure)) => {
            let key = match failure {
                Failure::NothingKept => "visit.nothing_kept".to_string(),
                Failure::Failed(key) => key.clone(),
                Failure::SignedOut => "error.unauthorized".to_string(),
            };
            return html! { <><h1 id="page-title" tabindex="-1">{ tablet.t("title.visit") }</h1><p class="error" role="alert">{ tablet.t(&key) }</p>{ back }</> };
        }
        Some(Ok(shown)) => shown,
    };
    let request = &detail.data.request;
    let queued = tablet.outbox.iter().find(|item| item.visit == row.id);
    let report = match (row.state, queued) {
        (_, Some(item)) if item.removable() => not_joined(&tablet, item, &asking),
        (_, Some(item)) if item.refused.is_some() => refused(&tablet, item),
        (_, Some(item)) if item.waiting() => {
            html! { <p role="status" class="notice">{ tablet.t("visit.report_queued") }</p> }
        }
        // Sent and joined, though the kept list may not say so yet.
        (_, Some(_)) => {
            html! { <p role="status">{ label(tablet.lang, "visit.state", VisitState::Done.as_str()) }</p> }
        }
        (VisitState::Scheduled, _) => {
            html! { <ReportForm row={row.clone()} detail={detail.data.clone()} /> }
        }
        (state, _) => {
            html! { <p role="status">{ label(tablet.lang, "visit.state", state.as_str()) }</p> }
        }
    };
    html! {
        <>
            { back.clone() }
            <h1 id="page-title" tabindex="-1">{ &request.full_name }{ " · " }{ window(&row.from, &row.to) }</h1>
            if !detail.fresh {
                <p class="provenance" role="status">{ tablet.tf("visits.offline", &[("time", saved_at(tablet.lang, detail.saved_at_ms))]) }</p>
            }
            { details(&tablet, row, &detail.data) }
            { photos(&tablet, &detail.data, detail.fresh) }
            if let Some(troubleshooting) = &request.troubleshooting {
                { transcript_view(tablet.lang, troubleshooting, None) }
            }
            { history(&tablet, &detail.data) }
            <section aria-labelledby="report-heading">
                <h2 id="report-heading">{ tablet.t("report.heading") }</h2>
                { report }
            </section>
        </>
    }
}

fn details(tablet: &Tablet, row: &VisitRow, detail: &RequestDetail) -> Html {
    let request = &detail.request;
    let mut rows = vec![
        (tablet.t("visit.reference"), detail.reference.clone()),
        (tablet.t("field.product_line"), tablet.line_name(&request.product_line)),
        (tablet.t("field.phone"), request.phone.clone()),
        (tablet.t("visit.status"), label(tablet.lang, "status.state", detail.status.as_str())),
    ];
    for (name, value) in &request.details {
        if Field::parse(name).is_some() {
            rows.push((tablet.t(&["field.", name].concat()), value.clone()));
        }
    }
    rows.push((tablet.t("field.description"), request.description.clone()));
    if let Some(note) = &row.note {
        rows.push((tablet.t("visit.note"), note.clone()));
    }
    html! {
        <section aria-labelledby="details-heading">
            <h2 id="details-heading">{ tablet.t("visit.details") }</h2>
            <dl class="details">
                { for rows.into_iter().map(|(name, value)| html! { <><dt>{ name }</dt><dd>{ value }</dd></> }) }
            </dl>
        </section>
    }
}

/// The request's photos: from the server with signal, else as the service worker kept them
/// when the list was read with signal (`load::keep_details`).
fn photos(tablet: &Tablet, detail: &RequestDetail, fresh: bool) -> Html {
    let photos = &detail.request.photos;
    if photos.is_empty() {
        return html! {};
    }
    let url = |photo: &PhotoRef| crate::api::photo_url(&detail.reference, &photo.id);
    html! {
        <section aria-labelledby="photos-heading">
            <h2 id="photos-heading">{ tablet.t("field.photos") }</h2>
            if !fresh {
                <p>{ tablet.t("visit.photos_kept") }</p>
            }
            <ul class="photos">
                { for photos.iter().enumerate().map(|(n, photo)| html! {
                    <li><a href={url(photo)} target="_blank" rel="noopener">
                        <img src={url(photo)} alt={tablet.tf("visit.photo", &[("n", (n + 1).to_string())])} loading="lazy" width="160" />
                    </a></li>
                }) }
            </ul>
        </section>
    }
}

fn history(tablet: &Tablet, detail: &RequestDetail) -> Html {
    let entries = detail.timeline.iter().map(|entry| {
        let what = label(tablet.lang, "entry", entry.kind.as_str());
        html! {
            <li>
                <span class="when">{ entry.at.get(..16).unwrap_or(&entry.at).replace('T', " ") }</span>{ " " }
                <strong>{ what }</strong>
                if let Some(status) = entry.status {
                    { " → " }{ label(tablet.lang, "status.state", status.as_str()) }
                }
                if let Some(text) = &entry.text {
                    <p>{ text }</p>
                }
            </li>
        }
    });
    let past = detail.history.same_serial.iter().chain(detail.history.same_phone.iter()).map(|past| html! {
        <li>{ &past.reference }{ " · " }{ past.created_at.get(..10).unwrap_or(&past.created_at) }{ " · " }{ label(tablet.lang, "status.state", past.status.as_str()) }</li>
    });
    html! {
        <section aria-labelledby="history-heading">
            <h2 id="history-heading">{ tablet.t("visit.history") }</h2>
            <ol class="timeline">{ for entries }</ol>
            if !detail.history.same_serial.is_empty() || !detail.history.same_phone.is_empty() {
                <h3>{ tablet.t("visit.earlier_requests") }</h3>
                <ul>{ for past }</ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReportProps {
    row: VisitRow,
    detail: RequestDetail,
}

/// The fields the engineer checks of the request (prefilled) before the report's own.
const FROM_REQUEST: [Field; 6] = [
    Field::FullName,
    Field::Company,
    Field::Phone,
    Field::Address,
    Field::Model,
    Field::SerialNumber,
];

/// The report as written so far (`None` until the draft is read), changed by [`Change`]s in
/// a reducer: a change made before the screen has drawn the last one still counts.
#[derive(PartialEq, Default)]
struct Writing(Option<ReportDraft>);

enum Act {
    // Read once per screen: boxing it costs nothing that matters.
    Load(Box<ReportDraft>),
    Change(Change),
}

impl Reducible for Writing {
    type Action = Act;

    fn reduce(self: Rc<Self>, act: Act) -> Rc<Self> {
        match act {
            Act::Load(draft) => Rc::new(Writing(Some(*draft))),
            Act::Change(change) => {
                let mut draft = self.0.clone();
                if let Some(draft) = &mut draft {
                    draft.apply(change);
                }
                Rc::new(Writing(draft))
            }
        }
    }
}

#[function_component(ReportForm)]
fn report_form(props: &ReportProps) -> Html {
    let tablet = use_tablet();
    let writing = use_reducer(Writing::default);
    let attempts = use_state(|| 0u32);
    // Why "File the report" could not queue it: the tablet's storage is off or refused it.
    let not_queued = use_state(|| None::<&'static str>);
    let signature_url = use_state(|| None::<String>);
    // The draft kept for this visit is another engineer's.
    let theirs = use_state(|| false);
    // The signature the saved draft refers to: a drawing it no longer refers to (redrawn or
    // cleared) leaves the photos store once the draft is saved without it, not before (a
    // tab closed in between still finds the one its draft names).
    let stored_signature = use_mut_ref(String::new);
    {
        let (writing, theirs, keep, row, detail, login, signature_url) = (
            writing.clone(),
            theirs.clone(),
            tablet.keep.clone(),
            props.row.clone(),
            props.detail.clone(),
            tablet.session.login.clone(),
            signature_url.clone(),
        );
        use_effect_with(props.row.id, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                // A change the tab was closed before IndexedDB had is in the journal.
                let kept = match (crate::keep::journalled(row.id), &keep) {
                    (Some(journalled), _) => Some(journalled),
                    (None, Some(keep)) => keep.draft(row.id).await,
                    (None, None) => None,
                };
                // A signature drawn before the reload shows again, from the tablet.
                let signature =
                    kept.as_ref().map(|d| d.fields.signature.clone()).filter(|id| !id.is_empty());
                if let (Some(id), Some(keep)) = (signature, &keep) {
                    if let Some(blob) = keep.signature(&id).await {
                        signature_url.set(web_sys::Url::create_object_url_with_blob(&blob).ok());
                    }
                }
                // Another engineer's unsent work (the visit moved to this one): not shown,
                // and not written over.
                let someone_elses = kept.as_ref().is_some_and(|d| d.someone_elses(&login));
                theirs.set(someone_elses);
                if someone_elses {
                    return;
                }
                writing.dispatch(Act::Load(Box::new(
                    kept.unwrap_or_else(|| ReportDraft::prefilled(&detail, &row, &login)),
                )));
            });
        });
    }
    {
        // Every change is drafted at once (journalled, then in IndexedDB): a reload or a tab
        // closed the moment typing ends loses nothing.
        // Until the engineer changes something it is only the prefill: not kept, so the
        // customer's details are on the tablet only with the visits that brought them.
        let (keep, id) = (tablet.keep.clone(), props.row.id);
        use_effect_with(writing.0.clone(), move |draft| {
            let Some(draft) = draft.clone() else { return };
            let signature = draft.fields.signature.clone();
            let before = stored_signature.replace(signature.clone());
            if let (true, Some(keep)) = (draft.changed, keep) {
                wasm_bindgen_futures::spawn_local(async move {
                    let saved = keep.save_draft(id, &draft).await.is_ok();
                    if saved && !before.is_empty() && before != signature {
                        keep.forget_signature(&before).await;
                    }
                });
            }
        });
    }
    if *theirs {
        return html! { <p role="status">{ tablet.t("visit.draft_someone_elses") }</p> };
    }
    let Some(current) = writing.0.clone() else {
        return html! { <p class="loading">{ tablet.t("visits.loading") }</p> };
    };
    let Some(config) = tablet.config.clone() else {
        return html! { <p class="error" role="alert">{ tablet.t("report.no_config") }</p> };
    };
    let lang = tablet.lang;
    let today = load::today(Some(&props.row.from));
    let errors = validate_request(&current.fields, &config, today).err().unwrap_or_default();
    let parts_error = parts_date_problem(&current.fields.result, &current.parts_expected_on, today);

    let change = {
        let writing = writing.clone();
        Callback::from(move |change: Change| writing.dispatch(Act::Change(change)))
    };
    let on_edit = change.reform(|(field, value): (Field, String)| Change::Edit(field, value));
    let on_parts_date = {
        let change = change.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(day) = shouhou_web::dom::event_value(&event) {
                change.emit(Change::PartsExpectedOn(day));
            }
        })
    };
    let on_signed = {
        let (change, keep, signature_url) =
            (change.clone(), tablet.keep.clone(), signature_url.clone());
        Callback::from(move |(blob, width, height): (web_sys::Blob, u32, u32)| {
            let (change, keep, signature_url) =
                (change.clone(), keep.clone(), signature_url.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let id = shouhou::ids::new_uuid();
                if let Some(keep) = &keep {
                    if keep.put_signature(&id, &blob).await.is_err() {
                        return;
                    }
                }
                signature_url.set(web_sys::Url::create_object_url_with_blob(&blob).ok());
                let bytes = blob.size() as u64;
                let content_type = "image/png".into();
                change.emit(Change::Signed(PhotoRef { id, content_type, bytes, width, height }));
            });
        })
    };
    let on_clear = {
        let (change, signature_url) = (change.clone(), signature_url.clone());
        Callback::from(move |()| {
            signature_url.set(None);
            change.emit(Change::Unsigned);
        })
    };
    let onsubmit = {
        let not_queued_on_submit = not_queued.clone();
        let (current, attempts, refused) = (current.clone(), attempts.clone(), !errors.is_empty());
        let (keep, row, send, navigate) =
            (tablet.keep.clone(), props.row.clone(), tablet.send.clone(), tablet.navigate.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            attempts.set(*attempts + 1);
            if refused {
                return;
            }
            if parts_error.is_some() {
                shouhou_web::dom::focus_by_id("parts-expected-on", true);
                return;
            }
            let item = QueuedReport::new(
                &row,
                current.fields.clone(),
                &current.parts_expected_on,
                shouhou::ids::new_uuid(),
                load::now_ms(),
            );
            let (keep, send, navigate) = (keep.clone(), send.clone(), navigate.clone());
            let not_queued = not_queued_on_submit.clone();
            wasm_bindgen_futures::spawn_local(async move {
                // Only a report kept on the tablet is queued: the sender reads the outbox, so
                // one that is not kept would leave the screen and never go.
                let Some(keep) = keep else {
                    return not_queued.set(Some("report.no_storage"));
                };
                if keep.queue(&item).await.is_err() {
                    return not_queued.set(Some("report.not_kept"));
                }
                send.emit(());
                navigate.emit(Route::Visits);
            });
        })
    };

    let fields = &current.fields;
    let conditions = Conditions::of(fields, &config, today);
    let shown_errors: &[FieldError] = if *attempts > 0 { &errors } else { &[] };
    let parts_error = parts_error.filter(|_| *attempts > 0);
    let error_for =
        |field: Field| shown_errors.iter().find(|e| e.field == field).map(|e| e.message(lang));
    let report_fields: Vec<Field> = Step::Report
        .fields(Intent::OnsiteReport, &conditions)
        .into_iter()
        .filter(|field| *field != Field::Photos)
        .collect();
    let control = |field: Field| -> Html {
        let error = error_for(field);
        let optional = !conditions.required(field);
        let text = |kind: TextKind| {
            text_field(TextFieldProps {
                lang,
                field,
                value: Some(fields.get(field).to_string()),
                kind,
                autocomplete: None,
                optional,
                hint: None,
                error: error.clone(),
                on_edit: on_edit.clone(),
            })
        };
        let control = match field.kind() {
            FieldKind::Tel => text(TextKind::Tel),
            FieldKind::Email => text(TextKind::Email),
            FieldKind::Date => text(TextKind::Date),
            FieldKind::DateTime => text(TextKind::DateTime),
            FieldKind::Measurement { .. } => text(TextKind::Decimal),
            FieldKind::Paragraph { .. } => text(TextKind::MultiLine),
            FieldKind::Choice(options) => choice_group(ChoiceGroupProps {
                lang,
                field,
                options: options
                    .iter()
                    .map(|option| {
                        (option.to_string(), tablet.t(&[field.name(), ".", option].concat()))
                    })
                    .collect(),
                selected: Some(fields.get(field).to_string()),
                several: false,
                hint: None,
                redraws: Vec::new(),
                error: error.clone(),
                on_edit: on_edit.clone(),
            }),
            FieldKind::Flag => checkbox(CheckboxProps {
                lang,
                field,
                checked: Some(fields.get(field) == "yes"),
                notice: None,
                error: error.clone(),
                on_edit: on_edit.clone(),
            }),
            FieldKind::Signature => html! {
                <SignaturePad {lang} saved={(*signature_url).clone()}
                    error={error.clone()} on_signed={on_signed.clone()} on_clear={on_clear.clone()} />
            },
            _ => text(TextKind::Text),
        };
        if field != Field::Result || fields.result != "needs_parts" {
            return control;
        }
        // The date the parts are expected on goes with the join, not the report.
        let parts_error = parts_error.map(|key| tablet.t(key));
        html! {
            <>
                { control }
                <div class={classes!("field", parts_error.as_ref().map(|_| "field-error"))}>
                    <label for="parts-expected-on">{ tablet.t("report.parts_expected_on") }</label>
                    if let Some(message) = &parts_error {
                        <p class="error-message" id="parts-expected-on-error">{ message }</p>
                    }
                    <input id="parts-expected-on" name="parts_expected_on" type="date" value={current.parts_expected_on.clone()}
                        oninput={on_parts_date.clone()} aria-invalid={parts_error.as_ref().map(|_| "true")}
                        aria-describedby={parts_error.as_ref().map(|_| "parts-expected-on-error")} />
                </div>
            </>
        }
    };
    html! {
        <form class="report" {onsubmit} novalidate=true>
            <ErrorSummary {lang} errors={shown_errors.to_vec()} focus_token={*attempts} />
            <fieldset class="group">
                <legend>{ tablet.t("report.from_request") }</legend>
                { for FROM_REQUEST.into_iter().map(control) }
            </fieldset>
            { for report_fields.into_iter().map(control) }
            <p class="hint">{ tablet.t("report.queued_hint") }</p>
            if let Some(key) = *not_queued {
                <p class="error" role="alert">{ tablet.t(key) }</p>
            }
            <button type="submit">{ tablet.t("report.submit") }</button>
        </form>
    }
}

/// A report stored whose join the server refused: its reference to give the lead, and, once
/// the engineer confirms they have (`asking`), "Remove from this tablet" (sending it again
/// would change nothing; keeping it would keep the customer's details here for good).
fn not_joined(tablet: &Tablet, item: &QueuedReport, asking: &UseStateHandle<bool>) -> Html {
    let reference = item.report.clone().unwrap_or_default();
    let message = item.refused.clone().unwrap_or_default();
    let said = tablet
        .tf("visit.report_not_joined", &[("reference", reference.clone()), ("message", message)]);
    let ask = |value: bool| {
        let asking = asking.clone();
        Callback::from(move |_: MouseEvent| asking.set(value))
    };
    let remove = {
        let (keep, send, navigate, item) =
            (tablet.keep.clone(), tablet.send.clone(), tablet.navigate.clone(), item.clone());
        Callback::from(move |_: MouseEvent| {
            let (keep, send, navigate, item) =
                (keep.clone(), send.clone(), navigate.clone(), item.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(keep) = keep {
                    if keep.remove(&item).await.is_ok() {
                        // The sender reads the outbox afresh: the list no longer shows it.
                        send.emit(());
                        navigate.emit(Route::Visits);
                    }
                }
            });
        })
    };
    html! {
        <div class="notice">
            <p class="error" role="alert">{ said }</p>
            if **asking {
                <p id="remove-question" tabindex="-1">{ tablet.tf("visit.remove_confirm", &[("reference", reference)]) }</p>
                <button type="button" onclick={remove}>{ tablet.t("visit.remove_yes") }</button>
                { " " }
                <button type="button" class="secondary" onclick={ask(false)}>{ tablet.t("visit.remove_no") }</button>
            } else {
                <button type="button" id="remove" class="secondary" onclick={ask(true)}>{ tablet.t("visit.remove") }</button>
            }
        </div>
    }
}

/// A report the server refused to store: what it said, and "Edit the report".
fn refused(tablet: &Tablet, item: &QueuedReport) -> Html {
    let message = item.refused.clone().unwrap_or_default();
    let Some(draft) = item.to_edit_again() else {
        return html! {};
    };
    let (keep, send, visit) = (tablet.keep.clone(), tablet.send.clone(), item.visit);
    let edit = Callback::from(move |_: MouseEvent| {
        let (keep, send, draft) = (keep.clone(), send.clone(), draft.clone());
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(keep) = keep {
                // The outbox read afresh by the sender redraws the page with the form.
                if keep.back_to_draft(visit, &draft).await.is_ok() {
                    send.emit(());
                }
            }
        });
    });
    html! {
        <div class="notice">
            <p class="error" role="alert">{ tablet.tf("visit.report_refused", &[("message", message)]) }</p>
            <button type="button" onclick={edit}>{ tablet.t("visit.edit_again") }</button>
        </div>
    }
}
