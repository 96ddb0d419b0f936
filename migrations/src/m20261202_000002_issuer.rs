//! What the issuer side needs beyond the initial schema: one-time tokens for invitations and
//! password resets, gap-free document numbering, idempotent writes, archived contractors,
//! invited staff, payments entered by hand (with a reference and an `other` method) and who
//! entered them.

use sea_orm_migration::prelude::*;

use crate::ddl;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000002_issuer"
    }
}

const COMMON: &[&str] = &[
    // Invitation and password-reset links: the token is random, stored as SHA-256 only, works
    // once and until it expires; a new one for the same user and purpose ends the old one.
    "CREATE TABLE user_tokens (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        realm TEXT NOT NULL CHECK (realm IN ('portal', 'issuer')),
        user_id BIGINT NOT NULL,
        purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
        token_hash TEXT NOT NULL UNIQUE,
        created_at {ts} NOT NULL,
        expires_at {ts} NOT NULL,
        used_at {ts}
    )",
    "CREATE INDEX user_tokens_user ON user_tokens (realm, user_id, purpose)",
    // The next number per organisation and document type. Issuing takes it and increments it in
    // the issuing transaction: the row lock (PostgreSQL) or the single writer (SQLite) makes
    // numbers gap-free and unique under concurrent issuing, and a rolled-back issue gives its
    // number back.
    "CREATE TABLE document_sequences (
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        doc_type TEXT NOT NULL,
        next_number BIGINT NOT NULL CHECK (next_number > 0),
        PRIMARY KEY (organization_id, doc_type)
    )",
    // `Idempotency-Key` of writes that move money: the first request's fingerprint and answer,
    // written in the same transaction as its effect, so a retry replays the answer instead of
    // doing it again.
    "CREATE TABLE idempotency_keys (
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        idempotency_key TEXT NOT NULL,
        operation TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        response_status INTEGER NOT NULL,
        response_body TEXT NOT NULL,
        created_at {ts} NOT NULL,
        PRIMARY KEY (organization_id, idempotency_key)
    )",
    "ALTER TABLE contractors ADD COLUMN archived_at {ts}",
    // Name, tax id, VAT number and e-mail, lower-cased by the application with Unicode rules
    // (SQLite's lower() knows only ASCII), for the contractor search.
    "ALTER TABLE contractors ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE staff_users ADD COLUMN invited BOOLEAN NOT NULL DEFAULT FALSE",
    "CREATE INDEX events_org_kind ON events (organization_id, kind, created_at)",
    "CREATE INDEX documents_issuer_contractor ON documents (organization_id, contractor_id, issue_date, id)",
];

const POSTGRES: &[&str] = &[
    "ALTER TABLE payments DROP CONSTRAINT payments_method_check",
    "ALTER TABLE payments ADD CONSTRAINT payments_method_check
        CHECK (method IN ('bank_transfer', 'card', 'cash', 'provider', 'other'))",
    "ALTER TABLE payments ADD COLUMN reference TEXT",
    "ALTER TABLE payments ADD COLUMN created_by_staff_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL",
];

/// SQLite cannot change a CHECK constraint: the payments table (which nothing references) is
/// made anew with the new columns and its rows copied over.
const SQLITE: &[&str] = &[
    "CREATE TABLE payments_new (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        amount_minor BIGINT NOT NULL,
        paid_on {date} NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'card', 'cash', 'provider', 'other')),
        provider_reference TEXT,
        idempotency_key TEXT,
        created_at {ts} NOT NULL,
        reference TEXT,
        created_by_staff_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL,
        UNIQUE (organization_id, idempotency_key)
    )",
    "INSERT INTO payments_new (id, organization_id, document_id, amount_minor, paid_on, method,
        provider_reference, idempotency_key, created_at)
     SELECT id, organization_id, document_id, amount_minor, paid_on, method, provider_reference,
        idempotency_key, created_at FROM payments",
    "DROP TABLE payments",
    "ALTER TABLE payments_new RENAME TO payments",
    "CREATE INDEX payments_document ON payments (document_id, paid_on)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        if backend == sea_orm::DbBackend::Postgres {
            // PostgreSQL runs the migration in a transaction of its own.
            for sql in COMMON.iter().chain(POSTGRES) {
                db.execute_unprepared(&ddl(backend, sql)).await?;
            }
            return Ok(());
        }
        // On SQLite the migrator runs each statement by itself (and perhaps on another pooled
        // connection): one script on one connection, all or nothing, inside a savepoint.
        let mut script = String::from("SAVEPOINT issuer_migration;\n");
        for sql in COMMON.iter().chain(SQLITE) {
            script.push_str(&ddl(backend, sql));
            script.push_str(";\n");
        }
        script.push_str("RELEASE issuer_migration;");
        db.execute_unprepared(&script).await?;
        Ok(())
    }
}
