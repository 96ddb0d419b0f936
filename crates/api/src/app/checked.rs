//! Checking a request's fields: every error at once, each naming its field.

use portal_domain::{fields, identifiers};
use portal_types::{Address, FieldError};

use crate::error::ApiError;

/// The four portal languages.
pub const LOCALES: [&str; 4] = ["bg", "en", "de", "es"];

/// Collects the errors of one request's fields.
#[derive(Default)]
pub struct Checked(Vec<FieldError>);

impl Checked {
    /// Adds an error.
    pub fn push(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// The value, or its error noted.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        result.map_err(|e| self.0.push(e)).ok()
    }

    /// An optional text field: `None` untouched, `Some("")` cleared, else checked.
    pub fn text(&mut self, field: &str, value: Option<&str>, max: usize) -> Option<Option<String>> {
        value.and_then(|v| self.take(fields::optional_text(field, v, max)))
    }

    /// An optional identifier field parsed by `parse` unless empty.
    pub fn identifier(
        &mut self,
        field: &str,
        value: Option<&str>,
        parse: fn(&str, &str) -> Result<String, FieldError>,
    ) -> Option<Option<String>> {
        let value = value?;
        if value.trim().is_empty() {
            return Some(None);
        }
        self.take(parse(field, value)).map(Some)
    }

    pub fn locale(&mut self, field: &str, value: Option<&str>) -> Option<String> {
        let value = value?.trim();
        if LOCALES.contains(&value) {
            Some(value.to_string())
        } else {
            self.0.push(FieldError::new(
                field,
                "invalid_value",
                "must be one of bg, en, de, es",
            ));
            None
        }
    }

    pub fn address(&mut self, address: Option<&Address>) -> Option<[Option<Option<String>>; 4]> {
        let a = address?;
        Some([
            self.text("address.street", a.street.as_deref(), 200),
            self.text("address.city", a.city.as_deref(), 100),
            self.text("address.postal_code", a.postal_code.as_deref(), 20),
            self.identifier(
                "address.country",
                a.country.as_deref(),
                identifiers::country,
            ),
        ])
    }

    /// Payment terms: 0 to 365 days.
    pub fn terms(&mut self, field: &str, days: Option<u16>) -> Option<i32> {
        let days = days?;
        if days > 365 {
            self.0
                .push(FieldError::new(field, "out_of_range", "0 to 365 days"));
            return None;
        }
        Some(i32::from(days))
    }

    /// The errors noted.
    pub fn into_errors(self) -> Vec<FieldError> {
        self.0
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}
