//! Which day a request is judged on: the customer's, within what a clock and an outbox
//! wait can explain, so a wrong clock cannot buy warranty.

use crate::warranty::CivilDate;

/// How long a request may wait in an outbox (an engineer days without signal) and still be
/// judged on the day it was submitted.
pub const OUTBOX_GRACE_DAYS: i64 = 30;

/// The customer's date as the server should judge it: the date their device reported when
/// they submitted, if it is at most a day ahead of the server's UTC date (time zones span
/// UTC−12 to UTC+14) and at most [`OUTBOX_GRACE_DAYS`] behind (it waited in an outbox);
/// the server's date otherwise, so a wrong clock cannot buy warranty.
pub fn customer_today(reported: &str, utc_today: CivilDate) -> CivilDate {
    match CivilDate::parse(reported.trim()) {
        Some(date)
            if (-OUTBOX_GRACE_DAYS..=1)
                .contains(&(date.days_since_epoch() - utc_today.days_since_epoch())) =>
        {
            date
        }
        _ => utc_today,
    }
}
