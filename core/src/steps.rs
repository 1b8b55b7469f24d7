//! The form's steps: their order for each intent and the fields each asks, given the rules
//! that follow from the request as it stands.

use serde::{Deserialize, Serialize};

use crate::rules::Conditions;
use crate::schema::{Field, Intent};

/// Where the customer is in the journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Choosing what they need and the product line.
    Start,
    /// Guided troubleshooting: the offer, then one node per screen (`Draft::flow`).
    Guide,
    /// Who they are and how to reach them (registration record). Version 2's single
    /// "details" step began here.
    #[serde(alias = "details")]
    Contact,
    /// The product record: model, serial number, purchase date; warranty is shown here.
    Product,
    /// What went wrong and what the customer wants done, with photos.
    Problem,
    /// An engineer's on-site service report, in place of the problem step.
    Report,
    /// "Check your answers", with a change link per section.
    Review,
}

impl Step {
    /// The form's steps in order for an intent, for "Step 2 of 5"; guided help, between the
    /// first and second, has its own progress hint.
    pub fn form(intent: Intent) -> &'static [Step] {
        match intent {
            Intent::OnsiteReport => {
                &[Step::Start, Step::Contact, Step::Product, Step::Report, Step::Review]
            }
            _ => &[Step::Start, Step::Contact, Step::Product, Step::Problem, Step::Review],
        }
    }

    /// The step a name (as [`Step::name`] gives it) stands for.
    pub fn parse(name: &str) -> Option<Step> {
        [
            Step::Start,
            Step::Guide,
            Step::Contact,
            Step::Product,
            Step::Problem,
            Step::Report,
            Step::Review,
        ]
        .into_iter()
        .find(|step| step.name() == name)
    }

    /// Whether the step is one of the form's own pages (`/form/<step>`).
    pub fn is_form_page(self) -> bool {
        matches!(self, Step::Contact | Step::Product | Step::Problem | Step::Report)
    }

    /// The step's name in the message tables (`step.<name>`) and in the page's markup.
    pub fn name(self) -> &'static str {
        match self {
            Step::Start => "start",
            Step::Guide => "guide",
            Step::Contact => "contact",
            Step::Product => "product",
            Step::Problem => "problem",
            Step::Report => "report",
            Step::Review => "review",
        }
    }

    /// The fields the customer fills in on this step, given what the request already says.
    pub fn fields(self, intent: Intent, conditions: &Conditions) -> Vec<Field> {
        use Field::*;
        let mut fields = match self {
            // A complaint's category is asked with the intent: an emergency (突发事件) shows
            // its contact at once, and guided help is offered only where it can help
            // (`rules::guided_help_fits`), not for a complaint about service attitude.
            Step::Start if intent == crate::schema::Intent::Complaint => {
                vec![Intent, Category, ProductLine]
            }
            Step::Start => vec![Intent, ProductLine],
            Step::Guide | Step::Review => vec![],
            Step::Contact => {
                vec![FullName, Company, Phone, Email, Address, ContactTime, Notify, RecordedBy]
            }
            Step::Problem if intent == crate::schema::Intent::Complaint => {
                vec![StartedOn, Description, Resolution, Usable, Danger, Photos, ChargeAck]
            }
            Step::Product => vec![
                Model,
                SerialNumber,
                PurchaseDate,
                PurchaseDateUnknown,
                OrderNumber,
                DeliveredOn,
                Configuration,
            ],
            Step::Problem => {
                vec![
                    Category,
                    StartedOn,
                    Description,
                    Resolution,
                    Usable,
                    Danger,
                    Photos,
                    WarrantyProof,
                    ChargeAck,
                ]
            }
            Step::Report => vec![
                Site,
                ArrivalAt,
                DepartureAt,
                InstalledIn,
                Parameters,
                InputVoltage,
                OutputVoltage,
                InputCurrent,
                OutputCurrent,
                FaultCode,
                Description,
                FaultCause,
                PartsUsed,
                PartsNeeded,
                Result,
                Photos,
                CustomerComment,
                SignoffName,
                SignoffAt,
                Signature,
                CustomerNotPresent,
                NotPresentReason,
            ],
        };
        fields.retain(|field| match field {
            RecordedBy => conditions.recorded_by_shown,
            ChargeAck => conditions.chargeable,
            WarrantyProof => conditions.proof_offered,
            PurchaseDate => !conditions.purchase_date_unknown,
            DeliveredOn => conditions.online_order,
            SignoffName | Signature => !conditions.customer_not_present,
            NotPresentReason => conditions.customer_not_present,
            // The customer asks for an outcome; a consultation is answered by explaining.
            Resolution => intent != crate::schema::Intent::Consultation,
            // An engineer's report of a visit tells the customer nothing by itself.
            Notify => intent != crate::schema::Intent::OnsiteReport,
            _ => true,
        });
        fields
    }
}
