//! PostgreSQL as the operations see it: a transaction (a write) or a pooled connection (a
//! read) that runs their SQL ([`sql::Conn`]), each [`Value`] bound as the type the statement
//! wants.

use std::sync::atomic::{AtomicBool, Ordering};

use deadpool_postgres::{Client, Transaction};
use tokio_postgres::types::{ToSql, Type};

use super::error::StoreError;
use super::sql::{self, Dialect, Row, Value, POSTGRES};

/// What an operation's statements run on ([`sql::Conn`]).
pub struct PgConn<'a> {
    on: On<'a>,
    /// The transaction recorded a change the desks must hear of ([`sql::Conn::announce_at_commit`]).
    announces: AtomicBool,
}

enum On<'a> {
    Transaction(&'a Transaction<'a>),
    /// Each statement on its own: a read. At READ COMMITTED every statement of a transaction
    /// reads its own snapshot too, so BEGIN and COMMIT around a read would only add two
    /// round trips.
    Statements(&'a Client),
}

impl<'a> PgConn<'a> {
    pub fn new(tx: &'a Transaction<'a>) -> PgConn<'a> {
        PgConn { on: On::Transaction(tx), announces: AtomicBool::new(false) }
    }

    /// For an operation that only reads.
    pub fn reading(client: &'a Client) -> PgConn<'a> {
        PgConn { on: On::Statements(client), announces: AtomicBool::new(false) }
    }

    /// Whether every instance is to be told of changes once this transaction commits.
    pub fn announces(&self) -> bool {
        self.announces.load(Ordering::Relaxed)
    }
}

/// A parameter as the type the statement wants: the same [`Value`] fills a `bigint`, an
/// `integer` or a `boolean` column, or a parameter PostgreSQL could only type as text (a
/// `VALUES` list's, cast where it is used).
fn param<'a>(
    value: &'a Value<'_>,
    ty: &Type,
) -> Result<Box<dyn ToSql + Sync + Send + 'a>, StoreError> {
    let mismatch = || StoreError::Data(format!("{value:?} cannot be a {ty}"));
    Ok(match value {
        // A NULL of the column's own type: the driver checks each parameter's type.
        Value::Null => match *ty {
            Type::INT8 => Box::new(None::<i64>),
            Type::INT4 => Box::new(None::<i32>),
            Type::INT2 => Box::new(None::<i16>),
            Type::BOOL => Box::new(None::<bool>),
            Type::BYTEA => Box::new(None::<Vec<u8>>),
            Type::TEXT_ARRAY => Box::new(None::<Vec<String>>),
            _ => Box::new(None::<String>),
        },
        Value::Int(n) => match *ty {
            Type::INT8 => Box::new(*n),
            Type::INT4 => Box::new(i32::try_from(*n).map_err(|_| mismatch())?),
            Type::INT2 => Box::new(i16::try_from(*n).map_err(|_| mismatch())?),
            Type::BOOL => Box::new(*n != 0),
            Type::TEXT | Type::VARCHAR => Box::new(n.to_string()),
            _ => return Err(mismatch()),
        },
        Value::Bool(b) => match *ty {
            Type::TEXT | Type::VARCHAR => Box::new(b.to_string()),
            _ => Box::new(*b),
        },
        Value::Text(text) => Box::new(text.as_ref()),
        Value::Bytes(bytes) => Box::new(bytes.as_ref()),
        Value::TextList(list) => Box::new(list),
        Value::IdList(list) => Box::new(list),
    })
}

fn value_of(row: &tokio_postgres::Row, index: usize) -> Result<Value<'static>, StoreError> {
    let ty = row.columns()[index].type_();
    let value = match *ty {
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Value::Int),
        Type::INT4 => row.try_get::<_, Option<i32>>(index)?.map(|n| Value::Int(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index)?.map(|n| Value::Int(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index)?.map(Value::Bool),
        Type::BYTEA => row.try_get::<_, Option<Vec<u8>>>(index)?.map(|b| Value::Bytes(b.into())),
        Type::TEXT_ARRAY => row.try_get::<_, Option<Vec<String>>>(index)?.map(Value::TextList),
        Type::INT8_ARRAY => row.try_get::<_, Option<Vec<i64>>>(index)?.map(Value::IdList),
        _ => row.try_get::<_, Option<String>>(index)?.map(|t| Value::Text(t.into())),
    };
    Ok(value.unwrap_or(Value::Null))
}

/// The statements one connection keeps prepared, at most. Some of the desk's queries carry
/// their clock or a page's length in their text (the planner reads them as values, and plans
/// its partial indexes from them), so each second names new ones: kept without a bound, they
/// grew this server's memory and that of each of the database's sessions for as long as the
/// connection lived. The statements a store prepares over and over are far fewer than this.
#[doc(hidden)]
pub const STATEMENTS_KEPT: usize = 512;

impl PgConn<'_> {
    async fn prepared(
        &self,
        sql: &str,
        params: &[Value<'_>],
    ) -> Result<tokio_postgres::Statement, StoreError> {
        let kept = match self.on {
            On::Transaction(tx) => &tx.statement_cache,
            On::Statements(client) => &client.statement_cache,
        };
        // Dropped, each is closed in the database (once no query is using it).
        if kept.size() >= STATEMENTS_KEPT {
            kept.clear();
        }
        let statement = match self.on {
            On::Transaction(tx) => tx.prepare_cached(sql).await?,
            On::Statements(client) => client.prepare_cached(sql).await?,
        };
        if statement.params().len() != params.len() {
            return Err(StoreError::Data(format!(
                "{} parameters for {} in {sql}",
                params.len(),
                statement.params().len()
            )));
        }
        Ok(statement)
    }
}

fn bound<'a>(
    statement: &tokio_postgres::Statement,
    params: &'a [Value<'_>],
) -> Result<Vec<Box<dyn ToSql + Sync + Send + 'a>>, StoreError> {
    params.iter().zip(statement.params()).map(|(value, ty)| param(value, ty)).collect()
}

fn refs<'a>(boxed: &'a [Box<dyn ToSql + Sync + Send + 'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    boxed.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect()
}

impl sql::Conn for PgConn<'_> {
    fn dialect(&self) -> &'static Dialect {
        &POSTGRES
    }

    async fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError> {
        let statement = self.prepared(sql, params).await?;
        let boxed = bound(&statement, params)?;
        let rows = match self.on {
            On::Transaction(tx) => tx.query(&statement, &refs(&boxed)).await?,
            On::Statements(client) => client.query(&statement, &refs(&boxed)).await?,
        };
        rows.iter()
            .map(|row| (0..row.len()).map(|i| value_of(row, i)).collect::<Result<_, _>>().map(Row))
            .collect()
    }

    async fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError> {
        let statement = self.prepared(sql, params).await?;
        let boxed = bound(&statement, params)?;
        Ok(match self.on {
            On::Transaction(tx) => tx.execute(&statement, &refs(&boxed)).await?,
            On::Statements(client) => client.execute(&statement, &refs(&boxed)).await?,
        })
    }

    fn announce_at_commit(&self) {
        self.announces.store(true, Ordering::Relaxed);
    }
}
