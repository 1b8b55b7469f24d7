//! The form's middle steps — contact, product, problem or on-site report — drawn from the
//! field table in `shouhou-core`: which fields a step has, how each is entered and what is
//! required follow from the request as it stands (intent, warranty, chosen outcome).

use shouhou_core::charges::{province_of, table_for};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::product::form_entitlement;
use shouhou_core::{AppConfig, Field, FieldError, FieldKind, Lang, Step};
use shouhou_web::dom::event_value;
use yew::prelude::*;

use super::edit_callback;
use crate::components::display::{chosen_line, error_for, warranty_text};
use crate::components::emergency::emergency_notice;
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{
    checkbox, choice_group, step_progress, text_field, CheckboxProps, ChoiceGroupProps,
    TextFieldProps, TextKind, HONEYPOT,
};
use crate::components::photos::PhotoField;
use crate::components::rights::{charges_notice, entitlement_notice};
use crate::components::signature::SignaturePad;
use crate::components::transcript::transcript_view;
use crate::hooks::form::{use_form_screen, FormScreen};
use crate::hooks::lookup::{use_product_lookup, Lookup};
use crate::hooks::photos::{is_signature, use_photos, AttachedPhotos};
use crate::hooks::takeover::use_taken_over;
use crate::ids::now_ms;
use crate::state::Action;

/// "Look up my product" under the serial number, and what the look-up found.
fn lookup_control(
    lang: Lang,
    found: &Lookup,
    on_look_up: Callback<MouseEvent>,
    config: &AppConfig,
) -> Html {
    let said = match found {
        Lookup::Idle => None,
        Lookup::SerialFirst => Some(t(lang, "lookup.serial_first").to_string()),
        Lookup::Busy => Some(t(lang, "lookup.busy").to_string()),
        Lookup::Found { line, model } => {
            let line = config.product_line(line).map_or(line.clone(), |l| l.name.get(lang).into());
            let model = if model.is_empty() { "—".to_string() } else { model.clone() };
            Some(Messages::builtin().format(
                lang,
                "lookup.found",
                &[("line", line), ("model", model)],
            ))
        }
        Lookup::NotFound => Some(t(lang, "lookup.not_found").to_string()),
        Lookup::Failed => Some(t(lang, "lookup.failed").to_string()),
    };
    html! {
        <div class="lookup">
            <button type="button" class="secondary" onclick={on_look_up}
                disabled={*found == Lookup::Busy}>{ t(lang, "lookup.button") }</button>
            <p class="lookup-result" role="status">{ said.unwrap_or_default() }</p>
        </div>
    }
}

/// The hint under a field, where it has one.
fn hint(lang: Lang, field: Field) -> Option<String> {
    let messages = Messages::builtin();
    match field.kind() {
        FieldKind::Measurement { unit, min, max } => Some(messages.format(
            lang,
            "hint.measurement",
            &[("unit", unit.to_string()), ("min", min.to_string()), ("max", max.to_string())],
        )),
        FieldKind::Paragraph { min, max } if matches!(field, Field::Description) => {
            Some(messages.format(
                lang,
                "hint.description",
                &[("min", min.to_string()), ("max", max.to_string())],
            ))
        }
        _ => {
            let key = format!("hint.{}", field.name());
            let text = messages.get(lang, &key);
            (text != key).then(|| text.to_string())
        }
    }
}

#[component]
pub fn FormPage() -> Html {
    let photos = use_photos();
    let lookup = use_product_lookup();
    use_taken_over();
    let Some(FormScreen { state, heading, config, draft, lang, intent, conditions, on_back }) =
        use_form_screen()
    else {
        return html! {};
    };
    let step = draft.step;
    let on_edit = edit_callback(&state);
    let onsubmit = {
        let state = state.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            state.dispatch(Action::Next { now_ms: now_ms() });
        })
    };
    let errors: &[FieldError] = &state.errors;
    let fields = &draft.fields;
    let messages = Messages::builtin();

    // Taking over the server's screen: the controls keep what the customer put there.
    let held = state.taking_over;
    let control = |field: Field| -> Html {
        let error = error_for(errors, field, lang);
        let value = fields.get(field).to_string();
        let text = |kind: TextKind| {
            text_field(TextFieldProps {
                lang,
                field,
                value: (!held).then(|| value.clone()),
                kind,
                // A shared kiosk: the browser must not keep one customer's details to offer
                // the next.
                autocomplete: if state.kiosk { Some("off") } else { field.autocomplete() },
                optional: !conditions.required(field),
                hint: hint(lang, field),
                error: error.clone(),
                on_edit: on_edit.clone(),
            })
        };
        match field.kind() {
            FieldKind::Line { .. } if field == Field::SerialNumber => html! {
                <>
                    { text(TextKind::Text) }
                    if let Some((found, on_look_up)) = lookup.clone() {
                        { lookup_control(lang, &found, on_look_up, &config) }
                    }
                </>
            },
            FieldKind::Line { .. } => text(TextKind::Text),
            FieldKind::Paragraph { .. } => text(TextKind::MultiLine),
            FieldKind::Tel => text(TextKind::Tel),
            FieldKind::Email => text(TextKind::Email),
            FieldKind::Date => text(TextKind::Date),
            FieldKind::DateTime => text(TextKind::DateTime),
            FieldKind::Measurement { .. } => text(TextKind::Decimal),
            FieldKind::Choice(options) | FieldKind::Several(options) => {
                choice_group(ChoiceGroupProps {
                    lang,
                    field,
                    options: options
                        .iter()
                        .filter(|value| conditions.offers(field, value))
                        .map(|value| {
                            (
                                value.to_string(),
                                t(lang, &format!("{}.{value}", field.name())).to_string(),
                            )
                        })
                        .collect(),
                    selected: (!held).then(|| value.clone()),
                    several: matches!(field.kind(), FieldKind::Several(_)),
                    hint: hint(lang, field),
                    redraws: Vec::new(),
                    error,
                    on_edit: on_edit.clone(),
                })
            }
            FieldKind::Acknowledgement => {
                // The prices where the customer is, by the province of their address.
                let province = province_of(&fields.address);
                let prices = table_for(&config.charges, fields.product_line.trim(), province)
                    .map(|table| charges_notice(lang, &config, table, province));
                html! {
                    <>
                        { prices.unwrap_or_default() }
                        { checkbox(CheckboxProps {
                            lang,
                            field,
                            checked: (!held).then_some(value == "yes"),
                            notice: Some(config.chargeable_service_notice.get(lang).to_string()),
                            error,
                            on_edit: on_edit.clone(),
                        }) }
                    </>
                }
            }
            FieldKind::Flag => checkbox(CheckboxProps {
                lang,
                field,
                checked: (!held).then_some(value == "yes"),
                notice: None,
                error,
                on_edit: on_edit.clone(),
            }),
            FieldKind::Photos => {
                let AttachedPhotos { previews, busy, problem, on_files, on_remove } =
                    photos.attached.clone();
                // The drawn signature travels among the photos but has its own control.
                let shown: Vec<_> =
                    fields.photos.iter().filter(|p| !is_signature(p)).cloned().collect();
                html! {
                    <PhotoField {lang} photos={shown} {previews} limits={config.photos}
                        required={conditions.photos_required} {error} {busy} {problem} {on_files} {on_remove} />
                }
            }
            FieldKind::Signature => {
                let saved = photos.attached.previews.get(fields.signature.trim()).cloned();
                html! {
                    <SignaturePad {lang} {saved} {error} on_signed={photos.on_signature.clone()}
                        on_clear={photos.on_clear_signature.clone()} />
                }
            }
            FieldKind::Transcript => html! {},
        }
    };

    // On every step from the moment the category is chosen, before anything else.
    let emergency = conditions.emergency.then(|| {
        emergency_notice(lang, &config, &draft.emergency_services(state.flow().as_deref()))
    });
    let warranty =
        conditions.warranty.as_ref().filter(|_| matches!(step, Step::Product | Step::Problem)).map(
            |warranty| {
                html! {
                    <p class="notice warranty" role="status">
                        { warranty_text(lang, warranty) }
                        if conditions.on_record {
                            { " " }{ t(lang, "warranty.from_record") }
                        }
                    </p>
                }
            },
        );
    let rights = (step == Step::Problem)
        .then(|| form_entitlement(fields, &conditions, &config, state.today))
        .flatten()
        .map(|entitlement| entitlement_notice(lang, &entitlement));
    let suggested = (step == Step::Problem && fields.troubleshooting.is_some()).then(|| {
        let label = |prefix: &str, value: &str| {
            if value.is_empty() {
                "—".to_string()
            } else {
                t(lang, &format!("{prefix}.{value}")).to_string()
            }
        };
        messages.format(
            lang,
            "details.suggested",
            &[
                ("category", label("category", &fields.category)),
                ("priority", label("priority", &fields.priority)),
            ],
        )
    });
    let problem = state
        .returned
        .as_ref()
        .map(|message| messages.format(lang, "sending.returned", &[("message", message.clone())]));
    // Bots fill in every input they find; people never see this one, and neither do screen
    // readers or the Tab key. No label text: it would be one more string for a bot to read.
    let honeypot = (step == Step::Contact).then(|| {
        let state = state.clone();
        let oninput = Callback::from(move |event: InputEvent| {
            if let Some(value) = event_value(&event) {
                state.dispatch(Action::Honeypot { value, now_ms: now_ms() });
            }
        });
        html! {
            <div class="bait" aria-hidden="true">
                <input type="text" name={HONEYPOT} tabindex="-1" autocomplete="off"
                    value={(!held).then(|| fields.website.clone())} {oninput} />
            </div>
        }
    });
    // What is kept of the customer and for how long (PIPL), where they give it.
    let kept = (step == Step::Contact).then(|| {
        messages.format(
            lang,
            "privacy.kept",
            &[("months", config.privacy.retain_months.to_string())],
        )
    });
    let next_label = if draft.revisit { "step.back_to_review" } else { "step.next" };

    html! {
        <form class="step" novalidate=true {onsubmit}>
            { step_progress(lang, draft.step_number(), draft.form().len()) }
            <h1 tabindex="-1" ref={heading}>{ t(lang, &format!("step.{}", step.name())) }</h1>
            { emergency.unwrap_or_default() }
            <p class="lead chosen">{ chosen_line(lang, fields, &config) }</p>
            <ErrorSummary {lang} errors={state.errors.clone()} focus_token={state.summary_focus} />
            if let Some(problem) = problem {
                <div class="notice notice-problem" role="alert"><p>{ problem }</p></div>
            }
            { warranty.unwrap_or_default() }
            { rights.unwrap_or_default() }
            if let Some(suggested) = suggested {
                <p class="suggested">{ suggested }</p>
            }
            if step == Step::Problem {
                if let Some(troubleshooting) = &fields.troubleshooting {
                    { transcript_view(lang, troubleshooting, state.flow()) }
                }
            }
            if conditions.photos_required && step == Step::Problem {
                <p class="notice">{ t(lang, "warranty.photos_needed") }</p>
            }
            { for step.fields(intent, &conditions).into_iter().map(control) }
            { honeypot.unwrap_or_default() }
            // The server draws the first step before the app has arrived; sent by the browser
            // itself then, the form carries the start step's choices with what was typed, so
            // the server draws this step again instead of the start.
            if step == Step::Contact {
                <input type="hidden" name={Field::Intent.name()} value={fields.intent.clone()} />
                <input type="hidden" name={Field::ProductLine.name()} value={fields.product_line.clone()} />
            }
            if let Some(kept) = kept {
                <p class="hint privacy">{ kept }</p>
            }
            <div class="actions">
                <button type="button" class="secondary" onclick={on_back}>{ t(lang, "details.back") }</button>
                <button type="submit" class="primary">{ t(lang, next_label) }</button>
            </div>
        </form>
    }
}
