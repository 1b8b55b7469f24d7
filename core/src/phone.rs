//! Phone numbers as customers type them: mainland-China mobiles and landlines with or
//! without the country code, international numbers in E.164, full-width digits from a
//! Chinese input method, and the usual separators. Everything normalises to E.164 so the
//! status look-up can compare what was typed on two different days.

/// Why a phone number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Invalid,
}

/// Normalises a typed phone number to E.164 (`+8613812345678`).
///
/// Accepted: `13812345678`, `138 1234 5678`, `+86 138-1234-5678`, `0086…`, `86138…`,
/// mainland landlines written domestically (`010-6552 9988`), and any international number
/// written with `+` or `00` and its country code.
pub fn normalize_phone(typed: &str) -> Result<String, PhoneError> {
    let mut digits = String::new();
    let mut plus = false;
    for (position, ch) in typed.trim().chars().enumerate() {
        let ch = fold_full_width(ch);
        match ch {
            '0'..='9' => digits.push(ch),
            '+' if position == 0 => plus = true,
            ' ' | '-' | '(' | ')' | '.' | '\u{3000}' => {}
            _ => return Err(PhoneError::Invalid),
        }
    }
    if digits.is_empty() && !plus {
        return Err(PhoneError::Empty);
    }
    if !plus {
        if let Some(rest) = digits.strip_prefix("00") {
            digits = rest.to_string();
            plus = true;
        }
    }
    if plus {
        return international(&digits);
    }
    if is_mainland_mobile(&digits) {
        return Ok(format!("+86{digits}"));
    }
    if let Some(national) = digits.strip_prefix("86") {
        if is_mainland_mobile(national) {
            return Ok(format!("+86{national}"));
        }
    }
    if let Some(national) = digits.strip_prefix('0') {
        if is_mainland_landline(national) {
            return Ok(format!("+86{national}"));
        }
    }
    Err(PhoneError::Invalid)
}

fn international(digits: &str) -> Result<String, PhoneError> {
    // E.164: at most 15 digits, country codes never start with 0.
    if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
        return Err(PhoneError::Invalid);
    }
    if let Some(national) = digits.strip_prefix("86") {
        if !(is_mainland_mobile(national) || is_mainland_landline(national)) {
            return Err(PhoneError::Invalid);
        }
    }
    Ok(format!("+{digits}"))
}

/// Whether a text message can reach a number as [`normalize_phone`] gives it: a mainland
/// number only when it is a mobile (a landline never receives one); a number abroad is
/// taken at its word, since its plan is not known here.
pub fn takes_text_messages(e164: &str) -> bool {
    match e164.strip_prefix("+86") {
        Some(national) => is_mainland_mobile(national),
        None => e164.starts_with('+'),
    }
}

/// 1[3-9] followed by nine digits: every mainland mobile range in use.
fn is_mainland_mobile(national: &str) -> bool {
    let bytes = national.as_bytes();
    bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1])
}

/// A landline without the trunk 0: a two-digit area code (10, 2x) and eight digits, or a
/// three-digit area code (3xx–9xx) and seven or eight digits.
fn is_mainland_landline(national: &str) -> bool {
    let bytes = national.as_bytes();
    match bytes.first() {
        Some(b'1') => bytes.len() == 10 && bytes[1] == b'0',
        Some(b'2'..=b'9') => (10..=11).contains(&bytes.len()),
        _ => false,
    }
}

fn fold_full_width(ch: char) -> char {
    match ch {
        '０'..='９' => char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch),
        '＋' => '+',
        '－' => '-',
        '（' => '(',
        '）' => ')',
        _ => ch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_ways_customers_write_numbers() {
        let table = [
            ("13812345678", "+8613812345678"),
            ("138 1234 5678", "+8613812345678"),
            ("138-1234-5678", "+8613812345678"),
            ("+86 138 1234 5678", "+8613812345678"),
            ("+86-19912345678", "+8619912345678"),
            ("008613812345678", "+8613812345678"),
            ("8613812345678", "+8613812345678"),
            ("１３８１２３４５６７８", "+8613812345678"),
            ("＋８６ １３８１２３４５６７８", "+8613812345678"),
            ("010-6552 9988", "+861065529988"),
            ("(0755) 8888 6666", "+8675588886666"),
            ("+44 20 7946 0958", "+442079460958"),
            ("+1 (415) 555-0100", "+14155550100"),
            ("0049 30 901820", "+4930901820"),
            ("  13912345678  ", "+8613912345678"),
        ];
        for (typed, expected) in table {
            assert_eq!(normalize_phone(typed).as_deref(), Ok(expected), "{typed}");
        }
    }

    #[test]
    fn refuses_what_cannot_be_called() {
        let table = [
            ("", PhoneError::Empty),
            ("   ", PhoneError::Empty),
            ("12345678901", PhoneError::Invalid),
            ("1381234567", PhoneError::Invalid),
            ("138123456789", PhoneError::Invalid),
            ("12812345678", PhoneError::Invalid),
            ("+0123456789", PhoneError::Invalid),
            ("+1234567", PhoneError::Invalid),
            ("+1234567890123456", PhoneError::Invalid),
            ("+86 128 1234 5678", PhoneError::Invalid),
            ("138x1234x5678", PhoneError::Invalid),
            ("电话13812345678", PhoneError::Invalid),
            ("1+3812345678", PhoneError::Invalid),
            ("📞13812345678", PhoneError::Invalid),
            ("+", PhoneError::Invalid),
            ("4155550100", PhoneError::Invalid),
        ];
        for (typed, expected) in table {
            assert_eq!(normalize_phone(typed), Err(expected), "{typed:?}");
        }
    }

    #[test]
    fn text_messages_reach_mobiles_and_numbers_abroad_but_not_mainland_landlines() {
        let reaches = |typed: &str| takes_text_messages(&normalize_phone(typed).unwrap());
        assert!(reaches("138 1234 5678"));
        assert!(reaches("+86 199 0000 1111"));
        assert!(!reaches("010-6552 9988"), "a Beijing landline");
        assert!(!reaches("0755 8888 1234"), "a Shenzhen landline");
        assert!(reaches("+44 20 7946 0958"), "abroad: not known here, so tried");
        assert!(!takes_text_messages(""));
    }
}
