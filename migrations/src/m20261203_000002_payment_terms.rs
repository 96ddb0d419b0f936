//! A contractor's payment terms: the days from issue to due date of its invoices and debit
//! notes (0: due on issue). Left empty, a document's due date is given by hand.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000002_payment_terms"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "ALTER TABLE contractors ADD COLUMN payment_terms_days INTEGER \
                 CHECK (payment_terms_days BETWEEN 0 AND 365)",
            )
            .await?;
        Ok(())
    }
}
