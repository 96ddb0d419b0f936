//! The query strings of the issuer's lists: each parameter parsed once into a typed value or a
//! field error naming it; an unknown parameter is refused, an empty value is no filter.

use chrono::NaiveDate;
use portal_types::FieldError;

use crate::error::ApiError;

/// Rows per page when the client does not say, and at most.
pub const DEFAULT_PER_PAGE: u32 = 50;
/// Most rows a page may have.
pub const MAX_PER_PAGE: u32 = 200;

/// A query string being read: `(key, value)` pairs in order, errors collected.
pub struct Query<'a> {
    pairs: Vec<(&'a str, &'a str)>,
    known: &'static [&'static str],
    /// Errors so far.
    pub errors: Vec<FieldError>,
}

impl<'a> Query<'a> {
    /// The pairs of a query string whose parameters are `known`.
    pub fn new(pairs: &'a [(String, String)], known: &'static [&'static str]) -> Query<'a> {
        let mut errors = Vec::new();
        for (key, _) in pairs {
            if !known.contains(&key.as_str()) && !["page", "per_page"].contains(&key.as_str()) {
                errors.push(FieldError::new(
                    key.as_str(),
                    "unknown_parameter",
                    format!("`{key}` is not a parameter of this list"),
                ));
            }
        }
        Query {
            pairs: pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
            known,
            errors,
        }
    }

    /// The last value of `key`, trimmed.
    fn raw(&self, key: &str) -> Option<&'a str> {
        debug_assert!(self.known.contains(&key) || key == "page" || key == "per_page");
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.trim())
    }

    /// Free text without control characters, at most 200 characters.
    pub fn text(&mut self, key: &str) -> Option<String> {
        self.text_up_to(key, 200)
    }

    /// Free text without control characters, at most `max` characters.
    pub fn text_up_to(&mut self, key: &str, max: usize) -> Option<String> {
        let value = self.raw(key)?;
        match portal_domain::fields::required_text(key, value, max) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.raw(key)? {
            "true" => Some(true),
            "false" => Some(false),
            other => {
                self.errors.push(FieldError::new(
                    key,
                    "invalid_value",
                    format!("`{other}` is not true or false"),
                ));
                None
            }
        }
    }

    /// One of `values`.
    pub fn one_of(&mut self, key: &str, values: &[&'static str]) -> Option<&'static str> {
        let value = self.raw(key)?;
        match values.iter().find(|v| **v == value) {
            Some(v) => Some(v),
            None => {
                self.errors.push(FieldError::new(
                    key,
                    "invalid_value",
                    format!("must be one of {}", values.join(", ")),
                ));
                None
            }
        }
    }

    /// A whole number at least 1.
    pub fn id(&mut self, key: &str) -> Option<i64> {
        let value = self.raw(key)?;
        match value.parse::<i64>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                self.errors.push(FieldError::new(
                    key,
                    "invalid_number",
                    format!("`{value}` is not an id"),
                ));
                None
            }
        }
    }

    /// A calendar date, `YYYY-MM-DD`.
    pub fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let value = self.raw(key)?;
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) if value.len() == 10 => Some(d),
            _ => {
                self.errors.push(FieldError::new(
                    key,
                    "invalid_date",
                    format!("`{value}` is not a date (YYYY-MM-DD)"),
                ));
                None
            }
        }
    }

    /// `page` (from 1) and `per_page` (1–200, default 50).
    pub fn paging(&mut self) -> (u32, u32) {
        let mut number = |key: &str, max: u32, default: u32| match self.raw(key) {
            None => default,
            Some(v) => match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => n,
                _ => {
                    self.errors.push(FieldError::new(
                        key,
                        "out_of_range",
                        format!("`{key}` must be a whole number from 1 to {max}"),
                    ));
                    default
                }
            },
        };
        let page = number("page", 1_000_000, 1);
        let per_page = number("per_page", MAX_PER_PAGE, DEFAULT_PER_PAGE);
        (page, per_page)
    }

    /// Done reading: the errors, if any, as one 422.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}
