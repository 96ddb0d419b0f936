//! The company profile: a trading name, default payment terms and a footer printed on every
//! document; bank accounts (several, one default per currency) instead of one on the
//! organisation's row; number series (prefix, zero padding, yearly reset) on the document
//! sequences; and the parties as a document was issued, so that a reprint never changes an
//! issued document.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000003_company_profile"
    }
}

const STATEMENTS: &[&str] = &[
    "ALTER TABLE organizations ADD COLUMN trading_name TEXT",
    "ALTER TABLE organizations ADD COLUMN document_footer TEXT",
    "ALTER TABLE organizations ADD COLUMN default_payment_terms_days INTEGER \
     CHECK (default_payment_terms_days BETWEEN 0 AND 365)",
    "CREATE TABLE bank_accounts (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        bank_name TEXT,
        iban TEXT NOT NULL,
        bic TEXT,
        currency TEXT NOT NULL,
        is_default BOOLEAN NOT NULL
    )",
    "CREATE INDEX bank_accounts_org ON bank_accounts (organization_id, position)",
    // At most one default account per currency.
    "CREATE UNIQUE INDEX bank_accounts_default ON bank_accounts (organization_id, currency) \
     WHERE is_default",
    // The organisation's one account becomes its default account in its currency.
    "INSERT INTO bank_accounts (organization_id, position, bank_name, iban, bic, currency, is_default)
     SELECT id, 0, bank_name, iban, bic, default_currency, TRUE FROM organizations
     WHERE iban IS NOT NULL AND iban <> ''",
    "ALTER TABLE organizations DROP COLUMN iban",
    "ALTER TABLE organizations DROP COLUMN bic",
    "ALTER TABLE organizations DROP COLUMN bank_name",
    "ALTER TABLE document_sequences ADD COLUMN prefix TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE document_sequences ADD COLUMN padding INTEGER NOT NULL DEFAULT 10 \
     CHECK (padding BETWEEN 1 AND 18)",
    "ALTER TABLE document_sequences ADD COLUMN yearly_reset BOOLEAN NOT NULL DEFAULT FALSE",
    // The year the counter counts in (a yearly series starts again at 1 in a later one).
    "ALTER TABLE document_sequences ADD COLUMN year INTEGER",
    // Issuer and customer as printed when the document was issued (JSON); empty for drafts.
    "ALTER TABLE documents ADD COLUMN issued_parties TEXT",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
