//! Guided troubleshooting: decision trees, one JSON file per product line under
//! `static/flows/` (format in `static/flows/README.md`).
//!
//! [`Flow::parse`] reads a file and checks everything that could strand a customer — links to
//! nodes that do not exist, nodes nobody can reach, loops with no way out, dead ends that are
//! not outcomes, missing translations, unknown request fields — and what would make the help
//! dishonest: a question with no "none of these", a `solved` ending the customer did not
//! confirm, an emergency behind another screen. It returns every problem at once, each with its
//! path in the file. [`engine::FlowProgress`] walks a valid flow.

pub mod diagram;
pub mod engine;
mod problem;
pub mod transcript;
mod validate;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::emergency::PublicService;
use crate::i18n::Lang;
/// Ids are stored with requests: the check lives with the request's schema.
pub use crate::schema::is_plain_id;

pub use problem::{FlowProblem, ProblemKind};

/// A text in every language, keyed by language tag (`zh-CN`, `en`). A map rather than fixed
/// fields so a missing language is reported with the others instead of failing the parse.
/// (A hash map: the i18n tables already bring one into the app, a B-tree would add its own.)
pub type Texts = HashMap<String, String>;

/// The text in `lang`, falling back to any language rather than showing nothing.
pub fn text(texts: &Texts, lang: Lang) -> &str {
    texts
        .get(lang.tag())
        .or_else(|| Lang::ALL.iter().find_map(|other| texts.get(other.tag())))
        .map_or("", String::as_str)
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
#[serde(into = "RawNode", try_from = "RawNode")]
pub enum Node {
    Step(StepNode),
    Question(QuestionNode),
    Outcome(OutcomeNode),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NodeKind {
    Step,
    Question,
    Outcome,
}

/// A node as written in the file: one flat object with a `kind`. Read flat and then sorted
/// into [`Node`] rather than as an internally tagged enum, which would buffer every node and
/// add serde's buffering machinery to the app's download; a field that belongs to another
/// kind is refused by name.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    id: String,
    kind: NodeKind,
    text: Texts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    image_alt: Option<Texts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    warning: Option<Texts>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cannot: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    answers: Option<Vec<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outcome: Option<OutcomeKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    priority: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_site: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    resolution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    services: Option<Vec<PublicService>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    component: Option<String>,
}

impl TryFrom<RawNode> for Node {
    type Error = String;

    fn try_from(raw: RawNode) -> Result<Node, String> {
        let misplaced = |present: &[(&str, bool)]| {
            present.iter().find(|(_, there)| *there).map(|(name, _)| {
                format!("node {:?}: a {:?} node has no field {name:?}", raw.id, raw.kind)
            })
        };
        let not_for_step = [
            ("answers", raw.answers.is_some()),
            ("outcome", raw.outcome.is_some()),
            ("category", raw.category.is_some()),
            ("priority", raw.priority.is_some()),
            ("on_site", raw.on_site.is_some()),
            ("resolution", raw.resolution.is_some()),
            ("services", raw.services.is_some()),
            ("component", raw.component.is_some()),
        ];
        let step_fields = [
            ("image", raw.image.is_some()),
            ("image_alt", raw.image_alt.is_some()),
            ("fixed", raw.fixed.is_some()),
            ("not_fixed", raw.not_fixed.is_some()),
            ("cannot", raw.cannot.is_some()),
        ];
        match raw.kind {
            NodeKind::Step => {
                if let Some(why) = misplaced(&not_for_step) {
                    return Err(why);
                }
                Ok(Node::Step(StepNode {
                    id: raw.id,
                    text: raw.text,
                    image: raw.image,
                    image_alt: raw.image_alt,
                    warning: raw.warning,
                    fixed: raw.fixed,
                    not_fixed: raw.not_fixed,
                    cannot: raw.cannot,
                }))
            }
            NodeKind::Question => {
                if let Some(why) = misplaced(&step_fields).or_else(|| misplaced(&not_for_step[1..]))
                {
                    return Err(why);
                }
                Ok(Node::Question(QuestionNode {
                    id: raw.id,
                    text: raw.text,
                    warning: raw.warning,
                    answers: raw.answers.unwrap_or_default(),
                }))
            }
            NodeKind::Outcome => {
                if let Some(why) = misplaced(&step_fields).or_else(|| misplaced(&not_for_step[..1]))
                {
                    return Err(why);
                }
                let outcome = raw.outcome.ok_or_else(|| {
                    format!("node {:?}: an outcome node needs \"outcome\"", raw.id)
                })?;
                if outcome != OutcomeKind::Emergency && raw.services.is_some() {
                    return Err(format!(
                        "node {:?}: only an emergency outcome names public services",
                        raw.id
                    ));
                }
                Ok(Node::Outcome(OutcomeNode {
                    id: raw.id,
                    outcome,
                    text: raw.text,
                    warning: raw.warning,
                    services: raw.services.unwrap_or_default(),
                    component: raw.component,
                    category: raw.category,
                    priority: raw.priority,
                    on_site: raw.on_site,
                    resolution: raw.resolution,
                }))
            }
        }
    }
}

impl From<Node> for RawNode {
    fn from(node: Node) -> RawNode {
        let empty = |id: String, kind: NodeKind, text: Texts| RawNode {
            id,
            kind,
            text,
            image: None,
            image_alt: None,
            warning: None,
            fixed: None,
            not_fixed: None,
            cannot: None,
            answers: None,
            outcome: None,
            category: None,
            priority: None,
            on_site: None,
            resolution: None,
            services: None,
            component: None,
        };
        match node {
            Node::Step(step) => RawNode {
                image: step.image,
                image_alt: step.image_alt,
                warning: step.warning,
                fixed: step.fixed,
                not_fixed: step.not_fixed,
                cannot: step.cannot,
                ..empty(step.id, NodeKind::Step, step.text)
            },
            Node::Question(question) => RawNode {
                warning: question.warning,
                answers: Some(question.answers),
                ..empty(question.id, NodeKind::Question, question.text)
            },
            Node::Outcome(outcome) => RawNode {
                outcome: Some(outcome.outcome),
                category: outcome.category,
                priority: outcome.priority,
                on_site: outcome.on_site,
                resolution: outcome.resolution,
                warning: outcome.warning,
                services: (!outcome.services.is_empty()).then_some(outcome.services),
                component: outcome.component,
                ..empty(outcome.id, NodeKind::Outcome, outcome.text)
            },
        }
    }
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
    /// Shown before the question, prominently: what to be careful of while finding the
    /// answer (working at height, a load that can drop).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Texts>,
    pub answers: Vec<Answer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub id: String,
    pub label: Texts,
    pub next: String,
    /// Request fields this answer tells us (`category`, `priority`, `on_site`, `resolution`).
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub set: HashMap<String, String>,
    /// "Something else / none of these": the answer for a customer whom the other answers do
    /// not describe. Every question has one, so nobody is stuck choosing a wrong answer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub other: bool,
    /// "Yes, that fixed it" to a question asking whether the problem is gone. Only such an
    /// answer (or a step's `fixed`) may lead to a `solved` outcome, so deflections count
    /// confirmed fixes and not checks or workarounds.
    #[serde(default, skip_serializing_if = "is_false")]
    pub confirms_fix: bool,
}

fn is_false(value: &bool) -> bool {
    !*value
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
    /// For an emergency, what to do for safety now: it comes first on the screen.
    pub text: Texts,
    /// Shown before the text, prominently.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<Texts>,
    /// An emergency's public services, the best fit first (`["fire", "gas"]`): their numbers
    /// (from the configuration) follow the safety advice, before the company's line. Every
    /// emergency names at least one; no other outcome names any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<PublicService>,
    /// Suggested complaint category (needed for `needs_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Suggested priority (needed for `needs_service`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Whether an engineer must come on site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_site: Option<bool>,
    /// The resolution the form should start with (`onsite_visit`, `repair`, `reship`…): what
    /// the walk found out, so the customer is not asked again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// The part found at fault when it has a warranty of its own (`waterproofing`: a
    /// configured `product_lines[].components` id); sent with the transcript, so the warranty
    /// is judged on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Step(n) => &n.id,
            Node::Question(n) => &n.id,
            Node::Outcome(n) => &n.id,
        }
    }

    /// The safety warning shown before the node's text, whatever its kind.
    pub fn warning(&self) -> Option<&Texts> {
        match self {
            Node::Step(n) => n.warning.as_ref(),
            Node::Question(n) => n.warning.as_ref(),
            Node::Outcome(n) => n.warning.as_ref(),
        }
    }

    /// (answer id, next node id) for every way out of this node.
    pub fn links(&self) -> Vec<(&str, &str)> {
        match self {
            Node::Step(step) => STEP_ANSWERS
                .iter()
                .filter_map(|answer| step.next(answer).map(|next| (*answer, next)))
                .collect(),
            Node::Question(question) => {
                question.answers.iter().map(|a| (a.id.as_str(), a.next.as_str())).collect()
            }
            Node::Outcome(_) => Vec::new(),
        }
    }
}

impl Flow {
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }
}
