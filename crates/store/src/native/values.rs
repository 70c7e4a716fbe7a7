//! Values to and from rusqlite in sqlx's own encodings (a UUID is 16 bytes,
//! a date `YYYY-MM-DD`, a UTC time RFC 3339 with `+00:00`, a boolean 0 or
//! 1), so rows written on either path read the same on the other.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use rusqlite::types::{ToSql, ToSqlOutput, Value as Sql, ValueRef};
use sea_orm::Value;

use crate::error::StoreError;

/// A sea-query value bound as sqlx would bind it.
pub(super) struct Bound<'v>(pub &'v Value);

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let integer = |n: Option<i64>| n.map_or(Sql::Null, Sql::Integer);
        let text = |t: Option<String>| t.map_or(Sql::Null, Sql::Text);
        let value = match self.0 {
            Value::Bool(b) => integer(b.map(i64::from)),
            Value::TinyInt(n) => integer(n.map(i64::from)),
            Value::SmallInt(n) => integer(n.map(i64::from)),
            Value::Int(n) => integer(n.map(i64::from)),
            Value::BigInt(n) => integer(*n),
            Value::TinyUnsigned(n) => integer(n.map(i64::from)),
            Value::SmallUnsigned(n) => integer(n.map(i64::from)),
            Value::Unsigned(n) => integer(n.map(i64::from)),
            Value::BigUnsigned(n) => match n.map(i64::try_from).transpose() {
                Ok(n) => integer(n),
                Err(e) => return Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
            },
            Value::Float(x) => x.map_or(Sql::Null, |x| Sql::Real(f64::from(x))),
            Value::Double(x) => x.map_or(Sql::Null, Sql::Real),
            Value::String(s) => text(s.clone()),
            Value::Char(c) => text(c.map(String::from)),
            Value::Bytes(b) => b.clone().map_or(Sql::Null, Sql::Blob),
            Value::Json(j) => text(j.as_ref().map(ToString::to_string)),
            Value::ChronoDate(d) => text(d.map(|d| d.format("%F").to_string())),
            Value::ChronoDateTime(t) => text(t.map(|t| t.format("%F %T%.f").to_string())),
            Value::ChronoDateTimeUtc(t) => text(t.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, false))),
            Value::Uuid(u) => u.map_or(Sql::Null, |u| Sql::Blob(u.as_bytes().to_vec())),
            other => {
                let unsupported = format!("a {other:?} is not bound on the writer thread");
                return Err(rusqlite::Error::ToSqlConversionFailure(unsupported.into()));
            }
        };
        Ok(ToSqlOutput::Owned(value))
    }
}

/// A row of the writer thread's results, read column by column as the
/// schema stores them.
pub struct NativeRow<'s, 'r>(pub(super) &'r rusqlite::Row<'s>);

impl NativeRow<'_, '_> {
    fn value(&self, column: usize) -> Result<ValueRef<'_>, StoreError> {
        Ok(self.0.get_ref(column)?)
    }

    /// An integer column (NULL is absent).
    pub(crate) fn int(&self, column: usize) -> Result<Option<i64>, StoreError> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(n) => Ok(Some(n)),
            other => Err(corrupt(column, "an integer", other)),
        }
    }

    /// A 32-bit integer column.
    pub(crate) fn int32(&self, column: usize) -> Result<Option<i32>, StoreError> {
        self.int(column)?
            .map(|n| i32::try_from(n).map_err(|_| StoreError::Corrupt(format!("column {column}: {n}"))))
            .transpose()
    }

    /// A boolean column (0 or 1).
    pub(crate) fn bool(&self, column: usize) -> Result<Option<bool>, StoreError> {
        Ok(self.int(column)?.map(|n| n != 0))
    }

    /// A text column.
    pub(crate) fn text(&self, column: usize) -> Result<Option<String>, StoreError> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(t) => {
                Ok(Some(String::from_utf8(t.to_vec()).map_err(|_| StoreError::Corrupt(format!("column {column}")))?))
            }
            other => Err(corrupt(column, "text", other)),
        }
    }

    /// A UUID column (16 bytes, or its text where a hand-written row put one).
    pub(crate) fn uuid(&self, column: usize) -> Result<Option<uuid::Uuid>, StoreError> {
        let bad = |_| StoreError::Corrupt(format!("column {column}: not a UUID"));
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Blob(b) => uuid::Uuid::from_slice(b).map(Some).map_err(bad),
            ValueRef::Text(t) => uuid::Uuid::try_parse_ascii(t).map(Some).map_err(bad),
            other => Err(corrupt(column, "a UUID", other)),
        }
    }

    /// A date column (`YYYY-MM-DD`).
    pub(crate) fn date(&self, column: usize) -> Result<Option<NaiveDate>, StoreError> {
        self.text(column)?
            .map(|t| {
                NaiveDate::parse_from_str(&t, "%F").map_err(|_| StoreError::Corrupt(format!("column {column}: {t}")))
            })
            .transpose()
    }

    /// A UTC time column, in any of the forms sqlx reads.
    pub(crate) fn time(&self, column: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.text(column)?
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|t| t.with_timezone(&Utc))
                    .or_else(|_| DateTime::parse_from_str(&t, "%F %T%.f%:z").map(|t| t.with_timezone(&Utc)))
                    .or_else(|_| NaiveDateTime::parse_from_str(&t, "%F %T%.f").map(|t| t.and_utc()))
                    .map_err(|_| StoreError::Corrupt(format!("column {column}: {t}")))
            })
            .transpose()
    }
}

/// A column that holds what the schema does not allow.
fn corrupt(column: usize, wanted: &str, found: ValueRef<'_>) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {wanted} expected, {:?} found", found.data_type()))
}

/// A column the schema declares NOT NULL.
pub(crate) fn required<T>(value: Option<T>, what: &str) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::Corrupt(format!("{what} is NULL")))
}
