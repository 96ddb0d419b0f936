//! API keys for integrators: each names its organisation, its scopes and its limit; the secret
//! is kept only as a keyed hash (HMAC-SHA256 under a key derived from the server's secrets
//! key, so a copy of the database alone cannot test a guess). A revoked key keeps its row, so
//! the trail can still say which key did what.
//!
//! The first schema had a placeholder `api_keys` table that no code ever wrote; it is replaced.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261208_000001_api_keys"
    }
}

const STATEMENTS: &[&str] = &[
    "DROP TABLE api_keys",
    "CREATE TABLE api_keys (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        key_id TEXT NOT NULL,
        secret_hash {bytes} NOT NULL,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        rate_limit_per_minute INTEGER NOT NULL,
        created_by_staff_id BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
        created_by_key_id BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,
        created_at {ts} NOT NULL,
        expires_at {ts},
        revoked_at {ts},
        last_used_at {ts},
        last_used_ip TEXT
    )",
    "CREATE UNIQUE INDEX api_keys_key_id ON api_keys (key_id)",
    "CREATE INDEX api_keys_organization ON api_keys (organization_id, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
