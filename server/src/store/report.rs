//! What the figures and the export read. A period is a range of days, inclusive, each time
//! counted on the day it has in the server's own offset (the date part of the stored time,
//! as reference numbers are).
//!
//! The figures never read a period's requests one by one: they add up the running counts per
//! day ([`super::facts`]), the requests filed and the deflections of the days not yet
//! settled ([`settle_days`]), and the few requests still without an answer. A year costs a
//! few thousand rows, whatever the number of requests. The export reads its period in
//! batches ([`export_batch`]), in filing order, each batch a query of its own.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::StoreError;
use super::facts::count;
use super::sql::{params, Conn, Row};

/// The counts the figures are made of, before any division.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Counts {
    /// Requests filed in the period.
    pub requests: i64,
    pub by_intent: BTreeMap<String, i64>,
    pub by_category: BTreeMap<String, i64>,
    pub by_product_line: BTreeMap<String, i64>,
    /// Problems guided troubleshooting solved in the period.
    pub deflections: i64,
    /// Repairs filed in the period by month (`YYYY-MM`): (in warranty, out of warranty).
    pub repairs_by_month: BTreeMap<String, (i64, i64)>,
    /// Requests resolved for the first time in the period, and how many of them had a
    /// follow-up call; the same by intent and warranty ([`super::facts::follow_up_key`]),
    /// for the rate measured on some of them.
    pub resolved: i64,
    pub followed_up: i64,
    pub resolved_by: BTreeMap<String, i64>,
    pub followed_up_by: BTreeMap<String, i64>,
    /// Ratings given in the period, how many of each score: by customers, and asked on
    /// follow-up calls.
    pub customer_ratings: BTreeMap<u8, i64>,
    pub follow_up_ratings: BTreeMap<u8, i64>,
    /// Requests whose first promised reply time fell in the period and has passed or been
    /// met: (due, met).
    pub due: i64,
    pub answered_on_time: i64,
    /// Whole hours from filing to the first resolution, for the requests resolved in the
    /// period: how many took each.
    pub hours_to_resolve: BTreeMap<i64, i64>,
    /// Requests not answered by the time they escalate, counted on that time's day.
    pub escalations: i64,
}

/// The key a filed request is counted under: what it was filed as.
fn filed_key(intent: &str, category: &str, product_line: &str, warranty: &str) -> String {
    [intent, category, product_line, warranty].join("|")
}

impl Counts {
    /// `day` is a day or a month: only its month is read.
    fn add_filed(&mut self, day: &str, key: &str, n: i64) {
        let mut parts = key.split('|');
        let mut part = || parts.next().unwrap_or_default().to_string();
        let (intent, category, product_line, warranty) = (part(), part(), part(), part());
        self.requests += n;
        *self.by_intent.entry(intent.clone()).or_default() += n;
        if !category.is_empty() {
            *self.by_category.entry(category).or_default() += n;
        }
        *self.by_product_line.entry(product_line).or_default() += n;
        if intent == "repair" && !warranty.is_empty() {
            let month =
                self.repairs_by_month.entry(day.get(..7).unwrap_or(day).into()).or_default();
            if warranty == "in_warranty" {
                month.0 += n;
            } else {
                month.1 += n;
            }
        }
    }

    fn add(&mut self, day: &str, name: &str, key: &str, n: i64) {
        let score = || key.parse::<u8>().unwrap_or_default();
        match name {
            "filed" => self.add_filed(day, key, n),
            "deflected" => self.deflections += n,
            "resolved" => {
                self.resolved += n;
                *self.resolved_by.entry(key.to_string()).or_default() += n;
            }
            "followed_up" => {
                self.followed_up += n;
                *self.followed_up_by.entry(key.to_string()).or_default() += n;
            }
            "resolve_hours" => {
                *self.hours_to_resolve.entry(key.parse().unwrap_or_default()).or_default() += n
            }
            "rating_customer" => *self.customer_ratings.entry(score()).or_default() += n,
            "rating_follow_up" => *self.follow_up_ratings.entry(score()).or_default() += n,
            "answered" => {
                self.due += n;
                if key == "on_time" {
                    self.answered_on_time += n;
                }
            }
            "escalated" => self.escalations += n,
            _ => {}
        }
    }
}

/// The last day whose filings and deflections are counted in `daily_counts`; `""` for none.
async fn settled_through(c: &impl Conn, lock: bool) -> Result<String, StoreError> {
    let sql = format!(
        "SELECT value FROM store_state WHERE name = 'settled_through'{}",
        if lock { c.dialect().lock_rows } else { "" }
    );
    Ok(c.query_opt(&sql, params![]).await?.map(|row| row.get(0)).transpose()?.unwrap_or_default())
}

const FILED: &str = "SELECT created_day, intent, COALESCE(category, ''), product_line,
                            COALESCE(warranty, ''), count(*)
                     FROM requests WHERE created_day > $1 AND created_day <= $2
                     GROUP BY created_day, intent, COALESCE(category, ''), product_line,
                              COALESCE(warranty, '')";

fn filed_row(row: &Row) -> Result<(String, String, i64), StoreError> {
    let key = filed_key(
        &row.get::<String>(1)?,
        &row.get::<String>(2)?,
        &row.get::<String>(3)?,
        &row.get::<String>(4)?,
    );
    Ok((row.get(0)?, key, row.get(5)?))
}

/// Counts the filings and deflections of every day up to `through` not counted yet, once:
/// a day that has passed gains none (see [`settle_horizon`]), so its count stands.
pub async fn settle_days(c: &impl Conn, through: &str) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO store_state (name, value) VALUES ('settled_through', '')
         ON CONFLICT (name) DO NOTHING",
        params![],
    )
    .await?;
    let settled = settled_through(c, true).await?;
    if settled.as_str() >= through {
        return Ok(());
    }
    for row in c.query(FILED, params![&settled, through]).await? {
        let (day, key, n) = filed_row(&row)?;
        count(c, &day, "filed", &key, n).await?;
    }
    let deflected = c
        .query(
            "SELECT created_day, count(*) FROM deflections
             WHERE created_day > $1 AND created_day <= $2 GROUP BY created_day",
            params![&settled, through],
        )
        .await?;
    for row in deflected {
        count(c, &row.get::<String>(0)?, "deflected", "", row.get(1)?).await?;
    }
    c.execute("UPDATE store_state SET value = $1 WHERE name = 'settled_through'", params![through])
        .await?;
    Ok(())
}

/// Whether every day up to `horizon` is settled already.
pub async fn is_settled(c: &impl Conn, horizon: &str) -> Result<bool, StoreError> {
    Ok(settled_through(c, false).await?.as_str() >= horizon)
}

/// The last day that can be settled at `today`: two days back, so a request stamped with a
/// day that an instance with a clock a little behind still calls today is never missed.
pub fn settle_horizon(today: chrono::NaiveDate) -> String {
    (today - chrono::Duration::days(2)).format("%Y-%m-%d").to_string()
}

/// A filing or a deflection dated `day` (only tools and tests date them in the past):
/// counted at once when its day is settled already.
pub async fn count_late(
    c: &impl Conn,
    day: &str,
    horizon: &str,
    name: &str,
    key: &str,
) -> Result<(), StoreError> {
    if day <= horizon && day <= settled_through(c, true).await?.as_str() {
        count(c, day, name, key, 1).await?;
    }
    Ok(())
}

/// The key [`count_late`] counts a filing under.
pub fn filed(
    intent: &str,
    category: Option<&str>,
    product_line: &str,
    warranty: Option<&str>,
) -> String {
    filed_key(intent, category.unwrap_or_default(), product_line, warranty.unwrap_or_default())
}

/// `from` and `to` are `YYYY-MM-DD`; `now` is in Unix seconds (what "has passed" means).
pub async fn counts(c: &impl Conn, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
    let mut counts = Counts::default();
    // Added up by the database: a year is a few hundred thousand rows, a few thousand sums.
    // Filings keep their month, for the repairs by month.
    let rows = c
        .query(
            "SELECT CASE WHEN name = 'filed' THEN substr(day, 1, 7) ELSE '' END AS month, name,
                    key, CAST(sum(n) AS BIGINT)
             FROM daily_counts WHERE day BETWEEN $1 AND $2
             GROUP BY CASE WHEN name = 'filed' THEN substr(day, 1, 7) ELSE '' END, name, key",
            params![from, to],
        )
        .await?;
    for row in rows {
        let (month, name, key): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        counts.add(&month, &name, &key, row.get(3)?);
    }

    // The days since the last settled one, counted live.
    let settled = settled_through(c, false).await?;
    let first = std::cmp::max(settled, day_before(from));
    if first.as_str() < to {
        for row in c.query(FILED, params![&first, to]).await? {
            let (day, key, n) = filed_row(&row)?;
            counts.add(&day, "filed", &key, n);
        }
        counts.deflections += c
            .value::<i64>(
                "SELECT count(*) FROM deflections WHERE created_day > $1 AND created_day <= $2",
                params![&first, to],
            )
            .await?;
    }

    // Promises that passed without an answer: due and missed, and escalated.
    let row = c
        .query_opt(
            "SELECT
                 COALESCE(sum(CASE WHEN promised_day BETWEEN $1 AND $2 AND promised_ts <= $3
                                   THEN 1 ELSE 0 END), 0),
                 COALESCE(sum(CASE WHEN escalates_day BETWEEN $1 AND $2 AND escalates_ts <= $3
                                   THEN 1 ELSE 0 END), 0)
             FROM requests WHERE answered_ts IS NULL",
            params![from, to, now],
        )
        .await?
        .ok_or_else(|| StoreError::Data("no row from a sum".into()))?;
    counts.due += row.get::<i64>(0)?;
    counts.escalations += row.get::<i64>(1)?;
    Ok(counts)
}

/// The day before `day` (`YYYY-MM-DD`), as text: the bound below a period.
fn day_before(day: &str) -> String {
    chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| (d - chrono::Duration::days(1)).format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The export's columns, in order: a stored column or a field of the request's details.
pub const EXPORT_COLUMNS: [&str; 21] = [
    "reference",
    "created_at",
    "status",
    "intent",
    "product_line",
    "category",
    "priority",
    "warranty",
    "full_name",
    "company",
    "phone",
    "email",
    "address",
    "model",
    "serial_number",
    "purchase_date",
    "order_number",
    "description",
    "reply_by",
    "assigned_to",
    "satisfaction",
];

/// Where an export batch ended: the next starts after it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportMark {
    day: String,
    at: i64,
    id: i64,
}

/// Up to `limit` requests filed in the period after `after`, oldest first, one row of
/// [`EXPORT_COLUMNS`] each, and where they end (`None` once the period is done).
pub async fn export_batch(
    c: &impl Conn,
    from: &str,
    to: &str,
    after: Option<&ExportMark>,
    limit: i64,
) -> Result<(Vec<Vec<String>>, Option<ExportMark>), StoreError> {
    // The period's first day bounds only the first batch; after a mark the mark alone does,
    // so SQLite seeks to it. Given both, its planner may take the days' range and read the
    // period from its first day again for every batch: at a million requests the year's
    // export took 83 s instead of 15.
    let (from_here, args) = match after {
        None => ("created_day >= $1", params![from, to, limit]),
        Some(mark) => (
            "(created_day, created_ts, id) > ($1, $4, $5)",
            params![&mark.day, to, limit, mark.at, mark.id],
        ),
    };
    let rows = c
        .query(
            &format!(
                "SELECT reference, created_at, status, intent, product_line, category, priority,
                        warranty, full_name, phone, email, description, reply_by, assigned_to,
                        satisfaction, details_json, created_day, created_ts, id
                 FROM requests
                 WHERE {from_here} AND created_day <= $2
                 ORDER BY created_day, created_ts, id LIMIT $3"
            ),
            args,
        )
        .await?;
    let mark = match rows.last() {
        Some(last) if rows.len() as i64 == limit => {
            Some(ExportMark { day: last.get(16)?, at: last.get(17)?, id: last.get(18)? })
        }
        _ => None,
    };
    let lines = rows.iter().map(export_line).collect::<Result<_, _>>()?;
    Ok((lines, mark))
}

fn export_line(row: &Row) -> Result<Vec<String>, StoreError> {
    let text = |i: usize| -> Result<String, StoreError> {
        Ok(row.get::<Option<String>>(i)?.unwrap_or_default())
    };
    let details: BTreeMap<String, String> = row
        .get::<Option<String>>(15)?
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default();
    let detail = |name: &str| details.get(name).cloned().unwrap_or_default();
    Ok(vec![
        text(0)?,
        text(1)?,
        text(2)?,
        text(3)?,
        text(4)?,
        text(5)?,
        text(6)?,
        text(7)?,
        text(8)?,
        detail("company"),
        text(9)?,
        text(10)?,
        detail("address"),
        detail("model"),
        detail("serial_number"),
        detail("purchase_date"),
        detail("order_number"),
        text(11)?,
        text(12)?,
        text(13)?,
        row.get::<Option<i64>>(14)?.map(|n| n.to_string()).unwrap_or_default(),
    ])
}
