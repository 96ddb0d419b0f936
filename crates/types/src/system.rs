//! Liveness and readiness.

use serde::{Deserialize, Serialize};

/// Answer of `GET /health` and `GET /ready`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthStatus {
    /// `ok` when healthy.
    pub status: String,
    /// For `/ready`: the database backend in use (`sqlite` or `postgres`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
}
