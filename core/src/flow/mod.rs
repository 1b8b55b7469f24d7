//! Guided troubleshooting: decision trees, one JSON file per product line under
//! `static/flows/` (format in `static/flows/README.md`).
//!
//! [`Flow::parse`] reads a file and checks everything that could strand a customer — links to
//! nodes that do not exist, nodes nobody can reach, loops with no way out, dead ends that are
//! not outcomes, missing translations, unknown request fields — and returns every problem at
//! once, each with its path in the file. [`engine::FlowProgress`] walks a valid flow.

pub mod diagram;
pub mod engine;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;

pub use validate::{FlowProblem, ProblemKind};

/// A text in every language, keyed by language tag (`zh-CN`, `en`). A map rather than fixed
/// fields so a missing language is reported with the others instead of failing the parse.
pub type Texts = BTreeMap<String, String>;

/// The text in `lang`, falling back to any language rather than showing nothing.
pub fn text(texts: &Texts, lang: Lang) -> &str {
    texts.get(lang.tag()).or_else(|| texts.values().next()).map_or("", String::as_str)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    /// Equals the product line id and the file name.
    pub id: String,
    /// Bumped when the tree changes; saved progress in another version starts again.
    pub version: u32,
    pub title: Texts,
    /// The first node.
    pub start: String,
    pub nodes: Vec<Node>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Node {
    Step(StepNode),
    Question(QuestionNode),
    Outcome(OutcomeNode),
}

/// An instruction to carry out, then "did this fix it?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepNode {
    pub id: String,
    pub text: Texts,
    /// Path of an illustration, relative to the app (e.g. `flows/img/x.svg`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Required with `image`: what the picture shows, for those who cannot see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_alt: Option<Texts>,
    /// Shown before the instruction, prominently (mains voltage, hot surfaces…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Texts>,
    /// Where "this fixed it" leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    /// Where "not fixed" leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_fixed: Option<String>,
    /// Where "I can't do this" leads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cannot: Option<String>,
}

/// The answers a step offers, in the order shown.
pub const STEP_ANSWERS: [&str; 3] = ["fixed", "not_fixed", "cannot"];

impl StepNode {
    pub fn next(&self, answer: &str) -> Option<&str> {
        match answer {
            "fixed" => self.fixed.as_deref(),
            "not_fixed" => self.not_fixed.as_deref(),
            "cannot" => self.cannot.as_deref(),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionNode {
    pub id: String,
    pub text: Texts,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub id: String,
    pub label: Texts,
    pub next: String,
    /// Request fields this answer tells us (`category`, `priority`, `on_site`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub set: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// Fixed on the spot: the request is deflected.
    Solved,
    /// The request form opens, prefilled.
    NeedsService,
    /// The emergency contact, at once.
    Emergency,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeNode {
    pub id: String,
    pub outcome: OutcomeKind,
    pub text: Texts,
    /// Suggested complaint category (needed for `needs_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Suggested priority (needed for `needs_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Whether an engineer must come on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_site: Option<bool>,
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Step(n) => &n.id,
            Node::Question(n) => &n.id,
            Node::Outcome(n) => &n.id,
        }
    }

    /// (answer id, next node id) for every way out of this node.
    pub fn links(&self) -> Vec<(&str, &str)> {
        match self {
            Node::Step(step) => STEP_ANSWERS
                .iter()
                .filter_map(|answer| step.next(answer).map(|next| (*answer, next)))
                .collect(),
            Node::Question(question) => question.answers.iter().map(|a| (a.id.as_str(), a.next.as_str())).collect(),
            Node::Outcome(_) => Vec::new(),
        }
    }
}

impl Flow {
    /// Reads and checks a flow file: the flow, or every problem found.
    pub fn parse(json: &str) -> Result<Flow, Vec<FlowProblem>> {
        let flow: Flow = serde_json::from_str(json).map_err(|e| {
            vec![FlowProblem { path: format!("line {}, column {}", e.line(), e.column()), kind: ProblemKind::Malformed(e.to_string()) }]
        })?;
        let problems = validate::problems(&flow);
        if problems.is_empty() {
            Ok(flow)
        } else {
            Err(problems)
        }
    }

    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }
}
