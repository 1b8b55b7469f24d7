//! Guided troubleshooting: the offer, one node per screen, and the three outcomes.

use std::rc::Rc;

use shouhou_core::draft::GuideEvent;
use shouhou_core::flow::engine::Deflection;
use shouhou_core::flow::{
    text, Node, OutcomeKind, OutcomeNode, QuestionNode, StepNode, Texts, STEP_ANSWERS,
};
use shouhou_core::i18n::{t, Messages};
use shouhou_core::{AppConfig, Flow, Lang};
use shouhou_web::dom::focus;
use yew::prelude::*;

use super::use_heading_focus;
use crate::components::emergency::emergency_calls;
use crate::hooks::takeover::use_taken_over;
use crate::hooks::use_app;
use crate::ids::{new_draft, now_ms};
use crate::services::flows::record_deflection;
use crate::services::intake_api;
use crate::state::{Action, GuidedHelp};

fn guide(
    state: &UseReducerHandle<crate::state::AppState>,
    event: GuideEvent,
) -> Callback<MouseEvent> {
    let state = state.clone();
    Callback::from(move |_: MouseEvent| {
        state.dispatch(Action::Guide { event: event.clone(), now_ms: now_ms() })
    })
}

#[component]
pub fn GuidePage() -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let flow = state.flow();
    let progress = state
        .draft
        .as_ref()
        .and_then(|d| d.flow.clone())
        .filter(|p| flow.as_ref().is_some_and(|f| p.fits(f)));
    use_taken_over();
    // The offer takes focus when the customer arrives at it, or comes back to it.
    let offer_heading = use_node_ref();
    {
        let (offer_heading, navigated) = (offer_heading.clone(), state.navigated);
        use_effect_with(progress.is_none(), move |showing_offer| {
            if *showing_offer && navigated {
                focus(&offer_heading);
            }
        });
    }
    let Some(config) = state.config.clone() else {
        return html! {};
    };
    match (flow, progress) {
        (Some(flow), Some(progress)) => {
            let node = progress.node(&flow).cloned().expect("fitting progress is on a node");
            html! {
                <FlowScreen key={format!("{}:{}", progress.current, progress.transcript.len())}
                    {flow} {node} depth={progress.depth()} {config} />
            }
        }
        (flow, _) => {
            let unavailable = flow.is_none() && !matches!(state.guided, GuidedHelp::Unknown);
            offer(&state, offer_heading, unavailable, flow.is_none() && !unavailable)
        }
    }
}

/// "Let's try to fix it together first": start the checks or skip to the form.
fn offer(
    state: &UseReducerHandle<crate::state::AppState>,
    heading: NodeRef,
    unavailable: bool,
    loading: bool,
) -> Html {
    let lang = state.lang;
    let back = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Back { now_ms: now_ms() }))
    };
    let skip = {
        let state = state.clone();
        Callback::from(move |event: MouseEvent| {
            event.prevent_default();
            state.dispatch(Action::SkipGuide { now_ms: now_ms() })
        })
    };
    // A link, so skipping works before the app has arrived: the server draws the form's first
    // step from the same choices.
    let skip_href = state
        .draft
        .as_ref()
        .map_or_else(String::new, |draft| format!("/form/contact?{}", draft.choices_query()));
    html! {
        <section class="step" aria-labelledby="guide-heading">
            <h1 id="guide-heading" tabindex="-1" ref={heading}>{ t(lang, "flow.offer_heading") }</h1>
            if unavailable {
                <div class="notice" role="status"><p>{ t(lang, "flow.unavailable") }</p></div>
            } else {
                <p class="lead">{ t(lang, "flow.offer_intro") }</p>
            }
            if loading {
                <p class="loading">{ t(lang, "app.loading") }</p>
            }
            <div class="actions">
                if !unavailable && !loading {
                    <button type="button" class="primary" onclick={guide(state, GuideEvent::Start)}>{ t(lang, "flow.start") }</button>
                }
                <a class="button secondary" href={skip_href} onclick={skip}>{ t(lang, "flow.skip") }</a>
                <button type="button" class="secondary" onclick={back}>{ t(lang, "details.back") }</button>
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FlowScreenProps {
    flow: Rc<Flow>,
    node: Node,
    depth: usize,
    config: Rc<AppConfig>,
}

/// One node of the flow. Keyed by position, so each new node mounts afresh and takes focus.
#[component]
fn FlowScreen(props: &FlowScreenProps) -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let heading = use_heading_focus(true);
    let lang = state.lang;
    let progress =
        Messages::builtin().format(lang, "flow.progress", &[("n", props.depth.to_string())]);
    let is_first = props.depth == 1;
    let body = match &props.node {
        Node::Step(step) => step_body(step, lang, &state, heading.clone()),
        Node::Question(question) => question_body(question, lang, &state, heading.clone()),
        Node::Outcome(outcome) => {
            html! { <OutcomeView outcome={outcome.clone()} flow={props.flow.clone()} config={props.config.clone()} {heading} /> }
        }
    };
    html! {
        <section class="step flow" aria-labelledby="flow-heading">
            <p class="step-progress">{ text(&props.flow.title, lang) }{ " · " }{ progress }</p>
            { body }
            <div class="actions flow-nav">
                <button type="button" class="secondary" onclick={guide(&state, GuideEvent::Back)}>{ t(lang, "flow.back") }</button>
                if !is_first {
                    <button type="button" class="secondary" onclick={guide(&state, GuideEvent::Restart)}>{ t(lang, "flow.restart") }</button>
                }
            </div>
        </section>
    }
}

fn step_body(
    step: &StepNode,
    lang: Lang,
    state: &UseReducerHandle<crate::state::AppState>,
    heading: NodeRef,
) -> Html {
    let answers = STEP_ANSWERS.iter().filter(|answer| step.next(answer).is_some()).map(|answer| {
        let class = if *answer == "fixed" { "primary" } else { "secondary" };
        html! {
            <button type="button" {class} data-answer={*answer}
                onclick={guide(state, GuideEvent::Answer(answer.to_string()))}>
                { t(lang, &format!("flow.answer.{answer}")) }
            </button>
        }
    });
    html! {
        <>
            { safety_warning(step.warning.as_ref(), lang) }
            <h1 id="flow-heading" tabindex="-1" ref={heading}>{ text(&step.text, lang) }</h1>
            if let (Some(image), Some(alt)) = (&step.image, &step.image_alt) {
                <img class="flow-image" src={image.clone()} alt={text(alt, lang).to_string()} />
            }
            <div class="answers" role="group" aria-labelledby="flow-heading">{ for answers }</div>
        </>
    }
}

fn question_body(
    question: &QuestionNode,
    lang: Lang,
    state: &UseReducerHandle<crate::state::AppState>,
    heading: NodeRef,
) -> Html {
    let answers = question.answers.iter().map(|answer| {
        html! {
            <button type="button" class="choice-button" data-answer={answer.id.clone()}
                onclick={guide(state, GuideEvent::Answer(answer.id.clone()))}>
                { text(&answer.label, lang) }
            </button>
        }
    });
    html! {
        <>
            { safety_warning(question.warning.as_ref(), lang) }
            <h1 id="flow-heading" tabindex="-1" ref={heading}>{ text(&question.text, lang) }</h1>
            <div class="answers" role="group" aria-labelledby="flow-heading">{ for answers }</div>
        </>
    }
}

/// A node's safety warning, before its text: what to be careful of before doing or looking.
fn safety_warning(warning: Option<&Texts>, lang: Lang) -> Html {
    let Some(warning) = warning else { return html! {} };
    html! {
        <div class="notice notice-warning" role="note">
            <p><strong>{ t(lang, "flow.warning") }</strong>{ text(warning, lang) }</p>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OutcomeProps {
    outcome: OutcomeNode,
    flow: Rc<Flow>,
    config: Rc<AppConfig>,
    heading: NodeRef,
}

#[component]
fn OutcomeView(props: &OutcomeProps) -> Html {
    let ctx = use_app();
    let state = ctx.state.clone();
    let lang = state.lang;
    let outcome = &props.outcome;

    // A solved problem is counted once per draft, anonymously, even if sent later.
    {
        let solved = outcome.outcome == OutcomeKind::Solved;
        let draft = state.draft.clone();
        let (flow, config, outcome_id) =
            (props.flow.clone(), props.config.clone(), outcome.id.clone());
        use_effect_with(outcome_id.clone(), move |_| {
            if let (true, Some(draft)) = (solved, draft) {
                let deflection = Deflection {
                    flow_id: flow.id.clone(),
                    flow_version: flow.version,
                    product_line: draft.fields.product_line.clone(),
                    outcome: outcome_id,
                };
                if let Some(api) = intake_api(&config) {
                    record_deflection(api, format!("{}-solved", draft.idempotency_key), deflection);
                }
            }
        });
    }

    let warning = safety_warning(outcome.warning.as_ref(), lang);
    match outcome.outcome {
        OutcomeKind::Solved => {
            let start_over = {
                let state = state.clone();
                let writer = ctx.writer.clone();
                Callback::from(move |_: MouseEvent| {
                    if let (Some(writer), Some(draft)) = (&writer, &state.draft) {
                        writer.delete(&draft.id);
                    }
                    state.dispatch(Action::StartOver { next: new_draft() });
                })
            };
            html! {
                <div class="outcome outcome-solved" role="status">
                    <h1 id="flow-heading" tabindex="-1" ref={props.heading.clone()}>{ t(lang, "flow.solved_heading") }</h1>
                    { warning }
                    <p>{ text(&outcome.text, lang) }</p>
                    <p>{ t(lang, "flow.solved_body") }</p>
                    <div class="actions">
                        <button type="button" class="primary" onclick={start_over}>{ t(lang, "flow.start_over") }</button>
                    </div>
                </div>
            }
        }
        OutcomeKind::NeedsService => html! {
            <div class="outcome">
                <h1 id="flow-heading" tabindex="-1" ref={props.heading.clone()}>{ t(lang, "flow.needs_service_heading") }</h1>
                { warning }
                <p>{ text(&outcome.text, lang) }</p>
                <div class="actions">
                    <button type="button" class="primary" onclick={guide(&state, GuideEvent::ToForm)}>{ t(lang, "flow.continue_to_form") }</button>
                </div>
            </div>
        },
        // Safety now, then the public numbers that fit, then our line: the order that keeps
        // people alive (a phone call indoors can ignite gas; we cannot put out a fire).
        OutcomeKind::Emergency => {
            // Both languages at once: whoever is reading must not have to find a switch first.
            let other = if lang == Lang::ZhCn { Lang::En } else { Lang::ZhCn };
            html! {
                <div class="outcome outcome-emergency" role="alert">
                    <h1 id="flow-heading" tabindex="-1" ref={props.heading.clone()}>
                        { t(lang, "flow.emergency_heading") }
                        <span class="other-lang" lang={other.tag()}>{ " · " }{ t(other, "flow.emergency_heading") }</span>
                    </h1>
                    { warning }
                    <div class="emergency-safety">
                        <p>{ text(&outcome.text, lang) }</p>
                        <p lang={other.tag()} class="other-lang-text">{ text(&outcome.text, other) }</p>
                    </div>
                    { emergency_calls(lang, &props.config, &outcome.services) }
                    <p>{ t(lang, "flow.emergency_then") }</p>
                    <div class="actions">
                        <button type="button" class="secondary" onclick={guide(&state, GuideEvent::ToForm)}>{ t(lang, "flow.continue_to_form") }</button>
                    </div>
                </div>
            }
        }
    }
}
