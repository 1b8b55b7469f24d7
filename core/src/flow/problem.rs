//! What can be wrong with a flow file, each problem with its place in the file, worded for
//! the after-sales team that writes flows (`shouhou-flows check`).

use std::fmt;

/// One problem, with where it is in the file (`nodes[3].answers[1].next`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowProblem {
    pub path: String,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not JSON, or not the shape of a flow.
    Malformed(String),
    DuplicateId(String),
    /// Ids are lower-case letters, digits, `_` and `-`: they are stored with requests.
    InvalidId(String),
    UnknownNode(String),
    /// No path from the start leads here.
    Unreachable(String),
    /// From here no path leads to an outcome: a loop without an exit, or a dead end behind it.
    NoPathToOutcome(String),
    /// A node with no way out that is not an outcome.
    LeafNotOutcome(String),
    /// A question needs at least two answers.
    TooFewAnswers(String),
    MissingTranslation(&'static str),
    UnknownRequestField(String),
    InvalidFieldValue {
        field: String,
        value: String,
    },
    /// `needs_service` outcomes must suggest a category and a priority.
    MissingSuggestion(&'static str),
    ImageWithoutAlt,
    /// A question without an answer marked `other` ("something else / none of these").
    NoWayOut(String),
    /// An `other` answer must lead to the form (a `needs_service` outcome) or to a broader
    /// question, never to a fix to try, a `solved` ending or an emergency.
    OtherGoesNowhereUseful(String),
    /// A link into a `solved` outcome that is not the customer saying it is fixed: a step's
    /// `fixed`, or an answer marked `confirms_fix`.
    SolvedWithoutConfirmation(String),
    /// A "this fixed it" (a step's `fixed`, an answer marked `confirms_fix`) that leads
    /// anywhere but a `solved` outcome: a check or a workaround dressed up as a fix.
    FixLeadsElsewhere(String),
    /// A step asks "did this fix it?", so it offers both `fixed` and `not_fixed`; something
    /// that only checks is a question.
    StepNotAFix(String),
    /// An emergency goes straight to the emergency outcome, whose contact is shown first.
    EmergencyNotAtOnce(String),
    /// The first question offers no answer that leads straight to an emergency outcome:
    /// someone smelling gas must not have to guess which branch hides the way out.
    NoEmergencyWayOut(String),
    /// An emergency outcome that names no public service (`services`): the screen would
    /// offer only the company's line where 119 or 120 is what helps.
    EmergencyWithoutPublicNumber(String),
    /// An engineer on site is said twice so the form cannot miss it: `on_site: true` and
    /// `resolution: "onsite_visit"` come together.
    OnSiteWithoutResolution(String),
    /// An answer sets a field that the outcome it leads straight to sets otherwise: the
    /// outcome wins, so the answer's value is never used and one of the two is a mistake.
    OverriddenSuggestion {
        field: String,
        outcome: String,
    },
}

impl fmt::Display for FlowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        match &self.kind {
            ProblemKind::Malformed(why) => write!(f, "not a valid flow file: {why}"),
            ProblemKind::DuplicateId(id) => write!(f, "node id {id:?} is used more than once"),
            ProblemKind::InvalidId(id) => {
                write!(f, "id {id:?} must be lower-case letters, digits, _ or -")
            }
            ProblemKind::UnknownNode(id) => write!(f, "links to node {id:?}, which does not exist"),
            ProblemKind::Unreachable(id) => {
                write!(f, "node {id:?} cannot be reached from the start")
            }
            ProblemKind::NoPathToOutcome(id) => {
                write!(f, "from node {id:?} no path leads to an outcome (a loop without an exit?)")
            }
            ProblemKind::LeafNotOutcome(id) => {
                write!(f, "node {id:?} has no way out but is not an outcome")
            }
            ProblemKind::TooFewAnswers(id) => {
                write!(f, "question {id:?} needs at least two answers")
            }
            ProblemKind::MissingTranslation(lang) => write!(f, "missing the {lang} text"),
            ProblemKind::UnknownRequestField(field) => write!(
                f,
                "{field:?} is not a request field a flow may set (category, priority, on_site, resolution)"
            ),
            ProblemKind::InvalidFieldValue { field, value } => {
                write!(f, "{value:?} is not a valid {field}")
            }
            ProblemKind::MissingSuggestion(what) => {
                write!(f, "a needs_service outcome must suggest a {what}")
            }
            ProblemKind::ImageWithoutAlt => {
                write!(f, "an image needs image_alt text in every language")
            }
            ProblemKind::NoWayOut(id) => write!(
                f,
                "question {id:?} needs an answer marked \"other\": true (something else / none of these)"
            ),
            ProblemKind::OtherGoesNowhereUseful(id) => write!(
                f,
                "the \"other\" answer {id:?} must lead to a needs_service outcome or to a question"
            ),
            ProblemKind::SolvedWithoutConfirmation(id) => write!(
                f,
                "reaches the solved outcome {id:?} without the customer confirming the fix (a step's fixed, or an answer marked \"confirms_fix\": true)"
            ),
            ProblemKind::FixLeadsElsewhere(id) => write!(
                f,
                "\"this fixed it\" must lead to a solved outcome, not to {id:?} (a check or a workaround is a question)"
            ),
            ProblemKind::StepNotAFix(id) => write!(
                f,
                "step {id:?} must offer both fixed and not_fixed; a step that only checks something is a question"
            ),
            ProblemKind::EmergencyNotAtOnce(id) => write!(
                f,
                "an emergency must lead straight to an emergency outcome, not to {id:?}"
            ),
            ProblemKind::NoEmergencyWayOut(id) => write!(
                f,
                "the first question {id:?} needs an answer that leads straight to an emergency outcome (smoke, gas, someone hurt…)"
            ),
            ProblemKind::EmergencyWithoutPublicNumber(id) => write!(
                f,
                "the emergency outcome {id:?} must name the public services that fit (\"services\": [\"fire\", \"ambulance\", \"police\", \"traffic\", \"gas\"])"
            ),
            ProblemKind::OverriddenSuggestion { field, outcome } => write!(
                f,
                "the outcome {outcome:?} sets another {field}, which overrides this answer's"
            ),
            ProblemKind::OnSiteWithoutResolution(id) => write!(
                f,
                "outcome {id:?}: on_site true and resolution \"onsite_visit\" go together"
            ),
        }
    }
}
