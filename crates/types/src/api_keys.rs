//! Integrators' API keys (`/api/v1/issuer/api-keys`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a key may be allowed to reach: `resource:read` or `resource:write` (write implies
/// read). Deny by default: a path that is none of these is refused to every key.
pub const RESOURCES: [&str; 9] = [
    "contractors",
    "portal_users",
    "documents",
    "payments",
    "comments",
    "settings",
    "events",
    "webhooks",
    "api_keys",
];

/// Every scope there is, in the order lists show them.
pub fn all_scopes() -> Vec<String> {
    RESOURCES
        .iter()
        .flat_map(|r| [format!("{r}:read"), format!("{r}:write")])
        .collect()
}

/// Whether `scope` is one there is.
pub fn is_scope(scope: &str) -> bool {
    matches!(scope.split_once(':'), Some((r, "read" | "write")) if RESOURCES.contains(&r))
}

/// Whether the scopes `held` allow `write` (or read) access to `resource`.
pub fn allows(held: &[String], resource: &str, write: bool) -> bool {
    held.iter().any(|s| {
        s.split_once(':').is_some_and(|(r, level)| {
            r == resource && (level == "write" || (!write && level == "read"))
        })
    })
}

/// A scope: `resource:read` or `resource:write` (write implies read). Resources: contractors,
/// portal_users, documents, payments, comments, settings, events, webhooks, api_keys.
pub struct ScopeName;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for ScopeName {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(all_scopes()))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for ScopeName {}

/// `POST /api/v1/issuer/api-keys` (owner, admin; or a key with `api_keys:write`, which can
/// give no scope it lacks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiKey {
    /// What it is for ("Accounting sync"), 1–100 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// What it may reach, at least one.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ScopeName>, min_items = 1, max_items = 18))]
    pub scopes: Vec<String>,
    /// When it stops working (in the future); none: until revoked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests per minute it may make (1–10,000; 600 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub rate_limit_per_minute: Option<u32>,
}

/// `PATCH /api/v1/issuer/api-keys/{id}`: rename it, or change its limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApiKeyUpdate {
    /// A new name, 1–100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Requests per minute (1–10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10000))]
    pub rate_limit_per_minute: Option<u32>,
}

/// An API key as lists show it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKey {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What identifies it: `cpk_live_7Fq2Lm9xAb3Z…` (its public part).
    pub hint: String,
    /// What it may reach.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ScopeName>))]
    pub scopes: Vec<String>,
    /// Requests per minute it may make.
    pub rate_limit_per_minute: u32,
    /// Who made it: a staff member's name, or another key's.
    pub created_by: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// From where.
    pub last_used_ip: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub status: String,
}

/// The answer to creating a key: the key itself, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    /// The key as stored.
    #[serde(flatten)]
    pub key: ApiKey,
    /// The whole key, `cpk_live_…`: send it as `Authorization: Bearer <key>`. It is not
    /// shown again.
    pub token: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_implies_read_and_nothing_else() {
        let held = vec!["documents:write".to_owned(), "payments:read".to_owned()];
        assert!(allows(&held, "documents", true) && allows(&held, "documents", false));
        assert!(allows(&held, "payments", false) && !allows(&held, "payments", true));
        assert!(!allows(&held, "contractors", false));
        assert_eq!(all_scopes().len(), 18);
        assert!(all_scopes().iter().all(|s| is_scope(s)));
        assert!(!is_scope("documents:admin") && !is_scope("staff:read") && !is_scope("x"));
    }
}

/// `GET /api/v1/issuer/api-keys`: newest first, revoked ones too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyList {
    /// The keys.
    pub items: Vec<ApiKey>,
    /// How many.
    pub total: u64,
}
