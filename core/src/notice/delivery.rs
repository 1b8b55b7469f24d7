//! How a queued notice is delivered: tried again with backoff and jitter until a day has
//! passed, held back in the night's quiet hours (text messages, except for emergencies),
//! and capped per recipient so that a busy request never floods one inbox or phone.
//! Times are Unix seconds.

/// How a failed notice is tried again: full jitter below a doubling ceiling (`base`, twice
/// that, … up to `cap`), never sooner than `floor`, and failed for good `give_up_after` its
/// queueing. The server's defaults are [`Backoff::default`]; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: i64,
    pub cap: i64,
    pub floor: i64,
    pub give_up_after: i64,
}

impl Default for Backoff {
    /// Up to 30 s, then 60 s, … but never more than an hour between tries (a gateway back
    /// after an outage is used within one), at least 5 s, and final a day after queueing;
    /// the desk then shows it with the last reason, and a lead may send it again.
    fn default() -> Backoff {
        Backoff { base: 30, cap: 3_600, floor: 5, give_up_after: 86_400 }
    }
}

/// What becomes of a notice after a failed try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(i64),
    /// Failed for good: the day is over, or the failure is one a retry cannot mend (an
    /// address the mail server refuses, a gateway that refuses the body).
    GiveUp,
}

impl Backoff {
    /// After the `attempts`-th failed try (1 for the first) at `now` of a notice queued at
    /// `queued_at`: `jitter` in 0..1 picks the point below the ceiling, so that instances
    /// and notices do not retry in step.
    pub fn after_failure(
        &self,
        queued_at: i64,
        now: i64,
        attempts: u32,
        jitter: f64,
        permanent: bool,
    ) -> AfterFailure {
        let deadline = queued_at + self.give_up_after;
        if permanent || now >= deadline {
            return AfterFailure::GiveUp;
        }
        let ceiling =
            self.base.saturating_mul(1 << attempts.saturating_sub(1).min(20)).min(self.cap);
        let wait = ((ceiling as f64 * jitter.clamp(0.0, 1.0)) as i64).max(self.floor);
        // The last try falls on the deadline rather than past it.
        AfterFailure::RetryAt((now + wait).min(deadline))
    }
}

/// The night hours in which no text message is sent (an emergency's excepted), in the
/// operator's time zone: 21:00–08:00 unless set otherwise (`--sms-quiet-hours`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// Minutes after local midnight when quiet begins …
    pub from: i64,
    /// … and when it ends (earlier than `from`: the quiet spans midnight).
    pub to: i64,
}

impl Default for QuietHours {
    fn default() -> QuietHours {
        QuietHours { from: 21 * 60, to: 8 * 60 }
    }
}

impl QuietHours {
    /// Reads `HH:MM-HH:MM`; equal ends mean no quiet hours at all.
    pub fn parse(text: &str) -> Option<QuietHours> {
        let (from, to) = text.split_once('-')?;
        Some(QuietHours { from: minutes(from.trim())?, to: minutes(to.trim())? })
    }

    fn contains(&self, minute: i64) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&minute)
        } else {
            minute >= self.from || minute < self.to
        }
    }

    /// When a text message due at `now` may go, in a time zone `offset` minutes from UTC:
    /// `None` for at once, else the end of the quiet hours it falls in.
    pub fn holds_until(&self, now: i64, offset: i64) -> Option<i64> {
        let local = now + offset * 60;
        let minute = local.rem_euclid(86_400) / 60;
        if !self.contains(minute) {
            return None;
        }
        let midnight = local - local.rem_euclid(86_400);
        let end_today = midnight + self.to * 60;
        let end = if end_today > local { end_today } else { end_today + 86_400 };
        Some(end - offset * 60)
    }
}

/// `HH:MM` as minutes after midnight.
fn minutes(text: &str) -> Option<i64> {
    let (h, m) = text.split_once(':')?;
    let ok = |part: &str| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || !ok(m) {
        return None;
    }
    let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// At most `max` notices to one recipient (an address, a phone, a robot) within `window`
/// seconds (`--limit-notices MAX:MINUTES`); the rest wait their turn, none is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateCap {
    pub max: u32,
    pub window: i64,
}

impl Default for RateCap {
    /// Ten an hour: more than any one request's news, fewer than a loop gone wrong.
    fn default() -> RateCap {
        RateCap { max: 10, window: 3_600 }
    }
}

impl RateCap {
    /// Reads `MAX:MINUTES`, both at least 1.
    pub fn parse(text: &str) -> Option<RateCap> {
        let (max, minutes) = text.split_once(':')?;
        let (max, minutes): (u32, i64) = (max.trim().parse().ok()?, minutes.trim().parse().ok()?);
        (max >= 1 && minutes >= 1).then_some(RateCap { max, window: minutes * 60 })
    }

    /// When the next notice to a recipient may go, given when the latest ones to it were
    /// sent (any order): `None` for at once, else when the oldest of the window leaves it.
    pub fn holds_until(&self, sent: &[i64], now: i64) -> Option<i64> {
        let mut recent: Vec<i64> =
            sent.iter().copied().filter(|at| *at > now - self.window).collect();
        if recent.len() < self.max as usize {
            return None;
        }
        recent.sort_unstable();
        Some(recent[recent.len() - self.max as usize] + self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3600;

    #[test]
    fn failures_back_off_with_jitter_until_a_day_has_passed() {
        let backoff = Backoff::default();
        let after = |now, attempts, jitter, permanent| {
            backoff.after_failure(0, now, attempts, jitter, permanent)
        };
        assert_eq!(after(100, 1, 1.0, false), AfterFailure::RetryAt(130));
        assert_eq!(after(100, 3, 1.0, false), AfterFailure::RetryAt(220));
        assert_eq!(after(100, 30, 1.0, false), AfterFailure::RetryAt(100 + 3_600), "the cap");
        assert_eq!(after(100, 3, 0.5, false), AfterFailure::RetryAt(160));
        assert_eq!(after(100, 1, 0.0, false), AfterFailure::RetryAt(105), "the floor");
        // The last try lands on the deadline, and a failure then is final.
        assert_eq!(after(86_400 - 60, 30, 1.0, false), AfterFailure::RetryAt(86_400));
        assert_eq!(after(86_400, 31, 1.0, false), AfterFailure::GiveUp);
        assert_eq!(after(100, 1, 1.0, true), AfterFailure::GiveUp, "refused for good");
        for jitter in [f64::NAN, -3.0, 9.0] {
            assert!(
                matches!(after(0, 2, jitter, false), AfterFailure::RetryAt(t) if (5..=60).contains(&t))
            );
        }
    }

    #[test]
    fn quiet_hours_hold_text_messages_until_the_morning_in_the_operators_zone() {
        let quiet = QuietHours::default();
        let beijing = 8 * 60;
        // 2026-11-27 00:00 +08:00 is 2026-11-26T16:00Z.
        let midnight = 1_795_737_600 - 8 * HOUR;
        assert_eq!(quiet.holds_until(midnight + 20 * HOUR + 59 * 60, beijing), None, "20:59");
        assert_eq!(quiet.holds_until(midnight + 21 * HOUR, beijing), Some(midnight + 32 * HOUR));
        assert_eq!(quiet.holds_until(midnight + 23 * HOUR, beijing), Some(midnight + 32 * HOUR));
        assert_eq!(quiet.holds_until(midnight + 3 * HOUR, beijing), Some(midnight + 8 * HOUR));
        assert_eq!(quiet.holds_until(midnight + 8 * HOUR, beijing), None, "08:00 sharp");
        // The same instant is daytime in London.
        assert_eq!(quiet.holds_until(midnight + 23 * HOUR, 0), None);
        let lunch = QuietHours::parse("12:00-13:30").unwrap();
        assert_eq!(
            lunch.holds_until(midnight + 12 * HOUR, beijing),
            Some(midnight + 13 * HOUR + 1800)
        );
        assert_eq!(QuietHours::parse("00:00-00:00").unwrap().holds_until(midnight, beijing), None);
        for bad in ["21-08", "25:00-08:00", "21:00", "21:00-8:00"] {
            assert_eq!(QuietHours::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_cap_per_recipient_delays_and_never_drops() {
        let cap = RateCap::parse("3:60").unwrap();
        assert_eq!(cap, RateCap { max: 3, window: HOUR });
        assert_eq!(cap.holds_until(&[], 10_000), None);
        assert_eq!(cap.holds_until(&[9_000, 9_500], 10_000), None);
        assert_eq!(cap.holds_until(&[9_500, 9_000, 9_900], 10_000), Some(9_000 + HOUR));
        assert_eq!(cap.holds_until(&[1_000, 9_000, 9_500, 9_900], 10_000), Some(9_000 + HOUR));
        assert_eq!(cap.holds_until(&[1_000, 2_000, 3_000], 10_000), None, "out of the window");
        for bad in ["0:60", "3:0", "3", "x:1"] {
            assert_eq!(RateCap::parse(bad), None, "{bad}");
        }
    }
}
