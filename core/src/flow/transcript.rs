//! A troubleshooting transcript in words: what was asked or asked to be done, and what the
//! customer answered, in one language. The customer sees it before sending ("what we already
//! tried"), and staff read it on the desk.

use serde::Deserialize;

use super::{text, Flow, Node, NodeKind, Texts};
use crate::i18n::{t, Lang};
use crate::schema::Troubleshooting;

/// What a transcript reads of a flow: which flow and version it is, its title and its nodes'
/// words. The staff desk reads a flow file as this, not as a [`Flow`]: it shows the words and
/// never walks or checks the tree, and the whole flow's decoder was about 6.5 KB of its
/// download as served. Fields it does not read are skipped.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct FlowWords {
    pub id: String,
    pub version: u32,
    pub title: Texts,
    nodes: Vec<NodeWords>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct NodeWords {
    id: String,
    kind: NodeKind,
    text: Texts,
    /// A question's answers: their ids and labels.
    #[serde(default)]
    answers: Vec<AnswerWords>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct AnswerWords {
    id: String,
    label: Texts,
}

impl From<&Flow> for FlowWords {
    fn from(flow: &Flow) -> FlowWords {
        let words = |id: &str, kind, text: &Texts, answers| NodeWords {
            id: id.to_string(),
            kind,
            text: text.clone(),
            answers,
        };
        let nodes = flow.nodes.iter().map(|node| match node {
            Node::Step(step) => words(&step.id, NodeKind::Step, &step.text, Vec::new()),
            Node::Question(question) => {
                let answers = question.answers.iter();
                let answers =
                    answers.map(|a| AnswerWords { id: a.id.clone(), label: a.label.clone() });
                words(&question.id, NodeKind::Question, &question.text, answers.collect())
            }
            Node::Outcome(outcome) => {
                words(&outcome.id, NodeKind::Outcome, &outcome.text, Vec::new())
            }
        });
        FlowWords {
            id: flow.id.clone(),
            version: flow.version,
            title: flow.title.clone(),
            nodes: nodes.collect(),
        }
    }
}

impl FlowWords {
    fn node(&self, id: &str) -> Option<&NodeWords> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranscriptLine {
    pub asked: String,
    pub answered: String,
}

/// The flow a transcript was walked in, if `flow` is it (same id and version): a later version
/// may have given the same ids other words.
fn walked_in<'a>(
    troubleshooting: &Troubleshooting,
    flow: Option<&'a FlowWords>,
) -> Option<&'a FlowWords> {
    flow.filter(|f| f.id == troubleshooting.flow_id && f.version == troubleshooting.flow_version)
}

/// Each step of the walk in words; where the flow is not the one walked, or no longer has a
/// node, its ids stand in (never a blank line).
pub fn transcript_lines(
    troubleshooting: &Troubleshooting,
    flow: Option<&FlowWords>,
    lang: Lang,
) -> Vec<TranscriptLine> {
    let flow = walked_in(troubleshooting, flow);
    troubleshooting
        .steps
        .iter()
        .map(|entry| {
            let (asked, answered) = match flow.and_then(|f| f.node(&entry.node)) {
                Some(node) if node.kind == NodeKind::Step => (
                    text(&node.text, lang).to_string(),
                    t(lang, &format!("flow.answer.{}", entry.answer)).to_string(),
                ),
                Some(node) if node.kind == NodeKind::Question => (
                    text(&node.text, lang).to_string(),
                    node.answers
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
pub fn outcome_words(
    troubleshooting: &Troubleshooting,
    flow: Option<&FlowWords>,
    lang: Lang,
) -> String {
    match walked_in(troubleshooting, flow).and_then(|f| f.node(&troubleshooting.outcome)) {
        Some(node) if node.kind == NodeKind::Outcome => text(&node.text, lang).to_string(),
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
        let words = FlowWords::from(&flow);
        let lines = transcript_lines(&walked, Some(&words), Lang::En);
        assert_eq!(lines[0].asked, text(&first.text, Lang::En));
        assert_eq!(lines[0].answered, text(&answer.label, Lang::En));
        assert_eq!(lines[1], TranscriptLine { asked: "gone".into(), answered: "x".into() });
        assert_ne!(outcome_words(&walked, Some(&words), Lang::ZhCn), outcome);

        walked.flow_version += 1;
        let lines = transcript_lines(&walked, Some(&words), Lang::En);
        assert_eq!(lines[0].asked, first.id);
        assert_eq!(outcome_words(&walked, Some(&words), Lang::En), outcome);
        assert_eq!(transcript_lines(&walked, None, Lang::En)[0].answered, answer.id);
    }

    #[test]
    fn a_flow_file_read_for_its_words_has_the_words_of_the_whole_flow() {
        for file in [
            include_str!("../../../static/flows/appliance.json"),
            include_str!("../../../static/flows/bank-terminal.json"),
            include_str!("../../../static/flows/car-service.json"),
            include_str!("../../../static/flows/inverter.json"),
            include_str!("../../../static/flows/network.json"),
            include_str!("../../../static/flows/online-order.json"),
            include_str!("../../../static/flows/property.json"),
        ] {
            let read: FlowWords = serde_json::from_str(file).unwrap();
            assert_eq!(read, FlowWords::from(&Flow::parse(file).unwrap()));
        }
    }
}
