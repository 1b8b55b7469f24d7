//! Step 1: what the customer needs, and for which product line.

use shouhou_core::i18n::t;
use shouhou_core::rules::{guided_help_fits, offered_intents};
use shouhou_core::{Category, Conditions, Field, Step};
use yew::prelude::*;

use super::{edit_callback, use_heading_focus};
use crate::components::display::error_for;
use crate::components::emergency::emergency_notice;
use crate::components::error_summary::ErrorSummary;
use crate::components::fields::{choice_group, step_progress, ChoiceGroupProps};
use crate::hooks::takeover::use_taken_over;
use crate::hooks::use_app;
use crate::ids::now_ms;
use crate::state::{Action, GuidedHelp};

#[component]
pub fn StartPage() -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let heading = use_heading_focus(state.navigated);
    use_taken_over();
    let (Some(config), Some(draft)) = (state.config.clone(), state.draft.as_ref()) else {
        return html! {};
    };
    let lang = state.lang;

    let on_edit = edit_callback(&state);
    let onsubmit = {
        let state = state.clone();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            state.dispatch(Action::Continue { now_ms: now_ms() });
        })
    };
    // Guided help is offered only where it can help (core decides): its absence is news
    // only then.
    let guided_help_broken = matches!(state.guided, GuidedHelp::Broken)
        && state.guided_for == draft.fields.product_line
        && guided_help_fits(&draft.fields);
    // A complaint says what it is about here: an emergency shows its contact at once.
    let asks_category =
        draft.step_fields(Step::Start, &config, state.today).contains(&Field::Category);
    let emergency = Conditions::of(&draft.fields, &config, state.today)
        .emergency
        .then(|| emergency_notice(lang, &config, &draft.emergency_services(None)));
    let categories: Vec<(String, String)> = Category::ALL
        .iter()
        .map(|category| {
            (
                category.as_str().to_string(),
                t(lang, &format!("category.{}", category.as_str())).to_string(),
            )
        })
        .collect();
    let intents: Vec<(String, String)> = offered_intents(config.mode)
        .iter()
        .map(|intent| {
            (
                intent.as_str().to_string(),
                t(lang, &format!("intent.{}", intent.as_str())).to_string(),
            )
        })
        .collect();
    // What changes this screen when chosen (core decides), for the boot script.
    let redraws = |field: Field, options: &[(String, String)]| -> Vec<String> {
        options
            .iter()
            .filter(|(value, _)| draft.redraws_with(field, value, &config, state.today))
            .map(|(value, _)| value.clone())
            .collect()
    };
    let product_lines: Vec<(String, String)> = config
        .product_lines
        .iter()
        .map(|line| (line.id.clone(), line.name.get(lang).to_string()))
        .collect();

    html! {
        // A real form: before the app has arrived it asks the server for the next screen.
        <form class="step" method="get" action="/help" novalidate=true {onsubmit}>
            { step_progress(lang, 1, draft.form().len()) }
            <h1 tabindex="-1" ref={heading}>{ t(lang, "start.heading") }</h1>
            { emergency.unwrap_or_default() }
            <p class="lead">{ t(lang, "start.intro") }</p>
            <ErrorSummary {lang} errors={state.errors.clone()} focus_token={state.summary_focus} />
            { choice_group(ChoiceGroupProps {
                lang,
                field: Field::Intent,
                redraws: redraws(Field::Intent, &intents),
                options: intents,
                selected: (!state.taking_over).then(|| draft.fields.intent.clone()),
                several: false,
                hint: None,
                error: error_for(&state.errors, Field::Intent, lang),
                on_edit: on_edit.clone(),
            }) }
            if asks_category {
                { choice_group(ChoiceGroupProps {
                    lang,
                    field: Field::Category,
                    redraws: redraws(Field::Category, &categories),
                    options: categories,
                    selected: (!state.taking_over).then(|| draft.fields.category.clone()),
                    several: false,
                    hint: None,
                    error: error_for(&state.errors, Field::Category, lang),
                    on_edit: on_edit.clone(),
                }) }
            }
            { choice_group(ChoiceGroupProps {
                lang,
                field: Field::ProductLine,
                redraws: redraws(Field::ProductLine, &product_lines),
                options: product_lines,
                selected: (!state.taking_over).then(|| draft.fields.product_line.clone()),
                several: false,
                hint: None,
                error: error_for(&state.errors, Field::ProductLine, lang),
                on_edit,
            }) }
            if guided_help_broken {
                <div class="notice" role="status"><p>{ t(lang, "flow.unavailable") }</p></div>
            }
            <div class="actions">
                <button type="submit" class="primary">{ t(lang, "start.continue") }</button>
            </div>
            <p class="check-request"><a href="/status">{ t(lang, "start.check_request") }</a></p>
        </form>
    }
}
