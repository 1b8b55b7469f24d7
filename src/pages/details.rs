//! Step 2: who the customer is and what went wrong; submitting sends the request.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::validate::{DESCRIPTION_MAX_CHARS, DESCRIPTION_MIN_CHARS};
use shouhou_core::{validate_request, Field, Intent, Step};
use yew::prelude::*;

use super::start::error_for;
use super::{edit_callback, use_heading_focus};
use crate::app::AppContext;
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{step_progress, text_field, TextFieldProps, TextKind};
use crate::components::transcript::transcript_view;
use crate::ids::{new_draft, now_ms};
use crate::state::Action;
use shouhou_core::outbox::OutboxItem;

#[component]
pub fn DetailsPage() -> Html {
    let ctx = use_context::<AppContext>().expect("DetailsPage is rendered inside the app");
    let state = ctx.state.clone();
    let heading = use_heading_focus(state.navigated);
    let (Some(config), Some(draft)) = (state.config.clone(), state.draft.clone()) else {
        return html! {};
    };
    let lang = state.lang;
    let messages = Messages::builtin();

    let on_edit = edit_callback(&state);
    let on_back = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Back { now_ms: now_ms() }))
    };
    let onsubmit = {
        let state = state.clone();
        let writer = ctx.writer.clone();
        let send_outbox = ctx.send_outbox.clone();
        let config = config.clone();
        let draft = draft.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if let Err(errors) = validate_request(&draft.fields, &config) {
                state.dispatch(Action::ShowErrors(errors));
                return;
            }
            // Storage opens before the form can show, so there is always a writer here.
            let Some(writer) = &writer else { return };
            let item = OutboxItem::submit(draft.clone(), now_ms());
            writer.submit(item.clone());
            state.dispatch(Action::Submitted { item, next: new_draft() });
            send_outbox.emit(false);
        })
    };

    let intent_label = Intent::parse(&draft.fields.intent)
        .map(|intent| t(lang, &format!("intent.{}", intent.as_str())).to_string())
        .unwrap_or_default();
    let product_label =
        config.product_line(&draft.fields.product_line).map(|line| line.name.get(lang).to_string()).unwrap_or_default();
    let chosen = messages.format(lang, "details.chosen", &[("intent", intent_label), ("product", product_label)]);
    let problem = state.returned.as_ref().map(|message| messages.format(lang, "sending.returned", &[("message", message.clone())]));
    let description_hint = messages.format(
        lang,
        "hint.description",
        &[("min", DESCRIPTION_MIN_CHARS.to_string()), ("max", DESCRIPTION_MAX_CHARS.to_string())],
    );
    let errors = &state.errors;
    let fields = &draft.fields;
    let suggested = (!fields.category.is_empty() || !fields.priority.is_empty()).then(|| {
        let label = |prefix: &str, value: &str| if value.is_empty() { "—".to_string() } else { t(lang, &format!("{prefix}.{value}")).to_string() };
        messages.format(
            lang,
            "details.suggested",
            &[("category", label("category", &fields.category)), ("priority", label("priority", &fields.priority))],
        )
    });

    let field = |field: Field, kind: TextKind, autocomplete: Option<&'static str>, hint: Option<String>| {
        text_field(TextFieldProps {
            lang,
            field,
            value: fields.get(field).to_string(),
            kind,
            autocomplete,
            hint,
            error: error_for(errors, field, lang),
            on_edit: on_edit.clone(),
        })
    };

    html! {
        <form class="step" novalidate=true {onsubmit}>
            { step_progress(lang, Step::Details.number(), Step::FORM.len()) }
            <h1 tabindex="-1" ref={heading}>{ t(lang, "details.heading") }</h1>
            <p class="lead chosen">{ chosen }</p>
            <ErrorSummary {lang} errors={errors.clone()} focus_token={state.summary_focus} />
            if let Some(suggested) = suggested {
                <p class="suggested">{ suggested }</p>
            }
            if let Some(troubleshooting) = &fields.troubleshooting {
                { transcript_view(lang, troubleshooting, state.flow()) }
            }
            if let Some(problem) = problem {
                <div class="notice notice-problem" role="alert"><p>{ problem }</p></div>
            }
            { field(Field::FullName, TextKind::Text, Some("name"), None) }
            { field(Field::Phone, TextKind::Tel, Some("tel"), Some(t(lang, "hint.phone").to_string())) }
            { field(Field::Email, TextKind::Email, Some("email"), Some(t(lang, "hint.email").to_string())) }
            { field(Field::Description, TextKind::MultiLine, None, Some(description_hint)) }
            <div class="actions">
                <button type="button" class="secondary" onclick={on_back}>{ t(lang, "details.back") }</button>
                <button type="submit" class="primary">{ t(lang, "details.submit") }</button>
            </div>
        </form>
    }
}
