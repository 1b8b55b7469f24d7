//! What makes a service request complete and sendable. The app runs these rules to show
//! messages next to fields; the intake server runs the very same rules to refuse bad input.

use serde::{Deserialize, Serialize};

use crate::config::AppConfig;
use crate::config::Mode;
use crate::draft::Step;
use crate::flow::is_plain_id;
use crate::i18n::{Lang, Messages};
use crate::phone::{normalize_phone, PhoneError};
use crate::schema::{
    Category, Field, FieldKind, Intent, PhotoRef, Priority, RequestFields, Troubleshooting,
    ValidRequest,
};
use crate::warranty::{warranty_status, CivilDate, WarrantyStatus};

pub const FULL_NAME_MAX_CHARS: usize = crate::schema::SHORT_TEXT_MAX_CHARS;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const DESCRIPTION_MIN_CHARS: usize = 5;
pub const DESCRIPTION_MAX_CHARS: usize = 4000;

/// Why a field was refused; each code has a message in every language (`error.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    TooShort {
        min: usize,
    },
    TooLong {
        max: usize,
    },
    InvalidPhone,
    InvalidEmail,
    /// Control or text-direction characters where only plain text belongs.
    InvalidCharacters,
    /// A choice that is not one of the offered options.
    UnknownOption,
    /// Not a real calendar date (or date and time).
    InvalidDate,
    /// A purchase or a fault cannot lie in the future.
    FutureDate,
    InvalidNumber,
    /// A measurement outside what the field can plausibly read, in the field's unit.
    OutOfRange {
        min: usize,
        max: usize,
    },
    /// In-warranty repair or replacement needs at least one photo (照片及故障报告单).
    PhotoRequired,
    /// The chargeable-service notice has to be acknowledged.
    NotAcknowledged,
    TooManyPhotos {
        max: usize,
    },
    /// The photos together exceed the limit, in bytes.
    PhotosTooLarge {
        max: usize,
    },
    /// Not a JPEG, PNG or WebP image, or not what it says it is.
    InvalidPhoto,
}

impl ErrorCode {
    /// The machine code on the wire; its message is `error.<code>`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooShort { .. } => "too_short",
            ErrorCode::TooLong { .. } => "too_long",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::UnknownOption => "unknown_option",
            ErrorCode::InvalidDate => "invalid_date",
            ErrorCode::FutureDate => "future_date",
            ErrorCode::InvalidNumber => "invalid_number",
            ErrorCode::OutOfRange { .. } => "out_of_range",
            ErrorCode::PhotoRequired => "photo_required",
            ErrorCode::NotAcknowledged => "not_acknowledged",
            ErrorCode::TooManyPhotos { .. } => "too_many_photos",
            ErrorCode::PhotosTooLarge { .. } => "photos_too_large",
            ErrorCode::InvalidPhoto => "invalid_photo",
        }
    }

    /// The i18n key of the message for this code.
    pub fn message_key(self) -> String {
        format!("error.{}", self.as_str())
    }

    /// The placeholders its message fills in.
    pub fn message_args(self) -> Vec<(&'static str, String)> {
        match self {
            ErrorCode::TooShort { min } => vec![("min", min.to_string())],
            ErrorCode::TooLong { max } | ErrorCode::TooManyPhotos { max } => {
                vec![("max", max.to_string())]
            }
            ErrorCode::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            ErrorCode::PhotosTooLarge { max } => vec![("max", megabytes(max as u64))],
            _ => Vec::new(),
        }
    }
}

/// One refused field. On the wire: `{"field": "description", "code": "too_long", "max": 4000}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "FieldErrorWire", try_from = "FieldErrorWire")]
pub struct FieldError {
    pub field: Field,
    pub code: ErrorCode,
}

/// The flat wire shape. (A flattened, internally tagged enum would say the same with
/// derives, at the cost of serde's buffering machinery in the app's download.)
#[derive(Serialize, Deserialize)]
struct FieldErrorWire {
    field: Field,
    code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max: Option<usize>,
}

impl From<FieldError> for FieldErrorWire {
    fn from(error: FieldError) -> Self {
        let (min, max) = match error.code {
            ErrorCode::TooShort { min } => (Some(min), None),
            ErrorCode::TooLong { max }
            | ErrorCode::TooManyPhotos { max }
            | ErrorCode::PhotosTooLarge { max } => (None, Some(max)),
            ErrorCode::OutOfRange { min, max } => (Some(min), Some(max)),
            _ => (None, None),
        };
        FieldErrorWire { field: error.field, code: error.code.as_str().to_string(), min, max }
    }
}

impl TryFrom<FieldErrorWire> for FieldError {
    type Error = String;

    fn try_from(wire: FieldErrorWire) -> Result<Self, String> {
        let code = match (wire.code.as_str(), wire.min, wire.max) {
            ("required", ..) => ErrorCode::Required,
            ("too_short", Some(min), _) => ErrorCode::TooShort { min },
            ("too_long", _, Some(max)) => ErrorCode::TooLong { max },
            ("invalid_phone", ..) => ErrorCode::InvalidPhone,
            ("invalid_email", ..) => ErrorCode::InvalidEmail,
            ("invalid_characters", ..) => ErrorCode::InvalidCharacters,
            ("unknown_option", ..) => ErrorCode::UnknownOption,
            ("invalid_date", ..) => ErrorCode::InvalidDate,
            ("future_date", ..) => ErrorCode::FutureDate,
            ("invalid_number", ..) => ErrorCode::InvalidNumber,
            ("out_of_range", Some(min), Some(max)) => ErrorCode::OutOfRange { min, max },
            ("photo_required", ..) => ErrorCode::PhotoRequired,
            ("not_acknowledged", ..) => ErrorCode::NotAcknowledged,
            ("too_many_photos", _, Some(max)) => ErrorCode::TooManyPhotos { max },
            ("photos_too_large", _, Some(max)) => ErrorCode::PhotosTooLarge { max },
            ("invalid_photo", ..) => ErrorCode::InvalidPhoto,
            (other, ..) => return Err(format!("unknown error code {other:?}")),
        };
        Ok(FieldError { field: wire.field, code })
    }
}

impl FieldError {
    /// The message shown next to the field and in the error summary, and sent by the server.
    pub fn message(&self, lang: Lang) -> String {
        let messages = Messages::builtin();
        let mut args = self.code.message_args();
        let label_key = format!("field.{}", self.field.name());
        args.push(("field", messages.get(lang, &label_key).to_string()));
        if let FieldKind::Measurement { unit, .. } = self.field.kind() {
            args.push(("unit", unit.to_string()));
        }
        messages.format(lang, &self.code.message_key(), &args)
    }
}

/// The first step: what the customer wants and for which product line.
pub fn validate_start(fields: &RequestFields, config: &AppConfig) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_intent(fields, &mut errors);
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
        if let Some(code) = check_field(fields, field, &conditions, config, today) {
            errors.push(FieldError { field, code });
        }
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
    ];
    let details = on_form
        .iter()
        .filter(|field| !typed.contains(field))
        .filter_map(|&field| optional(field).map(|value| (field.name().to_string(), value)))
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
        priority: Priority::parse(fields.priority.trim()),
        troubleshooting: fields.troubleshooting.clone(),
        details,
        warranty: conditions.warranty,
        photos: fields.photos.clone(),
    })
}

/// The rules that make one field required or shown, computed once from the whole request:
/// the warranty decides what the form asks for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Conditions {
    pub intent: Option<Intent>,
    /// `None` until a valid purchase date is entered for a known product line.
    pub warranty: Option<WarrantyStatus>,
    /// In-warranty repair or replacement: at least one photo and a fault description.
    pub photos_required: bool,
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
}

impl Conditions {
    pub fn of(fields: &RequestFields, config: &AppConfig, today: CivilDate) -> Conditions {
        let intent = Intent::parse(fields.intent.trim());
        let line = config.product_line(fields.product_line.trim());
        let warranty = match (line, CivilDate::parse(fields.purchase_date.trim())) {
            (Some(line), Some(purchased)) if purchased <= today => {
                Some(warranty_status(purchased, line.warranty_months, today))
            }
            _ => None,
        };
        let covered = warranty.as_ref().map(WarrantyStatus::is_covered);
        let resolution = fields.resolution.trim();
        let onsite_visit = resolution == "onsite_visit";
        Conditions {
            intent,
            photos_required: covered == Some(true)
                && matches!(resolution, "repair" | "replacement"),
            chargeable: covered == Some(false) && onsite_visit,
            order_number_required: intent == Some(Intent::ReturnExchangeRefund)
                || line.is_some_and(|line| line.order_number_required),
            address_required: onsite_visit,
            recorded_by_shown: config.mode != Mode::Customer
                || intent == Some(Intent::OnsiteReport),
            emergency: fields.category.trim() == "emergency",
            warranty,
        }
    }

    fn required(&self, field: Field) -> bool {
        use crate::schema::Intent as I;
        use Field::*;
        let intent = self.intent;
        let wants_outcome =
            matches!(intent, Some(I::Repair | I::ReturnExchangeRefund | I::Complaint));
        match field {
            Intent | ProductLine | FullName | Phone | Description => true,
            Resolution => wants_outcome,
            PurchaseDate => matches!(intent, Some(I::Repair | I::ReturnExchangeRefund)),
            Category => intent == Some(I::Complaint),
            OrderNumber => self.order_number_required,
            Address => self.address_required,
            RecordedBy => self.recorded_by_shown,
            Photos => self.photos_required,
            ChargeAck => self.chargeable,
            Site | FaultCause | SignoffName | SignoffAt => intent == Some(I::OnsiteReport),
            _ => false,
        }
    }
}

fn check_field(
    fields: &RequestFields,
    field: Field,
    conditions: &Conditions,
    config: &AppConfig,
    today: CivilDate,
) -> Option<ErrorCode> {
    if field == Field::Photos {
        return check_photos(&fields.photos, conditions.photos_required, config);
    }
    let value = fields.get(field).trim();
    if value.is_empty() {
        return conditions.required(field).then_some(match field.kind() {
            FieldKind::Acknowledgement => ErrorCode::NotAcknowledged,
            _ => ErrorCode::Required,
        });
    }
    match field.kind() {
        FieldKind::Line { max } => single_line_text(value, 1, max),
        FieldKind::Paragraph { min, max } => multi_line_text(value, min, max),
        FieldKind::Tel => match normalize_phone(value) {
            Ok(_) => None,
            Err(PhoneError::Empty) => Some(ErrorCode::Required),
            Err(PhoneError::Invalid) => Some(ErrorCode::InvalidPhone),
        },
        FieldKind::Email if value.chars().count() > EMAIL_MAX_CHARS => {
            Some(ErrorCode::TooLong { max: EMAIL_MAX_CHARS })
        }
        FieldKind::Email => (!is_email_shaped(value)).then_some(ErrorCode::InvalidEmail),
        FieldKind::Date => match CivilDate::parse(value) {
            None => Some(ErrorCode::InvalidDate),
            Some(date) if date > today => Some(ErrorCode::FutureDate),
            Some(_) => None,
        },
        FieldKind::DateTime => check_date_time(value, today),
        // Checked with the start step.
        FieldKind::Choice(_) if matches!(field, Field::Intent | Field::ProductLine) => None,
        FieldKind::Choice(options) => {
            (!options.contains(&value)).then_some(ErrorCode::UnknownOption)
        }
        FieldKind::Measurement { min, max, .. } => match parse_measurement(value) {
            None => Some(ErrorCode::InvalidNumber),
            Some(milli) if milli < u64::from(min) * 1000 || milli > u64::from(max) * 1000 => {
                Some(ErrorCode::OutOfRange { min: min as usize, max: max as usize })
            }
            Some(_) => None,
        },
        FieldKind::Acknowledgement => (value != "yes").then_some(ErrorCode::NotAcknowledged),
        FieldKind::Photos | FieldKind::Transcript => None,
    }
}

/// A decimal number as people type it on a phone keypad (`220`, `0.5`, `7,5`), in
/// thousandths: a meter's reading is never finer, and integers keep float parsing (and its
/// size) out of the app.
pub fn parse_measurement(value: &str) -> Option<u64> {
    let value = value.trim();
    let (whole, fraction) = value.split_once(['.', ',']).unwrap_or((value, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
        || whole.len() > 9
    {
        return None;
    }
    let whole: u64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let mut milli = whole * 1000;
    for (place, digit) in [100, 10, 1].into_iter().zip(fraction.bytes()) {
        milli += place * u64::from(digit - b'0');
    }
    // Anything past the thousandths only matters if the reading is otherwise exactly a limit.
    if fraction.bytes().skip(3).any(|b| b != b'0') {
        milli += 1;
    }
    Some(milli)
}

/// Bytes as megabytes with one decimal, `6000000` → `6.0`.
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `YYYY-MM-DDTHH:MM` (seconds allowed), its date not after the customer's tomorrow
/// (a sign-off late in the evening may already be tomorrow somewhere the engineer is not).
fn check_date_time(value: &str, today: CivilDate) -> Option<ErrorCode> {
    let Some((date, time)) = value.split_once('T') else {
        return Some(ErrorCode::InvalidDate);
    };
    let time_ok = {
        let parts: Vec<&str> = time.split(':').collect();
        (2..=3).contains(&parts.len())
            && parts.iter().all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            && parts[0] < "24"
            && parts[1..].iter().all(|part| *part < "60")
    };
    match CivilDate::parse(date) {
        Some(date) if time_ok && date > today.plus_days(1) => Some(ErrorCode::FutureDate),
        Some(_) if time_ok => None,
        _ => Some(ErrorCode::InvalidDate),
    }
}

pub const PHOTO_CONTENT_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

fn check_photos(photos: &[PhotoRef], required: bool, config: &AppConfig) -> Option<ErrorCode> {
    let limits = config.photos;
    let total: u64 = photos.iter().map(|photo| photo.bytes).sum();
    if photos.is_empty() && required {
        Some(ErrorCode::PhotoRequired)
    } else if photos.len() > limits.max_count as usize {
        Some(ErrorCode::TooManyPhotos { max: limits.max_count as usize })
    } else if total > limits.max_total_bytes {
        Some(ErrorCode::PhotosTooLarge { max: limits.max_total_bytes as usize })
    } else if photos.iter().any(|photo| {
        !is_plain_uuid(&photo.id)
            || !PHOTO_CONTENT_TYPES.contains(&photo.content_type.as_str())
            || photo.bytes == 0
    }) {
        Some(ErrorCode::InvalidPhoto)
    } else {
        None
    }
}

/// Photo ids become storage keys and multipart names: hex and dashes only.
pub fn is_plain_uuid(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
}

/// How long a request may wait in an outbox (an engineer days without signal) and still be
/// judged on the day it was submitted.
pub const OUTBOX_GRACE_DAYS: i64 = 30;

/// The customer's date as the server should judge it: the date their device reported when
/// they submitted, if it is at most a day ahead of the server's UTC date (time zones span
/// UTC−12 to UTC+14) and at most [`OUTBOX_GRACE_DAYS`] behind (it waited in an outbox);
/// the server's date otherwise, so a wrong clock cannot buy warranty.
pub fn customer_today(reported: &str, utc_today: CivilDate) -> CivilDate {
    match CivilDate::parse(reported.trim()) {
        Some(date)
            if (-OUTBOX_GRACE_DAYS..=1)
                .contains(&(date.days_since_epoch() - utc_today.days_since_epoch())) =>
        {
            date
        }
        _ => utc_today,
    }
}

/// The longest transcript a flow can produce is bounded by its node count; this bound keeps
/// a hostile client from storing megabytes under the name of a transcript.
pub const TRANSCRIPT_MAX_STEPS: usize = 200;

fn is_plausible_transcript(troubleshooting: &Troubleshooting) -> bool {
    is_plain_id(&troubleshooting.flow_id)
        && is_plain_id(&troubleshooting.outcome)
        && troubleshooting.steps.len() <= TRANSCRIPT_MAX_STEPS
        && troubleshooting
            .steps
            .iter()
            .all(|step| is_plain_id(&step.node) && is_plain_id(&step.answer))
}

fn check_intent(fields: &RequestFields, errors: &mut Vec<FieldError>) -> Option<Intent> {
    let value = fields.intent.trim();
    if value.is_empty() {
        errors.push(FieldError { field: Field::Intent, code: ErrorCode::Required });
        return None;
    }
    let intent = Intent::parse(value);
    if intent.is_none() {
        errors.push(FieldError { field: Field::Intent, code: ErrorCode::UnknownOption });
    }
    intent
}

fn check_product_line(fields: &RequestFields, config: &AppConfig, errors: &mut Vec<FieldError>) {
    let value = fields.product_line.trim();
    let code = if value.is_empty() {
        ErrorCode::Required
    } else if config.product_line(value).is_none() {
        ErrorCode::UnknownOption
    } else {
        return;
    };
    errors.push(FieldError { field: Field::ProductLine, code });
}

/// Length is counted in characters as a person sees them on screen, not in bytes, so a
/// Chinese name is not cut three times shorter than an English one.
fn length_error(text: &str, min: usize, max: usize) -> Option<ErrorCode> {
    let count = text.chars().count();
    if count == 0 {
        Some(ErrorCode::Required)
    } else if count < min {
        Some(ErrorCode::TooShort { min })
    } else if count > max {
        Some(ErrorCode::TooLong { max })
    } else {
        None
    }
}

fn single_line_text(text: &str, min: usize, max: usize) -> Option<ErrorCode> {
    length_error(text, min, max).or_else(|| {
        text.chars()
            .any(|ch| ch.is_control() || is_direction_override(ch))
            .then_some(ErrorCode::InvalidCharacters)
    })
}

fn multi_line_text(text: &str, min: usize, max: usize) -> Option<ErrorCode> {
    length_error(text, min, max).or_else(|| {
        text.chars()
            .any(|ch| {
                (ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t')
                    || is_direction_override(ch)
            })
            .then_some(ErrorCode::InvalidCharacters)
    })
}

/// Bidirectional overrides can make a name read differently to staff than it was typed.
fn is_direction_override(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A deliberately plain shape check (local@domain.tld); whether the address exists can
/// only be learnt by writing to it.
fn is_email_shaped(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    let plain = |part: &str| {
        !part.is_empty()
            && !part.chars().any(|ch| {
                ch.is_whitespace() || ch.is_control() || ch == '@' || is_direction_override(ch)
            })
    };
    if !plain(local) || !plain(domain) || local.chars().count() > 64 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels
            .iter()
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && labels.last().is_some_and(|tld| {
            tld.chars().count() >= 2 && !tld.chars().all(|ch| ch.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../static/config.json"))
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
            steps: vec![crate::flow::engine::TranscriptEntry {
                node: "start".into(),
                answer: "oc".into(),
                at_ms: 1,
            }],
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
    fn complaints_need_a_category_and_emergency_is_flagged() {
        let mut fields = with(Field::Intent, "complaint");
        assert_eq!(codes_of(&fields), [(Field::Category, ErrorCode::Required)]);
        fields.category = "emergency".into();
        assert!(Conditions::of(&fields, &config(), TODAY).emergency);
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
            resolution: String::new(),
            ..complete()
        }
    }

    #[test]
    fn an_onsite_report_checks_its_measurements_with_units() {
        let valid = validate(&onsite_report()).unwrap();
        assert_eq!(valid.details.get("input_voltage").map(String::as_str), Some("380"));
        assert_eq!(valid.details.get("site").map(String::as_str), Some("苏州工业园区 3 号厂房"));
        let table = [
            (Field::InputVoltage, "220", None),
            (Field::InputVoltage, "0", None),
            (Field::InputVoltage, "1000", None),
            (Field::InputVoltage, "7,5", None),
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
}
