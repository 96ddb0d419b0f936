//! Paying online (Stripe Checkout): the organisation's provider settings with its secrets sealed,
//! one attempt per "Pay" with the documents it pays and how much of each, and the provider's
//! events seen (each acted on once). A payment made online names its attempt and is unique per
//! attempt and document, so a retried or duplicated fulfilment cannot record it twice.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261206_000001_online_payments"
    }
}

const STATEMENTS: &[&str] = &[
    // Secrets are sealed (AES-256-GCM) with the server's secrets key; the hint is what the
    // admin sees (`sk_test_…4242`).
    "CREATE TABLE payment_settings (
        organization_id BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
        stripe_secret_key {bytes},
        stripe_webhook_secret {bytes},
        stripe_key_hint TEXT,
        allow_partial BOOLEAN NOT NULL DEFAULT FALSE,
        partial_minimum BIGINT NOT NULL DEFAULT 0,
        online_for TEXT NOT NULL DEFAULT 'all' CHECK (online_for IN ('all', 'selected')),
        updated_at {ts} NOT NULL
    )",
    "ALTER TABLE contractors ADD COLUMN pay_online BOOLEAN NOT NULL DEFAULT FALSE",
    "CREATE TABLE payment_attempts (
        id {id},
        public_id TEXT NOT NULL UNIQUE,
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        contractor_id BIGINT NOT NULL REFERENCES contractors (id) ON DELETE CASCADE,
        portal_user_id BIGINT REFERENCES portal_users (id) ON DELETE SET NULL,
        provider TEXT NOT NULL CHECK (provider IN ('stripe')),
        currency TEXT NOT NULL,
        amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
        status TEXT NOT NULL CHECK (status IN ('open', 'processing', 'succeeded', 'failed', 'expired', 'mismatch')),
        session_id TEXT UNIQUE,
        checkout_url TEXT,
        expires_at {ts},
        received_minor BIGINT,
        unallocated_minor BIGINT NOT NULL DEFAULT 0,
        detail TEXT,
        created_at {ts} NOT NULL,
        completed_at {ts}
    )",
    "CREATE INDEX payment_attempts_open ON payment_attempts (organization_id, status, expires_at)",
    "CREATE TABLE payment_attempt_documents (
        id {id},
        attempt_id BIGINT NOT NULL REFERENCES payment_attempts (id) ON DELETE CASCADE,
        document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
        position INTEGER NOT NULL,
        UNIQUE (attempt_id, document_id)
    )",
    "CREATE INDEX payment_attempt_documents_document ON payment_attempt_documents (document_id)",
    "CREATE TABLE provider_events (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        provider TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        attempt_id BIGINT REFERENCES payment_attempts (id) ON DELETE SET NULL,
        outcome TEXT NOT NULL,
        received_at {ts} NOT NULL,
        UNIQUE (organization_id, provider, event_id)
    )",
    "ALTER TABLE payments ADD COLUMN attempt_id BIGINT REFERENCES payment_attempts (id) ON DELETE SET NULL",
    "CREATE UNIQUE INDEX payments_attempt_document ON payments (attempt_id, document_id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
