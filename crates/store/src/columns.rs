//! Reading rows by column position, whichever driver returned them: sqlx's PostgreSQL rows (the
//! hot readers on PostgreSQL), rusqlite's rows (on a SQLite file) and SeaORM's rows (the main
//! pool: an in-memory SQLite database, which only that pool can reach, and the summary's
//! recent documents). One decoder per query serves all three.
//!
//! Why not SeaORM's `try_get_by_index` on the hot path: it formats an error message for every
//! NULL it reads into an `Option` and copies every string; decoding the grid's rows through it
//! was about a fifth of the server's CPU samples per request (bench/PROFILE.md).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::ValueRef;
use sea_orm::QueryResult;
use sea_orm::sqlx::postgres::{PgRow, PgValueFormat};
use sea_orm::sqlx::{Row as _, TypeInfo as _, ValueRef as _};

use crate::error::StoreError;

/// One result row, read by 0-based column position. Every method returns `Ok(None)` for NULL
/// and an error when the column is missing or holds another type.
pub trait Columns {
    /// An integer column (BIGINT; INTEGER in SQLite).
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError>;
    /// A text column, borrowed from the row where the driver allows it.
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError>;
    /// A date column (DATE; `YYYY-MM-DD` text in SQLite).
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError>;
    /// An instant column (TIMESTAMPTZ; RFC 3339 text in SQLite).
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// A boolean column (BOOLEAN; 0 or 1 in SQLite).
    fn boolean(&self, i: usize) -> Result<Option<bool>, StoreError>;
}

/// The value of a column that may not be NULL.
pub fn required<T>(i: usize, value: Option<T>) -> Result<T, StoreError> {
    value.ok_or_else(|| StoreError::internal(format!("column {i} is NULL")))
}

fn column_error(i: usize, err: impl std::fmt::Display) -> StoreError {
    StoreError::internal(format!("column {i}: {err}"))
}

/// Integers, dates and text, most of every row, are read from the value's bytes here rather
/// than through sqlx's `try_get`, which per value compared the column's type with every type
/// the Rust type accepts (for text six, one of them by name): on the grid that was most of the
/// decoding. Here the column's type is checked by its OID, and a value of another type, width
/// or encoding is an error, never a guess or a panic.
impl Columns for PgRow {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        let Some((format, bytes)) = pg_value(self, i, &[INT8, INT4, INT2])? else {
            return Ok(None);
        };
        let value = match (format, bytes.len()) {
            (PgValueFormat::Binary, 8) => bytes.try_into().ok().map(i64::from_be_bytes),
            (PgValueFormat::Binary, 4) => {
                bytes.try_into().ok().map(i32::from_be_bytes).map(i64::from)
            }
            (PgValueFormat::Binary, 2) => {
                bytes.try_into().ok().map(i16::from_be_bytes).map(i64::from)
            }
            (PgValueFormat::Text, _) => {
                std::str::from_utf8(bytes).ok().and_then(|t| t.parse().ok())
            }
            _ => None,
        };
        value
            .map(Some)
            .ok_or_else(|| column_error(i, format!("not an integer ({} bytes)", bytes.len())))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError> {
        let Some((_, bytes)) = pg_value(self, i, &[TEXT, VARCHAR, BPCHAR, NAME])? else {
            return Ok(None);
        };
        std::str::from_utf8(bytes)
            .map(|t| Some(Cow::Borrowed(t)))
            .map_err(|e| column_error(i, e))
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError> {
        let Some((format, bytes)) = pg_value(self, i, &[DATE])? else {
            return Ok(None);
        };
        let value = match format {
            // days since 2000-01-01
            PgValueFormat::Binary => <[u8; 4]>::try_from(bytes).ok().and_then(|b| {
                NaiveDate::from_ymd_opt(2000, 1, 1)?
                    .checked_add_signed(chrono::TimeDelta::try_days(i32::from_be_bytes(b).into())?)
            }),
            PgValueFormat::Text => std::str::from_utf8(bytes)
                .ok()
                .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()),
        };
        value
            .map(Some)
            .ok_or_else(|| column_error(i, format!("not a date ({} bytes)", bytes.len())))
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.try_get(i).map_err(|e| column_error(i, e))
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, StoreError> {
        self.try_get(i).map_err(|e| column_error(i, e))
    }
}

// PostgreSQL's type OIDs (pg_type.dat): the column types these readers accept.
const INT8: u32 = 20;
const INT4: u32 = 23;
const INT2: u32 = 21;
const TEXT: u32 = 25;
const VARCHAR: u32 = 1043;
const BPCHAR: u32 = 1042;
const NAME: u32 = 19;
const DATE: u32 = 1082;

/// A PostgreSQL value's format and bytes, if its column has one of the `accepted` types;
/// `None` for NULL.
fn pg_value<'r>(
    row: &'r PgRow,
    i: usize,
    accepted: &[u32],
) -> Result<Option<(PgValueFormat, &'r [u8])>, StoreError> {
    let value = row.try_get_raw(i).map_err(|e| column_error(i, e))?;
    if value.is_null() {
        return Ok(None);
    }
    let ty = value.type_info();
    if !ty.oid().is_some_and(|oid| accepted.contains(&oid.0)) {
        return Err(column_error(i, format!("unexpected type {}", ty.name())));
    }
    let format = value.format();
    let bytes = value.as_bytes().map_err(|e| column_error(i, e))?;
    Ok(Some((format, bytes)))
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.get(i).map_err(|e| column_error(i, e))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError> {
        match self.get_ref(i).map_err(|e| column_error(i, e))? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => std::str::from_utf8(bytes)
                .map(|t| Some(Cow::Borrowed(t)))
                .map_err(|e| column_error(i, e)),
            other => Err(column_error(
                i,
                format!("{:?} where text was expected", other.data_type()),
            )),
        }
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError> {
        self.text(i)?
            .map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| column_error(i, e)))
            .transpose()
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.text(i)?
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|d| d.with_timezone(&Utc))
                    .map_err(|e| column_error(i, e))
            })
            .transpose()
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, StoreError> {
        self.get(i).map_err(|e| column_error(i, e))
    }
}

/// Through SeaORM's pool (an in-memory SQLite database, or PostgreSQL's reads when the read
/// connections have no slot): each value decoded by sqlx, which takes an integer column only
/// as the Rust type of its width.
impl Columns for QueryResult {
    fn int(&self, i: usize) -> Result<Option<i64>, StoreError> {
        self.try_get_by_index::<Option<i64>>(i)
            .or_else(|_| {
                self.try_get_by_index::<Option<i32>>(i)
                    .map(|v| v.map(i64::from))
            })
            .or_else(|_| {
                self.try_get_by_index::<Option<i16>>(i)
                    .map(|v| v.map(i64::from))
            })
            .map_err(|e| column_error(i, e))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, StoreError> {
        let text: Option<String> = self.try_get_by_index(i).map_err(|e| column_error(i, e))?;
        Ok(text.map(Cow::Owned))
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, StoreError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
}
