//! What a notice or an alert says: one sentence, in the customer's language (or the team's),
//! with the reference and the link. The sentences are the intake server's message tables
//! (`server/i18n/<lang>.json`, keys `notice.*` and `alert.*`, compiled in with the
//! `api-messages` feature): the customer's app never shows them and does not carry them.
//!
//! A notice never carries more than the reference, a time and the link: no name, no text of
//! the reply (it may be long or private; the status page shows it to whoever has the
//! contact), and never an internal note.

use crate::i18n::{Lang, Messages};
use crate::warranty::CivilDate;

use super::{CustomerNotice, TeamAlert};

/// What a sentence may mention about its request.
#[derive(Debug, Clone, Copy, Default)]
pub struct About<'a> {
    pub reference: &'a str,
    /// The status page (for customers) or the desk's page of the request (for the team).
    pub link: &'a str,
    /// The new promised reply time, or when a visit begins (Unix seconds).
    pub at: Option<i64>,
    /// When a visit ends.
    pub until: Option<i64>,
    /// The operator's offset from UTC in minutes, for the times above.
    pub offset: i64,
    /// The product line's name, for the team.
    pub product_line: &'a str,
    /// The customer's rating, for a low one.
    pub rating: Option<u8>,
}

/// The customer's sentence for a notice.
pub fn customer_sentence(notice: CustomerNotice, lang: Lang, about: &About) -> String {
    let key = format!("notice.{}", notice.as_str());
    let mut args =
        vec![("reference", about.reference.to_string()), ("link", about.link.to_string())];
    if let Some(at) = about.at {
        args.push(("at", when(lang, at, about.offset)));
        args.push(("window", window(lang, at, about.until.unwrap_or(at), about.offset)));
    }
    Messages::builtin().format(lang, &key, &args)
}

/// The team's sentence for an alert.
pub fn alert_sentence(alert: TeamAlert, lang: Lang, about: &About) -> String {
    let key = format!("alert.{}", alert.as_str());
    let args = [
        ("reference", about.reference.to_string()),
        ("link", about.link.to_string()),
        ("product_line", about.product_line.to_string()),
        ("rating", about.rating.map(|r| r.to_string()).unwrap_or_default()),
    ];
    Messages::builtin().format(lang, &key, &args)
}

/// An email's subject: the reference, so replies to one request thread together.
pub fn subject(lang: Lang, reference: &str, team: bool) -> String {
    let key = if team { "alert.subject" } else { "notice.subject" };
    Messages::builtin().format(lang, key, &[("reference", reference.to_string())])
}

/// A customer's email: the sentence, who it is from, and how to stop these emails.
pub fn email_body(lang: Lang, sentence: &str, brand: &str, unsubscribe: &str) -> String {
    let messages = Messages::builtin();
    let stop = messages.format(lang, "notice.unsubscribe", &[("link", unsubscribe.to_string())]);
    format!("{sentence}\r\n\r\n{brand}\r\n\r\n{stop}\r\n")
}

/// The status page of a request under the site's public address.
pub fn status_link(public_url: &str, reference: &str) -> String {
    format!("{}/status/{reference}", public_url.trim_end_matches('/'))
}

/// The desk's page of a request under the site's public address.
pub fn desk_link(public_url: &str, reference: &str) -> String {
    format!("{}/desk/requests/{reference}", public_url.trim_end_matches('/'))
}

/// A day and time as the customer reads it: `12月8日 17:00`, `8 December 17:00`.
pub fn when(lang: Lang, at: i64, offset: i64) -> String {
    let (day, time) = local(lang, at, offset);
    format!("{day} {time}")
}

/// A visit's window: `12月8日 09:00–11:00`, or both ends in full when it spans days.
pub fn window(lang: Lang, from: i64, to: i64, offset: i64) -> String {
    let ((from_day, from_time), (to_day, to_time)) =
        (local(lang, from, offset), local(lang, to, offset));
    if from_day == to_day {
        format!("{from_day} {from_time}–{to_time}")
    } else {
        format!("{from_day} {from_time} – {to_day} {to_time}")
    }
}

fn local(lang: Lang, at: i64, offset: i64) -> (String, String) {
    let local = at + offset * 60;
    let date = CivilDate::from_days_since_epoch(local.div_euclid(86_400));
    let minute = local.rem_euclid(86_400) / 60;
    let messages = Messages::builtin();
    let month_name = messages.get(lang, &format!("notice.month.{}", date.month)).to_string();
    let day = messages.format(
        lang,
        "notice.day",
        &[
            ("month", date.month.to_string()),
            ("month_name", month_name),
            ("day", date.day.to_string()),
        ],
    );
    (day, format!("{:02}:{:02}", minute / 60, minute % 60))
}

#[cfg(all(test, feature = "api-messages"))]
mod tests {
    use super::*;

    /// 2026-12-08 09:00 +08:00.
    const VISIT: i64 = 1_796_688_000 + 3600;

    fn about<'a>() -> About<'a> {
        About {
            reference: "SR-20261127-K7Q4M2D",
            link: "https://service.example.cn/status/SR-20261127-K7Q4M2D",
            at: Some(VISIT),
            until: Some(VISIT + 2 * 3600),
            offset: 480,
            product_line: "变频器",
            rating: Some(1),
        }
    }

    #[test]
    fn every_notice_is_one_sentence_with_the_reference_and_the_link_in_both_languages() {
        for lang in Lang::ALL {
            for notice in CustomerNotice::ALL {
                let text = customer_sentence(*notice, lang, &about());
                assert!(
                    text.contains("SR-20261127-K7Q4M2D")
                        && text.contains("https://service.example.cn/status/"),
                    "{text}"
                );
                assert!(!text.contains('{') && !text.contains('\n'), "{text}");
            }
            for alert in TeamAlert::ALL {
                let text = alert_sentence(*alert, lang, &about());
                assert!(text.contains("SR-20261127-K7Q4M2D") && !text.contains('{'), "{text}");
            }
        }
        assert_eq!(
            customer_sentence(CustomerNotice::VisitScheduled, Lang::ZhCn, &about()),
            "工程师将于 12月8日 09:00–11:00 上门处理您的服务单 SR-20261127-K7Q4M2D，详情：https://service.example.cn/status/SR-20261127-K7Q4M2D"
        );
        assert!(customer_sentence(CustomerNotice::VisitScheduled, Lang::En, &about())
            .contains("8 December 09:00–11:00"));
        assert!(alert_sentence(TeamAlert::LowRating, Lang::ZhCn, &about()).contains('1'));
    }

    #[test]
    fn times_are_the_operators_wall_clock() {
        assert_eq!(when(Lang::ZhCn, VISIT, 480), "12月8日 09:00");
        assert_eq!(when(Lang::En, VISIT, 0), "8 December 01:00");
        assert_eq!(
            window(Lang::En, VISIT, VISIT + 24 * 3600, 480),
            "8 December 09:00 – 9 December 09:00"
        );
        assert_eq!(status_link("https://s.example/", "SR-1"), "https://s.example/status/SR-1");
        assert_eq!(desk_link("https://s.example", "SR-1"), "https://s.example/desk/requests/SR-1");
        let body = email_body(Lang::En, "News.", "Shouhou", "https://s.example/unsubscribe/x");
        assert!(
            body.starts_with("News.\r\n") && body.contains("https://s.example/unsubscribe/x"),
            "{body}"
        );
    }
}
