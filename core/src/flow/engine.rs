//! Walking a flow: where the customer is, what they answered, back and restart.
//!
//! The progress is plain data kept in the draft, so a reload resumes at the same node with
//! the same transcript. Every transition is checked against the flow, so stored progress from
//! an older version of a flow, or tampered with, restarts instead of stranding the customer.

use serde::{Deserialize, Serialize};

use super::{is_plain_id, Flow, Node, OutcomeKind, OutcomeNode};
use crate::emergency::PublicService;
/// Kept with the request it is stored in; named here too, where the engine writes it.
pub use crate::schema::TranscriptEntry;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowProgress {
    pub flow_id: String,
    pub flow_version: u32,
    pub current: String,
    /// The answers that led to `current`, in order.
    pub transcript: Vec<TranscriptEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The current node offers no such answer.
    UnknownAnswer(String),
    /// The flow already reached an outcome.
    Finished,
    /// The progress belongs to another flow or version.
    WrongFlow,
}

/// What the flow learnt that the request form should start with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suggestions {
    pub category: Option<String>,
    pub priority: Option<String>,
    pub on_site: Option<bool>,
    /// `repair`, `replacement`, `exchange`, `refund`, `reship`, `onsite_visit`, `explanation`.
    pub resolution: Option<String>,
    /// The part with a warranty of its own that the outcome names.
    pub component: Option<String>,
}

impl FlowProgress {
    pub fn start(flow: &Flow) -> FlowProgress {
        FlowProgress {
            flow_id: flow.id.clone(),
            flow_version: flow.version,
            current: flow.start.clone(),
            transcript: Vec::new(),
        }
    }

    /// Whether this progress can continue on `flow` as it is now.
    pub fn fits(&self, flow: &Flow) -> bool {
        self.flow_id == flow.id
            && self.flow_version == flow.version
            && flow.node(&self.current).is_some()
            && self.replays(flow)
    }

    /// Every recorded answer leads where the transcript says it did.
    fn replays(&self, flow: &Flow) -> bool {
        let mut at = flow.start.as_str();
        for entry in &self.transcript {
            if entry.node != at {
                return false;
            }
            match flow.node(at).and_then(|node| next_of(node, &entry.answer)) {
                Some(next) => at = next,
                None => return false,
            }
        }
        at == self.current
    }

    pub fn node<'a>(&self, flow: &'a Flow) -> Option<&'a Node> {
        flow.node(&self.current)
    }

    pub fn outcome<'a>(&self, flow: &'a Flow) -> Option<&'a OutcomeNode> {
        match self.node(flow)? {
            Node::Outcome(outcome) => Some(outcome),
            _ => None,
        }
    }

    pub fn answer(&mut self, flow: &Flow, answer: &str, now_ms: u64) -> Result<(), EngineError> {
        if self.flow_id != flow.id || self.flow_version != flow.version {
            return Err(EngineError::WrongFlow);
        }
        let node = self.node(flow).ok_or(EngineError::WrongFlow)?;
        if matches!(node, Node::Outcome(_)) {
            return Err(EngineError::Finished);
        }
        let next =
            next_of(node, answer).ok_or_else(|| EngineError::UnknownAnswer(answer.to_string()))?;
        self.transcript.push(TranscriptEntry {
            node: self.current.clone(),
            answer: answer.to_string(),
            at_ms: now_ms,
        });
        self.current = next.to_string();
        Ok(())
    }

    /// Undoes the last answer. False at the first node.
    pub fn back(&mut self) -> bool {
        match self.transcript.pop() {
            Some(entry) => {
                self.current = entry.node;
                true
            }
            None => false,
        }
    }

    pub fn restart(&mut self, flow: &Flow) {
        *self = FlowProgress::start(flow);
    }

    /// Category, priority, on-site need and resolution from the answers given and the outcome
    /// reached; the outcome's own suggestion wins over an earlier answer's. An on-site visit
    /// with no resolution named (flows written before `resolution` existed) suggests
    /// `onsite_visit`, so the form still asks for the address.
    pub fn suggestions(&self, flow: &Flow) -> Suggestions {
        let mut found = Suggestions::default();
        let mut apply = |field: &str, value: &str| match field {
            "category" => found.category = Some(value.to_string()),
            "priority" => found.priority = Some(value.to_string()),
            "on_site" => found.on_site = Some(value == "true"),
            "resolution" => found.resolution = Some(value.to_string()),
            _ => {}
        };
        for entry in &self.transcript {
            if let Some(Node::Question(question)) = flow.node(&entry.node) {
                if let Some(answer) = question.answers.iter().find(|a| a.id == entry.answer) {
                    for field in ["category", "priority", "on_site", "resolution"] {
                        if let Some(value) = answer.set.get(field) {
                            apply(field, value);
                        }
                    }
                }
            }
        }
        if let Some(outcome) = self.outcome(flow) {
            if let Some(category) = &outcome.category {
                apply("category", category);
            }
            if let Some(priority) = &outcome.priority {
                apply("priority", priority);
            }
            if let Some(on_site) = outcome.on_site {
                apply("on_site", if on_site { "true" } else { "false" });
            }
            if let Some(resolution) = &outcome.resolution {
                apply("resolution", resolution);
            }
            found.component = outcome.component.clone();
            if outcome.outcome == OutcomeKind::Emergency && found.category.is_none() {
                found.category = Some("emergency".into());
            }
        }
        if found.on_site == Some(true) && found.resolution.is_none() {
            found.resolution = Some("onsite_visit".into());
        }
        found
    }

    /// The public services for the emergency this walk ended in (its outcome's `services`,
    /// best fit first); `None` when it did not end in an emergency. The request form's
    /// emergency notice names these, or the general ones when there are none.
    pub fn emergency_services<'a>(&self, flow: &'a Flow) -> Option<&'a [PublicService]> {
        self.outcome(flow)
            .filter(|outcome| outcome.outcome == OutcomeKind::Emergency)
            .map(|outcome| outcome.services.as_slice())
    }

    /// How many answers were given: the progress hint "Check 3".
    pub fn depth(&self) -> usize {
        self.transcript.len() + 1
    }
}

fn next_of<'a>(node: &'a Node, answer: &str) -> Option<&'a str> {
    node.links().into_iter().find(|(id, _)| *id == answer).map(|(_, next)| next)
}

/// The anonymous record that guided troubleshooting solved a problem (a deflected request).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Deflection {
    pub flow_id: String,
    pub flow_version: u32,
    pub product_line: String,
    /// The `solved` outcome node reached.
    pub outcome: String,
}

impl Deflection {
    /// Plain ids of a configured product line, nothing else: the server stores only these.
    pub fn is_valid(&self, config: &crate::config::AppConfig) -> bool {
        is_plain_id(&self.flow_id)
            && is_plain_id(&self.outcome)
            && config.product_line(&self.product_line).is_some()
    }
}
