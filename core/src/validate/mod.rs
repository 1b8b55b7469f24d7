//! What makes a service request complete and sendable. The app runs these rules to show
//! messages next to fields; the intake server runs the very same rules to refuse bad input.
//!
//! The vocabulary of refusals is in `error`, the value checks in `checks`, the day a
//! request is judged on in `clock`; which fields a request needs is `crate::rules`.

mod checks;
mod clock;
mod error;

pub use crate::rules::Conditions;
pub use crate::schema::{DESCRIPTION_MAX_CHARS, DESCRIPTION_MIN_CHARS};
pub use checks::{
    half_width, has_forbidden_characters, is_plain_uuid, parse_measurement, EMAIL_MAX_CHARS,
    PHOTO_CONTENT_TYPES,
};
pub use clock::{customer_today, OUTBOX_GRACE_DAYS};
pub use error::{megabytes, ErrorCode, FieldError};

use crate::config::AppConfig;
use crate::i18n::Lang;
use crate::phone::normalize_phone;
use crate::schema::{
    Category, Field, FieldKind, Intent, NoticeChannel, Priority, RequestFields, ValidRequest,
};
use crate::steps::Step;
use crate::warranty::CivilDate;
use checks::{check_field, check_intent, check_product_line, is_plausible_transcript};

pub const FULL_NAME_MAX_CHARS: usize = crate::schema::SHORT_TEXT_MAX_CHARS;

/// The first step: what the customer wants and for which product line.
pub fn validate_start(fields: &RequestFields, config: &AppConfig) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let intent = check_intent(fields, &mut errors);
    // A complaint says what it is about on this step (screen order: intent, category, line).
    if intent == Some(Intent::Complaint) {
        let category = fields.category.trim();
        let code = if category.is_empty() {
            Some(ErrorCode::Required)
        } else {
            Category::parse(category).is_none().then_some(ErrorCode::UnknownOption)
        };
        if let Some(code) = code {
            errors.push(FieldError { field: Field::Category, code });
        }
    }
    check_product_line(fields, config, &mut errors);
    errors
}

/// The whole request, judged on the customer's date `today`. Errors come in screen order,
/// at most one per field.
pub fn validate_request(
    fields: &RequestFields,
    config: &AppConfig,
    today: CivilDate,
) -> Result<ValidRequest, Vec<FieldError>> {
    let mut errors = validate_start(fields, config);
    let Some(intent) = Intent::parse(fields.intent.trim()) else {
        return Err(errors);
    };
    let conditions = Conditions::of(fields, config, today);
    let on_form: Vec<Field> =
        Step::form(intent).iter().flat_map(|step| step.fields(intent, &conditions)).collect();
    for &field in &on_form {
        // The start step's fields are judged above.
        if errors.iter().any(|e| e.field == field) {
            continue;
        }
        if let Some(code) = check_field(fields, field, &conditions, config, today) {
            errors.push(FieldError { field, code });
        }
    }
    // A visit ends after it began (both as `YYYY-MM-DDTHH:MM`, which sorts as it reads).
    let (arrival, departure) = (fields.arrival_at.trim(), fields.departure_at.trim());
    if on_form.contains(&Field::DepartureAt)
        && !errors.iter().any(|e| matches!(e.field, Field::ArrivalAt | Field::DepartureAt))
        && arrival.len() >= 16
        && departure.len() >= 16
        && departure[..16] < arrival[..16]
    {
        // In screen order, among the others.
        let place = |field: Field| on_form.iter().position(|f| *f == field);
        let at = errors
            .iter()
            .position(|e| place(e.field) > place(Field::DepartureAt))
            .unwrap_or(errors.len());
        errors.insert(at, FieldError { field: Field::DepartureAt, code: ErrorCode::BeforeArrival });
    }
    // Not asked on the form (derived), but an API caller may send a flow's suggestion.
    let priority = fields.priority.trim();
    if !priority.is_empty() && Priority::parse(priority).is_none() {
        errors.push(FieldError { field: Field::Priority, code: ErrorCode::UnknownOption });
    }
    if let Some(troubleshooting) = &fields.troubleshooting {
        if !is_plausible_transcript(troubleshooting) {
            errors.push(FieldError {
                field: Field::Troubleshooting,
                code: ErrorCode::InvalidCharacters,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let text = |field: Field| fields.get(field).trim().to_string();
    let optional = |field: Field| Some(text(field)).filter(|value| !value.is_empty());
    let typed = [
        Field::Intent,
        Field::ProductLine,
        Field::FullName,
        Field::Phone,
        Field::Email,
        Field::Description,
        Field::Category,
        Field::Priority,
        Field::Notify,
    ];
    let details = on_form
        .iter()
        .filter(|field| !typed.contains(field))
        .filter_map(|&field| optional(field).map(|value| (field, value)))
        .map(|(field, value)| match field.kind() {
            // Stored as digits every system reads, however they were typed.
            FieldKind::Measurement { .. } => (field, half_width(&value)),
            _ => (field, value),
        })
        .map(|(field, value)| (field.name().to_string(), value))
        .collect();
    Ok(ValidRequest {
        intent,
        product_line: text(Field::ProductLine),
        full_name: text(Field::FullName),
        // Checked above: a phone that does not normalise is an error.
        phone: normalize_phone(&fields.phone).unwrap_or_default(),
        email: optional(Field::Email),
        description: text(Field::Description),
        category: Category::parse(fields.category.trim()),
        priority: crate::rules::priority_of(fields),
        troubleshooting: fields.troubleshooting.clone(),
        details,
        warranty: conditions.warranty,
        photos: fields.photos.clone(),
        notify: if on_form.contains(&Field::Notify) {
            NoticeChannel::ticked(&fields.notify)
        } else {
            Vec::new()
        },
        language: Lang::from_tag(&fields.language).map(|lang| lang.tag().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Mode;
    use crate::i18n::Lang;
    use crate::schema::{PhotoRef, Troubleshooting};
    use crate::warranty::WarrantyStatus;

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../../static/config.json"))
            .expect("shipped config parses")
    }

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 27 };

    /// An out-of-warranty repair (inverters: 18 months), so no photo is required.
    fn complete() -> RequestFields {
        RequestFields {
            intent: "repair".into(),
            product_line: "inverter".into(),
            full_name: "王建国".into(),
            phone: "138 1234 5678".into(),
            email: String::new(),
            purchase_date: "2023-05-10".into(),
            resolution: "repair".into(),
            description: "变频器上电后显示 OC1 过流故障，电机无法启动。".into(),
            ..Default::default()
        }
    }

    fn validate(fields: &RequestFields) -> Result<ValidRequest, Vec<FieldError>> {
        validate_request(fields, &config(), TODAY)
    }

    fn errors_of(fields: &RequestFields) -> Vec<FieldError> {
        validate(fields).err().unwrap_or_default()
    }

    fn codes_of(fields: &RequestFields) -> Vec<(Field, ErrorCode)> {
        errors_of(fields).iter().map(|e| (e.field, e.code)).collect()
    }

    fn photo(id: &str, bytes: u64) -> PhotoRef {
        PhotoRef {
            id: id.into(),
            content_type: "image/jpeg".into(),
            bytes,
            width: 1600,
            height: 1200,
        }
    }

    fn with(field: Field, value: &str) -> RequestFields {
        let mut fields = complete();
        fields.set(field, value.to_string());
        fields
    }

    #[test]
    fn a_complete_request_is_trimmed_and_normalised() {
        let mut fields = complete();
        fields.full_name = "  王建国 ".into();
        fields.email = " wang@example.cn ".into();
        let valid = validate(&fields).expect("valid");
        assert_eq!(valid.intent, Intent::Repair);
        assert_eq!(valid.full_name, "王建国");
        assert_eq!(valid.phone, "+8613812345678");
        assert_eq!(valid.email.as_deref(), Some("wang@example.cn"));
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_screen_order() {
        let errors = errors_of(&RequestFields::default());
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Intent, Field::ProductLine]);
        let repair = RequestFields {
            intent: "repair".into(),
            product_line: "network".into(),
            ..Default::default()
        };
        let errors = errors_of(&repair);
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::FullName,
                Field::Phone,
                Field::PurchaseDate,
                Field::Description,
                Field::Resolution
            ]
        );
        assert!(errors.iter().all(|e| e.code == ErrorCode::Required));
    }

    #[test]
    fn field_rules_table() {
        let long_name = "张".repeat(FULL_NAME_MAX_CHARS + 1);
        let long_description = "漏".repeat(DESCRIPTION_MAX_CHARS + 1);
        let max_description = "水".repeat(DESCRIPTION_MAX_CHARS);
        let long_email = format!("{}@example.com", "a".repeat(250));
        let table: Vec<(Field, &str, Option<ErrorCode>)> = vec![
            (Field::Intent, "", Some(ErrorCode::Required)),
            (Field::Intent, "refund_please", Some(ErrorCode::UnknownOption)),
            (Field::Intent, "consultation", None),
            (Field::ProductLine, "  ", Some(ErrorCode::Required)),
            (Field::ProductLine, "spaceship", Some(ErrorCode::UnknownOption)),
            (Field::FullName, "", Some(ErrorCode::Required)),
            (Field::FullName, "   ", Some(ErrorCode::Required)),
            (Field::FullName, "李", None),
            (Field::FullName, "Zoë O'Brien-Smith", None),
            (Field::FullName, "欧阳 娜娜 😀", None),
            (Field::FullName, &long_name, Some(ErrorCode::TooLong { max: FULL_NAME_MAX_CHARS })),
            (Field::FullName, "Bob\u{0007}", Some(ErrorCode::InvalidCharacters)),
            (Field::FullName, "Eve\u{202E}cod.exe", Some(ErrorCode::InvalidCharacters)),
            (Field::FullName, "line\nbreak", Some(ErrorCode::InvalidCharacters)),
            (Field::Phone, "", Some(ErrorCode::Required)),
            (Field::Phone, "12345", Some(ErrorCode::InvalidPhone)),
            (Field::Phone, "+44 20 7946 0958", None),
            (Field::Email, "", None),
            (Field::Email, "wang@example.cn", None),
            (Field::Email, "王@例子.中国", None),
            (Field::Email, "wang@", Some(ErrorCode::InvalidEmail)),
            (Field::Email, "wang example.cn", Some(ErrorCode::InvalidEmail)),
            (Field::Email, "wang@example", Some(ErrorCode::InvalidEmail)),
            (Field::Email, "a@b@c.com", Some(ErrorCode::InvalidEmail)),
            (Field::Email, "wang@-bad.com", Some(ErrorCode::InvalidEmail)),
            (Field::Email, &long_email, Some(ErrorCode::TooLong { max: EMAIL_MAX_CHARS })),
            (Field::Description, "", Some(ErrorCode::Required)),
            (Field::Description, "坏了", Some(ErrorCode::TooShort { min: DESCRIPTION_MIN_CHARS })),
            (
                Field::Description,
                "🔥🔥🔥🔥",
                Some(ErrorCode::TooShort { min: DESCRIPTION_MIN_CHARS }),
            ),
            (Field::Description, "🔥🔥🔥🔥🔥 smoke", None),
            (Field::Description, "第一行\n第二行\t缩进", None),
            (Field::Description, &max_description, None),
            (
                Field::Description,
                &long_description,
                Some(ErrorCode::TooLong { max: DESCRIPTION_MAX_CHARS }),
            ),
            (Field::Description, "null byte \0 here", Some(ErrorCode::InvalidCharacters)),
            (Field::Description, "<script>alert(1)</script>", None),
            (Field::Description, "'; DROP TABLE requests; --", None),
            (Field::PurchaseDate, "", Some(ErrorCode::Required)),
            (Field::PurchaseDate, "2025-02-29", Some(ErrorCode::InvalidDate)),
            (Field::PurchaseDate, "27/11/2026", Some(ErrorCode::InvalidDate)),
            (Field::PurchaseDate, "2026-11-28", Some(ErrorCode::FutureDate)),
            (Field::StartedOn, "2026-11-27", None),
            (Field::StartedOn, "2027-01-01", Some(ErrorCode::FutureDate)),
            (Field::Resolution, "", Some(ErrorCode::Required)),
            (Field::Resolution, "free_money", Some(ErrorCode::UnknownOption)),
            (Field::ContactTime, "evening", None),
            (Field::ContactTime, "midnight", Some(ErrorCode::UnknownOption)),
            (Field::Company, "上海某某机床厂", None),
            (Field::Company, "tab\there", Some(ErrorCode::InvalidCharacters)),
            (Field::SerialNumber, &long_name, Some(ErrorCode::TooLong { max: 100 })),
            (Field::Configuration, "380V 三相, 7.5 kW", None),
        ];
        for (field, value, expected) in table {
            let errors = errors_of(&with(field, value));
            let got = errors.iter().find(|e| e.field == field).map(|e| e.code);
            assert_eq!(got, expected, "{} = {value:?}", field.name());
            assert!(
                errors.iter().all(|e| e.field == field),
                "only {} may fail: {errors:?}",
                field.name()
            );
        }
    }

    #[test]
    fn category_priority_and_transcript_are_checked_when_present() {
        let mut fields = complete();
        fields.category = "quality".into();
        fields.priority = "urgent".into();
        fields.troubleshooting = Some(Troubleshooting {
            flow_id: "inverter".into(),
            flow_version: 1,
            outcome: "needs_engineer".into(),
            steps: vec![crate::schema::TranscriptEntry {
                node: "start".into(),
                answer: "oc".into(),
                at_ms: 1,
            }],
            component: None,
        });
        let valid = validate(&fields).unwrap();
        assert_eq!(
            (valid.category, valid.priority),
            (Some(Category::Quality), Some(Priority::Urgent))
        );

        fields.category = "angry".into();
        fields.troubleshooting.as_mut().unwrap().steps[0].node = "<script>".into();
        let fields_in_error: Vec<Field> = errors_of(&fields).iter().map(|e| e.field).collect();
        assert_eq!(fields_in_error, [Field::Category, Field::Troubleshooting]);
    }

    #[test]
    fn priority_is_derived_from_how_the_problem_affects_the_customer() {
        let derive = |usable: &str, danger: &str, suggested: &str| {
            let fields = RequestFields {
                usable: usable.into(),
                danger: danger.into(),
                priority: suggested.into(),
                ..complete()
            };
            validate(&fields).unwrap().priority
        };
        assert_eq!(derive("", "", ""), None);
        assert_eq!(derive("yes", "no", ""), Some(Priority::Low));
        assert_eq!(derive("partly", "no", ""), Some(Priority::Normal));
        assert_eq!(derive("no", "", ""), Some(Priority::High));
        assert_eq!(derive("yes", "yes", ""), Some(Priority::Urgent));
        assert_eq!(derive("yes", "no", "high"), Some(Priority::High), "a flow's suggestion counts");
        let asked: Vec<Field> =
            Step::Problem.fields(Intent::Repair, &Conditions::of(&complete(), &config(), TODAY));
        assert!(!asked.contains(&Field::Priority) && asked.contains(&Field::Usable));
        let danger = RequestFields { danger: "yes".into(), ..complete() };
        assert!(Conditions::of(&danger, &config(), TODAY).emergency, "the contact shows at once");
        assert_eq!(
            codes_of(&with(Field::Priority, "asap")),
            [(Field::Priority, ErrorCode::UnknownOption)]
        );
        assert_eq!(
            codes_of(&with(Field::Usable, "sometimes")),
            [(Field::Usable, ErrorCode::UnknownOption)]
        );
    }

    #[test]
    fn mojibake_is_text_like_any_other() {
        // UTF-8 read as GBK, from the seed reports: still valid text, kept as typed.
        let fields = with(Field::Description, "鍞鍚庡㈡湇骞寸粓宸ヤ綔鎬荤粨");
        assert_eq!(validate(&fields).unwrap().description, "鍞鍚庡㈡湇骞寸粓宸ヤ綔鎬荤粨");
    }

    #[test]
    fn in_warranty_repair_or_replacement_needs_a_photo() {
        let mut fields = with(Field::PurchaseDate, "2026-01-10");
        for resolution in ["repair", "replacement"] {
            fields.resolution = resolution.into();
            assert_eq!(
                codes_of(&fields),
                [(Field::Photos, ErrorCode::PhotoRequired)],
                "{resolution}"
            );
        }
        fields.photos = vec![photo("0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b10", 300_000)];
        let valid = validate(&fields).unwrap();
        assert_eq!(valid.warranty, Some(WarrantyStatus::InWarranty { until: "2027-07-09".into() }));
        assert_eq!(valid.photos.len(), 1);
        // A refund is not a repair: no photo needed.
        let refund = RequestFields { resolution: "refund".into(), photos: vec![], ..fields };
        assert!(validate(&refund).is_ok());
    }

    #[test]
    fn a_unit_on_record_is_judged_by_the_archive_s_date_not_the_purchase_date() {
        // The customer remembers a recent purchase; the archive knows the unit is older.
        let mut fields = with(Field::PurchaseDate, "2026-11-01");
        fields.serial_number = "INV-7K5-0042".into();
        fields.resolution = "onsite_visit".into();
        fields.address = "江苏省苏州市工业园区".into();
        fields.warranty_on_record = "2026-10-31".into();
        assert_eq!(codes_of(&fields), [(Field::ChargeAck, ErrorCode::NotAcknowledged)]);
        let conditions = Conditions::of(&fields, &config(), TODAY);
        assert!(conditions.on_record && conditions.chargeable);
        // On the record's last day it is covered, and the purchase date is not needed.
        fields.warranty_on_record = TODAY.to_string();
        fields.purchase_date.clear();
        let valid = validate(&fields).unwrap();
        assert_eq!(valid.warranty, Some(WarrantyStatus::InWarranty { until: TODAY.to_string() }));
        // Something that is not a date is no record.
        fields.warranty_on_record = "soon".into();
        assert_eq!(codes_of(&fields), [(Field::PurchaseDate, ErrorCode::Required)]);
    }

    #[test]
    fn without_a_purchase_date_warranty_is_checked_from_the_serial_number() {
        let mut fields = with(Field::PurchaseDate, "");
        assert_eq!(codes_of(&fields), [(Field::PurchaseDate, ErrorCode::Required)]);
        fields.purchase_date_unknown = "yes".into();
        assert_eq!(codes_of(&fields), [(Field::SerialNumber, ErrorCode::Required)]);
        fields.serial_number = "INV-7K5-0042".into();
        // A repair that would need a photo in warranty is not blocked while it is unknown.
        let valid = validate(&fields).expect("sendable without the date");
        assert_eq!(
            valid.warranty,
            Some(WarrantyStatus::ToBeChecked { serial_number: "INV-7K5-0042".into() })
        );
        assert_eq!(valid.details.get("purchase_date_unknown").map(String::as_str), Some("yes"));
        let conditions = Conditions::of(&fields, &config(), TODAY);
        assert!(!conditions.photos_required && !conditions.chargeable);
        assert!(!Step::Product.fields(Intent::Repair, &conditions).contains(&Field::PurchaseDate));
        // A date typed before the box was ticked is not sent.
        fields.purchase_date = "2026-01-10".into();
        let valid = validate(&fields).unwrap();
        assert!(!valid.details.contains_key("purchase_date"));
        assert_eq!(valid.warranty.unwrap().as_str(), "to_be_checked");
        // On-site visits are not charged for before the warranty is known.
        fields.resolution = "onsite_visit".into();
        fields.address = "上海市闵行区莘庄工业区 88 号".into();
        assert!(validate(&fields).is_ok());
        fields.purchase_date_unknown = "maybe".into();
        assert!(errors_of(&fields).iter().any(|e| e.field == Field::PurchaseDateUnknown));
    }

    #[test]
    fn out_of_warranty_onsite_visit_needs_the_notice_acknowledged_and_an_address() {
        let mut fields = with(Field::Resolution, "onsite_visit");
        assert_eq!(
            codes_of(&fields),
            [(Field::Address, ErrorCode::Required), (Field::ChargeAck, ErrorCode::NotAcknowledged)]
        );
        fields.address = "上海市闵行区莘庄工业区 88 号".into();
        fields.charge_ack = "no".into();
        assert_eq!(codes_of(&fields), [(Field::ChargeAck, ErrorCode::NotAcknowledged)]);
        fields.charge_ack = "yes".into();
        assert_eq!(
            validate(&fields).unwrap().details.get("charge_ack").map(String::as_str),
            Some("yes")
        );
        // In warranty the visit is not chargeable: no notice, nothing to acknowledge.
        let covered = RequestFields {
            purchase_date: "2026-06-01".into(),
            charge_ack: String::new(),
            ..fields
        };
        assert!(validate(&covered).is_ok());
        let conditions = Conditions::of(&covered, &config(), TODAY);
        assert!(
            !conditions.chargeable
                && !Step::Problem.fields(Intent::Repair, &conditions).contains(&Field::ChargeAck)
        );
    }

    #[test]
    fn returns_and_online_orders_need_the_order_number() {
        let mut fields = with(Field::Intent, "return_exchange_refund");
        fields.resolution = "refund".into();
        assert_eq!(codes_of(&fields), [(Field::OrderNumber, ErrorCode::Required)]);
        fields.order_number = "JD-2026-112233".into();
        assert!(validate(&fields).is_ok());
        let online = RequestFields {
            intent: "complaint".into(),
            product_line: "online-order".into(),
            category: "logistics".into(),
            ..complete()
        };
        assert_eq!(codes_of(&online), [(Field::OrderNumber, ErrorCode::Required)]);
        let consultation = RequestFields {
            intent: "consultation".into(),
            purchase_date: String::new(),
            resolution: String::new(),
            ..complete()
        };
        assert!(
            validate(&consultation).is_ok(),
            "a question needs neither outcome nor purchase date"
        );
    }

    #[test]
    fn an_online_order_delivered_within_seven_days_may_be_returned_without_a_reason() {
        let fields = RequestFields {
            intent: "return_exchange_refund".into(),
            product_line: "online-order".into(),
            order_number: "JD-2026-7788".into(),
            purchase_date: "2026-11-15".into(),
            delivered_on: "2026-11-20".into(),
            resolution: "return_no_reason".into(),
            ..complete()
        };
        assert!(Conditions::of(&fields, &config(), TODAY).no_reason_return);
        assert_eq!(validate(&fields).unwrap().details["delivered_on"], "2026-11-20");
        let late = RequestFields { delivered_on: "2026-11-19".into(), ..fields.clone() };
        assert_eq!(codes_of(&late), [(Field::Resolution, ErrorCode::UnknownOption)]);
        let unknown = RequestFields { delivered_on: String::new(), ..fields.clone() };
        assert_eq!(codes_of(&unknown), [(Field::Resolution, ErrorCode::UnknownOption)]);
        let not_online = RequestFields { product_line: "appliance".into(), ..fields };
        assert_eq!(codes_of(&not_online), [(Field::Resolution, ErrorCode::UnknownOption)]);
        let asked =
            Step::Product.fields(Intent::Repair, &Conditions::of(&complete(), &config(), TODAY));
        assert!(!asked.contains(&Field::DeliveredOn), "asked for online orders only");
    }

    #[test]
    fn complaints_need_a_category_and_emergency_is_flagged() {
        let mut fields = with(Field::Intent, "complaint");
        assert_eq!(codes_of(&fields), [(Field::Category, ErrorCode::Required)]);
        fields.category = "emergency".into();
        let conditions = Conditions::of(&fields, &config(), TODAY);
        assert!(conditions.emergency);
        // Asked with the intent on the start step, not three steps later.
        assert_eq!(
            Step::Start.fields(Intent::Complaint, &conditions),
            [Field::Intent, Field::Category, Field::ProductLine]
        );
        assert!(!Step::Contact.fields(Intent::Complaint, &conditions).contains(&Field::Category));
        assert!(validate_start(&fields, &config()).is_empty());
        fields.category = "attitude".into();
        assert!(validate_start(&fields, &config())
            .contains(&FieldError { field: Field::Category, code: ErrorCode::UnknownOption }));
        fields.category = "emergency".into();
        assert!(!Step::Problem.fields(Intent::Complaint, &conditions).contains(&Field::Category));
        assert!(Step::Problem.fields(Intent::Repair, &conditions).contains(&Field::Category));
        assert_eq!(validate(&fields).unwrap().category, Some(Category::Emergency));
    }

    fn onsite_report() -> RequestFields {
        RequestFields {
            intent: "onsite_report".into(),
            recorded_by: "李工".into(),
            site: "苏州工业园区 3 号厂房".into(),
            installed_in: "数控车床 CK6140".into(),
            input_voltage: "380".into(),
            output_current: "12.5".into(),
            fault_cause: "输出侧电缆绝缘破损，对地短路导致 OC1。".into(),
            parts_used: "U 相 IGBT 模块 ×1".into(),
            signoff_name: "张厂长".into(),
            signoff_at: "2026-11-27T16:40".into(),
            arrival_at: "2026-11-27T09:10".into(),
            departure_at: "2026-11-27T16:45".into(),
            result: "fixed".into(),
            signature: SIGNATURE.into(),
            photos: vec![PhotoRef { content_type: "image/png".into(), ..photo(SIGNATURE, 4_000) }],
            resolution: String::new(),
            ..complete()
        }
    }

    const SIGNATURE: &str = "5a9e0c1d-2222-4b7a-8c31-0d4e5f6a7b8c";

    #[test]
    fn an_onsite_report_is_sent_signed_or_with_the_customer_not_present_and_why() {
        let signed = validate(&onsite_report()).unwrap();
        assert_eq!(signed.details.get("signature").map(String::as_str), Some(SIGNATURE));
        assert_eq!(signed.details.get("result").map(String::as_str), Some("fixed"));
        let unsigned = RequestFields { signature: String::new(), ..onsite_report() };
        assert_eq!(codes_of(&unsigned), [(Field::Signature, ErrorCode::SignatureRequired)]);
        // The signature must be a drawing among the photos, not any id.
        let elsewhere = RequestFields { photos: vec![], ..onsite_report() };
        assert_eq!(codes_of(&elsewhere), [(Field::Signature, ErrorCode::InvalidPhoto)]);
        let absent = RequestFields {
            customer_not_present: "yes".into(),
            signature: String::new(),
            signoff_name: String::new(),
            photos: vec![],
            ..onsite_report()
        };
        assert_eq!(codes_of(&absent), [(Field::NotPresentReason, ErrorCode::Required)]);
        let absent = RequestFields {
            not_present_reason: "客户临时外出，由门卫确认到场时间。".into(),
            ..absent
        };
        let valid = validate(&absent).unwrap();
        assert_eq!(valid.details.get("customer_not_present").map(String::as_str), Some("yes"));
        let early = RequestFields { departure_at: "2026-11-27T09:05".into(), ..onsite_report() };
        assert_eq!(codes_of(&early), [(Field::DepartureAt, ErrorCode::BeforeArrival)]);
        let error = FieldError { field: Field::Signature, code: ErrorCode::SignatureRequired };
        assert!(error.message(Lang::ZhCn).contains("签字"));
    }

    #[test]
    fn an_onsite_report_checks_its_measurements_with_units() {
        let valid = validate(&onsite_report()).unwrap();
        assert_eq!(valid.details.get("input_voltage").map(String::as_str), Some("380"));
        let mut full_width = onsite_report();
        full_width.output_current = "１２．５".into();
        let valid_full = validate(&full_width).unwrap();
        assert_eq!(valid_full.details.get("output_current").map(String::as_str), Some("12.5"));
        assert_eq!(valid.details.get("site").map(String::as_str), Some("苏州工业园区 3 号厂房"));
        let table = [
            (Field::InputVoltage, "220", None),
            (Field::InputVoltage, "0", None),
            (Field::InputVoltage, "1000", None),
            (Field::InputVoltage, "7,5", None),
            (Field::InputVoltage, "３８０", None),
            (Field::InputVoltage, "２２０．５", None),
            (Field::InputVoltage, "１００１", Some(ErrorCode::OutOfRange { min: 0, max: 1000 })),
            (Field::InputVoltage, "三百八十", Some(ErrorCode::InvalidNumber)),
            (Field::InputVoltage, "1000.1", Some(ErrorCode::OutOfRange { min: 0, max: 1000 })),
            (Field::InputVoltage, "-5", Some(ErrorCode::InvalidNumber)),
            (Field::InputVoltage, "380V", Some(ErrorCode::InvalidNumber)),
            (Field::InputVoltage, "1.2.3", Some(ErrorCode::InvalidNumber)),
            (Field::OutputCurrent, "2500", Some(ErrorCode::OutOfRange { min: 0, max: 2000 })),
            (Field::SignoffAt, "", Some(ErrorCode::Required)),
            (Field::SignoffAt, "2026-11-27", Some(ErrorCode::InvalidDate)),
            (Field::SignoffAt, "2026-11-27T24:10", Some(ErrorCode::InvalidDate)),
            (Field::SignoffAt, "2026-11-28T08:00", None),
            (Field::SignoffAt, "2026-12-01T08:00", Some(ErrorCode::FutureDate)),
            (Field::Site, "", Some(ErrorCode::Required)),
            (Field::RecordedBy, "", Some(ErrorCode::Required)),
            (Field::FaultCause, "", Some(ErrorCode::Required)),
            (Field::SignoffName, "", Some(ErrorCode::Required)),
            (Field::ArrivalAt, "", Some(ErrorCode::Required)),
            (Field::DepartureAt, "9:00", Some(ErrorCode::InvalidDate)),
            (Field::Result, "", Some(ErrorCode::Required)),
            (Field::Result, "fixed-ish", Some(ErrorCode::UnknownOption)),
            (Field::FaultCode, "OC1", None),
            (Field::CustomerComment, "工程师很专业", None),
        ];
        for (field, value, expected) in table {
            let mut fields = onsite_report();
            fields.set(field, value.to_string());
            assert_eq!(
                codes_of(&fields),
                expected.map(|code| (field, code)).into_iter().collect::<Vec<_>>(),
                "{field:?} = {value:?}"
            );
        }
        let error = FieldError {
            field: Field::InputVoltage,
            code: ErrorCode::OutOfRange { min: 0, max: 1000 },
        };
        assert_eq!(error.message(Lang::En), "Input voltage must be between 0 and 1000 V");
        assert_eq!(error.message(Lang::ZhCn), "输入电压应在 0 到 1000 V 之间");
    }

    #[test]
    fn photo_limits_come_from_config() {
        let mut fields = complete();
        let id = |n: u32| format!("0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b{n:02}");
        fields.photos = (0..7).map(|n| photo(&id(n), 100)).collect();
        assert_eq!(codes_of(&fields), [(Field::Photos, ErrorCode::TooManyPhotos { max: 6 })]);
        fields.photos = (0..2).map(|n| photo(&id(n), 3_500_000)).collect();
        assert_eq!(
            codes_of(&fields),
            [(Field::Photos, ErrorCode::PhotosTooLarge { max: 6_000_000 })]
        );
        fields.photos =
            vec![PhotoRef { content_type: "application/pdf".into(), ..photo(&id(1), 10) }];
        assert_eq!(codes_of(&fields), [(Field::Photos, ErrorCode::InvalidPhoto)]);
        fields.photos = vec![photo("../../etc/passwd", 10)];
        assert_eq!(codes_of(&fields), [(Field::Photos, ErrorCode::InvalidPhoto)]);
        let error =
            FieldError { field: Field::Photos, code: ErrorCode::PhotosTooLarge { max: 6_000_000 } };
        assert_eq!(error.message(Lang::En), "The photos together must be at most 6.0 MB");
    }

    #[test]
    fn staff_mode_asks_who_took_the_request_down() {
        let mut config = config();
        config.mode = Mode::Staff;
        let errors = validate_request(&complete(), &config, TODAY).unwrap_err();
        assert_eq!(errors, [FieldError { field: Field::RecordedBy, code: ErrorCode::Required }]);
    }

    #[test]
    fn a_kiosk_asks_who_took_the_request_down_when_the_config_says_so() {
        let recorded_by = |config: &AppConfig, channel: &str, who: &str| {
            let mut fields = complete();
            fields.channel = channel.into();
            fields.recorded_by = who.into();
            validate_request(&fields, config, TODAY)
                .map(|valid| valid.details.get("recorded_by").cloned())
        };
        let mut config = config();
        assert_eq!(recorded_by(&config, "kiosk", "李工"), Ok(None), "not asked: not kept");
        config.kiosk.recorded_by_required = true;
        assert_eq!(
            recorded_by(&config, "kiosk", ""),
            Err(vec![FieldError { field: Field::RecordedBy, code: ErrorCode::Required }])
        );
        assert_eq!(recorded_by(&config, "kiosk", " 李工 "), Ok(Some("李工".into())));
        assert_eq!(recorded_by(&config, "", ""), Ok(None), "the website is not a kiosk");
        assert_eq!(recorded_by(&config, "phone", ""), Ok(None), "an unknown channel is none");
    }

    #[test]
    fn the_server_trusts_the_customers_date_within_a_day() {
        assert_eq!(customer_today("2026-11-28", TODAY), CivilDate::parse("2026-11-28").unwrap());
        assert_eq!(customer_today("2026-11-26", TODAY), CivilDate::parse("2026-11-26").unwrap());
        assert_eq!(
            customer_today("2026-11-30", TODAY),
            TODAY,
            "a clock three days ahead is not believed"
        );
        assert_eq!(
            customer_today("2026-11-01", TODAY),
            CivilDate::parse("2026-11-01").unwrap(),
            "it waited in an outbox"
        );
        assert_eq!(customer_today("2026-09-01", TODAY), TODAY, "too old to be an outbox's wait");
        assert_eq!(customer_today("garbage", TODAY), TODAY);
    }

    #[test]
    fn start_step_checks_only_intent_and_product_line() {
        let fields = RequestFields { intent: "repair".into(), ..Default::default() };
        let errors = validate_start(&fields, &config());
        assert_eq!(errors, [FieldError { field: Field::ProductLine, code: ErrorCode::Required }]);
    }

    #[test]
    fn messages_name_the_field_in_both_languages() {
        let error = FieldError { field: Field::FullName, code: ErrorCode::TooLong { max: 100 } };
        assert_eq!(error.message(Lang::En), "Full name must be at most 100 characters");
        assert_eq!(error.message(Lang::ZhCn), "姓名不能超过 100 个字");
    }

    #[test]
    fn errors_serialise_with_a_flat_machine_code() {
        let error =
            FieldError { field: Field::Description, code: ErrorCode::TooLong { max: 4000 } };
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(json, r#"{"field":"description","code":"too_long","max":4000}"#);
        assert_eq!(serde_json::from_str::<FieldError>(&json).unwrap(), error);
        let required = r#"{"field":"phone","code":"required","message":"ignored"}"#;
        assert_eq!(serde_json::from_str::<FieldError>(required).unwrap().code, ErrorCode::Required);
    }

    #[test]
    fn consent_to_notices_is_given_box_by_box_and_needs_the_contact_it_uses() {
        // Nothing ticked: no consent, nobody is told anything.
        assert_eq!(validate(&complete()).unwrap().notify, []);
        let mut fields = with(Field::Notify, "sms email");
        fields.email = "wang@example.cn".into();
        let valid = validate(&fields).unwrap();
        assert_eq!(valid.notify, [NoticeChannel::Email, NoticeChannel::Sms]);
        assert!(!valid.details.contains_key("notify"), "stored as a list, not a detail");
        // By email needs the address; the error is on the address, where it is typed.
        assert_eq!(codes_of(&with(Field::Notify, "email")), [(Field::Email, ErrorCode::Required)]);
        // A landline never receives a text message.
        let mut landline = with(Field::Notify, "sms");
        landline.phone = "010-6552 9988".into();
        assert_eq!(codes_of(&landline), [(Field::Notify, ErrorCode::NeedsMobile)]);
        assert_eq!(
            codes_of(&with(Field::Notify, "sms fax")),
            [(Field::Notify, ErrorCode::UnknownOption)]
        );
        // An engineer's report of a visit is not the customer's consent.
        let mut report = with(Field::Notify, "sms");
        report.intent = "onsite_report".into();
        assert!(!Step::Contact
            .fields(Intent::OnsiteReport, &Conditions::default())
            .contains(&Field::Notify));
        assert!(!errors_of(&report).iter().any(|e| e.field == Field::Notify));
    }

    #[test]
    fn the_customers_language_is_kept_when_it_is_one_the_product_speaks() {
        let mut fields = complete();
        fields.language = "en".into();
        assert_eq!(validate(&fields).unwrap().language.as_deref(), Some("en"));
        fields.language = "zh-Hans-CN".into();
        assert_eq!(validate(&fields).unwrap().language.as_deref(), Some("zh-CN"));
        fields.language = "fr".into();
        assert_eq!(validate(&fields).unwrap().language, None, "the server decides then");
    }
}
