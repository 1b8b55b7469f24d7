//! "What we already tried": the troubleshooting transcript, read-only, in the customer's
//! language, so they see exactly what goes to the service team with their request.

use std::rc::Rc;

use shouhou_core::flow::{text, Node};
use shouhou_core::i18n::t;
use shouhou_core::{Flow, Lang, Troubleshooting};
use yew::prelude::*;

/// (what was asked or asked to be done, what the customer answered)
fn entry_texts(
    flow: Option<&Flow>,
    node_id: &str,
    answer_id: &str,
    lang: Lang,
) -> (String, String) {
    let node = flow.and_then(|f| f.node(node_id));
    match node {
        Some(Node::Step(step)) => (
            text(&step.text, lang).to_string(),
            t(lang, &format!("flow.answer.{answer_id}")).to_string(),
        ),
        Some(Node::Question(question)) => {
            let answer = question
                .answers
                .iter()
                .find(|a| a.id == answer_id)
                .map(|a| text(&a.label, lang).to_string());
            (
                text(&question.text, lang).to_string(),
                answer.unwrap_or_else(|| answer_id.to_string()),
            )
        }
        _ => (node_id.to_string(), answer_id.to_string()),
    }
}

/// The transcript as a list; `flow` (the one it came from) gives the texts, without it the
/// ids are shown.
pub fn transcript_view(
    lang: Lang,
    troubleshooting: &Troubleshooting,
    flow: Option<Rc<Flow>>,
) -> Html {
    let flow = flow.as_deref().filter(|f| f.id == troubleshooting.flow_id);
    let items = troubleshooting.steps.iter().map(|entry| {
        let (asked, answered) = entry_texts(flow, &entry.node, &entry.answer, lang);
        html! { <li><span class="asked">{ asked }</span>{ " — " }<strong class="answered">{ answered }</strong></li> }
    });
    html! {
        <section class="transcript" aria-labelledby="transcript-heading">
            <h2 id="transcript-heading">{ t(lang, "flow.tried_heading") }</h2>
            <ol>{ for items }</ol>
        </section>
    }
}
