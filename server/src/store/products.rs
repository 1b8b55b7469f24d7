//! The product archive (产品档案): one row per unit in `products`, keyed by product line and
//! serial number (as core's `normalize_serial` writes it). Here: a unit found for the
//! customer's look-up and for a request, a staff edit with its line in the audit trail, a
//! record made or completed when a request about the unit is closed, an import of a whole
//! file in one transaction, and a request's service history.
//!
//! What a row may hold, how an import's rows are read and what a closed request adds are
//! core's (`shouhou_core::product`); this only reads and writes.

use std::sync::Arc;

use shouhou_core::desk::{PastRequest, ServiceHistory, HISTORY_LIMIT};
use shouhou_core::product::{
    normalize_serial, read_header, HeaderProblem, ImportReader, ProductRecord, RecordProblem,
};
use shouhou_core::warranty::CivilDate;
use shouhou_core::{AppConfig, Intent, Status, ValidRequest};

use super::error::StoreError;
use super::sql::{params, Conn, Row, Value};
use crate::spreadsheet::{self, FileProblem};

const COLUMNS: &str = "product_line, serial_number, model, configuration, produced_on, \
                       delivered_on, warranty_months, owner";

fn record_from(row: &Row) -> Result<ProductRecord, StoreError> {
    Ok(ProductRecord {
        product_line: row.get(0)?,
        serial_number: row.get(1)?,
        model: row.get(2)?,
        configuration: row.get(3)?,
        produced_on: row.get(4)?,
        delivered_on: row.get(5)?,
        warranty_months: row.get(6)?,
        owner: row.get(7)?,
    })
}

/// One unit by its key.
pub async fn get(
    c: &impl Conn,
    product_line: &str,
    serial: &str,
) -> Result<Option<ProductRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM products WHERE product_line = $1 AND serial_number = $2{}",
        c.dialect().lock_rows
    );
    let row = c.query_opt(&sql, params![product_line, &normalize_serial(serial)]).await?;
    row.as_ref().map(record_from).transpose()
}

/// A unit by its serial number alone, as a customer types it: the one in `preferred` (the
/// line they chose) when there is one, else the first by line.
pub async fn find(
    c: &impl Conn,
    serial: &str,
    preferred: Option<&str>,
) -> Result<Option<ProductRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM products WHERE serial_number = $1
         ORDER BY CASE WHEN product_line = $2 THEN 0 ELSE 1 END, product_line LIMIT 1"
    );
    let row =
        c.query_opt(&sql, params![&normalize_serial(serial), preferred.unwrap_or("")]).await?;
    row.as_ref().map(record_from).transpose()
}

fn record_values(record: &ProductRecord, now: &str) -> [Value<'static>; 10] {
    let text = |t: &String| Value::from(t.clone());
    [
        text(&record.product_line),
        text(&record.serial_number),
        text(&record.model),
        text(&record.configuration),
        text(&record.produced_on),
        text(&record.delivered_on),
        Value::from(record.warranty_months),
        text(&record.owner),
        Value::from(now.to_string()),
        Value::from(now.to_string()),
    ]
}

/// Writes a record as it is (a staff edit, a record core completed): added when new, else
/// replaced.
pub async fn put(c: &impl Conn, record: &ProductRecord, now: &str) -> Result<(), StoreError> {
    upsert(c, std::slice::from_ref(record), now, Known::Replace).await
}

/// How an upsert treats a unit the archive has: replaced as given (an edit), or with an empty
/// cell leaving what the archive had (an import).
#[derive(Clone, Copy, PartialEq)]
enum Known {
    Replace,
    KeepWhereEmpty,
}

/// The statement that adds `records` and updates the units already there as `known_units`
/// says: one statement, whose conflict target is the key's unique index on both databases.
async fn upsert(
    c: &impl Conn,
    records: &[ProductRecord],
    now: &str,
    known_units: Known,
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let mut sql = format!("INSERT INTO products ({COLUMNS}, created_at, updated_at) VALUES ");
    let mut values = Vec::with_capacity(records.len() * 10);
    for (i, record) in records.iter().enumerate() {
        let first = i * 10;
        let marks: Vec<String> = (1..=10).map(|n| format!("${}", first + n)).collect();
        sql.push_str(if i == 0 { "(" } else { ", (" });
        sql.push_str(&marks.join(", "));
        sql.push(')');
        values.extend(record_values(record, now));
    }
    let updated: Vec<String> = ["model", "configuration", "produced_on", "delivered_on", "owner"]
        .iter()
        .map(|c| match known_units {
            Known::Replace => format!("{c} = EXCLUDED.{c}"),
            Known::KeepWhereEmpty => {
                format!("{c} = CASE WHEN EXCLUDED.{c} = '' THEN products.{c} ELSE EXCLUDED.{c} END")
            }
        })
        .chain(std::iter::once(
            match known_units {
                Known::Replace => "warranty_months = EXCLUDED.warranty_months",
                Known::KeepWhereEmpty => {
                    "warranty_months = COALESCE(EXCLUDED.warranty_months, products.warranty_months)"
                }
            }
            .to_string(),
        ))
        .collect();
    sql.push_str(&format!(
        " ON CONFLICT (product_line, serial_number) DO UPDATE SET {}, updated_at = EXCLUDED.updated_at",
        updated.join(", ")
    ));
    c.execute(&sql, &values).await?;
    Ok(())
}

/// How many of `records`' units the archive has.
async fn count_known(c: &impl Conn, records: &[ProductRecord]) -> Result<u64, StoreError> {
    if records.is_empty() {
        return Ok(0);
    }
    let marks: Vec<String> =
        (0..records.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
    // Each unit looked up by its key, one probe of the primary key per row: a join of the
    // batch with the table would let PostgreSQL's planner read the whole table for every
    // batch (a million rows a thousand times) where its statistics lag behind an import.
    let sql = format!(
        "SELECT CAST(COALESCE(sum((SELECT count(*) FROM products p
             WHERE p.product_line = v.column1 AND p.serial_number = v.column2)), 0) AS BIGINT)
         FROM (VALUES {}) AS v",
        marks.join(", ")
    );
    let values: Vec<Value> = records
        .iter()
        .flat_map(|r| [Value::from(r.product_line.as_str()), Value::from(r.serial_number.as_str())])
        .collect();
    Ok(c.value::<i64>(&sql, &values).await? as u64)
}

/// A staff member's edit (or addition) of one unit, with its line in the audit trail: who,
/// when, which unit, and which fields changed. The record as kept.
pub async fn edit(
    c: &impl Conn,
    record: ProductRecord,
    actor: &str,
    now: &str,
) -> Result<ProductRecord, StoreError> {
    let before = get(c, &record.product_line, &record.serial_number).await?;
    let changed = match &before {
        Some(before) => record.changes_from(before).join(", "),
        None => "created".to_string(),
    };
    put(c, &record, now).await?;
    super::audit::record(
        c,
        now,
        actor,
        super::audit::Action::ProductEdit,
        &format!("{}/{}", record.product_line, record.serial_number),
        &changed,
    )
    .await?;
    Ok(record)
}

/// When a request about a unit is closed: the unit's record made from it, or what the record
/// did not know filled in from it (core decides which). Nothing for a request without a
/// serial number.
pub async fn complete_from_request(
    c: &impl Conn,
    request: &ValidRequest,
    now: &str,
) -> Result<(), StoreError> {
    let Some(seen) = ProductRecord::from_request(request) else { return Ok(()) };
    let record = match get(c, &seen.product_line, &seen.serial_number).await? {
        Some(mut known) => {
            if !known.complete_from(&seen) {
                return Ok(());
            }
            known
        }
        None => seen,
    };
    put(c, &record, now).await
}

/// Rows an import writes (or counts) at a time: ten parameters each, well under both
/// databases' limits on one statement.
const BATCH: usize = 1000;

/// Why a row (or the whole file, on line 1) was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    File(FileProblem),
    Header(HeaderProblem),
    Row(RecordProblem),
}

/// What an import read, and what it wrote or would write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportOutcome {
    /// Rows after the header, blank ones not counted.
    pub rows: u64,
    pub imported: u64,
    pub updated: u64,
    /// The first refused rows, by line; `refused` counts all of them.
    pub refusals: Vec<(u64, Refusal)>,
    pub refused: u64,
}

/// What an import's pass does with each batch of good rows: count how many it would add and
/// update (the check), or write them (an empty cell leaving what the archive had).
#[derive(Clone, Copy)]
enum Pass<'a> {
    /// Only the rows' checks (before writing).
    Check,
    Count,
    Write {
        now: &'a str,
    },
}

impl Pass<'_> {
    async fn batch(
        self,
        c: &impl Conn,
        records: Vec<ProductRecord>,
        outcome: &mut ImportOutcome,
    ) -> Result<(), StoreError> {
        match self {
            Pass::Check => Ok(()),
            // Once a row is refused nothing is written: counting the rest is no use.
            Pass::Count if outcome.refused > 0 => Ok(()),
            Pass::Count => {
                let known = count_known(c, &records).await?;
                outcome.updated += known;
                outcome.imported += records.len() as u64 - known;
                Ok(())
            }
            // Counted once written, from the archive's size before and after.
            Pass::Write { now } => upsert(c, &records, now, Known::KeepWhereEmpty).await,
        }
    }
}

/// Reads `body` through, checking every row, and hands each batch of good records to the
/// pass.
async fn read_through(
    c: &impl Conn,
    body: &[u8],
    config: &AppConfig,
    today: CivilDate,
    pass: Pass<'_>,
) -> Result<ImportOutcome, StoreError> {
    let mut outcome = ImportOutcome::default();
    let refuse = |outcome: &mut ImportOutcome, line: u64, why: Refusal| {
        outcome.refused += 1;
        if outcome.refusals.len() < shouhou_core::product::MAX_LISTED_ERRORS {
            outcome.refusals.push((line, why));
        }
    };
    let mut rows = match spreadsheet::rows(body) {
        Ok(rows) => rows,
        Err(problem) => {
            refuse(&mut outcome, 1, Refusal::File(problem));
            return Ok(outcome);
        }
    };
    let header = match rows.next() {
        None => Err(Refusal::File(FileProblem::Empty)),
        Some(Err(problem)) => Err(Refusal::File(problem)),
        Some(Ok((_, cells))) => {
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            read_header(&cells).map_err(Refusal::Header)
        }
    };
    let columns = match header {
        Ok(columns) => columns,
        Err(why) => {
            refuse(&mut outcome, 1, why);
            return Ok(outcome);
        }
    };
    let mut reader = ImportReader::new(columns, config, today);
    let mut batch = Vec::with_capacity(BATCH);
    let mut last_line = 1;
    for row in rows {
        let (line, cells) = match row {
            Ok(row) => row,
            Err(problem) => {
                refuse(&mut outcome, last_line + 1, Refusal::File(problem));
                break;
            }
        };
        last_line = line;
        let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
        if ImportReader::is_blank(&cells) {
            continue;
        }
        outcome.rows += 1;
        match reader.row(line, &cells) {
            Ok(record) => batch.push(record),
            Err(problem) => refuse(&mut outcome, line, Refusal::Row(problem)),
        }
        if batch.len() == BATCH {
            pass.batch(c, std::mem::take(&mut batch), &mut outcome).await?;
        }
    }
    pass.batch(c, batch, &mut outcome).await?;
    Ok(outcome)
}

/// Checks every row of `body` (a CSV or an Excel workbook) and, unless `dry_run` or a row is
/// refused, writes them all — in the caller's one transaction, so nothing is half-imported.
pub async fn import<C: Conn>(
    c: &C,
    body: &[u8],
    config: &Arc<AppConfig>,
    today: CivilDate,
    dry_run: bool,
    now: &str,
) -> Result<ImportOutcome, StoreError> {
    let first = if dry_run { Pass::Count } else { Pass::Check };
    let checked = read_through(c, body, config, today, first).await?;
    if dry_run || checked.refused > 0 {
        return Ok(checked);
    }
    let units = || c.value::<i64>("SELECT count(*) FROM products", params![]);
    let before = units().await?;
    let mut written = read_through(c, body, config, today, Pass::Write { now }).await?;
    // Each good row is one unit (a unit twice is refused): the new ones are what the archive
    // grew by, the rest were updated.
    written.imported = (units().await? - before) as u64;
    written.updated = written.rows - written.imported;
    Ok(written)
}

fn past_from(row: &Row) -> Result<PastRequest, StoreError> {
    let request: ValidRequest = serde_json::from_str(&row.get::<String>(4)?)
        .map_err(|e| StoreError::Data(format!("a stored request: {e}")))?;
    let detail = |name: &str| request.details.get(name).cloned();
    let status: String = row.get(2)?;
    Ok(PastRequest {
        reference: row.get(0)?,
        created_at: row.get(1)?,
        intent: request.intent,
        status: Status::parse(&status).unwrap_or(Status::Received),
        product_line: request.product_line.clone(),
        model: detail("model"),
        serial_number: detail("serial_number"),
        resolution: detail("resolution"),
        fault_cause: row.get(3)?,
    })
}

/// Every other request about the same unit (its line and serial), and from the same phone,
/// newest first, at most [`HISTORY_LIMIT`] each; for an engineer (`visiting`), only those
/// they have a visit on: another request's reference with the customer's phone opens it on
/// the public look-up, and an engineer sees no request they are not sent to.
pub async fn history(
    c: &impl Conn,
    request_id: i64,
    product_line: &str,
    serial_key: Option<&str>,
    phone: &str,
    visiting: Option<&str>,
) -> Result<ServiceHistory, StoreError> {
    let limit = HISTORY_LIMIT as i64;
    let columns = "reference, created_at, status, fault_cause, request_json";
    // The engineer is the last parameter of either query.
    let visited = |last: &str| match visiting {
        Some(_) => format!(" AND {}", super::visits::visited_by(last)),
        None => String::new(),
    };
    let same_serial = match serial_key {
        Some(key) => {
            let sql = format!(
                "SELECT {columns} FROM requests WHERE serial_key = $1 AND product_line = $2
                 AND id <> $3{} ORDER BY id DESC LIMIT $4",
                visited("$5")
            );
            let rows = match visiting {
                Some(engineer) => {
                    c.query(&sql, params![key, product_line, request_id, limit, engineer]).await?
                }
                None => c.query(&sql, params![key, product_line, request_id, limit]).await?,
            };
            rows.iter().map(past_from).collect::<Result<_, _>>()?
        }
        None => Vec::new(),
    };
    // An erased request has no phone: it is nobody's, and no other erased one is "theirs".
    let same_phone = if phone.is_empty() {
        Vec::new()
    } else {
        let sql = format!(
            "SELECT {columns} FROM requests WHERE phone = $1 AND id <> $2{} ORDER BY id DESC
             LIMIT $3",
            visited("$4")
        );
        let rows = match visiting {
            Some(engineer) => c.query(&sql, params![phone, request_id, limit, engineer]).await?,
            None => c.query(&sql, params![phone, request_id, limit]).await?,
        };
        rows.iter().map(past_from).collect::<Result<_, _>>()?
    };
    Ok(ServiceHistory { same_serial, same_phone })
}

/// The earlier repairs of a unit, as 三包 counts them: each resolved repair of it filed
/// before `request_id`, with its fault, its warranty and its cause.
pub async fn earlier_repairs(
    c: &impl Conn,
    request_id: i64,
    product_line: &str,
    serial_key: &str,
    performance_causes: &[String],
) -> Result<Vec<shouhou_core::guarantees::PriorRepair>, StoreError> {
    let sql = "SELECT request_json, fault_cause FROM requests
               WHERE serial_key = $1 AND product_line = $2 AND id < $3
               AND status IN ('resolved', 'closed') AND intent IN ($4, $5)
               ORDER BY id";
    let rows = c
        .query(
            sql,
            params![
                serial_key,
                product_line,
                request_id,
                Intent::Repair.as_str(),
                Intent::OnsiteReport.as_str()
            ],
        )
        .await?;
    rows.iter()
        .map(|row| {
            let request: ValidRequest = serde_json::from_str(&row.get::<String>(0)?)
                .map_err(|e| StoreError::Data(format!("a stored request: {e}")))?;
            let cause: Option<String> = row.get(1)?;
            Ok(shouhou_core::guarantees::PriorRepair {
                fault: shouhou_core::product::fault_key(&request),
                in_warranty: request.warranty.as_ref().is_some_and(|w| w.is_covered()),
                performance: cause.is_some_and(|c| performance_causes.contains(&c)),
            })
        })
        .collect()
}

/// What the desk shows of a request's unit beside the request: its archive record, its
/// service history, and its earlier repairs as 三包 counts them (`performance_causes`: the
/// configured causes that are faults of the product).
pub struct UnitContext {
    pub record: Option<ProductRecord>,
    pub history: ServiceHistory,
    pub earlier_repairs: Vec<shouhou_core::guarantees::PriorRepair>,
}

pub async fn unit_context(
    c: &impl Conn,
    reference: &str,
    performance_causes: &[String],
    visiting: Option<&str>,
) -> Result<Option<UnitContext>, StoreError> {
    let sql = "SELECT id, product_line, serial_key, phone, request_json FROM requests
               WHERE reference = $1";
    let Some(row) = c.query_opt(sql, params![reference]).await? else { return Ok(None) };
    let (id, line, serial_key, phone): (i64, String, Option<String>, String) =
        (row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?);
    let request: ValidRequest = serde_json::from_str(&row.get::<String>(4)?)
        .map_err(|e| StoreError::Data(format!("a stored request: {e}")))?;
    let record = match request.details.get("serial_number") {
        Some(serial) => get(c, &line, serial).await?,
        None => None,
    };
    let earlier_repairs = match &serial_key {
        Some(key) => earlier_repairs(c, id, &line, key, performance_causes).await?,
        None => Vec::new(),
    };
    let history = history(c, id, &line, serial_key.as_deref(), &phone, visiting).await?;
    Ok(Some(UnitContext { record, history, earlier_repairs }))
}
