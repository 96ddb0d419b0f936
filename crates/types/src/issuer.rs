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
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub last_login_at: Option<DateTime<Utc>>,
    /// When the member was added.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
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

string_enum! {
    /// Whether a contractor buys from the organisation, sells to it, or both.
    ContractorKind {
        /// A customer.
        Client => "client",
        /// A supplier.
        Supplier => "supplier",
        /// Both.
        Both => "both",
    }
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub street: Option<String>,
    /// City.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub city: Option<String>,
    /// Postal code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code (`BG`, `DE`, `ES`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = "^([A-Za-z]{2})?$"))]
    pub country: Option<String>,
}

/// A customer (or supplier) record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contractor {
    /// Contractor id.
    pub id: i64,
    /// Legal name.
    pub name: String,
    /// Customer, supplier or both.
    pub kind: ContractorKind,
    /// Company or tax registration number.
    pub tax_id: Option<String>,
    /// VAT identification number with its country prefix (`BG123456789`).
    pub vat_number: Option<String>,
    /// Postal address.
    pub address: Address,
    /// E-mail address for documents.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Bank account (IBAN).
    pub iban: Option<String>,
    /// BIC / SWIFT code.
    pub bic: Option<String>,
    /// Language of its portal, documents and mails: `bg`, `en`, `de` or `es`.
    pub locale: String,
    /// The staff member responsible for it.
    pub salesperson_id: Option<i64>,
    /// Days from issue to due date of its invoices and debit notes (0: due on issue); a new
    /// one's due date follows from them unless given.
    #[serde(default)]
    pub payment_terms_days: Option<u16>,
    /// Its portal users may sign in.
    pub portal_access: bool,
    /// It may pay online where the organisation allows that for selected customers only.
    #[serde(default)]
    pub pay_online: bool,
    /// When it was archived; archived contractors are left out of lists unless asked for and
    /// cannot sign in to the portal.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub archived_at: Option<DateTime<Utc>>,
    /// Where its people sign in to the portal.
    pub portal_url: String,
    /// Created.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/issuer/contractors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewContractor {
    /// Legal name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    /// Customer, supplier or both (default: customer).
    #[serde(default)]
    pub kind: Option<ContractorKind>,
    /// Company or tax registration number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub tax_id: Option<String>,
    /// VAT number with its country prefix, checked against that country's format.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub vat_number: Option<String>,
    /// Postal address.
    #[serde(default)]
    pub address: Option<Address>,
    /// E-mail address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    /// IBAN, checked by its checksum (spaces allowed).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub iban: Option<String>,
    /// BIC / SWIFT code (8 or 11 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 11))]
    pub bic: Option<String>,
    /// `bg`, `en`, `de` or `es` (default: the organisation's).
    #[serde(default)]
    pub locale: Option<String>,
    /// A staff member of the organisation.
    #[serde(default)]
    pub salesperson_id: Option<i64>,
    /// Days from issue to due date of its invoices and debit notes, 0 to 365.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 365))]
    pub payment_terms_days: Option<u16>,
    /// Its portal users may sign in (default: the organisation's portal setting).
    #[serde(default)]
    pub portal_access: Option<bool>,
}

/// `PATCH /api/v1/issuer/contractors/{id}`: fields left out stay unchanged; for text fields an
/// empty string clears the value, `salesperson_id: 0` clears the salesperson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractorUpdate {
    /// Legal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: Option<String>,
    /// Customer, supplier or both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<ContractorKind>,
    /// Company or tax registration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub tax_id: Option<String>,
    /// VAT number with its country prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub vat_number: Option<String>,
    /// Postal address; the fields given replace the stored ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    /// IBAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub iban: Option<String>,
    /// BIC / SWIFT code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 11))]
    pub bic: Option<String>,
    /// `bg`, `en`, `de` or `es`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// A staff member of the organisation; `0` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salesperson_id: Option<i64>,
    /// Days from issue to due date, 0 to 365; `null` clears them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::present"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u16>, nullable, maximum = 365))]
    pub payment_terms_days: Option<Option<u16>>,
    /// Its portal users may sign in; `false` ends their sessions at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_access: Option<bool>,
    /// It may pay online where the organisation allows that for selected customers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_online: Option<bool>,
}

/// A page of contractors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractorPage {
    /// This page.
    pub items: Vec<Contractor>,
    /// Matching contractors over all pages.
    pub total: u64,
    /// Page number from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

string_enum! {
    /// Where a portal user stands.
    PortalUserState {
        /// Created or invited, has not signed in yet.
        Invited => "invited",
        /// Has signed in (or was given a password and may).
        Active => "active",
        /// May not sign in; its sessions have ended.
        Disabled => "disabled",
    }
}

/// A person who signs in to the portal for a contractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalUser {
    /// Portal user id.
    pub id: i64,
    /// The contractor it signs in for.
    pub contractor_id: i64,
    /// Sign-in name, unique within the organisation (case-insensitive).
    pub username: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// E-mail address (invitations and password resets go there).
    pub email: Option<String>,
    /// Invited, active or disabled.
    pub state: PortalUserState,
    /// Must choose a new password at the next sign-in.
    pub must_change_password: bool,
    /// Last sign-in.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub last_login_at: Option<DateTime<Utc>>,
    /// Created.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub updated_at: DateTime<Utc>,
}

/// `GET /api/v1/issuer/contractors/{id}/portal-users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalUserList {
    /// The contractor's portal users, by username.
    pub items: Vec<PortalUser>,
    /// How many.
    pub total: u64,
}

/// `POST /api/v1/issuer/contractors/{id}/portal-users`. With a `password` the user may sign in
/// at once (and, unless told otherwise, must choose its own password then); without one, an
/// `email` is required and the user is invited by mail to set a password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPortalUser {
    /// Sign-in name, unique within the organisation.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub username: String,
    /// First name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: String,
    /// Last name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: String,
    /// E-mail address; required when no password is given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// A password typed by the issuer (10–128 characters, not a common one).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 128))]
    pub password: Option<String>,
    /// Must choose a new password at the first sign-in (default: true when a password is
    /// given).
    #[serde(default)]
    pub must_change_password: Option<bool>,
}

/// `PATCH /api/v1/issuer/portal-users/{id}`: fields left out stay unchanged; an empty `email`
/// clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalUserUpdate {
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub last_name: Option<String>,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// `false` disables the user (its sessions end at once); `true` enables it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Must choose a new password at the next sign-in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub must_change_password: Option<bool>,
}

/// What the portal lets customers do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalActions {
    /// PDFs may be downloaded.
    pub download: bool,
    /// Comments may be written.
    pub comment: bool,
    /// Offers may be accepted or rejected.
    pub accept_offers: bool,
    /// Documents may be paid online.
    pub pay: bool,
}

/// The portal's settings (Billomat's "customer portal" settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalSettings {
    /// The document types customers see.
    pub document_types: Vec<crate::DocumentType>,
    /// What customers may do.
    pub actions: PortalActions,
    /// A customer rejecting an offer must give a reason.
    pub rejection_reason_required: bool,
    /// The groups of their company data customers may change in the portal; the others are
    /// read-only there.
    pub company_fields: Vec<crate::CompanyFields>,
    /// New contractors get portal access unless told otherwise.
    pub access_by_default: bool,
    /// Customers' portal users are mailed when a document is issued to them.
    pub email_new_documents: bool,
}

/// `GET /api/v1/issuer/settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSettings {
    /// The customer portal.
    pub portal: PortalSettings,
}

/// Changes of [`PortalActions`]: fields left out stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalActionsUpdate {
    /// PDFs may be downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download: Option<bool>,
    /// Comments may be written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<bool>,
    /// Offers may be accepted or rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_offers: Option<bool>,
    /// Documents may be paid online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay: Option<bool>,
}

/// Changes of [`PortalSettings`]: fields left out stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalSettingsUpdate {
    /// The document types customers see (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_types: Option<Vec<crate::DocumentType>>,
    /// What customers may do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<PortalActionsUpdate>,
    /// A customer rejecting an offer must give a reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection_reason_required: Option<bool>,
    /// The groups of company data customers may change (the whole list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_fields: Option<Vec<crate::CompanyFields>>,
    /// New contractors get portal access unless told otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_by_default: Option<bool>,
    /// Mail customers' portal users about new documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_new_documents: Option<bool>,
}

/// `PATCH /api/v1/issuer/settings`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    /// The customer portal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal: Option<PortalSettingsUpdate>,
}

/// `POST /api/v1/issuer/settings/portal/apply-to-all`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedToAll {
    /// Contractors that got portal access now (archived ones are left out).
    pub updated: u64,
}
