//! What the figures and the export read. A period is a range of days, inclusive, each time
//! counted on the day it has in the server's own offset (the date part of the stored time,
//! as reference numbers are).

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::Serialize;

use super::StoreError;

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
    /// Requests resolved in the period, and how many of them had a follow-up call.
    pub resolved: i64,
    pub followed_up: i64,
    /// Ratings given in the period: by customers, and asked on follow-up calls.
    pub customer_ratings: Vec<u8>,
    pub follow_up_ratings: Vec<u8>,
    /// Requests whose first promised reply time fell in the period and has passed or been
    /// met: (due, met).
    pub due: i64,
    pub answered_on_time: i64,
    /// Seconds from filing to the first resolution, for each request resolved in the period.
    pub seconds_to_resolve: Vec<i64>,
}

fn group(
    conn: &Connection,
    column: &str,
    from: &str,
    to: &str,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {column}, count(*) FROM requests
         WHERE substr(created_at, 1, 10) BETWEEN ?1 AND ?2 AND {column} IS NOT NULL
         GROUP BY {column}"
    ))?;
    let rows = statement.query_map(params![from, to], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// `from` and `to` are `YYYY-MM-DD`; `now` is in Unix seconds (what "has passed" means).
pub fn counts(conn: &Connection, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
    let mut counts = Counts {
        by_intent: group(conn, "intent", from, to)?,
        by_category: group(conn, "category", from, to)?,
        by_product_line: group(conn, "product_line", from, to)?,
        ..Counts::default()
    };
    counts.requests = counts.by_intent.values().sum();
    counts.deflections = conn.query_row(
        "SELECT count(*) FROM deflections WHERE substr(created_at, 1, 10) BETWEEN ?1 AND ?2",
        params![from, to],
        |row| row.get(0),
    )?;

    let mut statement = conn.prepare(
        "SELECT substr(created_at, 1, 7), warranty, count(*) FROM requests
         WHERE intent = 'repair' AND warranty IS NOT NULL
           AND substr(created_at, 1, 10) BETWEEN ?1 AND ?2
         GROUP BY 1, 2",
    )?;
    let rows = statement.query_map(params![from, to], |row| {
        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, i64>(2)?))
    })?;
    for row in rows {
        let (month, warranty, count) = row?;
        let slot = counts.repairs_by_month.entry(month).or_default();
        match warranty.as_str() {
            "in_warranty" => slot.0 += count,
            _ => slot.1 += count,
        }
    }

    // Resolved in the period: a change to resolved dated in it. A request reopened and
    // resolved again in one period counts once, from its first resolution.
    let mut statement = conn.prepare(
        "SELECT unixepoch(r.created_at), min(unixepoch(e.at)),
                EXISTS (SELECT 1 FROM events f WHERE f.request_id = r.id AND f.kind = 'follow_up')
         FROM events e JOIN requests r ON r.id = e.request_id
         WHERE e.kind = 'status' AND e.status = 'resolved'
           AND substr(e.at, 1, 10) BETWEEN ?1 AND ?2
         GROUP BY r.id",
    )?;
    let rows = statement.query_map(params![from, to], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, i64>(1)?, row.get::<_, bool>(2)?))
    })?;
    for row in rows {
        let (created, resolved, followed_up) = row?;
        counts.resolved += 1;
        counts.followed_up += i64::from(followed_up);
        counts.seconds_to_resolve.push(resolved - created);
    }

    let mut statement = conn.prepare(
        "SELECT kind, satisfaction FROM events
         WHERE kind IN ('rating', 'follow_up') AND satisfaction IS NOT NULL
           AND substr(at, 1, 10) BETWEEN ?1 AND ?2",
    )?;
    let rows = statement
        .query_map(params![from, to], |row| Ok((row.get::<_, String>(0)?, row.get::<_, u8>(1)?)))?;
    for row in rows {
        let (kind, satisfaction) = row?;
        if kind == "rating" {
            counts.customer_ratings.push(satisfaction);
        } else {
            counts.follow_up_ratings.push(satisfaction);
        }
    }

    // Answered: the first public reply or status change by staff. Measured against the
    // first promise, so promising a later time does not turn a late answer into a timely one.
    let mut statement = conn.prepare(
        "SELECT unixepoch(COALESCE(r.first_reply_by, r.reply_by)),
                (SELECT min(unixepoch(e.at)) FROM events e
                 WHERE e.request_id = r.id AND e.actor IS NOT NULL
                   AND e.kind IN ('reply', 'status'))
         FROM requests r
         WHERE substr(COALESCE(r.first_reply_by, r.reply_by), 1, 10) BETWEEN ?1 AND ?2",
    )?;
    let rows = statement.query_map(params![from, to], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?))
    })?;
    for row in rows {
        let (due, answered) = row?;
        // A promise still ahead and not yet kept is neither met nor missed.
        if answered.is_none() && due > now {
            continue;
        }
        counts.due += 1;
        counts.answered_on_time += i64::from(answered.is_some_and(|at| at <= due));
    }
    Ok(counts)
}

/// The export's columns, in order: a stored column or a field of `details_json`.
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

/// The requests filed in the period, one row of [`EXPORT_COLUMNS`] each, oldest first.
pub fn export_rows(
    conn: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<Vec<String>>, StoreError> {
    let mut statement = conn.prepare(
        "SELECT reference, created_at, status, intent, product_line, category, priority, warranty,
                full_name, json_extract(details_json, '$.company'), phone, email,
                json_extract(details_json, '$.address'), json_extract(details_json, '$.model'),
                json_extract(details_json, '$.serial_number'),
                json_extract(details_json, '$.purchase_date'),
                json_extract(details_json, '$.order_number'), description, reply_by, assigned_to,
                (SELECT satisfaction FROM events e WHERE e.request_id = requests.id
                   AND e.satisfaction IS NOT NULL ORDER BY e.id DESC LIMIT 1)
         FROM requests WHERE substr(created_at, 1, 10) BETWEEN ?1 AND ?2
         ORDER BY unixepoch(created_at), id",
    )?;
    let rows = statement.query_map(params![from, to], |row| {
        (0..EXPORT_COLUMNS.len())
            .map(|i| {
                Ok(match row.get::<_, rusqlite::types::Value>(i)? {
                    rusqlite::types::Value::Null => String::new(),
                    rusqlite::types::Value::Integer(n) => n.to_string(),
                    rusqlite::types::Value::Real(x) => x.to_string(),
                    rusqlite::types::Value::Text(text) => text,
                    rusqlite::types::Value::Blob(_) => String::new(),
                })
            })
            .collect::<rusqlite::Result<Vec<String>>>()
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
