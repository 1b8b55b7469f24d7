//! The product archive (产品档案): one record per unit the company sold or installed — serial,
//! model, configuration, when it was made and delivered, its warranty and its owner — so
//! warranty is judged from records, not from a date the customer half remembers, and a unit's
//! repairs can be seen together.
//!
//! Here: the record and its checks (one rule for an import's rows and a staff edit), reading
//! an import's header and rows, a unit's warranty from its record, what the customer's
//! look-up may answer, a record built from a closed request, and which fault a request is
//! about (for 三包's repeated repairs). The store keeps the records; the rules are these.

use std::collections::hash_map::DefaultHasher;
use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::config::AppConfig;
use crate::guarantees::{entitlement, failed_repairs, Entitlement, PriorRepair, Unit};
use crate::rules::Conditions;
use crate::schema::{
    is_direction_override, Field, Intent, RequestFields, ValidRequest, LONG_LINE_MAX_CHARS,
    NOTES_MAX_CHARS, SHORT_TEXT_MAX_CHARS,
};
use crate::warranty::{last_covered_day, CivilDate, WarrantyStatus};

/// One unit in the archive. Dates are `YYYY-MM-DD`; an empty text is "not known".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProductRecord {
    /// Unique within its product line; kept as [`normalize_serial`] writes it.
    pub serial_number: String,
    pub product_line: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub configuration: String,
    #[serde(default)]
    pub produced_on: String,
    /// Delivered or installed: warranty and 三包 count from it (else from `produced_on`).
    #[serde(default)]
    pub delivered_on: String,
    /// Overrides the line's `warranty_months` for this unit.
    #[serde(default)]
    pub warranty_months: Option<u32>,
    /// The organisation that owns it (a bank branch, an estate): staff only, never shown to
    /// customers.
    #[serde(default)]
    pub owner: String,
}

/// The columns of an import file, by the schema's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    SerialNumber,
    ProductLine,
    Model,
    Configuration,
    ProducedOn,
    DeliveredOn,
    WarrantyMonths,
    Owner,
}

impl Column {
    pub const ALL: [Column; 8] = [
        Column::SerialNumber,
        Column::ProductLine,
        Column::Model,
        Column::Configuration,
        Column::ProducedOn,
        Column::DeliveredOn,
        Column::WarrantyMonths,
        Column::Owner,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::SerialNumber => "serial_number",
            Column::ProductLine => "product_line",
            Column::Model => "model",
            Column::Configuration => "configuration",
            Column::ProducedOn => "produced_on",
            Column::DeliveredOn => "delivered_on",
            Column::WarrantyMonths => "warranty_months",
            Column::Owner => "owner",
        }
    }

    pub fn parse(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The longest text the column holds, in characters.
    fn max_chars(self) -> usize {
        match self {
            Column::Configuration => NOTES_MAX_CHARS,
            Column::Owner => LONG_LINE_MAX_CHARS,
            _ => SHORT_TEXT_MAX_CHARS,
        }
    }
}

/// The most months of warranty a record may give (50 years).
pub const MAX_WARRANTY_MONTHS: u32 = 600;

/// What is wrong with one row or record: the message key `product.<code>` with the column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordProblem {
    /// More or fewer cells than the header has columns.
    Cells {
        expected: usize,
        found: usize,
    },
    Required(Column),
    UnknownProductLine(String),
    TooLong(Column, usize),
    /// Control characters, or a line break in a one-line column.
    InvalidCharacters(Column),
    BadDate(Column),
    FutureDate(Column),
    ProducedAfterDelivery,
    BadMonths,
    /// The same unit was on an earlier line of the file.
    Duplicate {
        line: u64,
    },
}

impl RecordProblem {
    pub fn code(&self) -> &'static str {
        match self {
            RecordProblem::Cells { .. } => "cells",
            RecordProblem::Required(_) => "required",
            RecordProblem::UnknownProductLine(_) => "unknown_product_line",
            RecordProblem::TooLong(..) => "too_long",
            RecordProblem::InvalidCharacters(_) => "invalid_characters",
            RecordProblem::BadDate(_) => "bad_date",
            RecordProblem::FutureDate(_) => "future_date",
            RecordProblem::ProducedAfterDelivery => "produced_after_delivery",
            RecordProblem::BadMonths => "bad_months",
            RecordProblem::Duplicate { .. } => "duplicate",
        }
    }

    /// The placeholders of its message: `{column}`, `{value}`, `{max}`, `{expected}`,
    /// `{found}`, `{line}`.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            RecordProblem::Cells { expected, found } => {
                vec![("expected", expected.to_string()), ("found", found.to_string())]
            }
            RecordProblem::Required(c)
            | RecordProblem::InvalidCharacters(c)
            | RecordProblem::BadDate(c)
            | RecordProblem::FutureDate(c) => vec![("column", c.name().into())],
            RecordProblem::TooLong(c, max) => {
                vec![("column", c.name().into()), ("max", max.to_string())]
            }
            RecordProblem::UnknownProductLine(value) => vec![("value", value.clone())],
            RecordProblem::ProducedAfterDelivery => vec![],
            RecordProblem::BadMonths => vec![("max", MAX_WARRANTY_MONTHS.to_string())],
            RecordProblem::Duplicate { line } => vec![("line", line.to_string())],
        }
    }
}

/// A serial number as the archive keys it: full-width letters and digits made half-width
/// (as a Chinese keyboard may type them), spaces around it dropped, letters in capitals.
pub fn normalize_serial(text: &str) -> String {
    text.trim()
        .chars()
        .map(|ch| match ch {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch),
            '\u{3000}' => ' ',
            other => other,
        })
        .collect::<String>()
        .trim()
        .to_ascii_uppercase()
}

fn date_cell(column: Column, text: &str, today: CivilDate) -> Result<(), RecordProblem> {
    match CivilDate::parse(text) {
        _ if text.is_empty() => Ok(()),
        None => Err(RecordProblem::BadDate(column)),
        Some(date) if date > today => Err(RecordProblem::FutureDate(column)),
        Some(_) => Ok(()),
    }
}

impl ProductRecord {
    /// Trims every text, normalises the serial and checks the whole record on `today`: the
    /// one rule for an import's row and a staff edit.
    pub fn checked(
        mut self,
        config: &AppConfig,
        today: CivilDate,
    ) -> Result<ProductRecord, RecordProblem> {
        self.serial_number = normalize_serial(&self.serial_number);
        for (column, text) in self.texts_mut() {
            *text = text.trim().to_string();
            let multi_line = column == Column::Configuration;
            let forbidden = |c: char| {
                (c.is_control() && !(multi_line && matches!(c, '\n' | '\t')))
                    || is_direction_override(c)
            };
            if text.chars().any(forbidden) {
                return Err(RecordProblem::InvalidCharacters(column));
            }
            if text.chars().count() > column.max_chars() {
                return Err(RecordProblem::TooLong(column, column.max_chars()));
            }
        }
        if self.serial_number.is_empty() {
            return Err(RecordProblem::Required(Column::SerialNumber));
        }
        if self.product_line.is_empty() {
            return Err(RecordProblem::Required(Column::ProductLine));
        }
        if config.product_line(&self.product_line).is_none() {
            return Err(RecordProblem::UnknownProductLine(self.product_line));
        }
        date_cell(Column::ProducedOn, &self.produced_on, today)?;
        date_cell(Column::DeliveredOn, &self.delivered_on, today)?;
        if !self.produced_on.is_empty()
            && !self.delivered_on.is_empty()
            && self.produced_on > self.delivered_on
        {
            return Err(RecordProblem::ProducedAfterDelivery);
        }
        if self.warranty_months.is_some_and(|m| m > MAX_WARRANTY_MONTHS) {
            return Err(RecordProblem::BadMonths);
        }
        Ok(self)
    }

    fn texts_mut(&mut self) -> [(Column, &mut String); 7] {
        [
            (Column::SerialNumber, &mut self.serial_number),
            (Column::ProductLine, &mut self.product_line),
            (Column::Model, &mut self.model),
            (Column::Configuration, &mut self.configuration),
            (Column::ProducedOn, &mut self.produced_on),
            (Column::DeliveredOn, &mut self.delivered_on),
            (Column::Owner, &mut self.owner),
        ]
    }

    /// The unit's key in the archive: its line and serial.
    pub fn key(&self) -> (&str, &str) {
        (&self.product_line, &self.serial_number)
    }

    /// When warranty started: delivery or installation, else production.
    pub fn warranty_start(&self) -> Option<CivilDate> {
        CivilDate::parse(&self.delivered_on).or_else(|| CivilDate::parse(&self.produced_on))
    }

    /// The last day the unit is covered for a fault in `component` (a part with a warranty of
    /// its own on the line, such as waterproofing), or for the line's warranty; `None` without
    /// a date to count from.
    pub fn warranty_until(&self, config: &AppConfig, component: Option<&str>) -> Option<CivilDate> {
        let line = config.product_line(&self.product_line)?;
        let own = component.and_then(|id| line.components.iter().find(|c| c.id == id));
        let months = match own {
            Some(component) => component.warranty_months,
            None => self.warranty_months.unwrap_or(line.warranty_months),
        };
        Some(last_covered_day(self.warranty_start()?, months))
    }

    /// Fills what this record does not know from `other` (a closed request's view of the
    /// unit), keeping everything it knows. Whether anything changed.
    pub fn complete_from(&mut self, other: &ProductRecord) -> bool {
        let before = self.clone();
        let fill = |mine: &mut String, theirs: &String| {
            if mine.is_empty() {
                mine.clone_from(theirs);
            }
        };
        fill(&mut self.model, &other.model);
        fill(&mut self.configuration, &other.configuration);
        fill(&mut self.produced_on, &other.produced_on);
        fill(&mut self.delivered_on, &other.delivered_on);
        fill(&mut self.owner, &other.owner);
        if self.warranty_months.is_none() {
            self.warranty_months = other.warranty_months;
        }
        *self != before
    }

    /// The unit a request names, as the archive would record it: its line and serial, model
    /// and configuration, and the purchase (or delivery) date the customer gave. `None` for a
    /// request without a serial number.
    pub fn from_request(request: &ValidRequest) -> Option<ProductRecord> {
        let detail = |field: Field| request.details.get(field.name()).cloned().unwrap_or_default();
        let serial_number = normalize_serial(&detail(Field::SerialNumber));
        if serial_number.is_empty() {
            return None;
        }
        let purchased = detail(Field::PurchaseDate);
        Some(ProductRecord {
            serial_number,
            product_line: request.product_line.clone(),
            model: detail(Field::Model),
            configuration: detail(Field::Configuration),
            delivered_on: if purchased.is_empty() { detail(Field::DeliveredOn) } else { purchased },
            ..ProductRecord::default()
        })
    }

    /// The names of the fields that differ from `before`, for the audit trail.
    pub fn changes_from(&self, before: &ProductRecord) -> Vec<&'static str> {
        let months =
            |r: &ProductRecord| r.warranty_months.map(|m| m.to_string()).unwrap_or_default();
        let pairs = [
            (Column::Model, self.model == before.model),
            (Column::Configuration, self.configuration == before.configuration),
            (Column::ProducedOn, self.produced_on == before.produced_on),
            (Column::DeliveredOn, self.delivered_on == before.delivered_on),
            (Column::WarrantyMonths, months(self) == months(before)),
            (Column::Owner, self.owner == before.owner),
        ];
        pairs.into_iter().filter(|(_, same)| !same).map(|(c, _)| c.name()).collect()
    }
}

/// What the customer's look-up answers (`GET /api/v1/products/{serial}`): enough to fill the
/// form and judge the warranty, nothing about the owner or the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductLookup {
    pub product_line: String,
    pub model: String,
    /// The last covered day (`YYYY-MM-DD`); null when the archive has no date to count from.
    pub warranty_until: Option<String>,
    /// Covered on `today`; null when not known.
    pub in_warranty: Option<bool>,
}

impl ProductLookup {
    pub fn of(
        record: &ProductRecord,
        config: &AppConfig,
        component: Option<&str>,
        today: CivilDate,
    ) -> ProductLookup {
        let until = record.warranty_until(config, component);
        ProductLookup {
            product_line: record.product_line.clone(),
            model: record.model.clone(),
            warranty_until: until.map(|d| d.to_string()),
            in_warranty: until.map(|until| today <= until),
        }
    }
}

/// Which fault a request is about, so repeated repairs of one fault are told apart from
/// unrelated ones: the outcome guided troubleshooting reached (`flow:outcome`), else the
/// fault code the equipment showed (`code:OC1`); `None` when neither says.
pub fn fault_key(request: &ValidRequest) -> Option<String> {
    if let Some(t) = &request.troubleshooting {
        return Some(format!("{}:{}", t.flow_id, t.outcome));
    }
    let code = request.details.get(Field::FaultCode.name())?;
    Some(format!("code:{}", normalize_serial(code)))
}

/// 三包 for a filed request, as the desk shows it: from the archive's delivery date (else the
/// customer's purchase or delivery date), the warranty as judged at filing, and the earlier
/// repairs of the same fault, on the day it was filed.
pub fn request_entitlement(
    request: &ValidRequest,
    record: Option<&ProductRecord>,
    config: &AppConfig,
    earlier: &[PriorRepair],
    filed_on: CivilDate,
) -> Option<Entitlement> {
    let line = config.product_line(&request.product_line)?;
    let claimed = [Field::PurchaseDate, Field::DeliveredOn]
        .into_iter()
        .find_map(|field| request.details.get(field.name()).and_then(|d| CivilDate::parse(d)));
    let unit = Unit {
        delivered_on: record.and_then(ProductRecord::warranty_start).or(claimed),
        covered: request.warranty.as_ref().and_then(WarrantyStatus::covered),
    };
    let failed = failed_repairs(fault_key(request).as_deref(), earlier);
    entitlement(line.three_guarantees.as_ref(), unit, filed_on, failed)
}

/// 三包 as the customer's form shows it while they fill it in: from the purchase (or
/// delivery) date they give and the warranty as judged (from the archive when the look-up
/// found the unit). The form cannot know earlier repairs; the desk counts them.
pub fn form_entitlement(
    fields: &RequestFields,
    conditions: &Conditions,
    config: &AppConfig,
    today: CivilDate,
) -> Option<Entitlement> {
    if !matches!(conditions.intent, Some(Intent::Repair | Intent::ReturnExchangeRefund)) {
        return None;
    }
    let line = config.product_line(fields.product_line.trim())?;
    let claimed = [&fields.purchase_date, &fields.delivered_on]
        .into_iter()
        .find_map(|date| CivilDate::parse(date.trim()).filter(|d| *d <= today));
    let unit = Unit {
        delivered_on: claimed,
        covered: conditions.warranty.as_ref().and_then(WarrantyStatus::covered),
    };
    entitlement(line.three_guarantees.as_ref(), unit, today, 0)
}

/// Reads an import's header: every cell a column's name (any order, each once), serial
/// number and product line among them. Unknown names are refused by name.
pub fn read_header(cells: &[&str]) -> Result<Vec<Column>, HeaderProblem> {
    let mut columns = Vec::new();
    let mut unknown = Vec::new();
    for cell in cells {
        // Excel writes a byte-order mark before the first name of a UTF-8 CSV.
        let name = cell.trim().trim_start_matches('\u{FEFF}').trim();
        match Column::parse(name) {
            Some(column) if columns.contains(&column) => {
                return Err(HeaderProblem::Twice(column.name()))
            }
            Some(column) => columns.push(column),
            None => unknown.push(name.to_string()),
        }
    }
    if !unknown.is_empty() {
        return Err(HeaderProblem::Unknown(unknown));
    }
    let missing: Vec<&'static str> = [Column::SerialNumber, Column::ProductLine]
        .into_iter()
        .filter(|c| !columns.contains(c))
        .map(Column::name)
        .collect();
    if !missing.is_empty() {
        return Err(HeaderProblem::Missing(missing));
    }
    Ok(columns)
}

/// Why an import's first line is not a header this version reads (`product.header_<code>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderProblem {
    /// Names that are not columns of the archive, as written.
    Unknown(Vec<String>),
    Twice(&'static str),
    Missing(Vec<&'static str>),
}

impl HeaderProblem {
    pub fn code(&self) -> &'static str {
        match self {
            HeaderProblem::Unknown(_) => "header_unknown",
            HeaderProblem::Twice(_) => "header_twice",
            HeaderProblem::Missing(_) => "header_missing",
        }
    }

    /// `{columns}`: the names concerned, comma-separated.
    pub fn columns(&self) -> String {
        match self {
            HeaderProblem::Unknown(names) => names.join(", "),
            HeaderProblem::Twice(name) => name.to_string(),
            HeaderProblem::Missing(names) => names.join(", "),
        }
    }
}

/// Reads an import's rows one by one against its header: each row to a checked record or
/// the reason it is refused, a unit already on an earlier line refused with that line.
pub struct ImportReader<'a> {
    columns: Vec<Column>,
    config: &'a AppConfig,
    today: CivilDate,
    /// Each unit seen by a 64-bit hash of its key, with its line: a million rows in about
    /// 30 MB, where the keys themselves would take three times that.
    seen: HashMap<u64, u64>,
}

impl<'a> ImportReader<'a> {
    pub fn new(columns: Vec<Column>, config: &'a AppConfig, today: CivilDate) -> ImportReader<'a> {
        ImportReader { columns, config, today, seen: HashMap::new() }
    }

    /// Whether every cell of a row is empty: spreadsheets end with such rows, and they are
    /// skipped, not refused.
    pub fn is_blank(cells: &[&str]) -> bool {
        cells.iter().all(|cell| cell.trim().is_empty())
    }

    /// Row `line` (the header is line 1).
    pub fn row(&mut self, line: u64, cells: &[&str]) -> Result<ProductRecord, RecordProblem> {
        if cells.len() != self.columns.len() {
            return Err(RecordProblem::Cells { expected: self.columns.len(), found: cells.len() });
        }
        let mut record = ProductRecord::default();
        for (column, cell) in self.columns.iter().zip(cells) {
            let text = cell.trim().to_string();
            match column {
                Column::SerialNumber => record.serial_number = text,
                Column::ProductLine => record.product_line = text,
                Column::Model => record.model = text,
                Column::Configuration => record.configuration = text,
                Column::ProducedOn => record.produced_on = text,
                Column::DeliveredOn => record.delivered_on = text,
                Column::Owner => record.owner = text,
                Column::WarrantyMonths if text.is_empty() => {}
                Column::WarrantyMonths => {
                    let months = text.parse::<u32>().map_err(|_| RecordProblem::BadMonths)?;
                    record.warranty_months = Some(months);
                }
            }
        }
        let record = record.checked(self.config, self.today)?;
        let mut hasher = DefaultHasher::new();
        record.key().hash(&mut hasher);
        match self.seen.entry(hasher.finish()) {
            Entry::Occupied(earlier) => Err(RecordProblem::Duplicate { line: *earlier.get() }),
            Entry::Vacant(slot) => {
                slot.insert(line);
                Ok(record)
            }
        }
    }
}

/// A row an import refused: its line in the file (the header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportError {
    pub line: u64,
    pub message: String,
}

/// `POST /api/v1/staff/products/import`'s answer. With errors nothing was imported (or, in a
/// dry run, would be); `imported` and `updated` say what the file adds and changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// Rows read after the header, blank rows not counted.
    pub rows: u64,
    /// New units.
    pub imported: u64,
    /// Units the archive had, now (or in a dry run, then) as the file says.
    pub updated: u64,
    pub errors: Vec<ImportError>,
}

/// At most this many refused rows are listed; the count says how many more.
pub const MAX_LISTED_ERRORS: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> AppConfig {
        AppConfig::from_json(include_str!("../../static/config.json")).unwrap()
    }

    const TODAY: CivilDate = CivilDate { year: 2026, month: 11, day: 27 };

    fn date(text: &str) -> CivilDate {
        CivilDate::parse(text).unwrap()
    }

    #[test]
    fn a_header_names_the_schema_s_columns_in_any_order_and_unknown_ones_by_name() {
        let header = read_header(&["\u{FEFF}model", " serial_number", "product_line"]).unwrap();
        assert_eq!(header, [Column::Model, Column::SerialNumber, Column::ProductLine]);
        assert_eq!(
            read_header(&["serial_number", "product_line", "colour", "price"]),
            Err(HeaderProblem::Unknown(vec!["colour".into(), "price".into()]))
        );
        assert_eq!(
            read_header(&["serial_number", "model"]),
            Err(HeaderProblem::Missing(vec!["product_line"]))
        );
        assert_eq!(
            read_header(&["serial_number", "product_line", "model", "model"]),
            Err(HeaderProblem::Twice("model"))
        );
    }

    #[test]
    fn rows_are_checked_and_the_same_unit_twice_names_its_first_line() {
        let config = config();
        let columns = read_header(&Column::ALL.map(Column::name)).unwrap();
        let mut reader = ImportReader::new(columns, &config, TODAY);
        let good = [
            "inv-7k5-0042",
            "inverter",
            "ACS580",
            "7.5 kW",
            "2026-01-10",
            "2026-02-01",
            "24",
            "苏州精工",
        ];
        let record = reader.row(2, &good).unwrap();
        assert_eq!(record.serial_number, "INV-7K5-0042");
        assert_eq!(record.warranty_months, Some(24));
        let mut with = |line, change: &dyn Fn(&mut [&str; 8])| {
            let mut cells = good;
            cells[0] = "OTHER";
            change(&mut cells);
            reader.row(line, &cells).map(|_| ()).map_err(|p| p.code())
        };
        assert_eq!(with(3, &|c| c[1] = "toaster"), Err("unknown_product_line"));
        assert_eq!(with(4, &|c| c[0] = " "), Err("required"));
        assert_eq!(with(5, &|c| c[4] = "2026-13-01"), Err("bad_date"));
        assert_eq!(with(6, &|c| c[5] = "2027-01-01"), Err("future_date"));
        assert_eq!(with(7, &|c| c[4] = "2026-03-01"), Err("produced_after_delivery"));
        assert_eq!(with(8, &|c| c[6] = "two"), Err("bad_months"));
        assert_eq!(with(9, &|c| c[6] = "601"), Err("bad_months"));
        assert_eq!(with(10, &|c| c[2] = "a\u{7}b"), Err("invalid_characters"));
        // An owner that would read as "abcexe.png" on the desk.
        assert_eq!(with(10, &|c| c[7] = "abc\u{202E}gnp.exe"), Err("invalid_characters"));
        assert_eq!(with(10, &|c| c[3] = "7.5 kW\n\u{2067}x"), Err("invalid_characters"));
        assert_eq!(with(11, &|_| ()), Ok(()));
        assert_eq!(reader.row(12, &good[..3]), Err(RecordProblem::Cells { expected: 8, found: 3 }));
        let mut again = good;
        again[0] = "ＩＮＶ-7K5-0042 ";
        assert_eq!(reader.row(13, &again), Err(RecordProblem::Duplicate { line: 2 }));
        assert_eq!(reader.row(14, &again), Err(RecordProblem::Duplicate { line: 2 }));
        let mut other_line = good;
        other_line[1] = "appliance";
        assert!(reader.row(15, &other_line).is_ok(), "serials are unique per line only");
        assert!(ImportReader::is_blank(&["", " ", ""]));
    }

    #[test]
    fn warranty_counts_from_delivery_with_the_unit_s_or_the_component_s_months() {
        let config = config();
        let mut unit = ProductRecord {
            serial_number: "P-1".into(),
            product_line: "property".into(),
            produced_on: "2024-01-01".into(),
            ..ProductRecord::default()
        };
        assert_eq!(unit.warranty_until(&config, None), Some(date("2024-12-31")), "from production");
        unit.delivered_on = "2024-06-15".into();
        assert_eq!(unit.warranty_until(&config, None), Some(date("2025-06-14")));
        assert_eq!(unit.warranty_until(&config, Some("waterproofing")), Some(date("2029-06-14")));
        unit.warranty_months = Some(36);
        assert_eq!(unit.warranty_until(&config, None), Some(date("2027-06-14")));
        let lookup = ProductLookup::of(&unit, &config, None, TODAY);
        assert_eq!(lookup.warranty_until.as_deref(), Some("2027-06-14"));
        assert_eq!(lookup.in_warranty, Some(true));
        unit.delivered_on.clear();
        unit.produced_on.clear();
        let unknown = ProductLookup::of(&unit, &config, None, TODAY);
        assert_eq!((unknown.warranty_until, unknown.in_warranty), (None, None));
    }

    fn appliance_repair(details: serde_json::Value, warranty: serde_json::Value) -> ValidRequest {
        serde_json::from_value(serde_json::json!({
            "intent": "repair", "product_line": "appliance", "full_name": "李娜",
            "phone": "+8613812345678", "email": null, "description": "冰箱不制冷",
            "details": details, "warranty": warranty,
        }))
        .unwrap()
    }

    #[test]
    fn the_desk_judges_three_guarantees_from_the_archive_and_the_unit_s_repairs() {
        use crate::guarantees::{Basis, PriorRepair};
        let config = config();
        let covered = serde_json::json!({"in_warranty": {"until": "2027-11-01"}});
        let request = appliance_repair(
            serde_json::json!({"serial_number": "FR-1", "purchase_date": "2026-11-20",
                               "fault_code": "E4"}),
            covered,
        );
        let filed = date("2026-11-27");
        // The customer says 7 days ago; the archive knows it was delivered 16 days ago.
        let basis = |record: Option<&ProductRecord>, earlier: &[PriorRepair]| {
            request_entitlement(&request, record, &config, earlier, filed).map(|e| e.basis)
        };
        assert_eq!(basis(None, &[]), Some(Basis::ReturnPeriod));
        let record = ProductRecord {
            serial_number: "FR-1".into(),
            product_line: "appliance".into(),
            delivered_on: "2026-11-11".into(),
            ..ProductRecord::default()
        };
        assert_eq!(basis(Some(&record), &[]), Some(Basis::Warranty));
        let failed =
            PriorRepair { fault: Some("code:E4".into()), in_warranty: true, performance: true };
        assert_eq!(basis(Some(&record), std::slice::from_ref(&failed)), Some(Basis::Warranty));
        assert_eq!(basis(Some(&record), &[failed.clone(), failed]), Some(Basis::RepeatedRepairs));
    }

    #[test]
    fn the_form_shows_three_guarantees_for_repairs_and_returns_only() {
        let config = config();
        let mut fields = RequestFields {
            intent: "repair".into(),
            product_line: "appliance".into(),
            purchase_date: "2026-11-20".into(),
            ..RequestFields::default()
        };
        let judged = |fields: &RequestFields| {
            let conditions = Conditions::of(fields, &config, TODAY);
            form_entitlement(fields, &conditions, &config, TODAY)
        };
        let e = judged(&fields).unwrap();
        assert_eq!(
            (e.basis, e.days_since_delivery),
            (crate::guarantees::Basis::ReturnPeriod, Some(7))
        );
        fields.intent = "consultation".into();
        assert_eq!(judged(&fields), None);
        fields.intent = "repair".into();
        fields.product_line = "inverter".into();
        let e = judged(&fields).unwrap();
        assert_eq!(e.basis, crate::guarantees::Basis::Warranty, "no 三包 rules on the line");
    }

    #[test]
    fn a_closed_request_completes_a_record_without_overwriting_it() {
        let request: ValidRequest = serde_json::from_value(serde_json::json!({
            "intent": "repair", "product_line": "inverter", "full_name": "王建国",
            "phone": "+8613812345678", "email": null, "description": "OC1 过流",
            "details": {"serial_number": "inv-1", "model": "ACS580", "purchase_date": "2025-05-01",
                        "fault_code": "oc1"},
        }))
        .unwrap();
        let from_request = ProductRecord::from_request(&request).unwrap();
        assert_eq!(
            (from_request.serial_number.as_str(), from_request.delivered_on.as_str()),
            ("INV-1", "2025-05-01")
        );
        assert_eq!(fault_key(&request).as_deref(), Some("code:OC1"));
        let mut archived = ProductRecord {
            serial_number: "INV-1".into(),
            product_line: "inverter".into(),
            delivered_on: "2025-04-20".into(),
            ..ProductRecord::default()
        };
        let before = archived.clone();
        assert!(archived.complete_from(&from_request));
        assert_eq!(
            (archived.model.as_str(), archived.delivered_on.as_str()),
            ("ACS580", "2025-04-20")
        );
        assert!(!archived.complete_from(&from_request), "nothing more to add");
        assert_eq!(archived.changes_from(&before), ["model"]);
    }
}
