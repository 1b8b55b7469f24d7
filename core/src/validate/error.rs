//! The vocabulary of refusals: why a field was refused, as a machine code with its numbers,
//! on the wire and in every language's messages.

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Messages};
use crate::schema::{Field, FieldKind};

/// Writes the codes once: the enum, its wire names, reading them back, and the list the
/// message tables are checked against all come from this table.
macro_rules! error_codes {
    // `numbers` names the numbers a code may carry, as its fields and on the wire.
    (numbers($min:ident, $max:ident); $($(#[$doc:meta])* $variant:ident $({ $($number:ident),+ })? => $code:literal,)+) => {
        /// Why a field was refused; each code has a message in every language (`error.<code>`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant $({ $($number: usize),+ })?,)+
        }

        impl ErrorCode {
            /// Every code's wire name, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($code),+];

            /// The machine code on the wire; its message is `error.<code>`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant { .. } => $code,)+
                }
            }

            /// A code from its wire name and the numbers its message needs.
            fn from_wire(code: &str, $min: Option<usize>, $max: Option<usize>) -> Option<ErrorCode> {
                match code {
                    $($code => Some(ErrorCode::$variant $({ $($number: $number?),+ })?),)+
                    _ => None,
                }
            }
        }
    };
}

error_codes! {
    numbers(min, max);
    Required => "required",
    TooShort { min } => "too_short",
    TooLong { max } => "too_long",
    InvalidPhone => "invalid_phone",
    InvalidEmail => "invalid_email",
    /// Control or text-direction characters where only plain text belongs.
    InvalidCharacters => "invalid_characters",
    /// A choice that is not one of the offered options.
    UnknownOption => "unknown_option",
    /// Not a real calendar date (or date and time).
    InvalidDate => "invalid_date",
    /// A purchase or a fault cannot lie in the future.
    FutureDate => "future_date",
    InvalidNumber => "invalid_number",
    /// A measurement outside what the field can plausibly read, in the field's unit.
    OutOfRange { min, max } => "out_of_range",
    /// In-warranty repair or replacement needs at least one photo (照片及故障报告单).
    PhotoRequired => "photo_required",
    /// The chargeable-service notice has to be acknowledged.
    NotAcknowledged => "not_acknowledged",
    TooManyPhotos { max } => "too_many_photos",
    /// The photos together exceed the limit, in bytes.
    PhotosTooLarge { max } => "photos_too_large",
    /// Not a JPEG, PNG or WebP image, or not what it says it is.
    InvalidPhoto => "invalid_photo",
    SignatureRequired => "signature_required",
    /// An on-site visit cannot end before it began.
    BeforeArrival => "before_arrival",
    /// Text messages were asked for, but the phone number is a landline.
    NeedsMobile => "needs_mobile",
}

impl ErrorCode {
    /// The code named `code` (numbers it carries set to 1 and 2): every code, for checks
    /// that go through all of them.
    pub fn example(code: &str) -> Option<ErrorCode> {
        ErrorCode::from_wire(code, Some(1), Some(2))
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
        let code = ErrorCode::from_wire(&wire.code, wire.min, wire.max)
            .ok_or_else(|| format!("unknown error code {:?}", wire.code))?;
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
        // A choice is chosen, not filled in (请选择 / 请填写).
        let key = match (self.code, self.field.kind()) {
            (ErrorCode::Required, FieldKind::Choice(_)) => "error.required_choice".to_string(),
            (code, _) => code.message_key(),
        };
        messages.format(lang, &key, &args)
    }
}

/// Bytes as megabytes with one decimal, `6000000` → `6.0`: how a size limit reads in a
/// message.
pub fn megabytes(bytes: u64) -> String {
    let tenths = (bytes + 50_000) / 100_000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_the_wire_and_has_a_message_in_every_language() {
        for &code in ErrorCode::ALL {
            let parsed = ErrorCode::from_wire(code, Some(1), Some(2)).expect("a listed code");
            assert_eq!(parsed.as_str(), code);
            // A range's message names the unit: it belongs to a measurement.
            let field = match parsed {
                ErrorCode::OutOfRange { .. } => Field::InputVoltage,
                _ => Field::Description,
            };
            let error = FieldError { field, code: parsed };
            let wire = serde_json::to_string(&error).unwrap();
            assert_eq!(serde_json::from_str::<FieldError>(&wire).unwrap(), error, "{wire}");
            for lang in Lang::ALL {
                let key = parsed.message_key();
                let text = Messages::builtin().get(lang, &key);
                assert_ne!(text, key, "no {} message for {code}", lang.tag());
                assert!(!error.message(lang).contains('{'), "{code}: a placeholder left unfilled");
            }
        }
        assert_eq!(ErrorCode::from_wire("too_long", None, None), None, "its number is missing");
        assert_eq!(ErrorCode::from_wire("no_such_code", None, None), None);
    }
}
