//! The run-time configuration both apps read: `/config.json`, the file the customer app and
//! the intake server run with, in core's types.

use serde::Deserialize;
use shouhou_core::config::{FaultCause, Part};
use shouhou_core::{AppConfig, Localized};

use crate::http::{self, HttpError};
use crate::maps;

const FILE: &str = "/config.json";

/// The whole configuration, checked as core checks it (the customer app).
pub async fn load() -> Result<AppConfig, HttpError> {
    let text = http::get_text(FILE).await?;
    AppConfig::from_json(&text).map_err(|error| HttpError::Unreadable(error.to_string()))
}

/// What the desk reads of the configuration: the product lines' names, and the fault causes
/// and parts staff record when they resolve. Reading the whole of it would put every
/// setting's decoder into the desk's download.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct DeskSettings {
    pub product_lines: Vec<LineName>,
    #[serde(default = "shouhou_core::quality::default_fault_causes")]
    pub fault_causes: Vec<FaultCause>,
    #[serde(default)]
    pub parts: Vec<Part>,
}

/// A product line as the desk shows it: its id and its name. Its warranty, components and
/// 三包 periods are the server's to judge (about 1 KB less of the desk as served).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LineName {
    pub id: String,
    pub name: Localized,
}

pub async fn desk_settings() -> Result<DeskSettings, HttpError> {
    read_desk_settings(&http::get_text(FILE).await?).map_err(HttpError::Unreadable)
}

/// The desk's settings from a configuration's text (a byte-order mark, as Windows Notepad
/// saves one, is no matter).
pub fn read_desk_settings(text: &str) -> Result<DeskSettings, String> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    maps::from_str(text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_desk_reads_what_the_whole_configuration_has() {
        let text = include_str!("../../static/config.json");
        let whole = AppConfig::from_json(text).unwrap();
        let desk = read_desk_settings(text).unwrap();
        let names = |lines: &[LineName]| {
            lines.iter().map(|l| (l.id.clone(), l.name.clone())).collect::<Vec<_>>()
        };
        let whole_names: Vec<_> =
            whole.product_lines.iter().map(|l| (l.id.clone(), l.name.clone())).collect();
        assert_eq!(names(&desk.product_lines), whole_names);
        assert_eq!((desk.fault_causes, desk.parts), (whole.fault_causes, whole.parts));
        let with_bom = format!("\u{FEFF}{text}");
        assert_eq!(names(&read_desk_settings(&with_bom).unwrap().product_lines), whole_names);
        assert!(read_desk_settings("{}").is_err());
    }
}
