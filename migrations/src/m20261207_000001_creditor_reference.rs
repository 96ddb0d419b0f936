//! Whether the organisation's bank transfers carry an ISO 11649 RF creditor reference (built
//! from the document number) instead of the number as free text: a bank matches a structured
//! reference to the invoice without a person reading the remittance line.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261207_000001_creditor_reference"
    }
}

const STATEMENTS: &[&str] =
    &["ALTER TABLE organizations ADD COLUMN creditor_reference BOOLEAN NOT NULL DEFAULT FALSE"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
