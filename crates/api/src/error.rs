//! One error type for the HTTP layer and its single mapping to RFC 9457 problem+json.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use portal_store::error::Outage;
use portal_types::{FieldError, Problem};

/// Everything a handler can fail with. Each variant has a stable machine `code`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// One or more fields are invalid (422).
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// The request cannot be understood at all (400), e.g. malformed JSON.
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String },
    /// Missing, invalid or expired credentials (401).
    #[error("{detail}")]
    Unauthorized {
        code: &'static str,
        detail: &'static str,
    },
    /// Authenticated but not allowed (403).
    #[error("{detail}")]
    Forbidden {
        code: &'static str,
        detail: &'static str,
    },
    /// Nothing here, or nothing the caller may see (404).
    #[error("not found")]
    NotFound,
    /// The route exists but not with this method (405).
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// The request conflicts with the current state (409).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// A field's value clashes with existing data (409), e.g. a username already taken.
    #[error("conflict")]
    FieldConflict(Vec<FieldError>),
    /// The body is larger than allowed (413).
    #[error("request body too large")]
    PayloadTooLarge { limit: usize },
    /// One part of the body (an uploaded file) is larger than allowed (413); the error names it.
    #[error("{0:?}")]
    PartTooLarge(FieldError),
    /// The body is not of the media type the endpoint reads (415).
    #[error("unsupported media type")]
    UnsupportedMediaType {
        /// What to send instead, e.g. `application/json`.
        expected: &'static str,
    },
    /// The body is compressed (`Content-Encoding`), which no endpoint reads (415).
    #[error("unsupported content encoding")]
    UnsupportedEncoding { encoding: String },
    /// Too many failed attempts (429).
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// An API key's requests per minute are used up (429).
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    /// An API key lacks the scope the request needs (403); the answer names it.
    #[error("missing scope")]
    MissingScope { scope: String },
    /// A service we depend on (the payment provider) failed or could not be reached (502).
    #[error("{detail}")]
    Upstream { code: &'static str, detail: String },
    /// Overloaded; try again shortly (503).
    #[error("service busy")]
    Unavailable { retry_after_secs: u64 },
    /// The database cannot be reached; try again shortly (503). Seeing one closes the
    /// database gate (`crate::db_gate`) until the database answers again.
    #[error("the database cannot be reached: {0}")]
    DatabaseUnavailable(String),
    /// The database is up but out of capacity this moment (every connection taken, no slot
    /// left on the server, SQLite's write lock held past the wait); try again shortly (503).
    /// Only this request is turned away: the gate stays open.
    #[error("the database is busy: {0}")]
    DatabaseBusy(String),
    /// A bug or an outage. Logged with its cause; the client learns nothing more (500).
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// A single invalid field.
    pub fn field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::Validation(vec![FieldError::new(field, code, message)])
    }

    /// A 409 naming the field whose value clashes with existing data.
    pub fn conflict_field(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::FieldConflict(vec![FieldError::new(field, code, message)])
    }

    /// Wraps an unexpected failure.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        ApiError::Internal(err.to_string())
    }

    /// The stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Validation(_) => "validation_failed",
            ApiError::BadRequest { code, .. }
            | ApiError::Unauthorized { code, .. }
            | ApiError::Forbidden { code, .. }
            | ApiError::Conflict { code, .. }
            | ApiError::Upstream { code, .. } => code,
            ApiError::FieldConflict(_) => "conflict",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::PayloadTooLarge { .. } | ApiError::PartTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType { .. } => "unsupported_media_type",
            ApiError::UnsupportedEncoding { .. } => "unsupported_content_encoding",
            ApiError::TooManyRequests { .. } => "too_many_requests",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::MissingScope { .. } => "insufficient_scope",
            ApiError::Unavailable { .. }
            | ApiError::DatabaseUnavailable(_)
            | ApiError::DatabaseBusy(_) => "service_unavailable",
            ApiError::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            ApiError::Validation(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("invalid fields: {}", fields.join(", "))
            }
            ApiError::FieldConflict(errors) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                format!("already in use: {}", fields.join(", "))
            }
            ApiError::PayloadTooLarge { limit } => {
                format!("the request body exceeds {limit} bytes")
            }
            ApiError::PartTooLarge(error) => format!("{}: {}", error.field, error.message),
            ApiError::UnsupportedMediaType { expected } => format!("send the body as {expected}"),
            ApiError::UnsupportedEncoding { encoding } => {
                format!("the body is sent with Content-Encoding: {encoding}; send it uncompressed")
            }
            ApiError::TooManyRequests { retry_after_secs } => {
                format!("too many failed attempts; try again in {retry_after_secs} seconds")
            }
            ApiError::RateLimited { retry_after_secs } => format!(
                "this API key's requests per minute are used up; try again in {retry_after_secs} seconds"
            ),
            ApiError::MissingScope { scope } => {
                format!("this API key lacks the scope `{scope}`")
            }
            ApiError::MethodNotAllowed { allow } => format!("allowed methods: {allow}"),
            ApiError::NotFound => "no such resource".to_string(),
            ApiError::DatabaseUnavailable(_) => {
                "the database cannot be reached; nothing was changed that was not confirmed — try again shortly"
                    .to_string()
            }
            ApiError::DatabaseBusy(_) => {
                "the database is busy this moment; nothing was changed that was not confirmed — try again shortly"
                    .to_string()
            }
            ApiError::Internal(_) => "an unexpected error occurred; it has been logged".to_string(),
            other => other.to_string(),
        }
    }

    /// The problem+json body.
    pub fn problem(&self) -> Problem {
        let status = self.status_code();
        Problem {
            type_: format!("/problems/{}", self.code()),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: Some(self.detail()),
            code: self.code().to_string(),
            errors: match self {
                ApiError::Validation(errors) | ApiError::FieldConflict(errors) => errors.clone(),
                ApiError::PartTooLarge(error) => vec![error.clone()],
                _ => Vec::new(),
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } | ApiError::MissingScope { .. } => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } | ApiError::FieldConflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge { .. } | ApiError::PartTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::UnsupportedMediaType { .. } | ApiError::UnsupportedEncoding { .. } => {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            ApiError::TooManyRequests { .. } | ApiError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ApiError::Upstream { .. } => StatusCode::BAD_GATEWAY,
            ApiError::Unavailable { .. }
            | ApiError::DatabaseUnavailable(_)
            | ApiError::DatabaseBusy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(cause) = self {
            tracing::error!(%cause, "request failed");
        }
        if let ApiError::DatabaseUnavailable(cause) = self {
            tracing::warn!(%cause, "the database cannot be reached");
        }
        if let ApiError::DatabaseBusy(cause) = self {
            tracing::warn!(%cause, "the database is busy");
        }
        let mut builder = HttpResponse::build(self.status_code());
        builder.content_type("application/problem+json");
        match self {
            ApiError::TooManyRequests { retry_after_secs }
            | ApiError::RateLimited { retry_after_secs }
            | ApiError::Unavailable { retry_after_secs } => {
                builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            ApiError::DatabaseUnavailable(_) => {
                builder.insert_header((header::RETRY_AFTER, "5"));
            }
            ApiError::DatabaseBusy(_) => {
                builder.insert_header((header::RETRY_AFTER, "1"));
            }
            ApiError::MethodNotAllowed { allow } => {
                builder.insert_header((header::ALLOW, allow.clone()));
            }
            // RFC 9110 §15.5.16: the codings the server reads.
            ApiError::UnsupportedEncoding { .. } => {
                builder.insert_header((header::ACCEPT_ENCODING, "identity"));
            }
            // RFC 6750: the scope the token lacks.
            ApiError::MissingScope { scope } => {
                builder.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!("Bearer error=\"insufficient_scope\", scope=\"{scope}\""),
                ));
            }
            // The Bearer challenge (RFC 6750) only where a bearer token failed; a wrong password
            // or a bad refresh cookie is not a bearer failure.
            ApiError::Unauthorized { code, .. } if BEARER_FAILURES.contains(code) => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""));
            }
            _ => {}
        }
        builder.json(self.problem())
    }
}

impl ApiError {
    /// A database failure: a 503 of its kind when it was an outage, else a 500.
    fn of_database(outage: Option<Outage>, cause: String) -> Self {
        match outage {
            Some(Outage::Unreachable) => ApiError::DatabaseUnavailable(cause),
            Some(Outage::Busy) => ApiError::DatabaseBusy(cause),
            None => ApiError::Internal(cause),
        }
    }
}

impl From<portal_store::StoreError> for ApiError {
    fn from(err: portal_store::StoreError) -> Self {
        ApiError::of_database(err.outage(), err.to_string())
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        ApiError::of_database(
            portal_store::error::outage(&err),
            format!("database: {err}"),
        )
    }
}

impl<E: std::fmt::Display + std::fmt::Debug + std::error::Error> From<sea_orm::TransactionError<E>>
    for ApiError
{
    fn from(err: sea_orm::TransactionError<E>) -> Self {
        match err {
            sea_orm::TransactionError::Connection(e) => e.into(),
            other => ApiError::Internal(format!("transaction: {other}")),
        }
    }
}

/// The 401 codes of a missing, invalid or expired access token, or one whose session ended.
const BEARER_FAILURES: &[&str] = &[
    "invalid_token",
    "token_expired",
    "session_ended",
    "api_key_invalid",
    "api_key_revoked",
    "api_key_expired",
];

/// The 401 for a wrong username or password, whichever it was.
pub const INVALID_CREDENTIALS: ApiError = ApiError::Unauthorized {
    code: "invalid_credentials",
    detail: "the username or password is incorrect",
};
