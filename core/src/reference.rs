//! Reference numbers customers read out over the phone: `SR-20261127-K7Q4M2X` — the day the
//! request arrived, six random characters and a check character.
//!
//! The random part is what keeps one customer's request from being found by walking a day's
//! numbers (the sequential `SR-20261126-0001` of earlier versions could be). Its alphabet is
//! Crockford's base 32 — digits and capitals without I, L, O and U — so nothing reads as
//! something else, and what a customer types back with O for 0 or I/L for 1 still matches.
//! The check character catches a mistyped or swapped character before any look-up.
//! Sequential references issued before are refused at every customer's door
//! ([`parse_reference`]): a day's numbers could be walked; staff still find them
//! ([`parse_issued_reference`]).

/// The characters of the random part and the check, each worth its index.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Random characters: 32⁶ ≈ 10⁹ per day, against a look-up that is rate limited and also
/// needs the contact given with the request.
pub const RANDOM_LEN: usize = 6;

/// Formats a new reference from the arrival date (`YYYYMMDD`) and random bytes (any bytes:
/// each is taken modulo 32, which keeps a uniform byte uniform).
pub fn new_reference(date_yyyymmdd: &str, random: [u8; RANDOM_LEN]) -> String {
    let random: String = random.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect();
    let check = check_char(date_yyyymmdd, &random);
    format!("SR-{date_yyyymmdd}-{random}{check}")
}

/// The sequential form issued before random references; still what old receipts carry.
pub fn format_reference(date_yyyymmdd: &str, sequence: u64) -> String {
    format!("SR-{date_yyyymmdd}-{sequence:04}")
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|i| i as u32)
}

/// A weighted sum modulo 31 (a prime) over the date and the random part: every single
/// changed character and every swap of two neighbours changes it, except 0 for Z, the
/// only two values 31 apart.
fn check_char(date: &str, random: &str) -> char {
    let sum: u32 = date
        .bytes()
        .chain(random.bytes())
        .enumerate()
        .map(|(i, c)| (i as u32 + 1) * value(c).unwrap_or(0))
        .sum();
    ALPHABET[(sum % 31) as usize] as char
}

/// Accepts what a customer might type back: any case, spaces around it, O for 0 and I or L
/// for 1. `None` for anything that is not a random reference with its check: the sequential
/// form of earlier versions is refused, so its requests cannot be looked up by walking
/// numbers.
pub fn parse_reference(typed: &str) -> Option<String> {
    parse_either(typed).and_then(|(reference, random)| random.then_some(reference))
}

/// [`parse_reference`], and also the sequential form earlier versions issued: for staff, who
/// still work those requests, never for a customer's look-up.
pub fn parse_issued_reference(typed: &str) -> Option<String> {
    parse_either(typed).map(|(reference, _)| reference)
}

/// The reference, and whether it is a random one (a random part of digits whose check is a
/// digit looks sequential too: its check decides).
fn parse_either(typed: &str) -> Option<(String, bool)> {
    let upper = typed.trim().to_ascii_uppercase();
    let rest: String = upper
        .strip_prefix("SR-")?
        .chars()
        .map(|c| match c {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect();
    let (date, suffix) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if date.len() != 8 || !digits(date) {
        return None;
    }
    let sequential = (4..=9).contains(&suffix.len()) && digits(suffix);
    let random = suffix.len() == RANDOM_LEN + 1 && suffix.bytes().all(|b| value(b).is_some()) && {
        let (random, check) = suffix.split_at(RANDOM_LEN);
        check.starts_with(check_char(date, random))
    };
    (sequential || random).then(|| (format!("SR-{date}-{suffix}"), random))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_references_are_found_by_staff_only() {
        assert_eq!(format_reference("20261126", 1), "SR-20261126-0001");
        assert_eq!(format_reference("20261126", 12345), "SR-20261126-12345");
        assert_eq!(
            parse_issued_reference(" sr-20261126-0001 ").as_deref(),
            Some("SR-20261126-0001")
        );
        assert_eq!(parse_reference("SR-20261126-0001"), None, "a customer's door refuses it");
        assert_eq!(parse_reference("SR-20261126-12345"), None);
        for bad in [
            "",
            "SR-2026-0001",
            "SR-20261126-1",
            "XX-20261126-0001",
            "SR-2026112a-0001",
            "SR-20261126-0001; --",
        ] {
            assert_eq!(parse_issued_reference(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_references_are_readable_and_checked() {
        let reference = new_reference("20261127", [0, 1, 31, 32, 200, 255]);
        assert_eq!(&reference[..12], "SR-20261127-");
        assert_eq!(&reference[12..18], "01Z08Z");
        assert_eq!(reference.len(), 19);
        assert_eq!(parse_reference(&reference).as_deref(), Some(reference.as_str()));
        let typed = reference.to_lowercase().replace('0', "o").replacen('1', "l", 1);
        assert_eq!(parse_reference(&format!("  {typed} ")).as_deref(), Some(reference.as_str()));
        assert!(reference[12..].bytes().all(|b| !b"ILOU".contains(&b)));
        // All digits, check included: random by its check, not sequential by its look.
        let digits = new_reference("20261102", [1, 2, 3, 4, 5, 6]);
        assert!(digits[12..].bytes().all(|b| b.is_ascii_digit()), "{digits}");
        assert_eq!(parse_reference(&digits).as_deref(), Some(digits.as_str()));
    }

    #[test]
    fn the_check_catches_one_wrong_character_and_one_swap() {
        let reference = new_reference("20261127", [11, 22, 3, 14, 25, 6]);
        let chars: Vec<char> = reference.chars().collect();
        for at in (3..11).chain(12..19) {
            for &replacement in ALPHABET {
                let replacement = replacement as char;
                let changed = chars[at] != replacement;
                let zero_for_z = matches!((chars[at], replacement), ('0', 'Z') | ('Z', '0'));
                let date_digit = at < 11 && !replacement.is_ascii_digit();
                if !changed || zero_for_z || date_digit {
                    continue;
                }
                let mut typo = chars.clone();
                typo[at] = replacement;
                let typo: String = typo.into_iter().collect();
                assert_eq!(parse_reference(&typo), None, "{typo}");
            }
        }
        for at in 12..18 {
            let mut swapped = chars.clone();
            swapped.swap(at, at + 1);
            if swapped != chars {
                let swapped: String = swapped.into_iter().collect();
                assert_eq!(parse_reference(&swapped), None, "{swapped}");
            }
        }
    }
}
