//! A flow as a Mermaid flowchart, so the after-sales team can review a tree as a picture
//! (paste into any Mermaid viewer, or a Markdown file on a code host).

use std::fmt::Write;

use super::{text, Flow, Node, OutcomeKind};
use crate::i18n::{t, Lang};

/// Mermaid `flowchart TD` source: questions as diamonds, steps as boxes, outcomes as rounded
/// boxes coloured by kind, answers as edge labels (the way out dotted, a confirmed fix bold).
pub fn mermaid(flow: &Flow, lang: Lang) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "---\ntitle: {} (v{})\n---", escape(text(&flow.title, lang)), flow.version);
    out.push_str("flowchart TD\n");
    for node in &flow.nodes {
        let id = mermaid_id(node.id());
        let _ = match node {
            Node::Step(step) => writeln!(out, "    {id}[\"{}\"]", escape(text(&step.text, lang))),
            Node::Question(question) => {
                writeln!(out, "    {id}{{\"{}\"}}", escape(text(&question.text, lang)))
            }
            Node::Outcome(outcome) => {
                writeln!(
                    out,
                    "    {id}([\"{}\"]):::{}",
                    escape(text(&outcome.text, lang)),
                    outcome_class(outcome.outcome)
                )
            }
        };
    }
    for node in &flow.nodes {
        for (answer, next) in node.links() {
            let (label, arrow) = match node {
                Node::Question(question) => question
                    .answers
                    .iter()
                    .find(|a| a.id == answer)
                    .map(|a| (text(&a.label, lang).to_string(), arrow(a.other, a.confirms_fix)))
                    .unwrap_or_default(),
                _ => (
                    t(lang, &format!("flow.answer.{answer}")).to_string(),
                    arrow(false, answer == "fixed"),
                ),
            };
            let _ = writeln!(
                out,
                "    {} {arrow}|\"{}\"| {}",
                mermaid_id(node.id()),
                escape(&label),
                mermaid_id(next)
            );
        }
    }
    out.push_str("    classDef solved fill:#d4edda,stroke:#00703c\n");
    out.push_str("    classDef needs_service fill:#fff3cd,stroke:#8a6d00\n");
    out.push_str("    classDef emergency fill:#f8d7da,stroke:#b3261e,stroke-width:3px\n");
    out
}

/// The way out dotted and the customer's "that fixed it" bold, so a reviewer sees at a glance
/// where customers leave for the form and what counts as a deflection.
fn arrow(other: bool, confirms_fix: bool) -> &'static str {
    match (other, confirms_fix) {
        (true, _) => "-.->",
        (false, true) => "==>",
        (false, false) => "-->",
    }
}

fn outcome_class(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Solved => "solved",
        OutcomeKind::NeedsService => "needs_service",
        OutcomeKind::Emergency => "emergency",
    }
}

/// Mermaid ids must not be keywords such as `end`.
fn mermaid_id(id: &str) -> String {
    format!("n_{}", id.replace('-', "_"))
}

fn escape(text: &str) -> String {
    text.replace('"', "#quot;").replace('\n', "<br/>")
}
