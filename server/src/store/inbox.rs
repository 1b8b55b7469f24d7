//! The staff inbox: every request under the desk's filters, overdue first, with a count per
//! status.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
pub use shouhou_core::desk::{Inbox, InboxFilter, InboxRow, INBOX_LIMIT};
use shouhou_core::Status;

use super::sql::{Conn, Dialect, Value};
use super::timeline::overdue_sql;
use super::StoreError;

/// `%text%` for LIKE, with LIKE's own characters taken literally.
fn like(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

/// The desk's inbox filter as SQL: the clauses and their arguments.
struct InboxQuery {
    dialect: &'static Dialect,
    overdue: String,
    clauses: Vec<String>,
    args: Vec<Value<'static>>,
}

impl InboxQuery {
    /// Everything but the status, so the per-status counts can be taken first.
    fn new(c: &impl Conn, filter: &InboxFilter, me: &str, now: i64) -> InboxQuery {
        let dialect = c.dialect();
        let mut query = InboxQuery {
            dialect,
            overdue: overdue_sql(c, now),
            clauses: Vec::new(),
            args: Vec::new(),
        };
        for (column, value) in [
            ("product_line", &filter.product_line),
            ("intent", &filter.intent),
            ("category", &filter.category),
            ("priority", &filter.priority),
        ] {
            if let Some(value) = value {
                let param = query.arg(value.clone());
                query.clauses.push(format!("{column} = {param}"));
            }
        }
        match filter.assigned.as_deref() {
            None => {}
            Some("none") => query.clauses.push("assigned_to IS NULL".into()),
            Some(login) => {
                let login = if login == "me" { me } else { login };
                let param = query.arg(login.to_string());
                query.clauses.push(format!("assigned_to = {param}"));
            }
        }
        match filter.overdue {
            Some(true) => query.clauses.push(query.overdue.clone()),
            Some(false) => query.clauses.push(format!("NOT {}", query.overdue)),
            None => {}
        }
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let param = query.arg(like(q));
            let serial_number = (dialect.json_field)("details_json", "serial_number");
            let mut any: Vec<String> =
                ["reference", "full_name", "phone", &serial_number, "description"]
                    .iter()
                    .map(|column| format!("{column} {} {param} ESCAPE '\\'", dialect.like))
                    .collect();
            // A phone number typed with spaces or dashes still finds the stored E.164 form.
            let digits: String = q.chars().filter(char::is_ascii_digit).collect();
            if digits.len() >= 4 && digits.len() != q.len() {
                let param = query.arg(like(&digits));
                any.push(format!("phone {} {param} ESCAPE '\\'", dialect.like));
            }
            query.clauses.push(format!("({})", any.join(" OR ")));
        }
        query
    }

    fn arg(&mut self, value: String) -> String {
        self.args.push(Value::from(value));
        format!("${}", self.args.len())
    }

    fn with_status(&mut self, status: Option<Status>) {
        if let Some(status) = status {
            let param = self.arg(status.as_str().into());
            self.clauses.push(format!("status = {param}"));
        }
    }

    fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            "1 = 1".into()
        } else {
            self.clauses.join(" AND ")
        }
    }

    /// The rows shown: overdue first, then by the promised reply time.
    fn rows_sql(&self) -> String {
        let overdue = &self.overdue;
        format!(
            "SELECT reference, status, intent, product_line, category, priority, full_name, phone,
                    created_at, reply_by, assigned_to, warranty, {overdue}
             FROM requests WHERE {}
             ORDER BY {overdue} DESC, {}, id LIMIT {INBOX_LIMIT}",
            self.where_sql(),
            (self.dialect.epoch)("reply_by")
        )
    }
}

pub async fn inbox(
    c: &impl Conn,
    filter: &InboxFilter,
    me: &str,
    now: DateTime<FixedOffset>,
) -> Result<Inbox, StoreError> {
    let mut query = InboxQuery::new(c, filter, me, now.timestamp());
    let mut counts: BTreeMap<String, i64> =
        Status::ALL.iter().map(|status| (status.as_str().to_string(), 0)).collect();
    let sql = format!(
        "SELECT status, count(*) FROM requests WHERE {} GROUP BY status",
        query.where_sql()
    );
    for row in c.query(&sql, &query.args).await? {
        let status: String = row.get(0)?;
        if let Some(status) = Status::parse(&status) {
            counts.insert(status.as_str().to_string(), row.get(1)?);
        }
    }
    query.with_status(filter.status);
    let sql = format!("SELECT count(*) FROM requests WHERE {}", query.where_sql());
    let total: i64 = c.value(&sql, &query.args).await?;
    let rows = c.query(&query.rows_sql(), &query.args).await?;
    let requests = rows
        .iter()
        .map(|row| {
            Ok(InboxRow {
                reference: row.get(0)?,
                status: row.get(1)?,
                intent: row.get(2)?,
                product_line: row.get(3)?,
                category: row.get(4)?,
                priority: row.get(5)?,
                full_name: row.get(6)?,
                phone: row.get(7)?,
                created_at: row.get(8)?,
                reply_by: row.get(9)?,
                assigned_to: row.get(10)?,
                warranty: row.get(11)?,
                overdue: row.get(12)?,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok(Inbox { counts, total, requests })
}
