//! What a repair found and used, and the quality report built from it: staff record the
//! fault cause (使用不当 / 产品质量 / 安装问题 / 外部原因 / 其他, from `config.json`
//! `fault_causes`) and the parts used (from `parts`, with quantities) when they resolve a
//! request; the report counts requests and repeat repairs by model, by cause, the parts used
//! most and repairs by month per model, for any period.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Localized;
use crate::schema::is_plain_id;

/// A cause staff may give a fault: `{"id": "quality", "name": {…}, "performance": true}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultCause {
    pub id: String,
    pub name: Localized,
    /// A fault of the product itself (性能故障): only these count toward 三包's repeated
    /// repairs. Misuse, installation and outside causes do not.
    #[serde(default)]
    pub performance: bool,
}

/// A spare part staff may record as used, priced by region in `charges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub name: Localized,
    /// The lines it fits; every line when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_lines: Vec<String>,
}

impl Part {
    pub fn fits(&self, product_line: &str) -> bool {
        self.product_lines.is_empty() || self.product_lines.iter().any(|l| l == product_line)
    }
}

fn localized(zh_cn: &str, en: &str) -> Localized {
    Localized { zh_cn: zh_cn.into(), en: en.into() }
}

/// The five causes after-sales teams record when the configuration names none.
pub fn default_fault_causes() -> Vec<FaultCause> {
    let cause = |id: &str, zh: &str, en: &str, performance| FaultCause {
        id: id.into(),
        name: localized(zh, en),
        performance,
    };
    vec![
        cause("misuse", "使用不当", "Improper use", false),
        cause("quality", "产品质量", "Product quality", true),
        cause("installation", "安装问题", "Installation", false),
        cause("external", "外部原因", "External cause", false),
        cause("other", "其他", "Other", false),
    ]
}

/// What is wrong with the causes and parts, given the configured line ids.
pub fn problem(causes: &[FaultCause], parts: &[Part], lines: &[&str]) -> Option<String> {
    let ids = causes.iter().map(|c| c.id.as_str()).chain(parts.iter().map(|p| p.id.as_str()));
    let mut seen: Vec<&str> = Vec::new();
    for id in ids {
        if !is_plain_id(id) || seen.contains(&id) {
            return Some(format!(
                "fault_causes and parts: {id:?} is not a plain id, or is named twice"
            ));
        }
        seen.push(id);
    }
    if causes.is_empty() {
        return Some("fault_causes: list at least one cause".into());
    }
    parts
        .iter()
        .flat_map(|p| &p.product_lines)
        .find(|l| !lines.contains(&l.as_str()))
        .map(|line| format!("parts: product line {line:?} is not configured"))
}

/// Parts used on a repair: `{"part": "igbt-module", "quantity": 1}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartUsed {
    pub part: String,
    pub quantity: u32,
}

/// What staff found when they resolved a request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Findings {
    /// A configured fault cause's id.
    #[serde(default)]
    pub fault_cause: Option<String>,
    #[serde(default)]
    pub parts: Vec<PartUsed>,
}

/// The most of one part a single repair records (a mistyped 1000 is refused).
pub const MAX_PART_QUANTITY: u32 = 999;

/// What staff found when resolving: checked against the configuration. `Err` names what is
/// wrong, for the API's refusal.
pub fn check_resolution(
    fault_cause: Option<&str>,
    parts: &[PartUsed],
    causes: &[FaultCause],
    known_parts: &[Part],
) -> Result<(), String> {
    if let Some(cause) = fault_cause.filter(|c| !causes.iter().any(|k| k.id == *c)) {
        return Err(format!("fault_cause {cause:?} is not one of the configured causes"));
    }
    for (i, used) in parts.iter().enumerate() {
        if !known_parts.iter().any(|p| p.id == used.part) {
            return Err(format!("part {:?} is not in the parts list", used.part));
        }
        if !(1..=MAX_PART_QUANTITY).contains(&used.quantity) {
            return Err(format!("part {:?}: quantity 1–{MAX_PART_QUANTITY}", used.part));
        }
        if parts[..i].iter().any(|p| p.part == used.part) {
            return Err(format!("part {:?} is listed twice", used.part));
        }
    }
    Ok(())
}

/// A repair of a unit that was repaired within this many days before it was filed counts
/// as a repeat repair (返修).
pub const REPEAT_REPAIR_DAYS: i64 = 90;

/// One model's line in the quality report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelQuality {
    pub product_line: String,
    /// As the archive or the request gives it; empty when neither does.
    pub model: String,
    /// Requests about units of this model filed in the period.
    pub requests: i64,
    /// Of them, repairs (报修 and on-site reports).
    pub repairs: i64,
    /// Repairs of a unit repaired within [`REPEAT_REPAIR_DAYS`] before.
    pub repeat_repairs: i64,
}

/// How often a part was used in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartQuality {
    pub part: String,
    pub quantity: i64,
    /// Repairs that used it.
    pub repairs: i64,
}

/// Repairs of one model in one month, for the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelMonth {
    /// `YYYY-MM`.
    pub month: String,
    pub model: String,
    pub repairs: i64,
}

/// `GET /api/v1/staff/quality?from=&to=`: requests resolved with a cause and the parts they
/// used, by model, by cause and by month, for requests filed between `from` and `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityReport {
    pub from: String,
    pub to: String,
    /// Most repairs first.
    pub by_model: Vec<ModelQuality>,
    /// Resolved requests per fault cause id (`none` for those resolved without one).
    pub by_cause: BTreeMap<String, i64>,
    /// Most used first, at most [`TOP_PARTS`].
    pub top_parts: Vec<PartQuality>,
    /// Month by month, then model by model.
    pub repairs_by_month: Vec<ModelMonth>,
}

pub const TOP_PARTS: usize = 20;

/// A request as the quality report counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub product_line: String,
    pub model: String,
    /// The unit, when the request names it (product line and normalised serial).
    pub unit: Option<String>,
    /// Days since 1970-01-01 of filing, and the month (`YYYY-MM`).
    pub filed_day: i64,
    pub month: String,
    pub repair: bool,
    pub in_period: bool,
    pub resolved_cause: Option<Option<String>>,
    pub parts: Vec<PartUsed>,
}

/// The report from every request of the period and the repairs before it that make a
/// repeat (the store reads both; this decides what counts).
pub fn report(from: String, to: String, requests: &[Counted]) -> QualityReport {
    let mut by_model: BTreeMap<(String, String), ModelQuality> = BTreeMap::new();
    let mut by_cause: BTreeMap<String, i64> = BTreeMap::new();
    let mut parts: BTreeMap<String, PartQuality> = BTreeMap::new();
    let mut months: BTreeMap<(String, String), i64> = BTreeMap::new();
    // The last repair of each unit so far, in filing order.
    let mut order: Vec<&Counted> = requests.iter().collect();
    order.sort_by_key(|r| r.filed_day);
    let mut last_repair: BTreeMap<&str, i64> = BTreeMap::new();
    for request in order {
        let repeat = request.repair
            && request.unit.as_deref().and_then(|u| last_repair.get(u)).is_some_and(|before| {
                (0..=REPEAT_REPAIR_DAYS).contains(&(request.filed_day - before))
            });
        if let (true, Some(unit)) = (request.repair, request.unit.as_deref()) {
            last_repair.insert(unit, request.filed_day);
        }
        if !request.in_period {
            continue;
        }
        let key = (request.product_line.clone(), request.model.clone());
        let row = by_model.entry(key).or_insert_with(|| ModelQuality {
            product_line: request.product_line.clone(),
            model: request.model.clone(),
            requests: 0,
            repairs: 0,
            repeat_repairs: 0,
        });
        row.requests += 1;
        row.repairs += i64::from(request.repair);
        row.repeat_repairs += i64::from(repeat);
        if request.repair {
            *months.entry((request.month.clone(), request.model.clone())).or_default() += 1;
        }
        if let Some(cause) = &request.resolved_cause {
            *by_cause.entry(cause.clone().unwrap_or_else(|| "none".into())).or_default() += 1;
        }
        for used in &request.parts {
            let part = parts.entry(used.part.clone()).or_insert_with(|| PartQuality {
                part: used.part.clone(),
                quantity: 0,
                repairs: 0,
            });
            part.quantity += i64::from(used.quantity);
            part.repairs += 1;
        }
    }
    let mut by_model: Vec<ModelQuality> = by_model.into_values().collect();
    by_model.sort_by(|a, b| b.repairs.cmp(&a.repairs).then(b.requests.cmp(&a.requests)));
    let mut top_parts: Vec<PartQuality> = parts.into_values().collect();
    top_parts.sort_by(|a, b| b.quantity.cmp(&a.quantity).then(b.repairs.cmp(&a.repairs)));
    top_parts.truncate(TOP_PARTS);
    let repairs_by_month = months
        .into_iter()
        .map(|((month, model), repairs)| ModelMonth { month, model, repairs })
        .collect();
    QualityReport { from, to, by_model, by_cause, top_parts, repairs_by_month }
}

/// The report as a CSV for Excel in a Chinese locale (UTF-8 with a byte-order mark, every
/// cell quoted, formulas neutralised: a model is what a customer typed): one section per
/// table, each with its header, a blank line between them.
pub fn report_csv(report: &QualityReport) -> String {
    fn line(out: &mut String, cells: &[&str]) {
        let quoted: Vec<String> = cells.iter().map(|text| crate::csv::cell(text)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    let mut out = String::from("\u{FEFF}");
    line(&mut out, &["product_line", "model", "requests", "repairs", "repeat_repairs"]);
    for row in &report.by_model {
        let numbers = [row.requests, row.repairs, row.repeat_repairs].map(|n| n.to_string());
        line(&mut out, &[&row.product_line, &row.model, &numbers[0], &numbers[1], &numbers[2]]);
    }
    out.push_str("\r\n");
    line(&mut out, &["fault_cause", "requests"]);
    for (cause, count) in &report.by_cause {
        line(&mut out, &[cause, &count.to_string()]);
    }
    out.push_str("\r\n");
    line(&mut out, &["part", "quantity", "repairs"]);
    for part in &report.top_parts {
        line(&mut out, &[&part.part, &part.quantity.to_string(), &part.repairs.to_string()]);
    }
    out.push_str("\r\n");
    line(&mut out, &["month", "model", "repairs"]);
    for month in &report.repairs_by_month {
        line(&mut out, &[&month.month, &month.model, &month.repairs.to_string()]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(unit: &str, day: i64, repair: bool, in_period: bool) -> Counted {
        Counted {
            product_line: "inverter".into(),
            model: "ACS580".into(),
            unit: Some(unit.into()),
            filed_day: day,
            month: format!("2026-{:02}", 1 + day / 31),
            repair,
            in_period,
            resolved_cause: None,
            parts: vec![],
        }
    }

    #[test]
    fn a_repair_within_ninety_days_of_the_last_is_a_repeat_even_from_before_the_period() {
        let requests = [
            counted("A", 0, true, false),
            counted("A", 90, true, true),
            counted("A", 181, true, true),
            counted("B", 100, false, true),
            counted("B", 120, true, true),
        ];
        let report = report("from".into(), "to".into(), &requests);
        let row = &report.by_model[0];
        assert_eq!((row.requests, row.repairs, row.repeat_repairs), (4, 3, 1));
    }

    #[test]
    fn causes_parts_and_months_are_counted_and_written_for_excel() {
        let mut first = counted("A", 3, true, true);
        first.resolved_cause = Some(Some("quality".into()));
        first.parts = vec![PartUsed { part: "fan".into(), quantity: 2 }];
        let mut second = counted("C", 40, true, true);
        second.model = "MD500 \"plus\"".into();
        second.resolved_cause = Some(None);
        second.parts = vec![PartUsed { part: "fan".into(), quantity: 1 }];
        let report = report("2026-01-01".into(), "2026-03-01".into(), &[first, second]);
        assert_eq!(report.by_cause, BTreeMap::from([("none".into(), 1), ("quality".into(), 1)]));
        assert_eq!(report.top_parts, [PartQuality { part: "fan".into(), quantity: 3, repairs: 2 }]);
        assert_eq!(report.repairs_by_month.len(), 2);
        let csv = report_csv(&report);
        assert!(csv.starts_with("\u{FEFF}\"product_line\",\"model\""));
        assert!(csv.contains("\"MD500 \"\"plus\"\"\""), "{csv}");
        assert!(csv.contains("\"fan\",\"3\",\"2\"\r\n"));
    }

    #[test]
    fn a_model_a_spreadsheet_would_run_is_written_as_text() {
        let mut typed = counted("A", 3, true, true);
        typed.model = "=cmd|'/c calc'!A1".into();
        let csv = report_csv(&report("2026-01-01".into(), "2026-03-01".into(), &[typed]));
        assert!(csv.contains("\"inverter\",\"'=cmd|'/c calc'!A1\",\"1\""), "{csv}");
    }

    #[test]
    fn resolutions_are_checked_against_the_configuration() {
        let causes = default_fault_causes();
        let parts =
            [Part { id: "fan".into(), name: localized("风扇", "Fan"), product_lines: vec![] }];
        let used = |part: &str, quantity| PartUsed { part: part.into(), quantity };
        assert_eq!(check_resolution(Some("quality"), &[used("fan", 2)], &causes, &parts), Ok(()));
        assert!(check_resolution(Some("bad luck"), &[], &causes, &parts).is_err());
        assert!(check_resolution(None, &[used("gearbox", 1)], &causes, &parts).is_err());
        assert!(check_resolution(None, &[used("fan", 0)], &causes, &parts).is_err());
        assert!(check_resolution(None, &[used("fan", 1), used("fan", 1)], &causes, &parts).is_err());
        assert_eq!(problem(&causes, &parts, &[]), None);
        assert!(problem(&[], &parts, &[]).is_some());
    }
}
