//! The issuer side: the organisation's staff, and (as they land) its contractors, portal
//! users, documents, payments, settings and activity.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// What a staff member may do.
    Role {
        /// Everything, including staff and settings; the only one who can make or unmake owners.
        Owner => "owner",
        /// Everything but ownership.
        Admin => "admin",
        /// Documents and payments; reads the rest.
        Accountant => "accountant",
        /// Reads everything; manages contractors and their portal users.
        Sales => "sales",
    }
}

/// A member of the organisation's staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    /// Staff user id.
    pub id: i64,
    /// E-mail address, the sign-in name.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the member may do.
    pub role: Role,
    /// May sign in; a deactivated member's sessions have ended.
    pub active: bool,
    /// Invited and has not yet set a password.
    pub invited: bool,
    /// Last sign-in.
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the member was added.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/issuer/staff`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffList {
    /// Every member, owners first, then by name.
    pub items: Vec<StaffMember>,
    /// How many.
    pub total: u64,
}

/// `POST /api/v1/issuer/staff`: invite a colleague by e-mail; the mail carries a link to set a
/// password, valid for 7 days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffInvite {
    /// E-mail address (unique among all staff).
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 254))]
    pub email: String,
    /// Display name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// What the member may do (only an owner may invite an owner).
    pub role: Role,
}

/// `PATCH /api/v1/issuer/staff/{id}`: fields left out stay unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffUpdate {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// New role. Only an owner may make or unmake an owner; the last active owner keeps the role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// `false` deactivates the member (its sessions end); the last active owner stays active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// `POST …/auth/set-password`: the token from an invitation or reset link and the new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPassword {
    /// The `token` of the link.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
    /// The new password: 10–128 characters, not a common password, not the username.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub password: String,
}

/// `POST /api/v1/portal/auth/password-reset`: ask for a reset link. Always answered 202 the
/// same way, whether or not such a user exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordResetRequest {
    /// The organisation's slug, as in the portal URL.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub organization: String,
    /// Username or e-mail address.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub login: String,
}
