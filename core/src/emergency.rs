//! Emergencies (突发事件): which public service a customer calls once they are safe, and at
//! what number.
//!
//! An emergency screen says what to do for safety now, then the public number that fits
//! (119 for a fire or gas, 120 for an injury or a shock, 110, a city's gas repair line), and
//! only then the company's own line: the company cannot put out a fire. A flow's emergency
//! outcome names the services that fit ([`PublicService`]); the numbers come from the
//! configuration (`config.json` `emergency.numbers`), never from a flow, so one set of flows
//! serves every region and a region's local lines are written once.

use serde::{Deserialize, Serialize};

use crate::i18n::Localized;

/// A public emergency service, as a flow names it (`"services": ["fire", "gas"]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublicService {
    /// Fire and rescue (119 on the mainland): flames, smoke, a strong smell of gas, someone
    /// trapped.
    Fire,
    /// Medical emergencies (120): someone hurt, ill or given a shock.
    Ambulance,
    /// The police (110): a crime, a tampered terminal, someone threatened.
    Police,
    /// Traffic accidents (122).
    Traffic,
    /// The gas company's repair line, one per city or region: a smell of gas.
    Gas,
}

impl PublicService {
    pub const ALL: [PublicService; 5] = [
        PublicService::Fire,
        PublicService::Ambulance,
        PublicService::Police,
        PublicService::Traffic,
        PublicService::Gas,
    ];

    /// The name in flows and the configuration, and in the message tables
    /// (`emergency.service.<name>`).
    pub fn as_str(self) -> &'static str {
        match self {
            PublicService::Fire => "fire",
            PublicService::Ambulance => "ambulance",
            PublicService::Police => "police",
            PublicService::Traffic => "traffic",
            PublicService::Gas => "gas",
        }
    }

    /// Whether the customer must leave before calling: a phone can spark, so nobody dials
    /// inside a room that smells of gas.
    pub fn call_from_outside(self) -> bool {
        self == PublicService::Gas
    }
}

/// The services an emergency screen names when no flow said which fit: a request marked an
/// emergency on the form, or someone said to be in danger.
pub const GENERAL_SERVICES: [PublicService; 3] =
    [PublicService::Fire, PublicService::Ambulance, PublicService::Police];

/// One public line: `{"service": "gas", "number": "96777", "region": {"zh-CN": "北京", "en":
/// "Beijing"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicNumber {
    pub service: PublicService,
    /// As dialled: shown large and as a `tel:` link.
    pub number: String,
    /// Where a local line answers (a city's gas company); absent for a national number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Localized>,
}

/// `config.json`'s `emergency`. A configuration written before it existed gets the
/// mainland's national numbers, and no gas line (those are local).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmergencySettings {
    pub numbers: Vec<PublicNumber>,
}

impl Default for EmergencySettings {
    fn default() -> Self {
        let national =
            |service, number: &str| PublicNumber { service, number: number.into(), region: None };
        EmergencySettings {
            numbers: vec![
                national(PublicService::Fire, "119"),
                national(PublicService::Ambulance, "120"),
                national(PublicService::Police, "110"),
                national(PublicService::Traffic, "122"),
            ],
        }
    }
}

impl EmergencySettings {
    /// What is wrong with the settings, for the configuration's error.
    pub fn problem(&self) -> Option<String> {
        if let Some(line) = self.numbers.iter().find(|line| !is_dialable(&line.number)) {
            return Some(format!(
                "emergency.numbers: {:?} for {} is not a number to dial (digits, with - or spaces)",
                line.number,
                line.service.as_str()
            ));
        }
        if let Some(line) = self.numbers.iter().find(|line| {
            line.region
                .as_ref()
                .is_some_and(|r| r.zh_cn.trim().is_empty() || r.en.trim().is_empty())
        }) {
            return Some(format!(
                "emergency.numbers: the region of {} {} needs a name in every language",
                line.service.as_str(),
                line.number
            ));
        }
        for (i, line) in self.numbers.iter().enumerate() {
            let twice = self.numbers[..i]
                .iter()
                .any(|earlier| earlier.service == line.service && earlier.region == line.region);
            if twice {
                return Some(format!(
                    "emergency.numbers: {} is listed twice for the same region",
                    line.service.as_str()
                ));
            }
        }
        for service in GENERAL_SERVICES {
            if !self.numbers.iter().any(|line| line.service == service) {
                return Some(format!(
                    "emergency.numbers: a number for {} is needed (a screen with no flow names it)",
                    service.as_str()
                ));
            }
        }
        None
    }

    /// The lines to show for `services`, in the services' order (the flow puts the one that
    /// fits best first); a service with lines in several regions shows them one after another.
    /// A service without a configured line is left out: the ones that have one still show.
    pub fn lines(&self, services: &[PublicService]) -> Vec<&PublicNumber> {
        services
            .iter()
            .flat_map(|service| self.numbers.iter().filter(move |line| line.service == *service))
            .collect()
    }
}

/// Digits, with the separators people write (`-`, spaces) and a leading `+`.
fn is_dialable(number: &str) -> bool {
    let number = number.trim();
    let digits = number.chars().filter(char::is_ascii_digit).count();
    digits >= 3
        && number
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || c == '-' || c == ' ' || (c == '+' && i == 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(zh: &str, en: &str) -> Option<Localized> {
        Some(Localized { zh_cn: zh.into(), en: en.into() })
    }

    #[test]
    fn lines_follow_the_services_order_and_every_region_of_a_local_line() {
        let mut settings = EmergencySettings::default();
        for (city, en, number) in [("北京", "Beijing", "96777"), ("上海", "Shanghai", "962777")]
        {
            settings.numbers.push(PublicNumber {
                service: PublicService::Gas,
                number: number.into(),
                region: region(city, en),
            });
        }
        let shown: Vec<&str> = settings
            .lines(&[PublicService::Gas, PublicService::Fire])
            .iter()
            .map(|line| line.number.as_str())
            .collect();
        assert_eq!(shown, ["96777", "962777", "119"]);
        let general: Vec<&str> =
            settings.lines(&GENERAL_SERVICES).iter().map(|l| l.number.as_str()).collect();
        assert_eq!(general, ["119", "120", "110"]);
        // No gas line configured: the fire service still shows.
        let without_gas = EmergencySettings::default();
        let shown: Vec<&str> = without_gas
            .lines(&[PublicService::Fire, PublicService::Gas])
            .iter()
            .map(|l| l.number.as_str())
            .collect();
        assert_eq!(shown, ["119"]);
    }

    #[test]
    fn settings_are_checked() {
        assert_eq!(EmergencySettings::default().problem(), None);
        let with = |edit: &dyn Fn(&mut EmergencySettings)| {
            let mut settings = EmergencySettings::default();
            edit(&mut settings);
            settings.problem()
        };
        assert!(with(&|s| s.numbers[0].number = "call us".into()).is_some());
        assert!(with(&|s| s.numbers[0].number = "1".into()).is_some());
        assert!(with(&|s| s.numbers.retain(|l| l.service != PublicService::Ambulance)).is_some());
        assert!(with(&|s| {
            let again = s.numbers[0].clone();
            s.numbers.push(again)
        })
        .is_some());
        assert!(with(&|s| s.numbers[0].region = region("", "Beijing")).is_some());
        assert!(with(&|s| s.numbers[2].number = "+852 999".into()).is_none());
        assert!(serde_json::from_str::<EmergencySettings>(
            r#"{"numbers": [{"service": "coastguard", "number": "12395"}]}"#
        )
        .is_err());
    }

    #[test]
    fn only_gas_asks_to_call_from_outside() {
        let outside: Vec<&str> = PublicService::ALL
            .into_iter()
            .filter(|s| s.call_from_outside())
            .map(PublicService::as_str)
            .collect();
        assert_eq!(outside, ["gas"]);
    }
}
