//! The organisation's logo, printed on its documents: each upload a new row (never changed in
//! place, so a document issued with a logo keeps printing that one after a new upload), the
//! organisation pointing at its current one.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000004_logo"
    }
}

const STATEMENTS: &[&str] = &[
    "CREATE TABLE logos (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        media_type TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        bytes {bytes} NOT NULL,
        created_at {ts} NOT NULL
    )",
    "CREATE INDEX logos_org ON logos (organization_id)",
    // No foreign key: the logo and the organisation refer to each other; the application
    // sets this only to a logo of the same organisation.
    "ALTER TABLE organizations ADD COLUMN logo_id BIGINT",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
