//! The promised time of the next reply (明确表示下次答复时间): hours per priority, counted in
//! the company's working hours — its time zone, opening hours, working days, the published
//! holidays and make-up working days ([`Calendar`]), and a weekend line for the priorities it
//! answers on days off — or on the clock for the priorities the 7×24 line answers (an urgent
//! request at 22:00 is answered that night, not at 11:00 the next working day). The app shows
//! it on the confirmation; the intake server stores it as the request's `reply_by`. One
//! function, so the two never promise different times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::calendar::{weekday, Calendar};
use crate::schema::Priority;
use crate::warranty::CivilDate;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

/// `config.json`'s `reply_times`. Without it (or without `opening_hours`) hours are counted
/// around the clock, as before working hours were configurable.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplyTimes {
    /// Hours for a priority, in place of `reply_within_hours` (the default).
    pub hours_by_priority: BTreeMap<Priority, u32>,
    /// The company's offset from UTC, `+08:00` (the default) or `-05:00`.
    pub time_zone: Option<String>,
    /// When replies are written on a working day; `None`: around the clock.
    pub opening_hours: Option<Opening>,
    /// ISO weekdays with opening hours, 1 = Monday … 7 = Sunday; Monday to Friday by default.
    pub working_days: Option<Vec<u8>>,
    /// Days without opening hours (`YYYY-MM-DD`) besides the calendar's, such as a company's
    /// own day off. (Configurations written before `calendar` listed the public holidays here.)
    pub holidays: Vec<String>,
    /// A line staffed on days without opening hours (weekends, holidays) for some priorities.
    pub weekend_line: Option<WeekendLine>,
    /// Priorities the 7×24 line answers: their hours count on the clock, night and day, every
    /// day of the year (`["urgent"]`).
    pub around_the_clock: Vec<Priority>,
}

/// `{"from": "09:00", "to": "18:00"}`, local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Opening {
    pub from: String,
    pub to: String,
}

impl Opening {
    /// `[from, to)` in minutes after local midnight, or `None` when it is not two `HH:MM`
    /// times in order.
    pub fn minutes(&self) -> Option<(i64, i64)> {
        window(&self.from, &self.to)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeekendLine {
    pub priorities: Vec<Priority>,
    pub from: String,
    pub to: String,
}

/// `HH:MM` as minutes after midnight (`24:00` allowed as the end of a day).
fn minutes(text: &str) -> Option<i64> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let number = |part: &str| {
        (part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i64>().ok())?
    };
    let (hours, minutes) = (number(hours)?, number(minutes)?);
    let total = hours * 60 + minutes;
    (minutes < 60 && total <= 24 * 60).then_some(total)
}

/// `+08:00` as minutes east of UTC.
fn offset_minutes(text: &str) -> Option<i64> {
    let text = text.trim();
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let total = minutes(rest)?;
    (total <= 14 * 60).then_some(sign * total)
}

/// A window of local minutes, `from < to`.
fn window(from: &str, to: &str) -> Option<(i64, i64)> {
    let (from, to) = (minutes(from)?, minutes(to)?);
    (from < to).then_some((from, to))
}

impl ReplyTimes {
    /// What is wrong with the settings, for the configuration's error.
    pub fn problem(&self) -> Option<String> {
        if self.hours_by_priority.values().any(|&hours| hours == 0) {
            return Some("reply_times.hours_by_priority: at least 1 hour".into());
        }
        if self.time_zone.as_deref().is_some_and(|tz| offset_minutes(tz).is_none()) {
            return Some("reply_times.time_zone: like +08:00".into());
        }
        if self.opening_hours.as_ref().is_some_and(|o| window(&o.from, &o.to).is_none()) {
            return Some("reply_times.opening_hours: from and to as HH:MM, from before to".into());
        }
        if self.weekend_line.as_ref().is_some_and(|w| window(&w.from, &w.to).is_none()) {
            return Some("reply_times.weekend_line: from and to as HH:MM, from before to".into());
        }
        if self
            .working_days
            .as_ref()
            .is_some_and(|days| days.is_empty() || days.iter().any(|day| !(1..=7).contains(day)))
        {
            return Some("reply_times.working_days: ISO weekdays 1 (Monday) to 7".into());
        }
        if let Some(day) = self.holidays.iter().find(|day| CivilDate::parse(day).is_none()) {
            return Some(format!("reply_times.holidays: {day:?} is not YYYY-MM-DD"));
        }
        None
    }

    /// The company's offset from UTC in minutes (`+08:00`: 480), for its wall-clock dates.
    pub fn offset(&self) -> i64 {
        self.time_zone.as_deref().and_then(offset_minutes).unwrap_or(8 * 60)
    }

    /// The hours promised for a priority (`default_hours` for none, or one not listed).
    pub fn hours_for(&self, priority: Option<Priority>, default_hours: u32) -> u32 {
        priority.and_then(|p| self.hours_by_priority.get(&p).copied()).unwrap_or(default_hours)
    }

    /// Whether `day` has opening hours: a working weekday that is no holiday, or a weekend
    /// day worked instead of one (调休).
    pub fn is_working_day(&self, day: CivilDate, calendar: &Calendar) -> bool {
        let usual =
            self.working_days.as_deref().unwrap_or(&[1, 2, 3, 4, 5]).contains(&weekday(day))
                && !calendar.is_holiday(day)
                && !self.holidays.iter().any(|holiday| CivilDate::parse(holiday) == Some(day));
        usual || calendar.is_make_up_working_day(day)
    }

    /// The local minutes `[from, to)` when hours count on `day` for `priority`.
    fn window_on(
        &self,
        day: CivilDate,
        priority: Option<Priority>,
        calendar: &Calendar,
    ) -> Option<(i64, i64)> {
        let opening = self.opening_hours.as_ref()?;
        if self.is_working_day(day, calendar) {
            return window(&opening.from, &opening.to);
        }
        let line = self.weekend_line.as_ref()?;
        priority.filter(|p| line.priorities.contains(p))?;
        window(&line.from, &line.to)
    }
}

/// When the next reply is promised for a request of `priority` submitted at
/// `submitted_ms` (milliseconds since the Unix epoch), in the same unit.
pub fn reply_by(
    times: &ReplyTimes,
    calendar: &Calendar,
    default_hours: u32,
    priority: Option<Priority>,
    submitted_ms: i64,
) -> i64 {
    let mut remaining = i64::from(times.hours_for(priority, default_hours)) * 60 * MINUTE_MS;
    let on_the_clock = priority.is_some_and(|p| times.around_the_clock.contains(&p));
    if times.opening_hours.is_none() || on_the_clock {
        return submitted_ms + remaining;
    }
    let offset = times.offset() * MINUTE_MS;
    let local = submitted_ms + offset;
    let mut day = CivilDate::from_days_since_epoch(local.div_euclid(DAY_MS));
    let mut now_in_day = local.rem_euclid(DAY_MS);
    // Ten years of days without one open hour is a configuration no one meant.
    for _ in 0..3660 {
        if let Some((from, to)) = times.window_on(day, priority, calendar) {
            let start = (from * MINUTE_MS).max(now_in_day);
            let available = (to * MINUTE_MS - start).max(0);
            if remaining <= available {
                return day.days_since_epoch() * DAY_MS + start + remaining - offset;
            }
            remaining -= available;
        }
        day = day.plus_days(1);
        now_in_day = 0;
    }
    submitted_ms + i64::from(default_hours) * 60 * MINUTE_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Local wall-clock time at +08:00 as epoch milliseconds.
    fn beijing(date: &str, hh: i64, mm: i64) -> i64 {
        CivilDate::parse(date).unwrap().days_since_epoch() * DAY_MS
            + (hh * 60 + mm - 480) * MINUTE_MS
    }

    fn office(weekend_line: bool) -> ReplyTimes {
        let mut times: ReplyTimes = serde_json::from_str(
            r#"{"hours_by_priority": {"urgent": 2, "high": 4}, "time_zone": "+08:00",
                "opening_hours": {"from": "09:00", "to": "18:00"},
                "holidays": ["2026-12-01"]}"#,
        )
        .unwrap();
        if weekend_line {
            times.weekend_line = Some(WeekendLine {
                priorities: vec![Priority::Urgent],
                from: "09:00".into(),
                to: "17:00".into(),
            });
        }
        times
    }

    #[test]
    fn an_urgent_request_on_friday_evening_is_answered_on_saturday_with_a_weekend_line() {
        // 2026-11-27 is a Friday.
        let friday_evening = beijing("2026-11-27", 20, 15);
        let urgent = Some(Priority::Urgent);
        assert_eq!(
            reply_by(&office(true), &Calendar::default(), 24, urgent, friday_evening),
            beijing("2026-11-28", 11, 0),
            "Saturday, two hours after the weekend line opens"
        );
        assert_eq!(
            reply_by(&office(false), &Calendar::default(), 24, urgent, friday_evening),
            beijing("2026-11-30", 11, 0),
            "no weekend line: Monday"
        );
        // The weekend line is for urgent requests only: a normal one waits for Monday.
        assert_eq!(
            reply_by(
                &office(true),
                &Calendar::default(),
                24,
                Some(Priority::Normal),
                friday_evening
            ),
            beijing("2026-12-03", 15, 0),
            "24 working hours: Monday 9, Wednesday 9 (1 December is a holiday), Thursday 6"
        );
    }

    #[test]
    fn hours_count_only_while_open() {
        let times = office(false);
        // Monday 16:30, high (4 h): 1.5 h today, 2.5 h on Tuesday from 09:00.
        assert_eq!(
            reply_by(
                &times,
                &Calendar::default(),
                24,
                Some(Priority::High),
                beijing("2026-11-23", 16, 30)
            ),
            beijing("2026-11-24", 11, 30)
        );
        // Before opening, counting starts at opening.
        assert_eq!(
            reply_by(
                &times,
                &Calendar::default(),
                24,
                Some(Priority::Urgent),
                beijing("2026-11-23", 6, 0)
            ),
            beijing("2026-11-23", 11, 0)
        );
        // Ending exactly at closing time is on that day.
        assert_eq!(
            reply_by(
                &times,
                &Calendar::default(),
                24,
                Some(Priority::Urgent),
                beijing("2026-11-23", 16, 0)
            ),
            beijing("2026-11-23", 18, 0)
        );
    }

    #[test]
    fn an_urgent_request_after_hours_is_promised_on_the_clock_by_the_7x24_line() {
        let mut times = office(true);
        times.around_the_clock = vec![Priority::Urgent];
        let none = Calendar::default();
        // Monday 22:00: two hours later, that night, not 11:00 on Tuesday.
        let late = beijing("2026-11-23", 22, 0);
        assert_eq!(reply_by(&times, &none, 24, Some(Priority::Urgent), late), late + 2 * 3_600_000);
        // On a holiday too, and during opening hours it is the same two hours.
        let holiday = beijing("2026-12-01", 3, 30);
        assert_eq!(
            reply_by(&times, &none, 24, Some(Priority::Urgent), holiday),
            holiday + 2 * 3_600_000
        );
        // Other priorities still wait for opening hours.
        assert_eq!(
            reply_by(&times, &none, 24, Some(Priority::High), late),
            beijing("2026-11-24", 13, 0)
        );
    }

    #[test]
    fn the_calendar_skips_published_holidays_and_counts_make_up_working_days() {
        let calendar: Calendar = serde_json::from_value(
            serde_json::from_str::<serde_json::Value>(include_str!("../../static/config.json"))
                .unwrap()["calendar"]
                .clone(),
        )
        .unwrap();
        let times = office(false);
        let high = Some(Priority::High);
        // Friday 9 October 2026, 17:00, 4 hours: one today; Saturday the 10th is worked (调休).
        let friday = beijing("2026-10-09", 17, 0);
        assert_eq!(reply_by(&times, &calendar, 24, high, friday), beijing("2026-10-10", 12, 0));
        assert_eq!(
            reply_by(&times, &Calendar::default(), 24, high, friday),
            beijing("2026-10-12", 12, 0),
            "without the calendar: Monday"
        );
        // Wednesday 30 September, 16:00: two hours today, then nothing until 8 October.
        let before_national_day = beijing("2026-09-30", 16, 0);
        assert_eq!(
            reply_by(&times, &calendar, 24, high, before_national_day),
            beijing("2026-10-08", 11, 0)
        );
    }

    #[test]
    fn without_opening_hours_hours_count_around_the_clock() {
        let times = ReplyTimes::default();
        let at = beijing("2026-11-27", 20, 15);
        assert_eq!(reply_by(&times, &Calendar::default(), 24, None, at), at + 24 * 3_600_000);
        assert_eq!(
            reply_by(&times, &Calendar::default(), 24, Some(Priority::Urgent), at),
            at + 24 * 3_600_000
        );
    }

    #[test]
    fn settings_are_checked() {
        let bad = |json: &str| serde_json::from_str::<ReplyTimes>(json).unwrap().problem();
        assert!(bad(r#"{"time_zone": "Asia/Shanghai"}"#).is_some());
        assert!(bad(r#"{"opening_hours": {"from": "18:00", "to": "09:00"}}"#).is_some());
        assert!(bad(r#"{"working_days": [0]}"#).is_some());
        assert!(bad(r#"{"holidays": ["1 Oct"]}"#).is_some());
        assert!(bad(r#"{"hours_by_priority": {"urgent": 0}}"#).is_some());
        assert!(bad(
            r#"{"time_zone": "-05:00", "opening_hours": {"from": "08:30", "to": "24:00"}}"#
        )
        .is_none());
        assert!(
            serde_json::from_str::<ReplyTimes>(r#"{"hours_by_priority": {"asap": 1}}"#).is_err()
        );
    }
}
