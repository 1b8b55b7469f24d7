//! Reading a flow file and finding everything that can be wrong with it, in one pass.

use std::collections::{HashMap, HashSet, VecDeque};

use super::problem::{FlowProblem, ProblemKind};
use super::{is_plain_id, Flow, Node, OutcomeKind, Texts};
use crate::i18n::Lang;
use crate::schema::{Category, Priority, RESOLUTIONS};

/// Resolutions a flow may suggest: exactly the form's, so a suggestion always fits it.
fn is_resolution(value: &str) -> bool {
    RESOLUTIONS.contains(&value)
}

struct Collector {
    problems: Vec<FlowProblem>,
}

impl Collector {
    fn push(&mut self, path: impl Into<String>, kind: ProblemKind) {
        self.problems.push(FlowProblem { path: path.into(), kind });
    }

    fn texts(&mut self, path: &str, texts: &Texts) {
        for lang in Lang::ALL {
            if texts.get(lang.tag()).is_none_or(|t| t.trim().is_empty()) {
                self.push(
                    format!("{path}.{}", lang.tag()),
                    ProblemKind::MissingTranslation(lang.tag()),
                );
            }
        }
    }

    fn field_value(&mut self, path: String, field: &str, value: &str) {
        let valid = match field {
            "category" => Category::parse(value).is_some(),
            "priority" => Priority::parse(value).is_some(),
            "on_site" => matches!(value, "true" | "false"),
            "resolution" => is_resolution(value),
            _ => {
                self.push(path, ProblemKind::UnknownRequestField(field.to_string()));
                return;
            }
        };
        if !valid {
            self.push(
                path,
                ProblemKind::InvalidFieldValue {
                    field: field.to_string(),
                    value: value.to_string(),
                },
            );
        }
    }
}

impl Flow {
    /// Reads and checks a flow file: the flow, or every problem found.
    pub fn parse(json: &str) -> Result<Flow, Vec<FlowProblem>> {
        let flow: Flow = serde_json::from_str(json).map_err(|e| {
            vec![FlowProblem {
                path: format!("line {}, column {}", e.line(), e.column()),
                kind: ProblemKind::Malformed(e.to_string()),
            }]
        })?;
        let problems = problems(&flow);
        if problems.is_empty() {
            Ok(flow)
        } else {
            Err(problems)
        }
    }
}

fn problems(flow: &Flow) -> Vec<FlowProblem> {
    let mut found = Collector { problems: Vec::new() };
    if !is_plain_id(&flow.id) {
        found.push("id", ProblemKind::InvalidId(flow.id.clone()));
    }
    found.texts("title", &flow.title);

    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, node) in flow.nodes.iter().enumerate() {
        let id = node.id();
        if !is_plain_id(id) {
            found.push(format!("nodes[{i}].id"), ProblemKind::InvalidId(id.to_string()));
        }
        if *index.entry(id).or_insert(i) != i {
            found.push(format!("nodes[{i}].id"), ProblemKind::DuplicateId(id.to_string()));
        }
    }
    let target = |id: &str| index.get(id).map(|&j| &flow.nodes[j]);
    let is_outcome = |id: &str, kind: OutcomeKind| matches!(target(id), Some(Node::Outcome(outcome)) if outcome.outcome == kind);
    match target(&flow.start) {
        None => found.push("start", ProblemKind::UnknownNode(flow.start.clone())),
        Some(_) if is_outcome(&flow.start, OutcomeKind::Solved) => {
            found.push("start", ProblemKind::SolvedWithoutConfirmation(flow.start.clone()))
        }
        Some(Node::Question(first)) => {
            let way_out = first.answers.iter().any(|a| is_outcome(&a.next, OutcomeKind::Emergency));
            if !way_out {
                found.push("start", ProblemKind::NoEmergencyWayOut(first.id.clone()));
            }
        }
        Some(other) => found.push("start", ProblemKind::NoEmergencyWayOut(other.id().into())),
    }

    for (i, node) in flow.nodes.iter().enumerate() {
        let at = format!("nodes[{i}]");
        if let Some(warning) = node.warning() {
            found.texts(&format!("{at}.warning"), warning);
        }
        match node {
            Node::Step(step) => {
                found.texts(&format!("{at}.text"), &step.text);
                match (&step.image, &step.image_alt) {
                    (Some(_), Some(alt)) => found.texts(&format!("{at}.image_alt"), alt),
                    (Some(_), None) => {
                        found.push(format!("{at}.image"), ProblemKind::ImageWithoutAlt)
                    }
                    _ => {}
                }
                let links = node.links();
                if !links.is_empty() && (step.fixed.is_none() || step.not_fixed.is_none()) {
                    found.push(at.clone(), ProblemKind::StepNotAFix(step.id.clone()));
                }
                for (answer, next) in links {
                    let path = format!("{at}.{answer}");
                    if !index.contains_key(next) {
                        found.push(path, ProblemKind::UnknownNode(next.to_string()));
                    } else if answer == "fixed" && !is_outcome(next, OutcomeKind::Solved) {
                        found.push(path, ProblemKind::FixLeadsElsewhere(next.to_string()));
                    } else if answer != "fixed" && is_outcome(next, OutcomeKind::Solved) {
                        found.push(path, ProblemKind::SolvedWithoutConfirmation(next.to_string()));
                    }
                }
            }
            Node::Question(question) => {
                found.texts(&format!("{at}.text"), &question.text);
                if question.answers.len() < 2 && !question.answers.is_empty() {
                    found.push(
                        format!("{at}.answers"),
                        ProblemKind::TooFewAnswers(question.id.clone()),
                    );
                }
                let mut answer_ids = HashSet::new();
                for (j, answer) in question.answers.iter().enumerate() {
                    let path = format!("{at}.answers[{j}]");
                    if !is_plain_id(&answer.id) {
                        found.push(format!("{path}.id"), ProblemKind::InvalidId(answer.id.clone()));
                    }
                    if !answer_ids.insert(answer.id.as_str()) {
                        found.push(
                            format!("{path}.id"),
                            ProblemKind::DuplicateId(answer.id.clone()),
                        );
                    }
                    found.texts(&format!("{path}.label"), &answer.label);
                    let mut set: Vec<(&String, &String)> = answer.set.iter().collect();
                    set.sort();
                    for (field, value) in set {
                        found.field_value(format!("{path}.set.{field}"), field, value);
                    }
                    let next = answer.next.as_str();
                    let Some(next_node) = target(next) else {
                        found.push(format!("{path}.next"), ProblemKind::UnknownNode(next.into()));
                        continue;
                    };
                    let solved = is_outcome(next, OutcomeKind::Solved);
                    if answer.confirms_fix && !solved {
                        found.push(
                            format!("{path}.next"),
                            ProblemKind::FixLeadsElsewhere(next.into()),
                        );
                    } else if !answer.confirms_fix && solved {
                        found.push(
                            format!("{path}.next"),
                            ProblemKind::SolvedWithoutConfirmation(next.into()),
                        );
                    }
                    let broader = matches!(next_node, Node::Question(_))
                        || is_outcome(next, OutcomeKind::NeedsService);
                    if answer.other && !broader {
                        found.push(
                            format!("{path}.next"),
                            ProblemKind::OtherGoesNowhereUseful(answer.id.clone()),
                        );
                    }
                    if let Node::Outcome(outcome) = next_node {
                        let mut set: Vec<(&String, &String)> = answer.set.iter().collect();
                        set.sort();
                        for (field, value) in set {
                            let theirs = match field.as_str() {
                                "category" => outcome.category.clone(),
                                "priority" => outcome.priority.clone(),
                                "resolution" => outcome.resolution.clone(),
                                "on_site" => outcome.on_site.map(|b| b.to_string()),
                                _ => None,
                            };
                            if theirs.is_some_and(|theirs| theirs != *value) {
                                found.push(
                                    format!("{path}.set.{field}"),
                                    ProblemKind::OverriddenSuggestion {
                                        field: field.clone(),
                                        outcome: outcome.id.clone(),
                                    },
                                );
                            }
                        }
                    }
                    let says_emergency =
                        answer.set.get("category").is_some_and(|c| c == "emergency");
                    if says_emergency && !is_outcome(next, OutcomeKind::Emergency) {
                        found.push(
                            format!("{path}.next"),
                            ProblemKind::EmergencyNotAtOnce(next.into()),
                        );
                    }
                }
                // A question with no answers at all is reported as a dead end, below.
                if !question.answers.is_empty() && !question.answers.iter().any(|a| a.other) {
                    found.push(format!("{at}.answers"), ProblemKind::NoWayOut(question.id.clone()));
                }
            }
            Node::Outcome(outcome) => {
                found.texts(&format!("{at}.text"), &outcome.text);
                if let Some(category) = &outcome.category {
                    found.field_value(format!("{at}.category"), "category", category);
                }
                if let Some(priority) = &outcome.priority {
                    found.field_value(format!("{at}.priority"), "priority", priority);
                }
                if let Some(resolution) = &outcome.resolution {
                    found.field_value(format!("{at}.resolution"), "resolution", resolution);
                }
                if let Some(component) = outcome.component.as_ref().filter(|c| !is_plain_id(c)) {
                    found
                        .push(format!("{at}.component"), ProblemKind::InvalidId(component.clone()));
                }
                // An unknown resolution is reported as such, not also as a missing visit.
                let known = outcome.resolution.as_deref().is_none_or(is_resolution);
                let onsite_visit = outcome.resolution.as_deref() == Some("onsite_visit");
                if known
                    && (outcome.on_site.is_some_and(|on_site| on_site != onsite_visit)
                        || (onsite_visit && outcome.on_site != Some(true)))
                {
                    found.push(
                        format!("{at}.resolution"),
                        ProblemKind::OnSiteWithoutResolution(outcome.id.clone()),
                    );
                }
                if outcome.category.as_deref() == Some("emergency")
                    && outcome.outcome != OutcomeKind::Emergency
                {
                    found.push(
                        format!("{at}.category"),
                        ProblemKind::EmergencyNotAtOnce(outcome.id.clone()),
                    );
                }
                if outcome.outcome == OutcomeKind::Emergency && outcome.services.is_empty() {
                    found.push(
                        format!("{at}.services"),
                        ProblemKind::EmergencyWithoutPublicNumber(outcome.id.clone()),
                    );
                }
                if outcome.outcome == OutcomeKind::NeedsService {
                    if outcome.category.is_none() {
                        found.push(
                            format!("{at}.category"),
                            ProblemKind::MissingSuggestion("category"),
                        );
                    }
                    if outcome.priority.is_none() {
                        found.push(
                            format!("{at}.priority"),
                            ProblemKind::MissingSuggestion("priority"),
                        );
                    }
                }
            }
        }
        if !matches!(node, Node::Outcome(_)) && node.links().is_empty() {
            found.push(at.clone(), ProblemKind::LeafNotOutcome(node.id().to_string()));
        }
    }

    graph_problems(flow, &index, &mut found);
    found.problems
}

/// Reachability from the start, and whether every reachable node can still end in an outcome.
fn graph_problems(flow: &Flow, index: &HashMap<&str, usize>, found: &mut Collector) {
    let mut reachable = vec![false; flow.nodes.len()];
    let mut queue: VecDeque<usize> = index.get(flow.start.as_str()).copied().into_iter().collect();
    while let Some(i) = queue.pop_front() {
        if std::mem::replace(&mut reachable[i], true) {
            continue;
        }
        queue.extend(flow.nodes[i].links().iter().filter_map(|(_, next)| index.get(next).copied()));
    }

    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); flow.nodes.len()];
    for (i, node) in flow.nodes.iter().enumerate() {
        for (_, next) in node.links() {
            if let Some(&j) = index.get(next) {
                incoming[j].push(i);
            }
        }
    }
    let mut can_finish = vec![false; flow.nodes.len()];
    let mut queue: VecDeque<usize> = flow
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n, Node::Outcome(_)))
        .map(|(i, _)| i)
        .collect();
    while let Some(i) = queue.pop_front() {
        if std::mem::replace(&mut can_finish[i], true) {
            continue;
        }
        queue.extend(incoming[i].iter().copied());
    }

    for (i, node) in flow.nodes.iter().enumerate() {
        if index.get(node.id()) != Some(&i) {
            continue; // a duplicate, reported as such; links resolve to the first of the name
        }
        let at = format!("nodes[{i}]");
        if !reachable[i] {
            found.push(at, ProblemKind::Unreachable(node.id().to_string()));
        } else if !can_finish[i] && !node.links().is_empty() {
            // Leaves were reported already; this is a node whose every path goes round.
            found.push(at, ProblemKind::NoPathToOutcome(node.id().to_string()));
        }
    }
}
