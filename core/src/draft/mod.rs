//! The draft: a request being filled in, saved on every change, surviving reloads and tab
//! kills. This module decides how a draft changes and how stored drafts are read back
//! (including from older schema versions); the app only stores what it is handed.
//!
//! How stored drafts are read back is in `codec`; how two tabs' copies relate, in `lineage`.

use std::collections::BTreeMap;

use crate::config::AppConfig;
use crate::emergency::{PublicService, GENERAL_SERVICES};
use crate::flow::engine::{EngineError, FlowProgress};
use crate::flow::{Flow, OutcomeKind};
use crate::product::ProductLookup;
use crate::schema::{Category, Field, Intent, PhotoRef, RequestFields, Troubleshooting};
pub use crate::steps::Step;
use crate::validate::{validate_request, validate_start, Conditions, FieldError};
use crate::warranty::CivilDate;

mod codec;
mod lineage;
mod record;

pub use codec::{DraftDecodeError, DRAFT_SCHEMA_VERSION};
pub use lineage::Lineage;
pub use record::Draft;

/// What the customer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftEvent {
    Edit {
        field: Field,
        value: String,
    },
    /// Leave the start step: to guided help when the product line has a usable flow,
    /// otherwise straight to the form.
    Continue {
        guided_help: bool,
    },
    /// On to the next step once this one's fields are valid on the customer's date.
    Next {
        today: CivilDate,
    },
    /// A "change" link on the review page.
    Change(Step),
    Back,
    AddPhoto(PhotoRef),
    RemovePhoto(String),
    /// No guided checks (declined, or none usable): straight to the form.
    SkipGuide,
    /// The browser's Back or Forward, a reload or a deep link asked for this step. It is
    /// granted when every earlier step is complete; otherwise the draft goes to the first
    /// step that still misses answers.
    GoTo {
        step: Step,
        today: CivilDate,
    },
    /// The product archive knew the serial number: its product line and model fill the
    /// form, and warranty is judged from its date from now on.
    OnRecord(ProductLookup),
    /// The honeypot input, which no person sees, was filled in: a bot. What it typed goes
    /// with the request so the intake server can drop it without telling the bot why.
    Honeypot(String),
}

/// What the customer did in guided troubleshooting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideEvent {
    /// Start (or resume) the checks.
    Start,
    Answer(String),
    Back,
    Restart,
    /// From a `needs_service` or `emergency` outcome to the form, prefilled.
    ToForm,
}

impl Draft {
    pub fn new(id: String, idempotency_key: String, now_ms: u64) -> Draft {
        Draft {
            schema_version: DRAFT_SCHEMA_VERSION,
            id,
            idempotency_key,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            revision: 0,
            step: Step::Start,
            fields: RequestFields::default(),
            flow: None,
            revisit: false,
            edits: BTreeMap::new(),
        }
    }

    /// A copy to start another request from: new id and key, the same answers and photos
    /// (under the new ids `photo_id` gives, as the caller copies the bytes).
    pub fn duplicate(
        &self,
        id: String,
        idempotency_key: String,
        now_ms: u64,
        mut photo_id: impl FnMut(&str) -> String,
    ) -> Draft {
        let mut copy = Draft {
            id,
            idempotency_key,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
            revision: 1,
            edits: BTreeMap::new(),
            revisit: false,
            ..self.clone()
        };
        // A customer's signature belongs to the one visit they signed for: never copied.
        let signature = std::mem::take(&mut copy.fields.signature);
        copy.fields.photos.retain(|photo| signature.is_empty() || photo.id != signature);
        for photo in &mut copy.fields.photos {
            photo.id = photo_id(&photo.id);
        }
        copy
    }

    pub fn intent(&self) -> Option<Intent> {
        Intent::parse(self.fields.intent.trim())
    }

    /// The steps of this draft's form, for the progress indicator and the review page.
    pub fn form(&self) -> &'static [Step] {
        Step::form(self.intent().unwrap_or(Intent::Repair))
    }

    /// 1-based position among the form's steps ("Step 2 of 5"); guided help counts as the
    /// start.
    pub fn step_number(&self) -> usize {
        self.form().iter().position(|s| *s == self.step).map_or(1, |i| i + 1)
    }

    /// The fields on a step as the request now stands.
    pub fn step_fields(&self, step: Step, config: &AppConfig, today: CivilDate) -> Vec<Field> {
        let conditions = Conditions::of(&self.fields, config, today);
        step.fields(self.intent().unwrap_or(Intent::Repair), &conditions)
    }

    /// Applies what the customer did. Moving on from the start step needs its fields valid;
    /// the errors say which are not, and the draft stays where it was.
    pub fn apply(
        &mut self,
        event: DraftEvent,
        config: &AppConfig,
        now_ms: u64,
    ) -> Result<(), Vec<FieldError>> {
        match event {
            DraftEvent::Edit { field, value } => {
                if self.fields.get(field) == value {
                    return Ok(());
                }
                if field == Field::ProductLine {
                    self.forget_troubleshooting();
                }
                // The archive's answer was about the unit this names: another unit has its own.
                if matches!(field, Field::ProductLine | Field::SerialNumber) {
                    self.fields.warranty_on_record.clear();
                }
                self.fields.set(field, value);
            }
            DraftEvent::OnRecord(found) => {
                if self.fields.product_line != found.product_line {
                    self.forget_troubleshooting();
                    self.fields.product_line = found.product_line;
                }
                if !found.model.is_empty() {
                    self.fields.model = found.model;
                }
                self.fields.warranty_on_record = found.warranty_until.unwrap_or_default();
            }
            DraftEvent::Honeypot(value) => {
                if self.fields.website == value {
                    return Ok(());
                }
                self.fields.website = value;
            }
            DraftEvent::Continue { guided_help } => {
                let errors = validate_start(&self.fields, config);
                if !errors.is_empty() {
                    return Err(errors);
                }
                if self.step != Step::Start {
                    return Ok(());
                }
                let helps = crate::rules::guided_help_fits(&self.fields);
                self.step = if guided_help && helps && self.fields.troubleshooting.is_none() {
                    Step::Guide
                } else {
                    Step::Contact
                };
            }
            DraftEvent::Next { today } => {
                let errors = self.step_errors(config, today);
                if !errors.is_empty() {
                    return Err(errors);
                }
                let form = self.form();
                let next = match form.iter().position(|s| *s == self.step) {
                    _ if self.revisit => Step::Review,
                    Some(index) if index + 1 < form.len() => form[index + 1],
                    _ => return Ok(()),
                };
                self.revisit = false;
                self.step = next;
            }
            DraftEvent::Change(step) => {
                if self.step != Step::Review || !self.form().contains(&step) || step == Step::Review
                {
                    return Ok(());
                }
                self.revisit = true;
                self.step = step;
            }
            DraftEvent::Back => {
                let form = self.form();
                let previous = match self.step {
                    Step::Start => return Ok(()),
                    Step::Guide => Step::Start,
                    Step::Contact if self.flow.is_some() => Step::Guide,
                    _ if self.revisit => Step::Review,
                    step => form
                        .iter()
                        .position(|s| *s == step)
                        .and_then(|i| i.checked_sub(1))
                        .map_or(Step::Start, |i| form[i]),
                };
                self.revisit = false;
                self.step = previous;
            }
            DraftEvent::AddPhoto(photo) => {
                if self.fields.photos.iter().any(|p| p.id == photo.id) {
                    return Ok(());
                }
                self.fields.photos.push(photo);
            }
            DraftEvent::RemovePhoto(id) => {
                let before = self.fields.photos.len();
                self.fields.photos.retain(|p| p.id != id);
                if self.fields.photos.len() == before {
                    return Ok(());
                }
            }
            DraftEvent::GoTo { step, today } => {
                let reachable = self.reachable(step, config, today);
                if reachable == self.step && !self.revisit {
                    return Ok(());
                }
                self.revisit = false;
                self.step = reachable;
            }
            DraftEvent::SkipGuide => {
                if self.step != Step::Guide {
                    return Ok(());
                }
                self.forget_troubleshooting();
                self.step = Step::Contact;
            }
        }
        self.touch(now_ms);
        Ok(())
    }

    /// Applies a guided-troubleshooting event against the flow the customer is walking.
    pub fn guide(
        &mut self,
        event: GuideEvent,
        flow: &Flow,
        now_ms: u64,
    ) -> Result<(), EngineError> {
        match event {
            GuideEvent::Start => {
                let resumable = self.flow.as_ref().is_some_and(|progress| progress.fits(flow));
                if !resumable {
                    self.flow = Some(FlowProgress::start(flow));
                }
                self.step = Step::Guide;
            }
            GuideEvent::Answer(answer) => {
                let progress = self.flow.as_mut().ok_or(EngineError::WrongFlow)?;
                progress.answer(flow, &answer, now_ms)?;
            }
            GuideEvent::Back => {
                let stepped_back = self.flow.as_mut().is_some_and(FlowProgress::back);
                if !stepped_back {
                    // Back from the first check returns to the offer.
                    self.flow = None;
                }
                self.fields.troubleshooting = None;
            }
            GuideEvent::Restart => {
                self.flow = Some(FlowProgress::start(flow));
                self.fields.troubleshooting = None;
            }
            GuideEvent::ToForm => {
                let progress = self.flow.as_ref().ok_or(EngineError::WrongFlow)?;
                let outcome =
                    progress.outcome(flow).ok_or(EngineError::UnknownAnswer("to_form".into()))?;
                if outcome.outcome == OutcomeKind::Solved {
                    return Err(EngineError::Finished);
                }
                let suggestions = progress.suggestions(flow);
                // A complaint's category is the customer's own, chosen before the checks;
                // only an emergency the checks found overrides it.
                let chosen = self.intent() == Some(Intent::Complaint)
                    && !self.fields.category.trim().is_empty();
                if let Some(category) = suggestions
                    .category
                    .filter(|category| !chosen || category == Category::Emergency.as_str())
                {
                    self.fields.category = category;
                }
                if let Some(priority) = suggestions.priority {
                    self.fields.priority = priority;
                }
                // What the checks found to be needed (an on-site visit, a reship, an exchange)
                // is what the form asks for next: the address, the charge notice.
                let asks_for_outcome = self.intent() != Some(Intent::Consultation);
                if let Some(resolution) = suggestions.resolution.filter(|_| asks_for_outcome) {
                    self.fields.resolution = resolution;
                }
                self.fields.troubleshooting = Some(Troubleshooting {
                    flow_id: progress.flow_id.clone(),
                    flow_version: progress.flow_version,
                    outcome: outcome.id.clone(),
                    steps: progress.transcript.clone(),
                    component: suggestions.component,
                });
                self.step = Step::Contact;
            }
        }
        self.touch(now_ms);
        Ok(())
    }

    /// The step a jump to `wanted` lands on: `wanted` itself when every step before it is
    /// complete, else the first step that still misses answers. Guided help needs only the
    /// start; a step not in this intent's form counts as its first form page.
    pub fn reachable(&self, wanted: Step, config: &AppConfig, today: CivilDate) -> Step {
        if wanted == Step::Start || !validate_start(&self.fields, config).is_empty() {
            return Step::Start;
        }
        // Guided help only where it helps (a link to `/help` for a complaint about service
        // attitude opens the form instead).
        if wanted == Step::Guide && crate::rules::guided_help_fits(&self.fields) {
            return Step::Guide;
        }
        let form = self.form();
        let wanted = if form.contains(&wanted) { wanted } else { form[1] };
        let errors = validate_request(&self.fields, config, today).err().unwrap_or_default();
        for &step in form.iter().skip(1).take_while(|s| **s != wanted) {
            let on_step = self.step_fields(step, config, today);
            if errors.iter().any(|e| on_step.contains(&e.field)) {
                return step;
            }
        }
        wanted
    }

    /// A flow's findings belong to its product line: choosing another line drops them.
    fn forget_troubleshooting(&mut self) {
        if self.fields.troubleshooting.take().is_some() {
            // A complaint's category was the customer's choice, on the start step.
            if self.intent() != Some(Intent::Complaint) {
                self.fields.category.clear();
            }
            self.fields.priority.clear();
            self.fields.resolution.clear();
        }
        self.flow = None;
    }

    fn touch(&mut self, now_ms: u64) {
        self.revision += 1;
        self.updated_at_ms = self.updated_at_ms.max(now_ms);
    }

    /// The problems with the fields of the current step: what the form shows once the
    /// customer has tried to move on, updated as they type.
    pub fn step_errors(&self, config: &AppConfig, today: CivilDate) -> Vec<FieldError> {
        let all = match self.step {
            Step::Start => validate_start(&self.fields, config),
            Step::Guide => Vec::new(),
            _ => validate_request(&self.fields, config, today).err().unwrap_or_default(),
        };
        if self.step == Step::Review {
            return all;
        }
        let on_step = self.step_fields(self.step, config, today);
        all.into_iter().filter(|e| on_step.contains(&e.field)).collect()
    }

    /// After the server refused this content it certainly stored nothing under the key;
    /// the corrected request goes with a fresh key so it is not mistaken for a changed retry.
    pub fn renew_idempotency_key(&mut self, key: String) {
        self.idempotency_key = key;
    }

    /// Whether the customer has put anything in it worth keeping.
    pub fn is_blank(&self) -> bool {
        self.fields == RequestFields::default()
    }

    /// The draft a server-drawn screen's address describes: the start step's choices from its
    /// query (nothing else: an address ends up in logs and history, so nothing a customer
    /// types is ever in one), then on to `to` — the start, guided help's offer or the form's
    /// first step — as far as the choices allow, to guided help only where the product line
    /// has usable help (`guided_help`). The errors are the start step's when the address asks
    /// to leave it and the choices do not allow that; the draft then stays there.
    pub fn addressed(
        mut self,
        to: Step,
        choices: impl IntoIterator<Item = (Field, String)>,
        guided_help: bool,
        config: &AppConfig,
        now_ms: u64,
    ) -> (Draft, Vec<FieldError>) {
        for (field, value) in choices.into_iter().filter(|(f, _)| START_CHOICES.contains(f)) {
            let _ = self.apply(DraftEvent::Edit { field, value }, config, now_ms);
        }
        if to == Step::Start {
            return (self, Vec::new());
        }
        if let Err(errors) = self.apply(DraftEvent::Continue { guided_help }, config, now_ms) {
            return (self, errors);
        }
        if to != Step::Guide {
            let _ = self.apply(DraftEvent::SkipGuide, config, now_ms);
        }
        (self, Vec::new())
    }

    /// Whether choosing `value` for `field` on the current step changes what the step shows
    /// — the fields it asks (a complaint asks what it is about) or an emergency notice — so
    /// the screen must be drawn again: before the app has arrived, such a choice needs it.
    pub fn redraws_with(
        &self,
        field: Field,
        value: &str,
        config: &AppConfig,
        today: CivilDate,
    ) -> bool {
        let shown = |draft: &Draft| {
            let emergency = Conditions::of(&draft.fields, config, today).emergency;
            (draft.step_fields(draft.step, config, today), emergency)
        };
        let mut chosen = self.clone();
        chosen.fields.set(field, value.to_string());
        shown(&chosen) != shown(self)
    }

    /// The start step's choices as an address's query (`intent=repair&product_line=network`),
    /// for the links of the screens drawn before the app arrives: the next screen is drawn
    /// from them ([`Draft::addressed`]).
    pub fn choices_query(&self) -> String {
        START_CHOICES
            .iter()
            .filter(|field| !self.fields.get(**field).is_empty())
            .map(|field| format!("{}={}", field.name(), query_escaped(self.fields.get(*field))))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The public services an emergency notice on the form names: those of the emergency the
    /// guided checks ended in (gas: the gas line and 119), or the general ones (119, 120,
    /// 110) for an emergency said on the form itself.
    pub fn emergency_services(&self, flow: Option<&Flow>) -> Vec<PublicService> {
        self.flow
            .as_ref()
            .zip(flow)
            .filter(|(progress, flow)| progress.fits(flow))
            .and_then(|(progress, flow)| progress.emergency_services(flow))
            .map_or_else(|| GENERAL_SERVICES.to_vec(), <[PublicService]>::to_vec)
    }
}

/// The start step's choices: the only fields an address carries ([`Draft::addressed`]).
pub const START_CHOICES: [Field; 3] = [Field::Intent, Field::Category, Field::ProductLine];

/// `value` as a query's value: every byte but the unreserved ones percent-encoded (product
/// line ids are a company's, and need not be plain ASCII).
fn query_escaped(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../../static/config.json")).unwrap()
    }

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 27 };

    fn edit(field: Field, value: &str) -> DraftEvent {
        DraftEvent::Edit { field, value: value.to_string() }
    }

    #[test]
    fn an_address_describes_a_draft_by_its_start_choices_only() {
        let choices = |pairs: &[(Field, &str)]| {
            pairs.iter().map(|(f, v)| (*f, v.to_string())).collect::<Vec<_>>()
        };
        let blank = || Draft::new("d1".into(), "k1".into(), 0);
        let chosen = choices(&[
            (Field::Intent, "repair"),
            (Field::ProductLine, "network"),
            (Field::FullName, "王"),
        ]);
        let (offer, errors) = blank().addressed(Step::Guide, chosen.clone(), true, &config(), 1);
        assert_eq!((offer.step, errors), (Step::Guide, vec![]));
        assert_eq!(offer.fields.full_name, "", "nothing typed comes from an address");
        assert_eq!(offer.choices_query(), "intent=repair&product_line=network");
        let (no_help, _) = blank().addressed(Step::Guide, chosen.clone(), false, &config(), 1);
        assert_eq!(no_help.step, Step::Contact);
        let (contact, _) = blank().addressed(Step::Contact, chosen.clone(), true, &config(), 1);
        assert_eq!(contact.step, Step::Contact);
        assert_eq!(contact.flow, None);
        let (start, _) = blank().addressed(Step::Start, chosen, true, &config(), 1);
        assert_eq!((start.step, start.fields.intent.as_str()), (Step::Start, "repair"));
        let (missing, errors) = blank().addressed(
            Step::Contact,
            choices(&[(Field::Intent, "complaint"), (Field::ProductLine, "network")]),
            true,
            &config(),
            1,
        );
        assert_eq!(missing.step, Step::Start);
        assert_eq!(
            errors,
            [FieldError { field: Field::Category, code: crate::ErrorCode::Required }]
        );
        let today = CivilDate { year: 2026, month: 11, day: 27 };
        assert!(blank().redraws_with(Field::Intent, "complaint", &config(), today));
        assert!(!blank().redraws_with(Field::Intent, "repair", &config(), today));
        assert!(!blank().redraws_with(Field::ProductLine, "network", &config(), today));
        let (complaint, _) = blank().addressed(
            Step::Start,
            choices(&[(Field::Intent, "complaint")]),
            false,
            &config(),
            1,
        );
        assert!(complaint.redraws_with(Field::Category, "emergency", &config(), today));
        assert!(!complaint.redraws_with(Field::Category, "quality", &config(), today));
        let mut odd = blank();
        odd.fields.product_line = "线 1&x".into();
        assert_eq!(odd.choices_query(), "product_line=%E7%BA%BF%201%26x");
    }

    #[test]
    fn a_filled_honeypot_travels_with_the_request_and_is_never_a_form_field() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 1_000);
        draft.apply(DraftEvent::Honeypot("http://spam.example".into()), &config(), 2_000).unwrap();
        assert_eq!(draft.fields.website, "http://spam.example");
        assert_eq!(draft.revision, 1);
        let sent = serde_json::to_value(&draft.fields).unwrap();
        assert_eq!(sent["website"], "http://spam.example");
        assert!(Field::ALL.iter().all(|field| field.name() != "website"));
    }

    #[test]
    fn edits_count_as_revisions_and_no_op_edits_do_not() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 1_000);
        draft.apply(edit(Field::FullName, "王"), &config(), 2_000).unwrap();
        draft.apply(edit(Field::FullName, "王"), &config(), 3_000).unwrap();
        assert_eq!((draft.revision, draft.updated_at_ms), (1, 2_000));
        assert!(!draft.is_blank());
    }

    #[test]
    fn the_archive_s_answer_fills_the_form_until_another_unit_is_named() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 1_000);
        draft.apply(edit(Field::ProductLine, "appliance"), &config(), 2_000).unwrap();
        draft.apply(edit(Field::SerialNumber, "INV-7K5-0042"), &config(), 2_000).unwrap();
        let found = ProductLookup {
            product_line: "inverter".into(),
            model: "ACS580".into(),
            warranty_until: Some("2027-05-31".into()),
            in_warranty: Some(true),
        };
        draft.apply(DraftEvent::OnRecord(found), &config(), 3_000).unwrap();
        let fields = &draft.fields;
        assert_eq!((fields.product_line.as_str(), fields.model.as_str()), ("inverter", "ACS580"));
        assert_eq!(fields.warranty_on_record, "2027-05-31");
        draft.apply(edit(Field::SerialNumber, "INV-7K5-0043"), &config(), 4_000).unwrap();
        assert_eq!(draft.fields.warranty_on_record, "", "another unit: the record is not its");
    }

    #[test]
    fn continue_needs_intent_and_product_line() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        let errors =
            draft.apply(DraftEvent::Continue { guided_help: false }, &config(), 1).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(draft.step, Step::Start);
        draft.apply(edit(Field::Intent, "repair"), &config(), 2).unwrap();
        draft.apply(edit(Field::ProductLine, "network"), &config(), 3).unwrap();
        draft.apply(DraftEvent::Continue { guided_help: false }, &config(), 4).unwrap();
        assert_eq!(draft.step, Step::Contact);
        draft.apply(DraftEvent::Back, &config(), 5).unwrap();
        assert_eq!(draft.step, Step::Start);
        assert_eq!(draft.fields.product_line, "network", "going back keeps what was chosen");
    }

    #[test]
    fn an_onsite_report_is_not_offered_guided_help() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        draft.fields.intent = "onsite_report".into();
        draft.fields.product_line = "inverter".into();
        draft.apply(DraftEvent::Continue { guided_help: true }, &config(), 1).unwrap();
        assert_eq!(draft.step, Step::Contact);
        let mut repair = Draft::new("d2".into(), "k2".into(), 0);
        repair.fields.intent = "repair".into();
        repair.fields.product_line = "inverter".into();
        repair.apply(DraftEvent::Continue { guided_help: true }, &config(), 1).unwrap();
        assert_eq!(repair.step, Step::Guide);
    }

    #[test]
    fn a_complaint_about_service_attitude_is_not_offered_guided_help() {
        let complaint = |category: &str| {
            let mut draft = Draft::new("d1".into(), "k1".into(), 0);
            draft.fields.intent = "complaint".into();
            draft.fields.product_line = "inverter".into();
            draft.fields.category = category.into();
            draft
        };
        // The category is asked on the start step, so the offer can depend on it.
        let errors = complaint("")
            .apply(DraftEvent::Continue { guided_help: true }, &config(), 1)
            .unwrap_err();
        assert_eq!(
            errors,
            [FieldError { field: Field::Category, code: crate::ErrorCode::Required }]
        );
        let mut attitude = complaint("service");
        attitude.apply(DraftEvent::Continue { guided_help: true }, &config(), 1).unwrap();
        assert_eq!(attitude.step, Step::Contact);
        for category in ["quality", "logistics", "general", "emergency"] {
            let mut draft = complaint(category);
            draft.apply(DraftEvent::Continue { guided_help: true }, &config(), 1).unwrap();
            assert_eq!(draft.step, Step::Guide, "{category}");
        }
    }

    #[test]
    fn guided_help_fits_products_not_people() {
        use crate::rules::guided_help_fits;
        let fields = |intent: &str, category: &str| RequestFields {
            intent: intent.into(),
            category: category.into(),
            ..RequestFields::default()
        };
        assert!(guided_help_fits(&fields("repair", "")));
        assert!(guided_help_fits(&fields("consultation", "")));
        assert!(guided_help_fits(&fields("return_exchange_refund", "")));
        assert!(guided_help_fits(&fields("complaint", "quality")));
        assert!(!guided_help_fits(&fields("complaint", "service")));
        assert!(!guided_help_fits(&fields("onsite_report", "")));
    }

    #[test]
    fn step_errors_only_name_the_fields_on_screen() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        draft.fields.intent = "repair".into();
        draft.fields.product_line = "network".into();
        assert!(draft.step_errors(&config(), TODAY).is_empty());
        draft.apply(DraftEvent::Continue { guided_help: false }, &config(), 1).unwrap();
        let fields: Vec<Field> =
            draft.step_errors(&config(), TODAY).iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::FullName, Field::Phone]);
        assert_eq!((draft.step_number(), draft.form().len()), (2, 5));
    }

    fn next(draft: &mut Draft) -> Result<(), Vec<FieldError>> {
        draft.apply(DraftEvent::Next { today: TODAY }, &config(), 10)
    }

    fn go_to(draft: &mut Draft, step: Step) -> Step {
        draft.apply(DraftEvent::GoTo { step, today: TODAY }, &config(), 20).unwrap();
        draft.step
    }

    #[test]
    fn a_deep_link_lands_on_the_first_step_that_misses_answers() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        assert_eq!(go_to(&mut draft, Step::Review), Step::Start, "nothing chosen yet");
        draft.apply(edit(Field::Intent, "repair"), &config(), 1).unwrap();
        draft.apply(edit(Field::ProductLine, "network"), &config(), 1).unwrap();
        assert_eq!(go_to(&mut draft, Step::Guide), Step::Guide);
        assert_eq!(go_to(&mut draft, Step::Problem), Step::Contact, "contact not given");
        draft.apply(edit(Field::FullName, "赵敏"), &config(), 2).unwrap();
        draft.apply(edit(Field::Phone, "13912345678"), &config(), 2).unwrap();
        assert_eq!(go_to(&mut draft, Step::Problem), Step::Product, "no purchase date");
        draft.apply(edit(Field::PurchaseDate, "2020-10-01"), &config(), 3).unwrap();
        assert_eq!(go_to(&mut draft, Step::Review), Step::Problem, "no description");
        assert_eq!(go_to(&mut draft, Step::Report), Step::Contact, "not this intent's step");
        draft
            .apply(edit(Field::Description, "交换机光口无法连通，指示灯不亮"), &config(), 4)
            .unwrap();
        draft.apply(edit(Field::Resolution, "repair"), &config(), 4).unwrap();
        assert_eq!(go_to(&mut draft, Step::Review), Step::Review);
        assert_eq!(go_to(&mut draft, Step::Contact), Step::Contact, "back is always allowed");
        assert_eq!(go_to(&mut draft, Step::Start), Step::Start);
    }

    #[test]
    fn a_link_to_guided_help_that_does_not_fit_opens_the_form() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        for (field, value) in [
            (Field::Intent, "complaint"),
            (Field::Category, "service"),
            (Field::ProductLine, "network"),
        ] {
            draft.apply(edit(field, value), &config(), 1).unwrap();
        }
        assert_eq!(go_to(&mut draft, Step::Guide), Step::Contact);
        draft.apply(edit(Field::Category, "quality"), &config(), 2).unwrap();
        assert_eq!(go_to(&mut draft, Step::Guide), Step::Guide);
    }

    #[test]
    fn the_steps_go_in_order_and_change_links_return_to_the_review() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        for (field, value) in [(Field::Intent, "repair"), (Field::ProductLine, "appliance")] {
            draft.apply(edit(field, value), &config(), 1).unwrap();
        }
        draft.apply(DraftEvent::Continue { guided_help: false }, &config(), 2).unwrap();
        let blocked = next(&mut draft).unwrap_err();
        assert_eq!(
            blocked.iter().map(|e| e.field).collect::<Vec<_>>(),
            [Field::FullName, Field::Phone]
        );
        for (field, value) in [(Field::FullName, "赵敏"), (Field::Phone, "13912345678")] {
            draft.apply(edit(field, value), &config(), 3).unwrap();
        }
        next(&mut draft).unwrap();
        assert_eq!(draft.step, Step::Product);
        assert_eq!(next(&mut draft).unwrap_err()[0].field, Field::PurchaseDate);
        draft.apply(edit(Field::PurchaseDate, "2026-10-01"), &config(), 4).unwrap();
        next(&mut draft).unwrap();
        assert_eq!((draft.step, draft.step_number()), (Step::Problem, 4));
        for (field, value) in
            [(Field::Description, "冰箱不制冷，压缩机不启动"), (Field::Resolution, "repair")]
        {
            draft.apply(edit(field, value), &config(), 5).unwrap();
        }
        // In warranty (12 months) and a repair: a photo is required before moving on.
        assert_eq!(next(&mut draft).unwrap_err()[0].code, crate::ErrorCode::PhotoRequired);
        let photo = PhotoRef {
            id: "0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10".into(),
            content_type: "image/jpeg".into(),
            bytes: 9,
            width: 1,
            height: 1,
        };
        draft.apply(DraftEvent::AddPhoto(photo.clone()), &config(), 6).unwrap();
        draft.apply(DraftEvent::AddPhoto(photo), &config(), 6).unwrap();
        assert_eq!(draft.fields.photos.len(), 1, "the same photo is attached once");
        next(&mut draft).unwrap();
        assert_eq!(draft.step, Step::Review);

        draft.apply(DraftEvent::Change(Step::Contact), &config(), 7).unwrap();
        assert_eq!((draft.step, draft.revisit), (Step::Contact, true));
        next(&mut draft).unwrap();
        assert_eq!(
            (draft.step, draft.revisit),
            (Step::Review, false),
            "back to the review, not on to the product"
        );
        draft.apply(DraftEvent::Change(Step::Product), &config(), 8).unwrap();
        draft.apply(DraftEvent::Back, &config(), 9).unwrap();
        assert_eq!(draft.step, Step::Review);
        draft.apply(DraftEvent::Back, &config(), 9).unwrap();
        assert_eq!(draft.step, Step::Problem);
        draft
            .apply(
                DraftEvent::RemovePhoto("0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10".into()),
                &config(),
                10,
            )
            .unwrap();
        assert!(draft.fields.photos.is_empty());
    }

    #[test]
    fn an_onsite_report_has_its_own_step_and_fields() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 0);
        draft.fields.intent = "onsite_report".into();
        assert_eq!(draft.form()[3], Step::Report);
        let fields = draft.step_fields(Step::Report, &config(), TODAY);
        assert!(fields.contains(&Field::InputVoltage) && fields.contains(&Field::SignoffAt));
        assert!(draft.step_fields(Step::Contact, &config(), TODAY).contains(&Field::RecordedBy));
        draft.fields.intent = "repair".into();
        assert!(!draft.step_fields(Step::Contact, &config(), TODAY).contains(&Field::RecordedBy));
    }

    #[test]
    fn two_tabs_editing_at_once_are_told_apart_from_one_tab_editing_later() {
        let mut base = Draft::new("d".into(), "k".into(), 1);
        base.apply(edit(Field::FullName, "赵敏"), &config(), 2).unwrap();
        base.edited_in("tab-a");
        let mut a = base.clone();
        let mut b = base.clone();
        assert_eq!(a.lineage(&b), Lineage::Same);
        a.apply(edit(Field::FullName, "赵敏敏"), &config(), 3).unwrap();
        a.edited_in("tab-a");
        assert_eq!((a.lineage(&b), b.lineage(&a)), (Lineage::Ahead, Lineage::Behind));
        b.apply(edit(Field::Phone, "13912345678"), &config(), 4).unwrap();
        b.edited_in("tab-b");
        assert_eq!((a.lineage(&b), b.lineage(&a)), (Lineage::Diverged, Lineage::Diverged));
        assert_eq!(b.differing_fields(&a), [Field::FullName, Field::Phone]);

        // Tab B keeps its phone and takes A's name: the result is ahead of both copies.
        let merged = b.merged(&a, &[Field::FullName], "tab-b", 5);
        assert_eq!(
            (merged.fields.full_name.as_str(), merged.fields.phone.as_str()),
            ("赵敏敏", "13912345678")
        );
        assert_eq!((merged.lineage(&a), merged.lineage(&b)), (Lineage::Ahead, Lineage::Ahead));
        assert!(merged.revision > a.revision.max(b.revision));
    }

    #[test]
    fn a_duplicate_is_a_new_draft_with_the_same_answers() {
        let mut draft = Draft::new("d".into(), "k".into(), 1);
        draft.fields.description = "空调漏水".into();
        draft.fields.photos.push(crate::PhotoRef {
            id: "aaaa0000".into(),
            content_type: "image/jpeg".into(),
            bytes: 3,
            width: 1,
            height: 1,
        });
        draft.edited_in("tab-a");
        let copy = draft.duplicate("d2".into(), "k2".into(), 9, |old| format!("{old}-copy"));
        assert_eq!(
            (copy.id.as_str(), copy.idempotency_key.as_str(), copy.fields.description.as_str()),
            ("d2", "k2", "空调漏水")
        );
        assert_eq!(copy.fields.photos[0].id, "aaaa0000-copy");
        assert!(copy.edits.is_empty() && copy.revision == 1 && !copy.is_blank());
        // A signed report's copy is not signed: the signature was for that visit.
        draft.fields.photos.push(crate::PhotoRef {
            id: "bbbb1111".into(),
            content_type: "image/png".into(),
            ..draft.fields.photos[0].clone()
        });
        draft.fields.signature = "bbbb1111".into();
        let copy = draft.duplicate("d3".into(), "k3".into(), 9, |old| format!("{old}-copy"));
        assert_eq!(copy.fields.signature, "");
        assert_eq!(copy.fields.photos.len(), 1);
    }

    #[test]
    fn stored_drafts_round_trip() {
        let mut draft = Draft::new("d1".into(), "k1".into(), 7);
        draft.apply(edit(Field::Description, "交换机光口 link 灯不亮 🔌"), &config(), 8).unwrap();
        assert_eq!(Draft::decode(&draft.encode()), Ok(draft));
    }

    #[test]
    fn version_1_fixture_still_reads() {
        let stored = include_str!("../../tests/fixtures/drafts/v1.json");
        let draft = Draft::decode(stored).unwrap();
        assert_eq!(draft.schema_version, DRAFT_SCHEMA_VERSION);
        assert_eq!((draft.step, draft.fields.email.as_str()), (Step::Contact, ""));
        assert_eq!(draft.fields.description, "楼道灯坏了一周");
        assert_eq!((draft.flow, draft.fields.troubleshooting), (None, None));
    }

    #[test]
    fn version_3_fixture_still_reads() {
        let draft = Draft::decode(include_str!("../../tests/fixtures/drafts/v3.json")).unwrap();
        assert_eq!((draft.step, draft.revisit), (Step::Review, true));
        assert_eq!(draft.fields.photos.len(), 2);
        assert_eq!(draft.fields.input_voltage, "380");
    }

    #[test]
    fn version_2_fixture_still_reads() {
        let draft = Draft::decode(include_str!("../../tests/fixtures/drafts/v2.json")).unwrap();
        assert_eq!(draft.step, Step::Guide);
        let progress = draft.flow.unwrap();
        assert_eq!((progress.flow_id.as_str(), progress.transcript.len()), ("property", 1));
    }

    #[test]
    fn unreadable_and_future_drafts_are_reported_not_guessed() {
        assert!(matches!(Draft::decode("{not json"), Err(DraftDecodeError::Unreadable(_))));
        assert!(matches!(Draft::decode("{}"), Err(DraftDecodeError::Unreadable(_))));
        assert!(matches!(
            Draft::decode(r#"{"schema_version":1}"#),
            Err(DraftDecodeError::Unreadable(_))
        ));
        assert_eq!(
            Draft::decode(r#"{"schema_version":99}"#),
            Err(DraftDecodeError::FromTheFuture(99))
        );
    }

    #[test]
    fn the_copy_with_more_changes_wins() {
        let older = Draft::new("d".into(), "k".into(), 1);
        let mut newer = older.clone();
        newer.apply(edit(Field::Phone, "1"), &config(), 2).unwrap();
        assert_eq!(Draft::newer(&older, &newer), &newer);
        assert_eq!(Draft::newer(&newer, &older), &newer);
    }
}
