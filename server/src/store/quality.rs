//! What the quality report reads: the requests filed in a period (and the repairs of the
//! [`REPEAT_REPAIR_DAYS`] before it, which make a repair in it a repeat), with their model,
//! unit, what staff found and the parts they used. What counts how is core's
//! ([`shouhou_core::quality::report`]).

use shouhou_core::quality::{report, Counted, PartUsed, QualityReport, REPEAT_REPAIR_DAYS};
use shouhou_core::warranty::CivilDate;

use super::error::StoreError;
use super::sql::{params, Conn};

/// The report for requests filed from `from` to `to` (`YYYY-MM-DD`, inclusive, on the
/// server's calendar as the figures count days).
pub async fn quality(c: &impl Conn, from: &str, to: &str) -> Result<QualityReport, StoreError> {
    let start = CivilDate::parse(from).ok_or_else(|| StoreError::Data(format!("a day: {from}")))?;
    let since = start.plus_days(-REPEAT_REPAIR_DAYS).to_string();
    let model = (c.dialect().json_field)("details_json", "model");
    let sql = format!(
        "SELECT product_line, COALESCE({model}, ''), serial_key, created_day, intent, status,
                fault_cause, parts_json
         FROM requests
         WHERE created_day >= $1 AND created_day <= $2
           AND (created_day >= $3 OR (intent IN ('repair', 'onsite_report') AND serial_key IS NOT NULL))"
    );
    let rows = c.query(&sql, params![&since, to, from]).await?;
    let mut counted = Vec::with_capacity(rows.len());
    for row in &rows {
        let line: String = row.get(0)?;
        let day: String = row.get(3)?;
        let intent: String = row.get(4)?;
        let status: String = row.get(5)?;
        let parts: Option<String> = row.get(7)?;
        let parts: Vec<PartUsed> = parts
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| StoreError::Data(format!("a request's parts: {e}")))?
            .unwrap_or_default();
        counted.push(Counted {
            unit: row.get::<Option<String>>(2)?.map(|key| [line.as_str(), "|", &key].concat()),
            model: row.get(1)?,
            filed_day: CivilDate::parse(&day).map_or(0, CivilDate::days_since_epoch),
            month: day.get(..7).unwrap_or_default().to_string(),
            repair: matches!(intent.as_str(), "repair" | "onsite_report"),
            in_period: day.as_str() >= from,
            resolved_cause: matches!(status.as_str(), "resolved" | "closed")
                .then(|| row.get::<Option<String>>(6))
                .transpose()?,
            parts,
            product_line: line,
        });
    }
    Ok(report(from.to_string(), to.to_string(), &counted))
}
