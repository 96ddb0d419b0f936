//! The conversation on documents: each comment keeps which side wrote it and the author's name as
//! it was (the author's row may be deleted later); attachments are indexed by storage key (the
//! sweep of orphaned objects; one object, one row). A document's comments are found through
//! `comments_document` of the first migration.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261204_000001_comments"
    }
}

const STATEMENTS: &[&str] = &[
    "ALTER TABLE comments ADD COLUMN side TEXT NOT NULL DEFAULT 'customer' CHECK (side IN ('customer', 'issuer'))",
    "ALTER TABLE comments ADD COLUMN author_name TEXT NOT NULL DEFAULT ''",
    "CREATE UNIQUE INDEX attachments_storage_key ON attachments (storage_key)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
