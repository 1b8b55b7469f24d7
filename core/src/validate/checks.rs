//! Value checks: lengths, characters, phone numbers and emails, dates, measurements, photos
//! and transcripts. Each answers with the code of what is wrong, or nothing.

use super::error::{ErrorCode, FieldError};
use crate::config::AppConfig;
use crate::phone::{normalize_phone, takes_text_messages, PhoneError};
use crate::rules::Conditions;
use crate::schema::{
    is_direction_override, is_plain_id, Field, FieldKind, Intent, NoticeChannel, PhotoRef,
    RequestFields, Troubleshooting,
};
use crate::warranty::CivilDate;

/// The longest e-mail address a mail system accepts (RFC 5321's path limit).
pub const EMAIL_MAX_CHARS: usize = 254;

pub(super) fn check_field(
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
            FieldKind::Acknowledgement | FieldKind::Flag => ErrorCode::NotAcknowledged,
            FieldKind::Signature => ErrorCode::SignatureRequired,
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
        FieldKind::Choice(options) => (!options.contains(&value)
            || !conditions.offers(field, value))
        .then_some(ErrorCode::UnknownOption),
        FieldKind::Measurement { min, max, .. } => match parse_measurement(value) {
            None => Some(ErrorCode::InvalidNumber),
            Some(milli) if milli < u64::from(min) * 1000 || milli > u64::from(max) * 1000 => {
                Some(ErrorCode::OutOfRange { min: min as usize, max: max as usize })
            }
            Some(_) => None,
        },
        FieldKind::Several(options) => {
            if value.split_whitespace().any(|word| !options.contains(&word)) {
                Some(ErrorCode::UnknownOption)
            } else if field == Field::Notify
                && NoticeChannel::ticked(value).contains(&NoticeChannel::Sms)
                && normalize_phone(&fields.phone).is_ok_and(|phone| !takes_text_messages(&phone))
            {
                Some(ErrorCode::NeedsMobile)
            } else {
                None
            }
        }
        FieldKind::Acknowledgement => (value != "yes").then_some(ErrorCode::NotAcknowledged),
        FieldKind::Flag => (value != "yes").then_some(ErrorCode::UnknownOption),
        // The drawing travels as a PNG among the photos (stored like one, through the outbox).
        FieldKind::Signature => (!fields
            .photos
            .iter()
            .any(|photo| photo.id == value && photo.content_type == "image/png"))
        .then_some(ErrorCode::InvalidPhoto),
        FieldKind::Photos | FieldKind::Transcript => None,
    }
}

/// A decimal number as people type it on a phone keypad (`220`, `0.5`, `7,5`), in
/// thousandths: a meter's reading is never finer, and integers keep float parsing (and its
/// size) out of the app.
pub fn parse_measurement(value: &str) -> Option<u64> {
    let value = half_width(value);
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

/// Full-width digits and separators (０-９ ． ，), as a Chinese input method types them, as
/// their ASCII forms; everything else as it is.
pub fn half_width(value: &str) -> String {
    value
        .chars()
        .map(|ch| match ch {
            '０'..='９' => char::from(b'0' + (ch as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            other => other,
        })
        .collect()
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
    // Declared sizes come from the client: a sum that overflows is simply too large.
    let total: u64 = photos.iter().fold(0u64, |sum, photo| sum.saturating_add(photo.bytes));
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

/// The longest transcript a flow can produce is bounded by its node count; this bound keeps
/// a hostile client from storing megabytes under the name of a transcript.
pub const TRANSCRIPT_MAX_STEPS: usize = 200;

pub(super) fn is_plausible_transcript(troubleshooting: &Troubleshooting) -> bool {
    is_plain_id(&troubleshooting.flow_id)
        && is_plain_id(&troubleshooting.outcome)
        && troubleshooting.component.as_deref().is_none_or(is_plain_id)
        && troubleshooting.steps.len() <= TRANSCRIPT_MAX_STEPS
        && troubleshooting
            .steps
            .iter()
            .all(|step| is_plain_id(&step.node) && is_plain_id(&step.answer))
}

pub(super) fn check_intent(fields: &RequestFields, errors: &mut Vec<FieldError>) -> Option<Intent> {
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

pub(super) fn check_product_line(
    fields: &RequestFields,
    config: &AppConfig,
    errors: &mut Vec<FieldError>,
) {
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
    length_error(text, min, max)
        .or_else(|| has_forbidden_characters(text).then_some(ErrorCode::InvalidCharacters))
}

/// Whether text typed over several lines holds a character it must not: a control character
/// other than a line break or a tab (a NUL, which PostgreSQL cannot even store, among them),
/// or a text-direction override.
pub fn has_forbidden_characters(text: &str) -> bool {
    text.chars().any(|ch| {
        (ch.is_control() && ch != '\n' && ch != '\r' && ch != '\t') || is_direction_override(ch)
    })
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

    #[test]
    fn declared_photo_sizes_that_overflow_are_too_large_not_a_panic() {
        let config = AppConfig::from_json(include_str!("../../../static/config.json")).unwrap();
        let photo = |n: u8| PhotoRef {
            id: format!("0f3a9c2e-1111-4c1b-9a55-6a1f0e3d2b1{n}"),
            content_type: "image/jpeg".into(),
            bytes: u64::MAX,
            width: 1,
            height: 1,
        };
        let max = config.photos.max_total_bytes as usize;
        assert_eq!(
            check_photos(&[photo(1), photo(2)], false, &config),
            Some(ErrorCode::PhotosTooLarge { max })
        );
    }
}
