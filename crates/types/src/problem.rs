//! RFC 9457 problem details, the body of every error response.

use serde::{Deserialize, Serialize};

/// An RFC 9457 `application/problem+json` body.
///
/// `code` is stable and machine-readable (the SPA translates it); `title` and `detail`
/// are English prose for people reading logs or curl output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub type_: String,
    /// Short, human-readable summary of the problem type.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// Human-readable explanation of this occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine code, e.g. `invalid_credentials`, `validation_failed`.
    pub code: String,
    /// For validation failures: one entry per invalid field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field of a request (body field, query or path parameter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name; nested fields are dotted (`lines[0].quantity`).
    pub field: String,
    /// Stable machine code, e.g. `required`, `invalid_type`, `unknown_field`, `too_long`.
    pub code: String,
    /// English explanation.
    pub message: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}
