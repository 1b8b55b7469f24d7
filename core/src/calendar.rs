//! The public holiday calendar as data (`config.json` `calendar`): the days off the State
//! Council publishes each year for the seven statutory festivals, and the weekend days made
//! working days to pay for them (调休). The reply-time arithmetic reads it, so a promise made
//! before 国庆节 does not fall on 3 October, and one made before a 调休 Sunday counts that
//! Sunday as a working day.
//!
//! The arrangement changes every year and is published late in the year before, so it is
//! data a company updates, not code. [`Calendar::problem`] keeps it honest: no date listed
//! twice, every year listed whole (all seven festivals), make-up working days only on
//! weekends.

use serde::{Deserialize, Serialize};

use crate::warranty::CivilDate;

/// A statutory festival, as the State Council's yearly notice names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Festival {
    /// 元旦
    NewYear,
    /// 春节
    SpringFestival,
    /// 清明节
    Qingming,
    /// 劳动节
    LabourDay,
    /// 端午节
    DragonBoat,
    /// 中秋节
    MidAutumn,
    /// 国庆节
    NationalDay,
}

impl Festival {
    pub const ALL: [Festival; 7] = [
        Festival::NewYear,
        Festival::SpringFestival,
        Festival::Qingming,
        Festival::LabourDay,
        Festival::DragonBoat,
        Festival::MidAutumn,
        Festival::NationalDay,
    ];
}

/// One stretch of days off: `{"festivals": ["national_day"], "from": "2026-10-01", "to":
/// "2026-10-07"}`. Mid-Autumn and National Day sometimes share one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRange {
    pub festivals: Vec<Festival>,
    /// First and last day off, `YYYY-MM-DD`, both included.
    pub from: String,
    pub to: String,
}

/// One year as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarYear {
    pub year: i32,
    pub holidays: Vec<HolidayRange>,
    /// Saturdays and Sundays worked instead (调休上班), `YYYY-MM-DD`.
    #[serde(default)]
    pub working_days: Vec<String>,
}

/// `config.json`'s `calendar`: the years published so far. A date in a year not listed is a
/// working day from Monday to Friday, as `reply_times.working_days` says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Calendar {
    pub years: Vec<CalendarYear>,
}

/// The days of a range, or `None` when a date does not parse or the range runs backwards
/// (or longer than a month, which no published holiday does).
fn days(range: &HolidayRange) -> Option<Vec<CivilDate>> {
    let (from, to) = (CivilDate::parse(&range.from)?, CivilDate::parse(&range.to)?);
    let length = to.days_since_epoch() - from.days_since_epoch();
    (0..=31).contains(&length).then(|| (0..=length).map(|d| from.plus_days(d)).collect())
}

/// ISO weekday, 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
pub fn weekday(day: CivilDate) -> u8 {
    (day.days_since_epoch() + 3).rem_euclid(7) as u8 + 1
}

impl Calendar {
    /// What is wrong with the calendar, for the configuration's error: a date that does not
    /// parse, a date listed twice (as two holidays, two working days, or both), a year listed
    /// twice or without all seven festivals, a make-up working day that is not a weekend day,
    /// a date outside its year (a New Year's holiday may begin on the 31 December before).
    pub fn problem(&self) -> Option<String> {
        let mut seen: Vec<CivilDate> = Vec::new();
        for (i, year) in self.years.iter().enumerate() {
            let at = format!("calendar.years[{i}] ({})", year.year);
            if self.years[..i].iter().any(|earlier| earlier.year == year.year) {
                return Some(format!("{at}: the year is listed twice"));
            }
            if let Some(missing) = Festival::ALL
                .iter()
                .find(|festival| !year.holidays.iter().any(|h| h.festivals.contains(festival)))
            {
                return Some(format!(
                    "{at}: a year is listed whole, with all seven festivals; {missing:?} is missing"
                ));
            }
            let mut dates = Vec::new();
            for range in &year.holidays {
                let Some(range_days) = days(range) else {
                    return Some(format!(
                        "{at}: holiday {} to {} is not two YYYY-MM-DD dates a month or less apart, in order",
                        range.from, range.to
                    ));
                };
                let new_years_eve = |day: &CivilDate| {
                    range.festivals.contains(&Festival::NewYear)
                        && (day.year, day.month, day.day) == (year.year - 1, 12, 31)
                };
                if let Some(outside) =
                    range_days.iter().find(|day| day.year != year.year && !new_years_eve(day))
                {
                    return Some(format!("{at}: {outside} is not in {}", year.year));
                }
                dates.extend(range_days);
            }
            for text in &year.working_days {
                let Some(day) = CivilDate::parse(text) else {
                    return Some(format!("{at}: working day {text:?} is not YYYY-MM-DD"));
                };
                if day.year != year.year {
                    return Some(format!("{at}: working day {day} is not in {}", year.year));
                }
                if weekday(day) < 6 {
                    return Some(format!(
                        "{at}: working day {day} is a weekday; only a weekend day is made one (调休)"
                    ));
                }
                dates.push(day);
            }
            for day in dates {
                if seen.contains(&day) {
                    return Some(format!("{at}: {day} is listed twice"));
                }
                seen.push(day);
            }
        }
        None
    }

    /// A published day off.
    pub fn is_holiday(&self, day: CivilDate) -> bool {
        self.years
            .iter()
            .flat_map(|year| &year.holidays)
            .filter_map(days)
            .any(|range| range.contains(&day))
    }

    /// A weekend day worked instead of a holiday (调休上班).
    pub fn is_make_up_working_day(&self, day: CivilDate) -> bool {
        self.years
            .iter()
            .flat_map(|year| &year.working_days)
            .any(|text| CivilDate::parse(text) == Some(day))
    }

    /// Whether `year` is published here: a company can see that next year's arrangement still
    /// needs adding.
    pub fn covers(&self, year: i32) -> bool {
        self.years.iter().any(|listed| listed.year == year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026 as the State Council's notice of 4 November 2025 has it.
    fn published() -> Calendar {
        serde_json::from_str(include_str!("../../static/config.json"))
            .map(|config: serde_json::Value| {
                serde_json::from_value(config["calendar"].clone()).unwrap()
            })
            .unwrap()
    }

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn the_shipped_calendar_is_whole_and_reads_as_published() {
        let calendar = published();
        assert_eq!(calendar.problem(), None);
        assert!(calendar.covers(2026));
        for day in ["2026-01-01", "2026-02-15", "2026-02-23", "2026-10-07", "2026-06-19"] {
            assert!(calendar.is_holiday(date(day)), "{day} is a day off");
        }
        for day in
            ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
        {
            assert!(calendar.is_make_up_working_day(date(day)), "{day} is worked (调休)");
            assert!(!calendar.is_holiday(date(day)));
        }
        assert!(!calendar.is_holiday(date("2026-10-08")));
        assert!(!calendar.is_make_up_working_day(date("2026-10-11")));
    }

    #[test]
    fn a_calendar_with_a_date_twice_or_a_year_not_whole_is_refused() {
        let with = |edit: &dyn Fn(&mut Calendar)| {
            let mut calendar = published();
            edit(&mut calendar);
            calendar.problem()
        };
        let twice = with(&|c| c.years[0].working_days.push("2026-10-03".into())).unwrap();
        assert!(twice.contains("2026-10-03 is listed twice"), "{twice}");
        let overlapping = with(&|c| {
            c.years[0].holidays.push(HolidayRange {
                festivals: vec![Festival::NationalDay],
                from: "2026-10-07".into(),
                to: "2026-10-08".into(),
            })
        })
        .unwrap();
        assert!(overlapping.contains("2026-10-07 is listed twice"), "{overlapping}");
        let not_whole =
            with(&|c| c.years[0].holidays.retain(|h| !h.festivals.contains(&Festival::Qingming)))
                .unwrap();
        assert!(not_whole.contains("Qingming is missing"), "{not_whole}");
        let year_twice = with(&|c| {
            let again = c.years[0].clone();
            c.years.push(again)
        })
        .unwrap();
        assert!(year_twice.contains("listed twice"), "{year_twice}");
        let weekday = with(&|c| c.years[0].working_days.push("2026-11-02".into())).unwrap();
        assert!(weekday.contains("is a weekday"), "{weekday}");
        let elsewhere = with(&|c| c.years[0].working_days.push("2027-01-09".into())).unwrap();
        assert!(elsewhere.contains("is not in 2026"), "{elsewhere}");
        let backwards = with(&|c| c.years[0].holidays[0].to = "2025-12-30".into()).unwrap();
        assert!(backwards.contains("in order"), "{backwards}");
        // A New Year's holiday may begin on the 31 December before (as 2017's did).
        assert_eq!(with(&|c| c.years[0].holidays[0].from = "2025-12-31".into()), None);
    }

    #[test]
    fn weekdays_are_iso() {
        assert_eq!(weekday(date("2026-11-27")), 5, "a Friday");
        assert_eq!(weekday(date("2026-10-10")), 6, "a Saturday");
        assert_eq!(weekday(date("2026-09-20")), 7, "a Sunday");
    }
}
