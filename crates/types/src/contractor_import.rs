//! Importing contractors from a CSV file (`POST /api/v1/issuer/contractors/import`).

use serde::{Deserialize, Serialize};

use crate::FieldError;

/// A contractor field a CSV column can be read into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// Legal name (required).
    Name,
    /// `client`, `supplier` or `both` (also in Bulgarian, German and Spanish).
    Kind,
    /// Company or tax registration number.
    TaxId,
    /// VAT number with its country prefix.
    VatNumber,
    /// E-mail address.
    Email,
    /// Phone number.
    Phone,
    /// Street and number.
    Street,
    /// City.
    City,
    /// Postal code.
    PostalCode,
    /// ISO 3166 two-letter country code.
    Country,
    /// IBAN.
    Iban,
    /// BIC / SWIFT code.
    Bic,
    /// `bg`, `en`, `de` or `es`.
    Locale,
    /// Payment terms in days (0–365).
    PaymentTermsDays,
}

impl ImportField {
    /// Every field, in the order the admin's mapping lists them.
    pub const ALL: [ImportField; 14] = [
        ImportField::Name,
        ImportField::Kind,
        ImportField::TaxId,
        ImportField::VatNumber,
        ImportField::Email,
        ImportField::Phone,
        ImportField::Street,
        ImportField::City,
        ImportField::PostalCode,
        ImportField::Country,
        ImportField::Iban,
        ImportField::Bic,
        ImportField::Locale,
        ImportField::PaymentTermsDays,
    ];

    /// The wire name (`tax_id`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportField::Name => "name",
            ImportField::Kind => "kind",
            ImportField::TaxId => "tax_id",
            ImportField::VatNumber => "vat_number",
            ImportField::Email => "email",
            ImportField::Phone => "phone",
            ImportField::Street => "street",
            ImportField::City => "city",
            ImportField::PostalCode => "postal_code",
            ImportField::Country => "country",
            ImportField::Iban => "iban",
            ImportField::Bic => "bic",
            ImportField::Locale => "locale",
            ImportField::PaymentTermsDays => "payment_terms_days",
        }
    }

    /// The field of a wire name.
    pub fn parse(name: &str) -> Option<ImportField> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// What importing a row does (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    /// A new contractor.
    Create,
    /// Changes the contractor with the same tax id (else e-mail).
    Update,
    /// The contractor with the same tax id (else e-mail) already has these values.
    Unchanged,
    /// The row has errors and is not imported.
    Invalid,
}

/// One row of the file, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRow {
    /// Line of the file the row starts on (the header is line 1).
    pub line: u32,
    /// What importing it does.
    pub action: ImportAction,
    /// The contractor it updates (or leaves unchanged); after an import also the one created.
    pub contractor_id: Option<i64>,
    /// The row's cells in the mapped fields, as read (trimmed).
    pub values: Vec<ImportValue>,
    /// What is wrong with the row; `field` is the contractor field (or `row`).
    pub errors: Vec<FieldError>,
}

/// A cell read into a field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportValue {
    /// The field.
    pub field: ImportField,
    /// The cell's text.
    pub value: String,
}

/// The outcome of an import, or of a dry run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Whether this was a dry run (nothing was written).
    pub dry_run: bool,
    /// The delimiter found in the header: `,` or `;`.
    pub delimiter: String,
    /// The header row's cells.
    pub headers: Vec<String>,
    /// The field each column is read into (`null`: ignored), as given or as guessed from
    /// the headers.
    pub columns: Vec<Option<ImportField>>,
    /// Required fields no column is read into (an import is refused until there are none).
    pub missing: Vec<ImportField>,
    /// Rows after the header.
    pub rows: u32,
    /// Rows that create a contractor.
    pub created: u32,
    /// Rows that change one.
    pub updated: u32,
    /// Rows matching a contractor that already has their values.
    pub unchanged: u32,
    /// Rows with errors (not imported).
    pub invalid: u32,
    /// The first 100 rows and every row with an error, in file order.
    pub preview: Vec<ImportRow>,
}
