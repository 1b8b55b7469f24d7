//! What makes a service request complete and sendable. The app runs these rules to show
//! messages next to fields; the intake server runs the very same rules to refuse bad input.

use serde::{Deserialize, Serialize};

use crate::config::AppConfig;
use crate::flow::is_plain_id;
use crate::i18n::{Lang, Messages};
use crate::phone::{normalize_phone, PhoneError};
use crate::schema::{Category, Field, Intent, Priority, RequestFields, Troubleshooting, ValidRequest};

pub const FULL_NAME_MAX_CHARS: usize = 100;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const DESCRIPTION_MIN_CHARS: usize = 5;
pub const DESCRIPTION_MAX_CHARS: usize = 4000;

/// Why a field was refused; each code has a message in every language (`error.<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    InvalidPhone,
    InvalidEmail,
    /// Control or text-direction characters where only plain text belongs.
    InvalidCharacters,
    /// A choice that is not one of the offered options.
    UnknownOption,
}

impl ErrorCode {
    /// The machine code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooShort { .. } => "too_short",
            ErrorCode::TooLong { .. } => "too_long",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidCharacters => "invalid_characters",
            ErrorCode::UnknownOption => "unknown_option",
        }
    }

    /// The i18n key of the message for this code.
    pub fn message_key(self) -> &'static str {
        match self {
            ErrorCode::Required => "error.required",
            ErrorCode::TooShort { .. } => "error.too_short",
            ErrorCode::TooLong { .. } => "error.too_long",
            ErrorCode::InvalidPhone => "error.invalid_phone",
            ErrorCode::InvalidEmail => "error.invalid_email",
            ErrorCode::InvalidCharacters => "error.invalid_characters",
            ErrorCode::UnknownOption => "error.unknown_option",
        }
    }

    /// The placeholders its message fills in.
    pub fn message_args(self) -> Vec<(&'static str, String)> {
        match self {
            ErrorCode::TooShort { min } => vec![("min", min.to_string())],
            ErrorCode::TooLong { max } => vec![("max", max.to_string())],
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
            ErrorCode::TooLong { max } => (None, Some(max)),
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
        messages.format(lang, self.code.message_key(), &args)
    }
}

/// The first step: what the customer wants and for which product line.
pub fn validate_start(fields: &RequestFields, config: &AppConfig) -> Vec<FieldError> {
    let mut errors = Vec::new();
    check_intent(fields, &mut errors);
    check_product_line(fields, config, &mut errors);
    errors
}

/// The whole request. Errors come in screen order, at most one per field.
pub fn validate_request(
    fields: &RequestFields,
    config: &AppConfig,
) -> Result<ValidRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let intent = check_intent(fields, &mut errors);
    check_product_line(fields, config, &mut errors);

    let full_name = fields.full_name.trim();
    if let Some(code) = single_line_text(full_name, 1, FULL_NAME_MAX_CHARS) {
        errors.push(FieldError { field: Field::FullName, code });
    }

    let phone = match normalize_phone(&fields.phone) {
        Ok(phone) => Some(phone),
        Err(PhoneError::Empty) => {
            errors.push(FieldError { field: Field::Phone, code: ErrorCode::Required });
            None
        }
        Err(PhoneError::Invalid) => {
            errors.push(FieldError { field: Field::Phone, code: ErrorCode::InvalidPhone });
            None
        }
    };

    let email = fields.email.trim();
    if !email.is_empty() {
        if email.chars().count() > EMAIL_MAX_CHARS {
            let code = ErrorCode::TooLong { max: EMAIL_MAX_CHARS };
            errors.push(FieldError { field: Field::Email, code });
        } else if !is_email_shaped(email) {
            errors.push(FieldError { field: Field::Email, code: ErrorCode::InvalidEmail });
        }
    }

    let description = fields.description.trim();
    if let Some(code) = multi_line_text(description, DESCRIPTION_MIN_CHARS, DESCRIPTION_MAX_CHARS) {
        errors.push(FieldError { field: Field::Description, code });
    }

    let category = optional_choice(fields, Field::Category, Category::parse, &mut errors);
    let priority = optional_choice(fields, Field::Priority, Priority::parse, &mut errors);
    if let Some(troubleshooting) = &fields.troubleshooting {
        if !is_plausible_transcript(troubleshooting) {
            errors.push(FieldError { field: Field::Troubleshooting, code: ErrorCode::InvalidCharacters });
        }
    }

    match (errors.is_empty(), intent, phone) {
        (true, Some(intent), Some(phone)) => Ok(ValidRequest {
            intent,
            product_line: fields.product_line.trim().to_string(),
            full_name: full_name.to_string(),
            phone,
            email: (!email.is_empty()).then(|| email.to_string()),
            description: description.to_string(),
            category,
            priority,
            troubleshooting: fields.troubleshooting.clone(),
        }),
        _ => Err(errors),
    }
}

/// The longest transcript a flow can produce is bounded by its node count; this bound keeps
/// a hostile client from storing megabytes under the name of a transcript.
pub const TRANSCRIPT_MAX_STEPS: usize = 200;

fn optional_choice<T>(
    fields: &RequestFields,
    field: Field,
    parse: fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let value = fields.get(field).trim();
    if value.is_empty() {
        return None;
    }
    let parsed = parse(value);
    if parsed.is_none() {
        errors.push(FieldError { field, code: ErrorCode::UnknownOption });
    }
    parsed
}

fn is_plausible_transcript(troubleshooting: &Troubleshooting) -> bool {
    is_plain_id(&troubleshooting.flow_id)
        && is_plain_id(&troubleshooting.outcome)
        && troubleshooting.steps.len() <= TRANSCRIPT_MAX_STEPS
        && troubleshooting.steps.iter().all(|step| is_plain_id(&step.node) && is_plain_id(&step.answer))
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
            .any(|ch| (ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') || is_direction_override(ch))
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
            && !part.chars().any(|ch| ch.is_whitespace() || ch.is_control() || ch == '@' || is_direction_override(ch))
    };
    if !plain(local) || !plain(domain) || local.chars().count() > 64 {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && !tld.chars().all(|ch| ch.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../static/config.json")).expect("shipped config parses")
    }

    fn complete() -> RequestFields {
        RequestFields {
            intent: "repair".into(),
            product_line: "inverter".into(),
            full_name: "王建国".into(),
            phone: "138 1234 5678".into(),
            email: String::new(),
            description: "变频器上电后显示 OC1 过流故障，电机无法启动。".into(),
            ..Default::default()
        }
    }

    fn errors_of(fields: &RequestFields) -> Vec<FieldError> {
        validate_request(fields, &config()).err().unwrap_or_default()
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
        let valid = validate_request(&fields, &config()).expect("valid");
        assert_eq!(valid.intent, Intent::Repair);
        assert_eq!(valid.full_name, "王建国");
        assert_eq!(valid.phone, "+8613812345678");
        assert_eq!(valid.email.as_deref(), Some("wang@example.cn"));
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_screen_order() {
        let errors = errors_of(&RequestFields::default());
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [Field::Intent, Field::ProductLine, Field::FullName, Field::Phone, Field::Description]
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
            (Field::Intent, "complaint", None),
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
            (Field::Description, "🔥🔥🔥🔥", Some(ErrorCode::TooShort { min: DESCRIPTION_MIN_CHARS })),
            (Field::Description, "🔥🔥🔥🔥🔥 smoke", None),
            (Field::Description, "第一行\n第二行\t缩进", None),
            (Field::Description, &max_description, None),
            (Field::Description, &long_description, Some(ErrorCode::TooLong { max: DESCRIPTION_MAX_CHARS })),
            (Field::Description, "null byte \0 here", Some(ErrorCode::InvalidCharacters)),
            (Field::Description, "<script>alert(1)</script>", None),
            (Field::Description, "'; DROP TABLE requests; --", None),
        ];
        for (field, value, expected) in table {
            let errors = errors_of(&with(field, value));
            let got = errors.iter().find(|e| e.field == field).map(|e| e.code);
            assert_eq!(got, expected, "{} = {value:?}", field.name());
            assert!(errors.iter().all(|e| e.field == field), "only {} may fail: {errors:?}", field.name());
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
            steps: vec![crate::flow::engine::TranscriptEntry { node: "start".into(), answer: "oc".into(), at_ms: 1 }],
        });
        let valid = validate_request(&fields, &config()).unwrap();
        assert_eq!((valid.category, valid.priority), (Some(Category::Quality), Some(Priority::Urgent)));

        fields.category = "angry".into();
        fields.troubleshooting.as_mut().unwrap().steps[0].node = "<script>".into();
        let fields_in_error: Vec<Field> = errors_of(&fields).iter().map(|e| e.field).collect();
        assert_eq!(fields_in_error, [Field::Category, Field::Troubleshooting]);
    }

    #[test]
    fn mojibake_is_text_like_any_other() {
        // UTF-8 read as GBK, from the seed reports: still valid text, kept as typed.
        let fields = with(Field::Description, "鍞鍚庡㈡湇骞寸粓宸ヤ綔鎬荤粨");
        assert_eq!(validate_request(&fields, &config()).unwrap().description, "鍞鍚庡㈡湇骞寸粓宸ヤ綔鎬荤粨");
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
        let error = FieldError { field: Field::Description, code: ErrorCode::TooLong { max: 4000 } };
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(json, r#"{"field":"description","code":"too_long","max":4000}"#);
        assert_eq!(serde_json::from_str::<FieldError>(&json).unwrap(), error);
        let required = r#"{"field":"phone","code":"required","message":"ignored"}"#;
        assert_eq!(serde_json::from_str::<FieldError>(required).unwrap().code, ErrorCode::Required);
    }
}
