//! "Check your answers": every step's answers in one place, each section with a change link
//! back to its step; submitting puts the request in the outbox.

use shouhou_core::i18n::{t, Messages};
use shouhou_core::{Field, Step};
use yew::prelude::*;

use crate::components::display::{answer_text, chosen_line, warranty_text};
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::step_progress;
use crate::components::transcript::transcript_view;
use crate::hooks::form::{use_form_screen, FormScreen};
use crate::hooks::outbox::use_outbox;
use crate::ids::now_ms;
use crate::state::Action;

#[component]
pub fn ReviewPage() -> Html {
    let outbox = use_outbox();
    let Some(FormScreen { state, heading, config, draft, lang, intent, conditions, on_back }) =
        use_form_screen()
    else {
        return html! {};
    };
    let messages = Messages::builtin();
    let onsubmit = {
        let draft = draft.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            outbox.submit(&draft);
        })
    };

    let section = |step: Step| -> Html {
        let title = t(lang, &format!("step.{}", step.name())).to_string();
        let change = {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| {
                state.dispatch(Action::Change { step, now_ms: now_ms() })
            })
        };
        let change_label =
            messages.format(lang, "review.change_label", &[("section", title.clone())]);
        let rows = step.fields(intent, &conditions).into_iter().map(|field| {
            html! {
                <div class="answer">
                    <dt>{ t(lang, &format!("field.{}", field.name())) }</dt>
                    <dd>{ answer_text(lang, &draft.fields, field) }</dd>
                </div>
            }
        });
        let warranty =
            conditions.warranty.as_ref().filter(|_| step == Step::Product).map(|warranty| {
                html! {
                    <div class="answer">
                        <dt>{ t(lang, "review.warranty") }</dt>
                        <dd>{ warranty_text(lang, warranty) }</dd>
                    </div>
                }
            });
        html! {
            <section class="review-section" aria-labelledby={format!("review-{}", step.name())}>
                <div class="review-heading">
                    <h2 id={format!("review-{}", step.name())}>{ title }</h2>
                    <button type="button" class="link" onclick={change} aria-label={change_label}>{ t(lang, "review.change") }</button>
                </div>
                <dl>{ for rows }{ warranty.unwrap_or_default() }</dl>
            </section>
        }
    };
    // A problem link opens the step that holds the field.
    let on_pick = {
        let (state, config, draft) = (state.clone(), config.clone(), draft.clone());
        Callback::from(move |field: Field| {
            let today = crate::ids::today();
            let step = draft
                .form()
                .iter()
                .copied()
                .find(|step| draft.step_fields(*step, &config, today).contains(&field));
            if let Some(step) = step {
                state.dispatch(Action::Change { step, now_ms: now_ms() });
            }
        })
    };
    let problem = state
        .returned
        .as_ref()
        .map(|message| messages.format(lang, "sending.returned", &[("message", message.clone())]));

    html! {
        <form class="step review" novalidate=true {onsubmit}>
            { step_progress(lang, draft.step_number(), draft.form().len()) }
            <h1 tabindex="-1" ref={heading}>{ t(lang, "step.review") }</h1>
            <p class="lead chosen">{ chosen_line(lang, &draft.fields, &config) }</p>
            <ErrorSummary {lang} errors={state.errors.clone()} focus_token={state.summary_focus} {on_pick} />
            if let Some(problem) = problem {
                <div class="notice notice-problem" role="alert"><p>{ problem }</p></div>
            }
            { for draft.form().iter().copied().filter(|step| !matches!(step, Step::Start | Step::Review)).map(section) }
            if let Some(troubleshooting) = &draft.fields.troubleshooting {
                { transcript_view(lang, troubleshooting, state.flow()) }
            }
            <div class="actions">
                <button type="button" class="secondary" onclick={on_back}>{ t(lang, "details.back") }</button>
                <button type="submit" class="primary">{ t(lang, "details.submit") }</button>
            </div>
        </form>
    }
}
