//! Login, token refresh and the caller's own identity.

use serde::{Deserialize, Serialize};

/// `POST /api/v1/portal/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalLoginRequest {
    /// The issuing organisation's slug, as in the portal URL `/p/{organization}`.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub organization: String,
    /// The portal user's username (case-insensitive).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub username: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
}

/// `POST /api/v1/issuer/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssuerLoginRequest {
    /// The staff user's e-mail address (case-insensitive).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254))]
    pub email: String,
    /// The password.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub password: String,
}

/// A freshly issued access token. The refresh token travels only in an HttpOnly cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// A short-lived JWT to send as `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token in seconds.
    pub expires_in: u64,
    /// `portal` or `issuer`.
    pub realm: String,
    /// The organisation's slug.
    pub organization: String,
    /// The preferred UI locale of the user (`en`, `bg`, `de`, `es`).
    pub locale: String,
    /// Set when the user must change the password before doing anything else.
    pub must_change_password: bool,
}

/// `GET /api/v1/issuer/me`: the signed-in staff user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMe {
    /// Staff user id.
    pub id: i64,
    /// E-mail address (the login name).
    pub email: String,
    /// Display name.
    pub name: String,
    /// `owner`, `admin`, `accountant` or `sales`.
    pub role: String,
    /// The organisation's slug.
    pub organization: String,
    /// The organisation's legal name.
    pub organization_name: String,
}

/// `GET /api/v1/portal/me`: the signed-in portal user and the customer it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalMe {
    /// Portal user id.
    pub id: i64,
    /// Login name, read-only.
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// The customer (contractor) the user acts for, read-only.
    pub contractor_id: i64,
    /// The customer's name, read-only.
    pub contractor_name: String,
    /// The customer's preferred locale.
    pub locale: String,
    /// The issuing organisation's slug.
    pub organization: String,
    /// The issuing organisation's legal name.
    pub organization_name: String,
    /// What the organisation releases to the portal.
    pub permissions: PortalPermissions,
    /// When the user signed in before this session (RFC 3339, UTC); absent on the first
    /// sign-in. What a user checks to notice a sign-in that was not theirs.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub last_login_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What the organisation lets its customers do in the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalPermissions {
    /// Document types visible in the portal.
    pub document_types: Vec<String>,
    /// PDFs may be downloaded.
    pub download: bool,
    /// Comments may be written.
    pub comment: bool,
    /// Offers may be accepted or rejected.
    pub accept_offers: bool,
    /// A rejection must come with a reason.
    pub rejection_reason_required: bool,
    /// Documents may be paid online.
    pub pay: bool,
    /// Less than what remains may be paid online, not less than this many whole units of the
    /// currency (0: any amount); absent when only the whole remaining amount may be paid.
    #[serde(default)]
    pub pay_partial_minimum: Option<i64>,
}

/// `PATCH /api/v1/portal/me`: fields left out stay unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalMeUpdate {
    /// New first name (1–100 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// New last name (1–100 characters).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// New e-mail address; an empty string clears it.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `POST /api/v1/portal/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password in use now.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub current_password: String,
    /// The new password: 10–128 characters, not a common password, not the username.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub new_password: String,
    /// The new password again.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub new_password_repeat: String,
}

/// Whether this instance waits for its first-run setup (`GET /api/v1/issuer/auth/setup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetupStatus {
    /// No organisation exists yet and the server printed a setup code in its log.
    pub open: bool,
}

/// `POST /api/v1/issuer/auth/setup`: the first organisation and its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetupRequest {
    /// The one-time code the server printed in its log when it started.
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: String,
    /// The organisation's legal name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// Its portal's address: `/p/{slug}` (3–40 lower-case letters, digits and hyphens).
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub slug: String,
    /// The owner's name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub owner_name: String,
    /// The owner's e-mail address: their sign-in.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub owner_email: String,
    /// The owner's password.
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub password: String,
    /// `bg`, `en`, `de` or `es` (default `en`).
    #[serde(default)]
    pub locale: Option<String>,
}

/// Whether this instance lets anyone create an organisation (`GET /api/v1/issuer/auth/signup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupStatus {
    /// The server runs with `PORTAL_SIGNUP=open`.
    pub open: bool,
}

/// `POST /api/v1/issuer/auth/signup`: a new organisation and its owner, created once the owner
/// confirms the address from the mailed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    /// The organisation's legal name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// Its portal's address: `/p/{slug}` (3–40 lower-case letters, digits and hyphens).
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub slug: String,
    /// The owner's name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub owner_name: String,
    /// The owner's e-mail address: their sign-in, and where the confirmation goes.
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub owner_email: String,
    /// The owner's password.
    #[cfg_attr(feature = "openapi", schema(max_length = 1024))]
    pub password: String,
    /// `bg`, `en`, `de` or `es` (default `en`): the organisation's language and the mail's.
    #[serde(default)]
    pub locale: Option<String>,
}

/// The answer to a sign-up: a confirmation link is on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupAccepted {
    /// Where the link was sent.
    pub email: String,
    /// How long the link works.
    pub valid_hours: i64,
}

/// `POST /api/v1/issuer/auth/signup/confirm`: the token from the mailed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignupConfirm {
    /// The `token` parameter of the link.
    #[cfg_attr(feature = "openapi", schema(max_length = 128))]
    pub token: String,
}
