//! What the store's operations are written against: a connection that runs SQL ([`Conn`]),
//! the values that go in and come out ([`Value`], [`Row`]), and the few places where SQLite's
//! and PostgreSQL's SQL differ ([`Dialect`]). Every operation in the store is one function
//! over a `Conn`, so it is written once and runs on either database.
//!
//! SQL is written PostgreSQL's way with numbered parameters (`$1`, `$2`, …); SQLite is handed
//! the same text with `?1`, `?2`, … in their place.

use std::borrow::Cow;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use super::error::StoreError;

/// A value bound to a parameter or read from a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Bool(bool),
    Text(Cow<'a, str>),
    Bytes(Cow<'a, [u8]>),
    /// A list of texts: PostgreSQL's `text[]`, for array operators.
    TextList(Vec<String>),
    /// A list of numbers: PostgreSQL's `bigint[]`, for `= ANY`.
    IdList(Vec<i64>),
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<u8> for Value<'_> {
    fn from(n: u8) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<u32> for Value<'_> {
    fn from(n: u32) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Self {
        Value::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Self {
        Value::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Value<'_> {
    fn from(text: String) -> Self {
        Value::Text(Cow::Owned(text))
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Value::Bytes(Cow::Borrowed(bytes))
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Value::Null, Into::into)
    }
}

/// The parameters of a statement, each converted with `Value::from`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        &[$($crate::store::sql::Value::from($value)),*] as &[$crate::store::sql::Value<'_>]
    };
}
pub(crate) use params;

/// A value read back as a Rust type.
pub trait FromValue: Sized {
    fn from_value(value: &Value<'static>) -> Option<Self>;
}

impl FromValue for i64 {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::Int(n) => Some(*n),
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }
}

impl FromValue for u8 {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        i64::from_value(value).and_then(|n| u8::try_from(n).ok())
    }
}

impl FromValue for u32 {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        i64::from_value(value).and_then(|n| u32::try_from(n).ok())
    }
}

impl FromValue for u64 {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        i64::from_value(value).and_then(|n| u64::try_from(n).ok())
    }
}

impl FromValue for bool {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::Bool(b) => Some(*b),
            // SQLite keeps booleans as 0 and 1.
            Value::Int(n) => Some(*n != 0),
            _ => None,
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::Text(text) => Some(text.to_string()),
            _ => None,
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::Bytes(bytes) => Some(bytes.to_vec()),
            _ => None,
        }
    }
}

impl FromValue for Vec<i64> {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::IdList(ids) => Some(ids.clone()),
            _ => None,
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value<'static>) -> Option<Self> {
        match value {
            Value::Null => Some(None),
            other => T::from_value(other).map(Some),
        }
    }
}

/// One row of an answer, its columns in the order the statement selected them.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Value<'static>>);

impl Row {
    /// Column `index` as `T`; a column of another type is the store's error, not a panic.
    pub fn get<T: FromValue>(&self, index: usize) -> Result<T, StoreError> {
        let value = self.0.get(index).unwrap_or(&Value::Null);
        T::from_value(value).ok_or_else(|| {
            StoreError::Data(format!(
                "column {index} holds {value:?}, not a {}",
                std::any::type_name::<T>()
            ))
        })
    }
}

/// `'a', 'b'`: statuses as SQL, in the order and spelling the partial indexes were made
/// with, so that a query's term is the index's own.
pub fn status_list(statuses: impl Iterator<Item = shouhou_core::Status>) -> String {
    statuses.map(|status| format!("'{}'", status.as_str())).collect::<Vec<_>>().join(", ")
}

/// Where SQLite's SQL and PostgreSQL's differ, for the statements that cannot be written in
/// the SQL both understand.
#[derive(Debug)]
pub struct Dialect {
    pub name: &'static str,
    /// Appended to a SELECT that reads a row the transaction then changes: PostgreSQL locks
    /// it (`FOR UPDATE`), so two instances changing one request take turns; SQLite's one
    /// writer already writes one change at a time.
    pub lock_rows: &'static str,
    /// An RFC 3339 text column or parameter as Unix seconds.
    pub epoch: fn(&str) -> String,
    /// `column LIKE pattern`, ignoring ASCII case (SQLite's LIKE does; PostgreSQL's ILIKE).
    pub like: &'static str,
    /// A field of the JSON object in a text column, as text.
    pub json_field: fn(&str, &str) -> String,
    /// Appended to an ORDER BY of text to sort by bytes, as SQLite always does.
    pub byte_order: &'static str,
    /// How words in requests are indexed ([`super::search`]).
    pub word_index: WordIndex,
    /// After `FROM requests`: the index a query must read, where SQLite's planner, which
    /// knows less of the data than PostgreSQL's, would sort a large part of the table instead
    /// of walking the small partial index made for the query.
    pub index_hint: fn(&str) -> String,
    /// Appended to the subquery that picks rows a worker takes: PostgreSQL skips the rows
    /// another instance's worker is taking (`FOR UPDATE SKIP LOCKED`); SQLite's one writer
    /// takes them one worker at a time.
    pub skip_locked: &'static str,
    /// A statement that holds the name `$1` until the transaction ends, so that transactions
    /// about one name (a recipient) take turns across instances even when no row is there to
    /// lock yet (PostgreSQL's advisory lock, its key the name's hash, never the migrations'
    /// 64-bit key); none on SQLite, whose write transactions take turns for the whole file.
    pub lock_name: Option<&'static str>,
    /// Whether NULL comes first in an ascending order (SQLite) or last (PostgreSQL): rows a
    /// statement read in order and merged here keep that order.
    pub nulls_first: bool,
}

/// Where the pairs of characters the word search looks up are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordIndex {
    /// SQLite: an FTS5 table of the pairs.
    Fts5,
    /// PostgreSQL: the search table's GIN index over `shouhou_bigrams(search_text)`.
    GinBigrams,
}

pub const SQLITE: Dialect = Dialect {
    name: "sqlite",
    lock_rows: "",
    epoch: |time| format!("unixepoch({time})"),
    like: "LIKE",
    json_field: |column, field| format!("json_extract({column}, '$.{field}')"),
    byte_order: "",
    word_index: WordIndex::Fts5,
    index_hint: |index| format!(" INDEXED BY {index}"),
    skip_locked: "",
    lock_name: None,
    nulls_first: true,
};

pub const POSTGRES: Dialect = Dialect {
    name: "postgres",
    lock_rows: " FOR UPDATE",
    // Through text first: a parameter is then bound as text, whatever the context.
    epoch: |time| {
        format!("CAST(extract(epoch FROM CAST(CAST({time} AS TEXT) AS timestamptz)) AS BIGINT)")
    },
    like: "ILIKE",
    json_field: |column, field| format!("(CAST({column} AS jsonb) ->> '{field}')"),
    byte_order: " COLLATE \"C\"",
    word_index: WordIndex::GinBigrams,
    index_hint: |_| String::new(),
    skip_locked: " FOR UPDATE SKIP LOCKED",
    lock_name: Some("SELECT pg_advisory_xact_lock(hashtext($1))"),
    nulls_first: false,
};

impl Dialect {
    /// The statement as this database reads it: `$n` becomes `?n` for SQLite.
    pub fn statement<'a>(&self, sql: &'a str) -> Cow<'a, str> {
        if self.name != SQLITE.name || !sql.contains('$') {
            return Cow::Borrowed(sql);
        }
        // Byte by byte: every create runs a dozen statements through here, and `$`, `'` and the
        // digits are ASCII, so swapping one ASCII byte for another keeps the text UTF-8.
        let mut out = sql.as_bytes().to_vec();
        let mut quoted = false;
        for i in 0..out.len() {
            match out[i] {
                b'\'' => quoted = !quoted,
                b'$' if !quoted && out.get(i + 1).is_some_and(u8::is_ascii_digit) => out[i] = b'?',
                _ => {}
            }
        }
        Cow::Owned(String::from_utf8(out).expect("only ASCII bytes were replaced"))
    }
}

/// A connection (or transaction) an operation runs its statements on.
///
/// `async fn` without a `Send` bound on purpose: SQLite's calls finish at once and run on the
/// thread that owns the connection ([`ready`]); PostgreSQL's futures are `Send` wherever the
/// concrete connection type is known, which is everywhere they are awaited.
#[allow(async_fn_in_trait)]
pub trait Conn {
    fn dialect(&self) -> &'static Dialect;

    /// Every row the statement returns.
    async fn query(&self, sql: &str, params: &[Value<'_>]) -> Result<Vec<Row>, StoreError>;

    /// Runs a statement that returns no rows; how many rows it changed.
    async fn execute(&self, sql: &str, params: &[Value<'_>]) -> Result<u64, StoreError>;

    /// Has every instance's desks told, once this transaction has committed, that they have
    /// changes to read (PostgreSQL: [`super::postgres::PgStore::announce`]). Nothing on
    /// SQLite, whose one instance hears its own writes.
    fn announce_at_commit(&self) {}

    /// The first row, if any.
    async fn query_opt(&self, sql: &str, params: &[Value<'_>]) -> Result<Option<Row>, StoreError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// The first column of the one row the statement must return (a count, an id).
    async fn value<T: FromValue>(&self, sql: &str, params: &[Value<'_>]) -> Result<T, StoreError> {
        match self.query_opt(sql, params).await? {
            Some(row) => row.get(0),
            None => Err(StoreError::Data(format!("no row from {sql}"))),
        }
    }
}

/// Runs a future that never waits: an operation on SQLite, whose every call answers at once.
pub fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("a SQLite operation waited for something"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_puts_null_where_its_dialect_says() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let first: Option<i64> = conn
            .query_row(
                "SELECT x FROM (SELECT 1 AS x UNION ALL SELECT NULL) ORDER BY x",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(first.is_none(), SQLITE.nulls_first);
    }

    #[test]
    fn sqlite_reads_numbered_parameters_its_own_way_outside_quotes() {
        assert_eq!(SQLITE.statement("a = $1 AND b = $12"), "a = ?1 AND b = ?12");
        assert_eq!(SQLITE.statement("x = '$1' OR y = $2"), "x = '$1' OR y = ?2");
        assert_eq!(POSTGRES.statement("a = $1"), "a = $1");
        assert_eq!(
            SQLITE.statement("t = '漏水 $1' AND u = $3 -- 售后$"),
            "t = '漏水 $1' AND u = ?3 -- 售后$"
        );
    }

    #[test]
    fn values_read_back_as_the_types_asked_for() {
        let row = Row(vec![Value::Int(1), Value::Null, Value::Text("x".into()), Value::Int(0)]);
        assert_eq!(row.get::<i64>(0).unwrap(), 1);
        assert_eq!(row.get::<Option<String>>(1).unwrap(), None);
        assert_eq!(row.get::<String>(2).unwrap(), "x");
        assert!(!row.get::<bool>(3).unwrap());
        assert!(matches!(row.get::<String>(0), Err(StoreError::Data(_))));
    }
}
