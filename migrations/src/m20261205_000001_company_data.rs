//! What the issuer lets its customers do with offers and their own data in the portal, and the
//! history of a contractor's data:
//! - whether a rejected offer needs a reason (off, as before);
//! - which groups of its company data (`contact`, `bank`, `tax`) a customer may change in the
//!   portal (none for organisations that existed before: they never offered it);
//! - every change of a contractor's data, by the customer or by staff: the field, the old and
//!   the new value, who (the name as it was) and when.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261205_000001_company_data"
    }
}

const STATEMENTS: &[&str] = &[
    "ALTER TABLE organizations ADD COLUMN portal_rejection_reason_required BOOLEAN NOT NULL DEFAULT FALSE",
    "ALTER TABLE organizations ADD COLUMN portal_company_fields TEXT NOT NULL DEFAULT ''",
    "CREATE TABLE contractor_changes (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        contractor_id BIGINT NOT NULL REFERENCES contractors (id) ON DELETE CASCADE,
        changed_at {ts} NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('customer', 'issuer')),
        portal_user_id BIGINT,
        staff_user_id BIGINT,
        changed_by TEXT NOT NULL,
        field TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT
    )",
    "CREATE INDEX contractor_changes_contractor ON contractor_changes (contractor_id, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
