//! Reference numbers customers read out over the phone: `SR-20261126-0001` — the day the
//! request arrived and its number that day.

/// Formats a reference from the arrival date (`YYYYMMDD`) and that day's sequence number.
pub fn format_reference(date_yyyymmdd: &str, sequence: u64) -> String {
    format!("SR-{date_yyyymmdd}-{sequence:04}")
}

/// Accepts what a customer might type back: any case, spaces around it.
pub fn parse_reference(typed: &str) -> Option<String> {
    let upper = typed.trim().to_ascii_uppercase();
    let rest = upper.strip_prefix("SR-")?;
    let (date, sequence) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (date.len() == 8
        && digits(date)
        && sequence.len() >= 4
        && sequence.len() <= 9
        && digits(sequence))
    .then_some(upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_round_trip() {
        assert_eq!(format_reference("20261126", 1), "SR-20261126-0001");
        assert_eq!(format_reference("20261126", 12345), "SR-20261126-12345");
        assert_eq!(parse_reference(" sr-20261126-0001 ").as_deref(), Some("SR-20261126-0001"));
        for bad in [
            "",
            "SR-2026-0001",
            "SR-20261126-1",
            "XX-20261126-0001",
            "SR-2026112a-0001",
            "SR-20261126-0001; --",
        ] {
            assert_eq!(parse_reference(bad), None, "{bad}");
        }
    }
}
