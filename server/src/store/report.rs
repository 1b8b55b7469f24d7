//! What the figures and the export read. A period is a range of days, inclusive, each time
//! counted on the day it has in the server's own offset (the date part of the stored time,
//! as reference numbers are).

use std::collections::BTreeMap;

use serde::Serialize;

use super::sql::{params, Conn, Value};
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

async fn group(
    c: &impl Conn,
    column: &str,
    from: &str,
    to: &str,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let sql = format!(
        "SELECT {column}, count(*) FROM requests
         WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2 AND {column} IS NOT NULL
         GROUP BY {column}"
    );
    c.query(&sql, params![from, to])
        .await?
        .iter()
        .map(|row| Ok((row.get(0)?, row.get(1)?)))
        .collect()
}

/// `from` and `to` are `YYYY-MM-DD`; `now` is in Unix seconds (what "has passed" means).
pub async fn counts(c: &impl Conn, from: &str, to: &str, now: i64) -> Result<Counts, StoreError> {
    let epoch = c.dialect().epoch;
    let mut counts = Counts {
        by_intent: group(c, "intent", from, to).await?,
        by_category: group(c, "category", from, to).await?,
        by_product_line: group(c, "product_line", from, to).await?,
        ..Counts::default()
    };
    counts.requests = counts.by_intent.values().sum();
    counts.deflections = c
        .value(
            "SELECT count(*) FROM deflections WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2",
            params![from, to],
        )
        .await?;

    let rows = c
        .query(
            "SELECT substr(created_at, 1, 7), warranty, count(*) FROM requests
             WHERE intent = 'repair' AND warranty IS NOT NULL
               AND substr(created_at, 1, 10) BETWEEN $1 AND $2
             GROUP BY substr(created_at, 1, 7), warranty",
            params![from, to],
        )
        .await?;
    for row in rows {
        let (month, warranty, count): (String, String, i64) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let slot = counts.repairs_by_month.entry(month).or_default();
        match warranty.as_str() {
            "in_warranty" => slot.0 += count,
            _ => slot.1 += count,
        }
    }

    // Resolved in the period: a change to resolved dated in it. A request reopened and
    // resolved again in one period counts once, from its first resolution.
    let sql = format!(
        "SELECT {}, min({}),
                EXISTS (SELECT 1 FROM events f WHERE f.request_id = r.id AND f.kind = 'follow_up')
         FROM events e JOIN requests r ON r.id = e.request_id
         WHERE e.kind = 'status' AND e.status = 'resolved'
           AND substr(e.at, 1, 10) BETWEEN $1 AND $2
         GROUP BY r.id, r.created_at",
        epoch("r.created_at"),
        epoch("e.at")
    );
    for row in c.query(&sql, params![from, to]).await? {
        let (created, resolved, followed_up): (i64, i64, bool) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        counts.resolved += 1;
        counts.followed_up += i64::from(followed_up);
        counts.seconds_to_resolve.push(resolved - created);
    }

    let rows = c
        .query(
            "SELECT kind, satisfaction FROM events
             WHERE kind IN ('rating', 'follow_up') AND satisfaction IS NOT NULL
               AND substr(at, 1, 10) BETWEEN $1 AND $2
             ORDER BY id",
            params![from, to],
        )
        .await?;
    for row in rows {
        let (kind, satisfaction): (String, u8) = (row.get(0)?, row.get(1)?);
        if kind == "rating" {
            counts.customer_ratings.push(satisfaction);
        } else {
            counts.follow_up_ratings.push(satisfaction);
        }
    }

    // Answered: the first public reply or status change by staff. Measured against the
    // first promise, so promising a later time does not turn a late answer into a timely one.
    let sql = format!(
        "SELECT {},
                (SELECT min({}) FROM events e
                 WHERE e.request_id = r.id AND e.actor IS NOT NULL
                   AND e.kind IN ('reply', 'status'))
         FROM requests r
         WHERE substr(COALESCE(r.first_reply_by, r.reply_by), 1, 10) BETWEEN $1 AND $2",
        epoch("COALESCE(r.first_reply_by, r.reply_by)"),
        epoch("e.at")
    );
    for row in c.query(&sql, params![from, to]).await? {
        let (due, answered): (i64, Option<i64>) = (row.get(0)?, row.get(1)?);
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
pub async fn export_rows(
    c: &impl Conn,
    from: &str,
    to: &str,
) -> Result<Vec<Vec<String>>, StoreError> {
    let dialect = c.dialect();
    let columns = EXPORT_COLUMNS.map(|column| match column {
        "company" | "address" | "model" | "serial_number" | "purchase_date" | "order_number" => {
            (dialect.json_field)("details_json", column)
        }
        "satisfaction" => "(SELECT satisfaction FROM events e WHERE e.request_id = requests.id
                              AND e.satisfaction IS NOT NULL ORDER BY e.id DESC LIMIT 1)"
            .to_string(),
        stored => stored.to_string(),
    });
    let sql = format!(
        "SELECT {} FROM requests WHERE substr(created_at, 1, 10) BETWEEN $1 AND $2
         ORDER BY {}, id",
        columns.join(", "),
        (dialect.epoch)("created_at")
    );
    let rows = c.query(&sql, params![from, to]).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.0
                .into_iter()
                .map(|value| match value {
                    Value::Null => String::new(),
                    Value::Int(n) => n.to_string(),
                    Value::Bool(b) => i64::from(b).to_string(),
                    Value::Text(text) => text.into_owned(),
                    Value::Bytes(_) | Value::TextList(_) => String::new(),
                })
                .collect()
        })
        .collect())
}
