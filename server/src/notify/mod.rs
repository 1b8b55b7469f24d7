//! Delivering notices and alerts: the worker that takes what the store queued
//! ([`crate::store::notices`]) and sends it, by email over SMTP ([`mail`]), by text message
//! through the operator's SMS gateway and to the team's group robots ([`outbound`]), keeping
//! core's rules of delivery (quiet hours, the cap per recipient, backoff with jitter, final
//! after a day) and recording every try. Also the signed one-click unsubscribe links
//! ([`links`]).
//!
//! What is sent is decided when the change is stored; what it says is written here, when it
//! is sent, from core's sentences in the language stored with it.

pub mod links;
pub mod mail;
pub mod outbound;
pub mod worker;

use shouhou_core::notice::delivery::{Backoff, QuietHours, RateCap};
use shouhou_core::notice::robot::Robot;
use shouhou_core::notice::sms::SmsTemplate;
use shouhou_core::notice::Channel;
use shouhou_core::Lang;

use crate::store::notices::Telling;

/// The server's notice settings (command line and environment, never `config.json`).
#[derive(Debug, Clone)]
pub struct NoticeSettings {
    /// Where customers and staff reach this site (`--public-url`): links in notices.
    pub public_url: Option<String>,
    /// `smtp://host:port` (STARTTLS when offered... required with `?tls=required`) or
    /// `smtps://host:port` (`--smtp-url`), with credentials from the environment.
    pub smtp: Option<mail::Smtp>,
    /// The gateway's address (`--sms-url`), its headers (values from the environment) and
    /// its body template (`--sms-body`).
    pub sms: Option<outbound::SmsGateway>,
    /// The group robots: each one's webhook and, for DingTalk and Feishu, its secret.
    pub robots: Vec<outbound::RobotHook>,
    /// The language of the team's alerts (`--team-language`).
    pub team_lang: Lang,
    pub quiet_hours: QuietHours,
    pub cap: RateCap,
    pub backoff: Backoff,
    /// How long a claimed notice is held before another worker may take it (a worker that
    /// died lets its notices go then).
    pub lease_seconds: i64,
    /// How often the worker looks for due notices and escalations without being woken.
    pub poll: std::time::Duration,
}

impl Default for NoticeSettings {
    fn default() -> NoticeSettings {
        NoticeSettings {
            public_url: None,
            smtp: None,
            sms: None,
            robots: Vec::new(),
            team_lang: Lang::ZhCn,
            quiet_hours: QuietHours::default(),
            cap: RateCap::default(),
            backoff: Backoff::default(),
            lease_seconds: 120,
            poll: std::time::Duration::from_secs(5),
        }
    }
}

impl NoticeSettings {
    /// Which channels are set up, for the store to queue on.
    pub fn telling(&self) -> Telling {
        Telling {
            email: self.smtp.is_some(),
            sms: self.sms.is_some(),
            robots: self.robots.iter().map(|hook| hook.robot.channel()).collect(),
            team_lang: Some(self.team_lang),
        }
    }

    /// Whether anything is to be sent at all.
    pub fn any(&self) -> bool {
        self.smtp.is_some() || self.sms.is_some() || !self.robots.is_empty()
    }

    /// A problem that keeps the server from starting: a channel without a public address
    /// to link to.
    pub fn problem(&self) -> Option<String> {
        (self.any() && self.public_url.is_none()).then(|| {
            "notices link to the site: give --public-url (e.g. https://service.example.cn)".into()
        })
    }

    /// The robot set up for a channel.
    pub fn robot(&self, channel: Channel) -> Option<&outbound::RobotHook> {
        let robot = Robot::of(channel)?;
        self.robots.iter().find(|hook| hook.robot == robot)
    }

    /// Reads an SMS body template file (`--sms-body`).
    pub fn read_sms_body(path: &std::path::Path) -> Result<SmsTemplate, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the SMS body {}: {e}", path.display()))?;
        SmsTemplate::parse(&text).map_err(|e| format!("the SMS body {}: {e}", path.display()))
    }
}
