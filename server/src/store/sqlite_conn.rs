//! SQLite as the operations see it: a connection that runs their SQL ([`sql::Conn`]), the
//! writer's or a reader's.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;

use super::error::StoreError;
use super::sql::{self, Dialect, Row, Value, SQLITE};

/// A statement's connection as the operations see it ([`sql::Conn`]).
pub struct SqliteConn<'a>(pub &'a Connection);

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Value::Null => ValueRef::Null,
            Value::Int(n) => ValueRef::Integer(*n),
            Value::Bool(b) => ValueRef::Integer(i64::from(*b)),
            Value::Text(text) => ValueRef::Text(text.as_bytes()),
            Value::Bytes(bytes) => ValueRef::Blob(bytes),
            Value::TextList(_) | Value::IdList(_) => {
                return Err(rusqlite::Error::ToSqlConversionFailure(
                    "SQLite has no arrays: a list is PostgreSQL's".into(),
                ))
            }
        }))
    }
}

fn value_of(value: ValueRef<'_>) -> Result<Value<'static>, StoreError> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(x) => Value::Text(x.to_string().into()),
        ValueRef::Text(text) => Value::Text(
            String::from_utf8(text.to_vec())
                .map_err(|e| StoreError::Data(format!("text that is not UTF-8: {e}")))?
                .into(),
        ),
        ValueRef::Blob(bytes) => Value::Bytes(bytes.to_vec().into()),
    })
}

impl sql::Conn for SqliteConn<'_> {
    fn dialect(&self) -> &'static Dialect {
        &SQLITE
    }

    async fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError> {
        let mut statement = self.0.prepare_cached(&SQLITE.statement(sql))?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        let mut all = Vec::new();
        while let Some(row) = rows.next()? {
            let values = (0..columns)
                .map(|i| value_of(row.get_ref(i)?))
                .collect::<Result<Vec<_>, StoreError>>()?;
            all.push(Row(values));
        }
        Ok(all)
    }

    async fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
        let mut statement = self.0.prepare_cached(&SQLITE.statement(sql))?;
        Ok(statement.execute(rusqlite::params_from_iter(params))? as u64)
    }
}
