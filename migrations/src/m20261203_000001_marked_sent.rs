//! "Mark as sent": when the issuer's staff confirm that an issued document went to the customer
//! by other means (post, their own e-mail), the first such instant is kept on the document, so
//! the documents list can show and filter by it.

use sea_orm_migration::prelude::*;

use crate::ddl;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000001_marked_sent"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let backend = manager.get_database_backend();
        db.execute_unprepared(&ddl(
            backend,
            "ALTER TABLE documents ADD COLUMN sent_at {ts}",
        ))
        .await?;
        Ok(())
    }
}
