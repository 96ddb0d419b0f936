//! How far each person has read each document's conversation: one row per reader (`p:{id}` for
//! a portal user, `s:{id}` for staff) and document, holding the newest comment seen. Comments of
//! the other side past it are unread.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000002_comment_reads"
    }
}

const STATEMENTS: &[&str] = &[
    "CREATE TABLE comment_reads (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        reader TEXT NOT NULL,
        last_read_comment_id BIGINT NOT NULL,
        read_at {ts} NOT NULL
    )",
    "CREATE UNIQUE INDEX comment_reads_reader ON comment_reads (reader, document_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
