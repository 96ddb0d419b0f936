use sea_orm::entity::prelude::*;

/// A financial document. Amounts are minor units of `currency`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub contractor_id: i64,
    pub doc_type: String,
    pub number: String,
    pub number_folded: String,
    pub search_text: String,
    pub issue_date: Date,
    pub due_date: Option<Date>,
    pub currency: String,
    pub tax_base_minor: i64,
    pub vat_minor: i64,
    pub total_minor: i64,
    pub paid_minor: Option<i64>,
    pub remaining_minor: Option<i64>,
    pub state: String,
    pub related_document_id: Option<i64>,
    pub notes: Option<String>,
    pub first_viewed_at: Option<DateTimeUtc>,
    pub first_downloaded_at: Option<DateTimeUtc>,
    pub last_downloaded_at: Option<DateTimeUtc>,
    /// When the staff first marked it as sent by other means (post, their own e-mail).
    pub sent_at: Option<DateTimeUtc>,
    /// Issuer and customer as printed when it was issued (JSON); `None` for drafts.
    pub issued_parties: Option<String>,
    /// When the customer accepted or rejected the offer.
    pub decided_at: Option<DateTimeUtc>,
    /// The portal user who decided.
    pub decided_by_portal_user_id: Option<i64>,
    /// That user's name when deciding.
    pub decided_by_name: Option<String>,
    /// The reason the customer gave.
    pub decision_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
