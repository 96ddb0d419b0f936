//! Reading the hot queries' rows by column position, whichever driver returned them: sqlx's
//! PostgreSQL rows (the hot readers on PostgreSQL), rusqlite's rows (on a SQLite file) and
//! SeaORM's rows (an in-memory SQLite database, which only its own pool can reach). One decoder
//! per query serves all three.
//!
//! Why not SeaORM's `try_get_by_index` everywhere: it formats an error message for every NULL
//! it reads into an `Option` and copies every string, which on the grid (17 columns, a third of
//! them NULL in the sums rows) was a fifth of the server's CPU per request (bench/PROFILE.md).

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::ValueRef;
use sea_orm::QueryResult;
use sea_orm::sqlx::Row as _;
use sea_orm::sqlx::postgres::PgRow;

use crate::error::ApiError;

/// One result row, read by 0-based column position. Every method returns `Ok(None)` for NULL
/// and an error when the column is missing or holds another type.
pub trait Columns {
    /// An integer column (BIGINT; INTEGER in SQLite).
    fn int(&self, i: usize) -> Result<Option<i64>, ApiError>;
    /// A text column, borrowed from the row where the driver allows it.
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, ApiError>;
    /// A date column (DATE; `YYYY-MM-DD` text in SQLite).
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, ApiError>;
    /// An instant column (TIMESTAMPTZ; RFC 3339 text in SQLite).
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, ApiError>;
    /// A boolean column (BOOLEAN; 0 or 1 in SQLite).
    fn boolean(&self, i: usize) -> Result<Option<bool>, ApiError>;
}

/// The value of a column that may not be NULL.
pub fn required<T>(i: usize, value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::internal(format!("column {i} is NULL")))
}

fn column_error(i: usize, err: impl std::fmt::Display) -> ApiError {
    ApiError::internal(format!("column {i}: {err}"))
}

/// Integers and text, most of every row, are decoded without sqlx's type check, which per
/// value cloned the column's type and compared it with every type the Rust type accepts (for
/// text six, one of them by name): on the grid that was most of the decoding. The statements
/// here are ours and their column types fixed; even so a value of another type cannot be
/// misread silently into a panic: an integer must be 1 to 8 bytes and text valid UTF-8, else
/// it is an error. Dates, instants and booleans keep the check (their decoders index and add
/// without one).
impl Columns for PgRow {
    fn int(&self, i: usize) -> Result<Option<i64>, ApiError> {
        self.try_get_unchecked(i).map_err(|e| column_error(i, e))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, ApiError> {
        let text: Option<&str> = self.try_get_unchecked(i).map_err(|e| column_error(i, e))?;
        Ok(text.map(Cow::Borrowed))
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, ApiError> {
        self.try_get(i).map_err(|e| column_error(i, e))
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.try_get(i).map_err(|e| column_error(i, e))
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, ApiError> {
        self.try_get(i).map_err(|e| column_error(i, e))
    }
}

impl Columns for rusqlite::Row<'_> {
    fn int(&self, i: usize) -> Result<Option<i64>, ApiError> {
        self.get(i).map_err(|e| column_error(i, e))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, ApiError> {
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
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, ApiError> {
        self.text(i)?
            .map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| column_error(i, e)))
            .transpose()
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.text(i)?
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|d| d.with_timezone(&Utc))
                    .map_err(|e| column_error(i, e))
            })
            .transpose()
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, ApiError> {
        self.get(i).map_err(|e| column_error(i, e))
    }
}

impl Columns for QueryResult {
    fn int(&self, i: usize) -> Result<Option<i64>, ApiError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
    fn text(&self, i: usize) -> Result<Option<Cow<'_, str>>, ApiError> {
        let text: Option<String> = self.try_get_by_index(i).map_err(|e| column_error(i, e))?;
        Ok(text.map(Cow::Owned))
    }
    fn date(&self, i: usize) -> Result<Option<NaiveDate>, ApiError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
    fn instant(&self, i: usize) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
    fn boolean(&self, i: usize) -> Result<Option<bool>, ApiError> {
        self.try_get_by_index(i).map_err(|e| column_error(i, e))
    }
}
