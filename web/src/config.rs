//! The run-time configuration both apps read: `/config.json`, the file the customer app and
//! the intake server run with, in core's types.

use serde::Deserialize;
use shouhou_core::{AppConfig, ProductLine};

use crate::http::{self, HttpError};

const FILE: &str = "/config.json";

/// The whole configuration, checked as core checks it (the customer app).
pub async fn load() -> Result<AppConfig, HttpError> {
    let text = http::get_text(FILE).await?;
    AppConfig::from_json(&text).map_err(|error| HttpError::Unreadable(error.to_string()))
}

/// Only the product lines, for an app that shows their names and nothing else of the
/// configuration (the desk): reading the whole of it would put every setting's decoder into
/// that app's download.
pub async fn product_lines() -> Result<Vec<ProductLine>, HttpError> {
    read_product_lines(&http::get_text(FILE).await?).map_err(HttpError::Unreadable)
}

/// The product lines of a configuration's text (a byte-order mark, as Windows Notepad saves
/// one, is no matter).
pub fn read_product_lines(text: &str) -> Result<Vec<ProductLine>, String> {
    #[derive(Deserialize)]
    struct Lines {
        product_lines: Vec<ProductLine>,
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let lines: Lines = serde_json::from_str(text).map_err(|error| error.to_string())?;
    Ok(lines.product_lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_lines_are_those_the_whole_configuration_has() {
        let text = include_str!("../../static/config.json");
        let whole = AppConfig::from_json(text).unwrap();
        assert_eq!(read_product_lines(text).unwrap(), whole.product_lines);
        let with_bom = format!("\u{FEFF}{text}");
        assert_eq!(read_product_lines(&with_bom).unwrap(), whole.product_lines);
        assert!(read_product_lines("{}").is_err());
    }
}
