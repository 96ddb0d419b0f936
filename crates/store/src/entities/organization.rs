use sea_orm::entity::prelude::*;

/// An issuing company with its portal settings.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub legal_name: String,
    pub tax_id: Option<String>,
    pub vat_number: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub country: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    /// The name the company trades under, when it differs from the legal name.
    pub trading_name: Option<String>,
    /// Printed at the foot of every document issued (registration court, managing directors…).
    pub document_footer: Option<String>,
    /// Transfers carry an ISO 11649 RF creditor reference built from the document number.
    pub creditor_reference: bool,
    /// Days from issue to due date of invoices and debit notes for contractors without their own.
    pub default_payment_terms_days: Option<i32>,
    /// The current logo (`logos.id`), printed on documents issued from now on.
    pub logo_id: Option<i64>,
    pub default_currency: String,
    pub default_locale: String,
    pub brand_color: Option<String>,
    /// Comma-separated document types released to the portal.
    pub portal_document_types: String,
    pub portal_allow_download: bool,
    pub portal_allow_comments: bool,
    pub portal_allow_offer_decisions: bool,
    /// A customer rejecting an offer must say why.
    pub portal_rejection_reason_required: bool,
    /// Comma-separated groups of company data customers may change in the portal
    /// (`contact`, `bank`, `tax`).
    pub portal_company_fields: String,
    pub portal_allow_payments: bool,
    pub portal_access_default: bool,
    pub portal_email_on_new_document: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
