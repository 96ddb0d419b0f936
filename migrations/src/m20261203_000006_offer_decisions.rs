//! A customer's decision on an offer, kept on the offer: when, by which portal user (and the
//! name as it was, should the user be deleted later), and the reason given. The state column
//! says which decision (`accepted`, `rejected`).

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000006_offer_decisions"
    }
}

const STATEMENTS: &[&str] = &[
    "ALTER TABLE documents ADD COLUMN decided_at {ts}",
    "ALTER TABLE documents ADD COLUMN decided_by_portal_user_id BIGINT",
    "ALTER TABLE documents ADD COLUMN decided_by_name TEXT",
    "ALTER TABLE documents ADD COLUMN decision_reason TEXT",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
