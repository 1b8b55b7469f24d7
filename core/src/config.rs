//! Run-time configuration (`static/config.json`): what a company changes without a rebuild.
//! The app fetches it at start; the intake server loads the same file and serves it, so the
//! product lines the form offers are exactly the ones the server accepts.

use serde::{Deserialize, Serialize};

pub use crate::adapter::{Adapter, Backend};
pub use crate::calendar::Calendar;
pub use crate::charges::{ChargeTable, PartPrice};
pub use crate::emergency::{EmergencySettings, PublicNumber, PublicService};
#[cfg(feature = "follow-up")]
pub use crate::follow_up::{FollowUpScope, FollowUpSettings, ScriptLine};
pub use crate::guarantees::ThreeGuarantees;
pub use crate::i18n::Localized;
pub use crate::quality::{FaultCause, Part};
pub use crate::reply::ReplyTimes;
use crate::schema::Priority;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductLine {
    /// Stable id: stored with requests, names the flow file.
    pub id: String,
    pub name: Localized,
    /// Months of warranty from the purchase date.
    pub warranty_months: u32,
    /// Online-shop orders cannot be traced without the order number.
    #[serde(default)]
    pub order_number_required: bool,
    /// Parts with a warranty of their own, longer or shorter than the line's: a building's
    /// waterproofing is covered five years by law (建设工程质量管理条例 §40) where the line
    /// gives one. A flow's outcome names the part it found at fault.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<WarrantyComponent>,
    /// 三包: return and exchange periods after delivery, and the failed repairs after which
    /// exchange or return is offered. A line without them offers what its warranty gives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub three_guarantees: Option<ThreeGuarantees>,
}

/// A part of a product line with its own warranty period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarrantyComponent {
    /// Stable id, as a flow's outcome names it (`waterproofing`).
    pub id: String,
    pub name: Localized,
    /// Months of warranty from the purchase (or handover) date.
    pub warranty_months: u32,
}

impl ProductLine {
    /// The warranty months for a request about `component` (a part the checks found at
    /// fault): the part's own where the line lists it, else the line's.
    pub fn warranty_months_for(&self, component: Option<&str>) -> u32 {
        component
            .and_then(|id| self.components.iter().find(|c| c.id == id))
            .map_or(self.warranty_months, |c| c.warranty_months)
    }
}

/// Who is filling the form in: the customer, or staff (at a desk or a kiosk) taking it down,
/// who must say who they are (接待人).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    #[default]
    Customer,
    Staff,
    Kiosk,
}

/// A shared touch screen (`/kiosk` on the device): how long a customer may be idle before
/// "Are you still there?", and how long that question waits before everything they entered
/// is wiped for the next person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KioskSettings {
    pub idle_seconds: u32,
    pub warning_seconds: u32,
    /// Staff beside the kiosk must say who took the request down (接待人).
    pub recorded_by_required: bool,
}

impl Default for KioskSettings {
    fn default() -> Self {
        KioskSettings { idle_seconds: 90, warning_seconds: 30, recorded_by_required: false }
    }
}

/// What photos may be attached, and how the browser shrinks them before storing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhotoLimits {
    pub max_count: u32,
    /// Per request, after shrinking.
    pub max_total_bytes: u64,
    /// Longest side after shrinking.
    pub max_side_px: u32,
    /// JPEG quality in percent (a whole number keeps float parsing out of the app).
    pub jpeg_quality_percent: u32,
}

impl Default for PhotoLimits {
    fn default() -> Self {
        PhotoLimits {
            max_count: 6,
            max_total_bytes: 6_000_000,
            max_side_px: 1600,
            jpeg_quality_percent: 80,
        }
    }
}

/// The company's own line for an emergency incident (突发事件), shown after the safety
/// advice and the public numbers (`emergency`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyContact {
    /// As dialled: shown large and as a `tel:` link.
    pub phone: String,
    /// When the line is staffed, or what to say when calling.
    pub note: Localized,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppConfig {
    pub brand: Localized,
    pub backend: Backend,
    /// The promised time of the next reply (明确表示下次答复时间), in hours from submission:
    /// the default, for a priority `reply_times` does not list. Promise less, deliver more.
    pub reply_within_hours: u32,
    /// Hours per priority, and how they are counted (time zone, opening hours, holidays, a
    /// weekend line); around the clock when absent.
    #[serde(default)]
    pub reply_times: ReplyTimes,
    /// The published holidays and make-up working days (调休), year by year: reply times
    /// skip the one and count the other.
    #[serde(default)]
    pub calendar: Calendar,
    pub product_lines: Vec<ProductLine>,
    pub emergency_contact: EmergencyContact,
    /// The public emergency numbers (119, 120, 110, a region's gas repair line): an
    /// emergency screen shows the ones its flow names before the company's line.
    #[serde(default)]
    pub emergency: EmergencySettings,
    #[serde(default)]
    pub mode: Mode,
    #[serde(default)]
    pub photos: PhotoLimits,
    #[serde(default)]
    pub kiosk: KioskSettings,
    /// Follow-up calls (回访): which resolved requests are due one, when to call, the call
    /// script, and which requests the follow-up rate counts.
    /// (The customer's app leaves it out: feature `follow-up`.)
    #[cfg(feature = "follow-up")]
    #[serde(default)]
    pub follow_up: FollowUpSettings,
    /// Shown before an out-of-warranty on-site visit, which may be chargeable (工本费),
    /// with the region's terms; the customer acknowledges it before submitting.
    pub chargeable_service_notice: Localized,
    /// Out-of-warranty prices per product line and province, shown with that notice by the
    /// province of the customer's address.
    #[serde(default)]
    pub charges: Vec<ChargeTable>,
    /// The causes staff record when they resolve a request (the five usual ones when absent).
    #[serde(default = "crate::quality::default_fault_causes")]
    pub fault_causes: Vec<FaultCause>,
    /// The spare parts staff record as used, and the charges price.
    #[serde(default)]
    pub parts: Vec<Part>,
    /// How long personal data is kept once a request is closed (the form says so).
    #[serde(default)]
    pub privacy: crate::privacy::PrivacySettings,
}

/// Why a configuration file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    Malformed(String),
    Invalid(String),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::Malformed(why) => {
                write!(f, "config.json is not valid JSON for Shouhou: {why}")
            }
            ConfigError::Invalid(why) => write!(f, "config.json is invalid: {why}"),
        }
    }
}

impl std::error::Error for ConfigError {}

impl AppConfig {
    /// Reads `config.json`; a UTF-8 byte-order mark (Windows Notepad writes one) is skipped.
    pub fn from_json(text: &str) -> Result<AppConfig, ConfigError> {
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let config: AppConfig =
            serde_json::from_str(text).map_err(|e| ConfigError::Malformed(e.to_string()))?;
        if config.product_lines.is_empty() {
            return Err(ConfigError::Invalid("product_lines must list at least one line".into()));
        }
        let mut ids: Vec<&str> = config.product_lines.iter().map(|line| line.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(ConfigError::Invalid(format!(
                "product line id {:?} appears twice",
                pair[0]
            )));
        }
        for line in &config.product_lines {
            let mut seen: Vec<&str> = Vec::new();
            for component in &line.components {
                if !crate::schema::is_plain_id(&component.id)
                    || seen.contains(&component.id.as_str())
                {
                    return Err(ConfigError::Invalid(format!(
                        "product line {:?}: component id {:?} is not a plain id, or appears twice",
                        line.id, component.id
                    )));
                }
                seen.push(&component.id);
            }
        }
        let lines: Vec<&str> = config.product_lines.iter().map(|l| l.id.as_str()).collect();
        let parts: Vec<&str> = config.parts.iter().map(|p| p.id.as_str()).collect();
        let problem = config
            .product_lines
            .iter()
            .find_map(|line| line.three_guarantees.as_ref().and_then(ThreeGuarantees::problem))
            .or_else(|| crate::quality::problem(&config.fault_causes, &config.parts, &lines))
            .or_else(|| crate::charges::problem(&config.charges, &lines, &parts));
        if let Some(why) = problem {
            return Err(ConfigError::Invalid(why));
        }
        if config.emergency_contact.phone.trim().is_empty() {
            return Err(ConfigError::Invalid("emergency_contact.phone must not be empty".into()));
        }
        if let Some(why) = config.emergency.problem() {
            return Err(ConfigError::Invalid(why));
        }
        if let Err(why) = crate::adapter::check_mapping(&config.backend) {
            return Err(ConfigError::Invalid(why));
        }
        let photos = config.photos;
        if photos.max_count > 20
            || photos.max_side_px < 320
            || !(30..=100).contains(&photos.jpeg_quality_percent)
        {
            return Err(ConfigError::Invalid(
                "photos: max_count ≤ 20, max_side_px ≥ 320, jpeg_quality_percent 30–100".into(),
            ));
        }
        if let Some(why) = config.privacy.problem() {
            return Err(ConfigError::Invalid(why));
        }
        if config.reply_within_hours == 0 {
            return Err(ConfigError::Invalid("reply_within_hours must be at least 1".into()));
        }
        if let Some(why) = config.reply_times.problem() {
            return Err(ConfigError::Invalid(why));
        }
        if let Some(why) = config.calendar.problem() {
            return Err(ConfigError::Invalid(why));
        }
        #[cfg(feature = "follow-up")]
        if let Some(why) = config.follow_up.problem() {
            return Err(ConfigError::Invalid(why));
        }
        Ok(config)
    }

    /// When the next reply is promised for a request of `priority` submitted at
    /// `submitted_ms` (epoch milliseconds): the confirmation's time and the server's `reply_by`.
    pub fn reply_by(&self, priority: Option<Priority>, submitted_ms: i64) -> i64 {
        crate::reply::reply_by(
            &self.reply_times,
            &self.calendar,
            self.reply_within_hours,
            priority,
            submitted_ms,
        )
    }

    pub fn product_line(&self, id: &str) -> Option<&ProductLine> {
        self.product_lines.iter().find(|line| line.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_config_is_valid() {
        let config = AppConfig::from_json(include_str!("../../static/config.json")).unwrap();
        assert!(config.product_line("inverter").is_some());
        assert!(config
            .product_lines
            .iter()
            .all(|l| !l.name.zh_cn.is_empty() && !l.name.en.is_empty()));
    }

    #[test]
    fn duplicate_product_lines_are_refused() {
        let text = include_str!("../../static/config.json")
            .replace("\"id\": \"network\"", "\"id\": \"inverter\"");
        assert!(matches!(AppConfig::from_json(&text), Err(ConfigError::Invalid(_))));
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_old_configs_load() {
        let shipped = include_str!("../../static/config.json");
        let with_bom = format!("\u{FEFF}{shipped}");
        assert_eq!(AppConfig::from_json(&with_bom), AppConfig::from_json(shipped));
        let mut old: serde_json::Value = serde_json::from_str(shipped).unwrap();
        old.as_object_mut().unwrap().remove("reply_times");
        old.as_object_mut().unwrap().remove("emergency");
        old.as_object_mut().unwrap().remove("calendar");
        old.as_object_mut().unwrap().remove("follow_up");
        let old = AppConfig::from_json(&old.to_string()).unwrap();
        assert_eq!(old.reply_times, ReplyTimes::default());
        assert_eq!(old.emergency, EmergencySettings::default(), "the national numbers");
        assert_eq!(old.reply_by(Some(Priority::Urgent), 0), 24 * 3_600_000);
    }

    #[cfg(feature = "follow-up")]
    #[test]
    fn the_shipped_follow_up_script_has_its_five_parts_in_order() {
        let config = AppConfig::from_json(include_str!("../../static/config.json")).unwrap();
        let ids: Vec<&str> = config.follow_up.script.iter().map(|line| line.id.as_str()).collect();
        assert_eq!(ids, ["use", "evaluation", "care", "next_service", "thanks"]);
    }

    #[test]
    fn a_component_is_named_once_by_a_plain_id() {
        let twice = include_str!("../../static/config.json")
            .replace("\"id\": \"pipes_and_wiring\"", "\"id\": \"waterproofing\"");
        assert!(matches!(AppConfig::from_json(&twice), Err(ConfigError::Invalid(_))));
        let config = AppConfig::from_json(include_str!("../../static/config.json")).unwrap();
        let property = config.product_line("property").unwrap();
        assert_eq!(property.warranty_months_for(Some("waterproofing")), 60);
        assert_eq!(property.warranty_months_for(None), property.warranty_months);
    }

    #[test]
    fn malformed_config_says_why() {
        assert!(matches!(AppConfig::from_json("{"), Err(ConfigError::Malformed(_))));
    }
}
