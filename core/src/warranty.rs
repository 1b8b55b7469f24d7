//! Warranty status from the purchase date and the product line's warranty period.
//!
//! Dates are calendar dates as the customer lives them: the app passes the customer's own
//! date (from the device's clock and time zone), never the server's, so a purchase made on
//! "the 15th" in Beijing is covered through the 14th a year later in Beijing.

use serde::{Deserialize, Serialize};

/// A calendar date without a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl CivilDate {
    pub fn new(year: i32, month: u32, day: u32) -> Option<CivilDate> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(CivilDate { year, month, day })
    }

    /// `YYYY-MM-DD`, as a date control and ISO 8601 write it.
    pub fn parse(text: &str) -> Option<CivilDate> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = text.get(range)?;
            part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
        };
        CivilDate::new(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }

    /// Days since 1970-01-01 (negative before). Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days_since_epoch(days: i64) -> CivilDate {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        CivilDate { year, month, day }
    }

    /// The date on a wall clock `offset_minutes` east of UTC at `epoch_ms`
    /// (Beijing is +480; JavaScript's `getTimezoneOffset` is the negation).
    pub fn at(epoch_ms: i64, offset_minutes: i32) -> CivilDate {
        let local_ms = epoch_ms + i64::from(offset_minutes) * 60_000;
        CivilDate::from_days_since_epoch(local_ms.div_euclid(86_400_000))
    }

    pub fn plus_days(self, days: i64) -> CivilDate {
        CivilDate::from_days_since_epoch(self.days_since_epoch() + days)
    }
}

impl std::fmt::Display for CivilDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Whether the product is covered on the customer's date, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WarrantyStatus {
    /// Covered through `until` (the last covered day, `YYYY-MM-DD`).
    InWarranty { until: String },
    /// Coverage ended after `ended` (the last covered day).
    OutOfWarranty { ended: String },
    /// The customer does not know the purchase date: the service team checks the warranty
    /// from `serial_number` (their records of the factory or sale date). Nothing that
    /// depends on the warranty blocks the customer meanwhile.
    ToBeChecked { serial_number: String },
}

impl WarrantyStatus {
    pub fn is_covered(&self) -> bool {
        matches!(self, WarrantyStatus::InWarranty { .. })
    }

    /// Covered, not covered, or not known yet.
    pub fn covered(&self) -> Option<bool> {
        match self {
            WarrantyStatus::InWarranty { .. } => Some(true),
            WarrantyStatus::OutOfWarranty { .. } => Some(false),
            WarrantyStatus::ToBeChecked { .. } => None,
        }
    }

    /// The machine name, as stored in a column and shown to staff.
    pub fn as_str(&self) -> &'static str {
        match self {
            WarrantyStatus::InWarranty { .. } => "in_warranty",
            WarrantyStatus::OutOfWarranty { .. } => "out_of_warranty",
            WarrantyStatus::ToBeChecked { .. } => "to_be_checked",
        }
    }
}

/// The last day a purchase is covered: the day before the same calendar day `months` later.
/// When that day does not exist (bought on 31 January, or on 29 February with a yearly
/// warranty), coverage runs to the end of that shorter month — never less than promised.
pub fn last_covered_day(purchased: CivilDate, months: u32) -> CivilDate {
    let months_from_zero =
        purchased.year as i64 * 12 + i64::from(purchased.month - 1) + i64::from(months);
    let year = months_from_zero.div_euclid(12) as i32;
    let month = months_from_zero.rem_euclid(12) as u32 + 1;
    let last = days_in_month(year, month);
    if purchased.day <= last {
        CivilDate { year, month, day: purchased.day }.plus_days(-1)
    } else {
        CivilDate { year, month, day: last }
    }
}

pub fn warranty_status(purchased: CivilDate, months: u32, today: CivilDate) -> WarrantyStatus {
    let last = last_covered_day(purchased, months);
    if today <= last {
        WarrantyStatus::InWarranty { until: last.to_string() }
    } else {
        WarrantyStatus::OutOfWarranty { ended: last.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn covered_through_the_day_before_the_anniversary() {
        let bought = date("2025-03-15");
        assert_eq!(last_covered_day(bought, 12), date("2026-03-14"));
        let on = |today: &str| warranty_status(bought, 12, date(today)).is_covered();
        assert!(on("2026-03-13"), "two days before");
        assert!(on("2026-03-14"), "the last covered day");
        assert!(!on("2026-03-15"), "the anniversary itself");
        assert!(!on("2027-01-01"));
        assert!(on("2025-03-15"), "the day of purchase");
    }

    #[test]
    fn leap_days_and_short_months_never_cut_coverage() {
        assert_eq!(last_covered_day(date("2024-02-29"), 12), date("2025-02-28"));
        assert_eq!(last_covered_day(date("2024-02-29"), 48), date("2028-02-28"));
        assert_eq!(last_covered_day(date("2025-01-31"), 1), date("2025-02-28"));
        assert_eq!(last_covered_day(date("2024-01-31"), 1), date("2024-02-29"));
        assert_eq!(last_covered_day(date("2025-03-01"), 12), date("2026-02-28"));
        assert_eq!(last_covered_day(date("2023-03-01"), 12), date("2024-02-29"));
        assert_eq!(last_covered_day(date("2025-12-31"), 18), date("2027-06-30"));
        assert!(warranty_status(date("2024-02-29"), 12, date("2025-02-28")).is_covered());
        assert!(!warranty_status(date("2024-02-29"), 12, date("2025-03-01")).is_covered());
    }

    #[test]
    fn the_customers_time_zone_decides_the_day() {
        // 2026-03-14 20:30 UTC is already the 15th in Beijing, still the 14th in New York.
        let instant = date("2026-03-14").days_since_epoch() * 86_400_000 + (20 * 60 + 30) * 60_000;
        let beijing = CivilDate::at(instant, 480);
        let new_york = CivilDate::at(instant, -300);
        assert_eq!((beijing, new_york), (date("2026-03-15"), date("2026-03-14")));
        let bought = date("2025-03-15");
        assert!(!warranty_status(bought, 12, beijing).is_covered());
        assert!(warranty_status(bought, 12, new_york).is_covered());
    }

    #[test]
    fn dates_parse_strictly_and_round_trip_through_days() {
        for bad in [
            "2025-02-29",
            "2025-13-01",
            "2025-1-01",
            "20250101",
            "2025-01-0x",
            "",
            "+025-01-01",
            "2025-00-10",
        ] {
            assert_eq!(CivilDate::parse(bad), None, "{bad:?}");
        }
        for text in
            ["1970-01-01", "2000-02-29", "1969-12-31", "2026-11-27", "9999-12-31", "0001-01-01"]
        {
            let d = date(text);
            assert_eq!(CivilDate::from_days_since_epoch(d.days_since_epoch()), d);
            assert_eq!(d.to_string(), text);
        }
        assert_eq!(date("1970-01-01").days_since_epoch(), 0);
        assert_eq!(
            date("2000-03-01").days_since_epoch() - date("2000-02-28").days_since_epoch(),
            2
        );
    }
}
