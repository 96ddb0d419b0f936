//! Outgoing webhooks (Standard Webhooks 1.0): endpoints with their sealed signing secrets (the
//! previous one kept for a while after a rotation, so both sign), messages written in the
//! transaction of the change they tell about, one delivery per message and endpoint with its
//! retry state, and a log of every attempt.
//!
//! The first schema had a placeholder `webhook_subscriptions` table that no code ever wrote;
//! it is replaced.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261209_000001_webhooks"
    }
}

const STATEMENTS: &[&str] = &[
    "DROP TABLE webhook_subscriptions",
    "CREATE TABLE webhook_endpoints (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        description TEXT NOT NULL,
        event_types TEXT NOT NULL,
        secret {bytes} NOT NULL,
        previous_secret {bytes},
        previous_secret_until {ts},
        status TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
        disabled_reason TEXT,
        failing_since {ts},
        created_by_staff_id BIGINT REFERENCES staff_users (id) ON DELETE SET NULL,
        created_by_key_id BIGINT REFERENCES api_keys (id) ON DELETE SET NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL
    )",
    "CREATE INDEX webhook_endpoints_organization ON webhook_endpoints (organization_id, id)",
    "CREATE TABLE webhook_messages (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        msg_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at {ts} NOT NULL
    )",
    "CREATE UNIQUE INDEX webhook_messages_msg_id ON webhook_messages (msg_id)",
    "CREATE TABLE webhook_deliveries (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
        message_id BIGINT NOT NULL REFERENCES webhook_messages (id) ON DELETE CASCADE,
        endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
        attempts INTEGER NOT NULL,
        next_attempt_at {ts} NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        delivered_at {ts},
        created_at {ts} NOT NULL
    )",
    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
    "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id)",
    "CREATE TABLE webhook_attempts (
        id {id},
        delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt INTEGER NOT NULL,
        started_at {ts} NOT NULL,
        duration_ms INTEGER NOT NULL,
        response_status INTEGER,
        response_body TEXT,
        error TEXT
    )",
    "CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        crate::run_all(manager, STATEMENTS).await
    }
}
