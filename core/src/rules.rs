//! The rules that follow from a request as it stands: which fields are required or shown,
//! decided by the intent, the warranty on the customer's date and the chosen outcome.

use crate::config::{AppConfig, Mode};
use crate::schema::{Category, Field, Intent, NoticeChannel, Priority, RequestFields};
use crate::warranty::{warranty_status, CivilDate, WarrantyStatus};

/// The rules that make one field required or shown, computed once from the whole request:
/// the warranty decides what the form asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conditions {
    pub intent: Option<Intent>,
    /// `None` until a valid purchase date is entered for a known product line, or the
    /// customer says they do not know it (then it is to be checked from the serial number).
    pub warranty: Option<WarrantyStatus>,
    /// "I don't know the purchase date": the date is not asked, the serial number is.
    pub purchase_date_unknown: bool,
    /// The unit is in the product archive with a date: warranty is judged from the archive,
    /// and the purchase date is not needed (given anyway, staff see it beside the archive's).
    pub on_record: bool,
    /// In-warranty repair or replacement: at least one photo and a fault description. Also
    /// when the customer says a photo is their invoice or delivery note.
    pub photos_required: bool,
    /// A repair or return of a unit the archive does not know: a photo of the invoice or
    /// delivery note may prove the purchase date (staff confirm it).
    pub proof_offered: bool,
    /// Out-of-warranty on-site visit: the chargeable-service notice, acknowledged.
    pub chargeable: bool,
    /// Returns, and online-shop orders, cannot be traced without the order number.
    pub order_number_required: bool,
    /// An on-site visit needs somewhere to visit.
    pub address_required: bool,
    /// Staff taking a request down, or an engineer reporting, say who they are (接待人).
    pub recorded_by_shown: bool,
    /// The emergency contact comes before anything else.
    pub emergency: bool,
    /// An online-shop line: the order number and delivery date are asked.
    pub online_order: bool,
    /// Delivered at most seven days ago (on the customer's date): the no-reason return
    /// (七天无理由退货) is offered.
    pub no_reason_return: bool,
    /// An on-site report whose customer was not there to sign: a reason instead of the
    /// signature and the signing name.
    pub customer_not_present: bool,
    /// The customer asked to be told by email: the address is then needed.
    pub notify_by_email: bool,
}

/// [`RequestFields::channel`] of a request taken down on a kiosk device.
pub const KIOSK_CHANNEL: &str = "kiosk";

impl Conditions {
    pub fn of(fields: &RequestFields, config: &AppConfig, today: CivilDate) -> Conditions {
        let intent = Intent::parse(fields.intent.trim());
        let line = config.product_line(fields.product_line.trim());
        let purchase_date_unknown = fields.purchase_date_unknown.trim() == "yes";
        let on_record = CivilDate::parse(fields.warranty_on_record.trim());
        let warranty = match (line, CivilDate::parse(fields.purchase_date.trim())) {
            (Some(_), _) if on_record.is_some() => on_record.map(|until| match today <= until {
                true => WarrantyStatus::InWarranty { until: until.to_string() },
                false => WarrantyStatus::OutOfWarranty { ended: until.to_string() },
            }),
            (Some(_), _) if purchase_date_unknown => Some(WarrantyStatus::ToBeChecked {
                serial_number: fields.serial_number.trim().to_string(),
            }),
            (Some(line), Some(purchased)) if purchased <= today => {
                let component =
                    fields.troubleshooting.as_ref().and_then(|t| t.component.as_deref());
                Some(warranty_status(purchased, line.warranty_months_for(component), today))
            }
            _ => None,
        };
        // Not known yet (to be checked) blocks nothing: neither photos nor the notice.
        let covered = warranty.as_ref().and_then(WarrantyStatus::covered);
        let resolution = fields.resolution.trim();
        let onsite_visit = resolution == "onsite_visit";
        let proof_offered = line.is_some()
            && on_record.is_none()
            && matches!(intent, Some(Intent::Repair | Intent::ReturnExchangeRefund));
        Conditions {
            intent,
            photos_required: (covered == Some(true)
                && matches!(resolution, "repair" | "replacement"))
                || (proof_offered && fields.warranty_proof.trim() == "yes"),
            proof_offered,
            chargeable: covered == Some(false) && onsite_visit,
            order_number_required: intent == Some(Intent::ReturnExchangeRefund)
                || line.is_some_and(|line| line.order_number_required),
            address_required: onsite_visit,
            recorded_by_shown: config.mode != Mode::Customer
                || intent == Some(Intent::OnsiteReport)
                || (fields.channel == KIOSK_CHANNEL && config.kiosk.recorded_by_required),
            emergency: fields.category.trim() == "emergency" || fields.danger.trim() == "yes",
            warranty,
            purchase_date_unknown,
            on_record: line.is_some() && on_record.is_some(),
            customer_not_present: fields.customer_not_present.trim() == "yes",
            notify_by_email: NoticeChannel::ticked(&fields.notify).contains(&NoticeChannel::Email),
            online_order: line.is_some_and(|line| line.order_number_required),
            no_reason_return: line.is_some_and(|line| line.order_number_required)
                && CivilDate::parse(fields.delivered_on.trim()).is_some_and(|delivered| {
                    let days = today.days_since_epoch() - delivered.days_since_epoch();
                    (0..=crate::schema::NO_REASON_RETURN_DAYS).contains(&days)
                }),
        }
    }

    /// Whether a choice's option is offered now: the no-reason return only within seven days
    /// of an online order's delivery.
    pub fn offers(&self, field: Field, option: &str) -> bool {
        !(field == Field::Resolution && option == "return_no_reason") || self.no_reason_return
    }

    /// Whether the field must be answered.
    pub fn required(&self, field: Field) -> bool {
        use crate::schema::Intent as I;
        use Field::*;
        let intent = self.intent;
        let wants_outcome =
            matches!(intent, Some(I::Repair | I::ReturnExchangeRefund | I::Complaint));
        match field {
            Intent | ProductLine | FullName | Phone | Description => true,
            Resolution => wants_outcome,
            PurchaseDate => {
                matches!(intent, Some(I::Repair | I::ReturnExchangeRefund))
                    && !self.purchase_date_unknown
                    && !self.on_record
            }
            // Without a purchase date, the serial number is how warranty gets checked.
            SerialNumber => self.purchase_date_unknown,
            Category => intent == Some(I::Complaint),
            OrderNumber => self.order_number_required,
            Address => self.address_required,
            Email => self.notify_by_email,
            RecordedBy => self.recorded_by_shown,
            Photos => self.photos_required,
            ChargeAck => self.chargeable,
            Site | FaultCause | SignoffAt | ArrivalAt | DepartureAt | Result => {
                intent == Some(I::OnsiteReport)
            }
            // Signed (签字验单), or "customer not present" with a reason.
            SignoffName | Signature => {
                intent == Some(I::OnsiteReport) && !self.customer_not_present
            }
            NotPresentReason => intent == Some(I::OnsiteReport) && self.customer_not_present,
            _ => false,
        }
    }
}

/// The intents the start step offers. A customer — on the website or at a kiosk — asks,
/// reports a fault, returns or complains; the on-site service report is an engineer's work,
/// offered only where staff take requests down (`mode: "staff"`).
pub fn offered_intents(mode: Mode) -> &'static [Intent] {
    const CUSTOMERS: [Intent; 4] =
        [Intent::Consultation, Intent::Repair, Intent::ReturnExchangeRefund, Intent::Complaint];
    match mode {
        Mode::Staff => &Intent::ALL,
        Mode::Customer | Mode::Kiosk => &CUSTOMERS,
    }
}

/// Whether guided troubleshooting can help with this request, so the app offers it. Checks
/// fix products, not people: not for a complaint about service attitude or timeliness
/// (服务类), and not for an engineer's on-site report (the checks are what the visit did).
pub fn guided_help_fits(fields: &RequestFields) -> bool {
    match Intent::parse(fields.intent.trim()) {
        Some(Intent::OnsiteReport) => false,
        Some(Intent::Complaint) => fields.category.trim() != Category::Service.as_str(),
        _ => true,
    }
}

/// The request's priority, derived — customers are not asked to rank themselves, because
/// everyone picks "urgent". Danger to anyone (or an emergency) is urgent; a product that
/// cannot be used at all is high; one that works badly is normal; one still in use is low.
/// A flow's suggestion counts too: the higher of the two. `None` when nothing says.
pub fn priority_of(fields: &RequestFields) -> Option<Priority> {
    let answered = if fields.danger.trim() == "yes" || fields.category.trim() == "emergency" {
        Some(Priority::Urgent)
    } else {
        match fields.usable.trim() {
            "no" => Some(Priority::High),
            "partly" => Some(Priority::Normal),
            "yes" => Some(Priority::Low),
            _ => None,
        }
    };
    answered.max(Priority::parse(fields.priority.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_on_site_report_is_offered_to_staff_only_and_engineers_get_no_apology() {
        for mode in [Mode::Customer, Mode::Kiosk] {
            assert!(!offered_intents(mode).contains(&Intent::OnsiteReport), "{mode:?}");
            assert_eq!(offered_intents(mode).len(), Intent::ALL.len() - 1);
        }
        assert_eq!(offered_intents(Mode::Staff), Intent::ALL);
        let sorry: Vec<&str> =
            Intent::ALL.into_iter().filter(|i| i.apologises()).map(Intent::as_str).collect();
        assert_eq!(sorry, ["repair", "return_exchange_refund", "complaint"]);
    }
}
