//! A customer's own company data in the portal (`/api/v1/portal/company`), what the issuer lets
//! it change, and the history of every change to a contractor's data.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Address, CommentSide};

string_enum! {
    /// A group of company data the issuer lets its customers change in the portal, or locks.
    CompanyFields {
        /// Address, e-mail and phone.
        Contact => "contact",
        /// IBAN and BIC.
        Bank => "bank",
        /// Tax id and VAT number.
        Tax => "tax",
    }
}

/// `GET /api/v1/portal/company`: the customer's company data as the issuer keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalCompany {
    /// Legal name (changed by the issuer only).
    pub name: String,
    /// Company or tax registration number.
    pub tax_id: Option<String>,
    /// VAT identification number with its country prefix.
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
    /// The groups the customer may change; the rest are read-only.
    pub editable: Vec<CompanyFields>,
}

/// `PATCH /api/v1/portal/company`: fields left out stay; an empty string clears a field. A
/// field of a locked group is refused (422, `locked`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CompanyUpdate {
    /// Company or tax registration number (tax group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub tax_id: Option<String>,
    /// VAT number in its country's format (tax group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub vat_number: Option<String>,
    /// Postal address; the fields given replace the stored ones (contact group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// E-mail address (contact group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Phone number (contact group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    /// IBAN, checked by its checksum (bank group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub iban: Option<String>,
    /// BIC (bank group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 11))]
    pub bic: Option<String>,
}

/// One changed field of a contractor's data: old and new value, who and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractorChange {
    /// Change id (ascending in time).
    pub id: i64,
    /// When.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub changed_at: DateTime<Utc>,
    /// The customer (in the portal) or the issuer's staff.
    pub side: CommentSide,
    /// The person's name as it was then.
    pub changed_by: String,
    /// `name`, `tax_id`, `vat_number`, `address.street`, `address.city`,
    /// `address.postal_code`, `address.country`, `email`, `phone`, `iban`, `bic`.
    pub field: String,
    /// The value before (`null`: empty).
    pub old_value: Option<String>,
    /// The value after (`null`: empty).
    pub new_value: Option<String>,
}

/// `GET /api/v1/issuer/contractors/{id}/changes`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractorChanges {
    /// The changes, newest first (at most 500).
    pub items: Vec<ContractorChange>,
}
