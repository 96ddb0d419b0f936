//! Public sign-up (`PORTAL_SIGNUP=open`): a sign-up waits here, with its owner's password
//! already hashed, until the owner confirms the address from the mailed link. Nothing of the
//! organisation exists before that; the row is deleted when it is confirmed or has expired.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261203_000005_signups"
    }
}

const STATEMENTS: &[&str] = &[
    "CREATE TABLE signups (
        id {id},
        token_hash TEXT NOT NULL UNIQUE,
        slug TEXT NOT NULL,
        name TEXT NOT NULL,
        owner_name TEXT NOT NULL,
        email TEXT NOT NULL,
        locale TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at {ts} NOT NULL,
        expires_at {ts} NOT NULL
    )",
    "CREATE INDEX signups_expires ON signups (expires_at)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
