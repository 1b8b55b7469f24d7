//! A troubleshooting transcript in words: what was asked or asked to be done, and what the
//! customer answered, in one language. The customer sees it before sending ("what we already
//! tried"), and staff read it on the desk.

use super::{text, Flow, Node};
use crate::i18n::{t, Lang};
use crate::schema::Troubleshooting;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    pub asked: String,
    pub answered: String,
}

/// The flow a transcript was walked in, if `flow` is it (same id and version): a later version
/// may have given the same ids other words.
fn walked_in<'a>(troubleshooting: &Troubleshooting, flow: Option<&'a Flow>) -> Option<&'a Flow> {
    flow.filter(|f| f.id == troubleshooting.flow_id && f.version == troubleshooting.flow_version)
}

/// Each step of the walk in words; where the flow is not the one walked, or no longer has a
/// node, its ids stand in (never a blank line).
pub fn transcript_lines(
    troubleshooting: &Troubleshooting,
    flow: Option<&Flow>,
    lang: Lang,
) -> Vec<TranscriptLine> {
    let flow = walked_in(troubleshooting, flow);
    troubleshooting
        .steps
        .iter()
        .map(|entry| {
            let (asked, answered) = match flow.and_then(|f| f.node(&entry.node)) {
                Some(Node::Step(step)) => (
                    text(&step.text, lang).to_string(),
                    t(lang, &format!("flow.answer.{}", entry.answer)).to_string(),
                ),
                Some(Node::Question(question)) => (
                    text(&question.text, lang).to_string(),
                    question
                        .answers
                        .iter()
                        .find(|a| a.id == entry.answer)
                        .map_or_else(|| entry.answer.clone(), |a| text(&a.label, lang).to_string()),
                ),
                _ => (entry.node.clone(), entry.answer.clone()),
            };
            TranscriptLine { asked, answered }
        })
        .collect()
}

/// Where the walk ended, in words (the outcome's text), or its id.
pub fn outcome_words(troubleshooting: &Troubleshooting, flow: Option<&Flow>, lang: Lang) -> String {
    match walked_in(troubleshooting, flow).and_then(|f| f.node(&troubleshooting.outcome)) {
        Some(Node::Outcome(outcome)) => text(&outcome.text, lang).to_string(),
        _ => troubleshooting.outcome.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::TranscriptEntry;

    fn flow() -> Flow {
        Flow::parse(include_str!("../../../static/flows/network.json")).unwrap()
    }

    #[test]
    fn a_walk_reads_as_words_in_its_flow_and_as_ids_in_another_version() {
        let flow = flow();
        let Some(Node::Question(first)) = flow.node(&flow.start) else {
            panic!("the network flow starts with a question")
        };
        let answer = &first.answers[0];
        let outcome = flow
            .nodes
            .iter()
            .find_map(|n| match n {
                Node::Outcome(o) => Some(o.id.clone()),
                _ => None,
            })
            .unwrap();
        let mut walked = Troubleshooting {
            flow_id: flow.id.clone(),
            flow_version: flow.version,
            outcome: outcome.clone(),
            steps: vec![
                TranscriptEntry { node: first.id.clone(), answer: answer.id.clone(), at_ms: 1 },
                TranscriptEntry { node: "gone".into(), answer: "x".into(), at_ms: 2 },
            ],
            component: None,
        };
        let lines = transcript_lines(&walked, Some(&flow), Lang::En);
        assert_eq!(lines[0].asked, text(&first.text, Lang::En));
        assert_eq!(lines[0].answered, text(&answer.label, Lang::En));
        assert_eq!(lines[1], TranscriptLine { asked: "gone".into(), answered: "x".into() });
        assert_ne!(outcome_words(&walked, Some(&flow), Lang::ZhCn), outcome);

        walked.flow_version += 1;
        let lines = transcript_lines(&walked, Some(&flow), Lang::En);
        assert_eq!(lines[0].asked, first.id);
        assert_eq!(outcome_words(&walked, Some(&flow), Lang::En), outcome);
        assert_eq!(transcript_lines(&walked, None, Lang::En)[0].answered, answer.id);
    }
}
