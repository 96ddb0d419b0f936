//! The whole data model: organisations with portal settings, staff, contractors,
//! portal users, documents with lines, payments, comments with attachments, the audit trail,
//! API keys, webhooks, refresh tokens, the outbox and login throttling.

use sea_orm_migration::prelude::*;

use crate::ddl;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000001_initial"
    }
}

const TABLES: &[&str] = &[
    // An issuing company. Portal settings live on the row: they are read with it on every request.
    "CREATE TABLE organizations (
        id {id},
        slug TEXT NOT NULL UNIQUE,
        legal_name TEXT NOT NULL,
        tax_id TEXT,
        vat_number TEXT,
        street TEXT,
        city TEXT,
        postal_code TEXT,
        country TEXT NOT NULL,
        email TEXT,
        phone TEXT,
        website TEXT,
        iban TEXT,
        bic TEXT,
        bank_name TEXT,
        default_currency TEXT NOT NULL,
        default_locale TEXT NOT NULL,
        brand_color TEXT,
        portal_document_types TEXT NOT NULL,
        portal_allow_download BOOLEAN NOT NULL,
        portal_allow_comments BOOLEAN NOT NULL,
        portal_allow_offer_decisions BOOLEAN NOT NULL,
        portal_allow_payments BOOLEAN NOT NULL,
        portal_access_default BOOLEAN NOT NULL,
        portal_email_on_new_document BOOLEAN NOT NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL
    )",
    "CREATE TABLE staff_users (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        email TEXT NOT NULL,
        email_lower TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'accountant', 'sales')),
        active BOOLEAN NOT NULL,
        last_login_at {ts},
        password_changed_at {ts} NOT NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL
    )",
    "CREATE TABLE contractors (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('client', 'supplier', 'both')),
        name TEXT NOT NULL,
        tax_id TEXT,
        vat_number TEXT,
        street TEXT,
        city TEXT,
        postal_code TEXT,
        country TEXT,
        email TEXT,
        phone TEXT,
        iban TEXT,
        bic TEXT,
        locale TEXT NOT NULL,
        salesperson_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL,
        portal_access BOOLEAN NOT NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL
    )",
    "CREATE TABLE portal_users (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        contractor_id BIGINT NOT NULL REFERENCES contractors(id) ON DELETE CASCADE,
        username TEXT NOT NULL,
        username_lower TEXT NOT NULL,
        first_name TEXT NOT NULL,
        last_name TEXT NOT NULL,
        email TEXT,
        password_hash TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('invited', 'active', 'disabled')),
        must_change_password BOOLEAN NOT NULL,
        last_login_at {ts},
        password_changed_at {ts} NOT NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL
    )",
    // `number_folded` and `search_text` (number and line descriptions) are lower-cased by the
    // application with Unicode rules, so case-insensitive search behaves the same on SQLite
    // (whose lower() knows only ASCII) and PostgreSQL.
    // Amounts are integer minor units of `currency`. paid/remaining are kept in step with the
    // payments table inside the same transaction, so the grid can filter, sort and sum on them
    // with an index; they are NULL for types that are not payable.
    "CREATE TABLE documents (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        contractor_id BIGINT NOT NULL REFERENCES contractors(id) ON DELETE RESTRICT,
        doc_type TEXT NOT NULL CHECK (doc_type IN ('invoice', 'credit_note', 'debit_note', 'offer',
            'reminder', 'delivery_note', 'order_confirmation')),
        number TEXT NOT NULL,
        number_folded TEXT NOT NULL,
        search_text TEXT NOT NULL,
        issue_date {date} NOT NULL,
        due_date {date},
        currency TEXT NOT NULL,
        tax_base_minor BIGINT NOT NULL,
        vat_minor BIGINT NOT NULL,
        total_minor BIGINT NOT NULL CHECK (total_minor = tax_base_minor + vat_minor),
        paid_minor BIGINT,
        remaining_minor BIGINT,
        state TEXT NOT NULL CHECK (state IN ('draft', 'issued', 'cancelled', 'accepted', 'rejected', 'expired')),
        related_document_id BIGINT REFERENCES documents(id) ON DELETE SET NULL,
        notes TEXT,
        first_viewed_at {ts},
        first_downloaded_at {ts},
        last_downloaded_at {ts},
        version INTEGER NOT NULL,
        created_at {ts} NOT NULL,
        updated_at {ts} NOT NULL,
        UNIQUE (organization_id, doc_type, number),
        CHECK ((paid_minor IS NULL) = (remaining_minor IS NULL)),
        CHECK (remaining_minor IS NULL OR remaining_minor = total_minor - paid_minor)
    )",
    "CREATE TABLE document_lines (
        id {id},
        document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        description TEXT NOT NULL,
        quantity_milli BIGINT NOT NULL,
        unit TEXT NOT NULL,
        unit_price_minor BIGINT NOT NULL,
        discount_bp BIGINT NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
        vat_rate_bp BIGINT NOT NULL CHECK (vat_rate_bp BETWEEN 0 AND 10000),
        net_minor BIGINT NOT NULL,
        vat_minor BIGINT NOT NULL,
        UNIQUE (document_id, position)
    )",
    "CREATE TABLE payments (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        amount_minor BIGINT NOT NULL,
        paid_on {date} NOT NULL,
        method TEXT NOT NULL CHECK (method IN ('bank_transfer', 'card', 'cash', 'provider')),
        provider_reference TEXT,
        idempotency_key TEXT,
        created_at {ts} NOT NULL,
        UNIQUE (organization_id, idempotency_key)
    )",
    "CREATE TABLE comments (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        author_portal_user_id BIGINT REFERENCES portal_users(id) ON DELETE SET NULL,
        author_staff_user_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL,
        body TEXT NOT NULL,
        created_at {ts} NOT NULL
    )",
    "CREATE TABLE attachments (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        comment_id BIGINT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        filename TEXT NOT NULL,
        content_type TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        sha256 TEXT NOT NULL,
        storage_key TEXT NOT NULL,
        created_at {ts} NOT NULL
    )",
    // The audit trail: who did what, when and from where. Never updated.
    "CREATE TABLE events (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        contractor_id BIGINT REFERENCES contractors(id) ON DELETE CASCADE,
        document_id BIGINT REFERENCES documents(id) ON DELETE CASCADE,
        actor_type TEXT NOT NULL CHECK (actor_type IN ('portal_user', 'staff_user', 'api_key', 'system')),
        actor_id BIGINT,
        kind TEXT NOT NULL,
        ip TEXT,
        user_agent TEXT,
        details TEXT,
        created_at {ts} NOT NULL
    )",
    "CREATE TABLE api_keys (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_by_staff_id BIGINT REFERENCES staff_users(id) ON DELETE SET NULL,
        created_at {ts} NOT NULL,
        last_used_at {ts},
        revoked_at {ts}
    )",
    "CREATE TABLE webhook_subscriptions (
        id {id},
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        event_kinds TEXT NOT NULL,
        active BOOLEAN NOT NULL,
        created_at {ts} NOT NULL
    )",
    // Opaque refresh tokens, stored as SHA-256 of the random value. A family is one login;
    // rotating marks the old token used, and presenting a used token revokes the family.
    "CREATE TABLE refresh_tokens (
        id {id},
        token_hash TEXT NOT NULL UNIQUE,
        family_id TEXT NOT NULL,
        realm TEXT NOT NULL CHECK (realm IN ('portal', 'issuer')),
        user_id BIGINT NOT NULL,
        organization_id BIGINT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
        created_at {ts} NOT NULL,
        expires_at {ts} NOT NULL,
        used_at {ts},
        revoked_at {ts},
        ip TEXT,
        user_agent TEXT
    )",
    // Mail and webhooks to deliver, written in the same transaction as their cause and drained
    // with retries (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL).
    "CREATE TABLE outbox (
        id {id},
        organization_id BIGINT REFERENCES organizations(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('email', 'webhook')),
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL,
        next_attempt_at {ts} NOT NULL,
        last_error TEXT,
        created_at {ts} NOT NULL,
        sent_at {ts}
    )",
    // Failed-login counters per account and per client address, in the database so that the
    // limit holds across every server process.
    "CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_started_at {ts} NOT NULL,
        locked_until {ts}
    )",
];

const INDEXES: &[&str] = &[
    "CREATE INDEX staff_users_org ON staff_users (organization_id)",
    "CREATE INDEX contractors_org_name ON contractors (organization_id, name, id)",
    "CREATE UNIQUE INDEX portal_users_org_username ON portal_users (organization_id, username_lower)",
    "CREATE INDEX portal_users_contractor ON portal_users (contractor_id)",
    // The document grid: every portal query starts with organisation and contractor, leaves out
    // drafts, then orders by a column with id as the tie-breaker. The indexes are partial on
    // `state <> 'draft'`, the condition every portal query carries, so finding a page, counting
    // and walking to a deep page need no visit to the table for the visibility rule.
    "CREATE INDEX documents_grid_date ON documents (organization_id, contractor_id, issue_date, id)
        WHERE state <> 'draft'",
    "CREATE INDEX documents_grid_due ON documents (organization_id, contractor_id, due_date, id)
        WHERE state <> 'draft'",
    "CREATE INDEX documents_grid_number ON documents (organization_id, contractor_id, number, id)
        WHERE state <> 'draft'",
    "CREATE INDEX documents_grid_total ON documents (organization_id, contractor_id, total_minor, id)
        WHERE state <> 'draft'",
    "CREATE INDEX documents_grid_downloaded ON documents (organization_id, contractor_id, last_downloaded_at, id)
        WHERE state <> 'draft'",
    // "What do I still owe", by due date: only documents with something left to pay.
    "CREATE INDEX documents_owed_due ON documents (organization_id, contractor_id, due_date, id)
        WHERE remaining_minor > 0 AND state <> 'draft'",
    // The issuer's own lists see drafts too.
    "CREATE INDEX documents_issuer_date ON documents (organization_id, issue_date, id)",
    "CREATE INDEX documents_related ON documents (related_document_id) WHERE related_document_id IS NOT NULL",
    "CREATE INDEX document_lines_document ON document_lines (document_id, position)",
    "CREATE INDEX payments_document ON payments (document_id, paid_on)",
    "CREATE INDEX comments_document ON comments (document_id, created_at)",
    "CREATE INDEX attachments_comment ON attachments (comment_id)",
    "CREATE INDEX events_org_created ON events (organization_id, created_at, id)",
    "CREATE INDEX events_document ON events (document_id, created_at) WHERE document_id IS NOT NULL",
    "CREATE INDEX api_keys_org ON api_keys (organization_id)",
    "CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)",
    "CREATE INDEX refresh_tokens_user ON refresh_tokens (realm, user_id)",
    "CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE status = 'pending'",
];

/// PostgreSQL only: the grid footer's per-currency sums read from a covering index, and the
/// planner learns that contractor determines organisation (without it, it underestimates
/// `organization_id = $1 AND contractor_id = $2` a hundredfold and picks bitmap scans).
const POSTGRES_ONLY: &[&str] = &[
    "CREATE INDEX documents_sums ON documents (organization_id, contractor_id, currency)
        INCLUDE (doc_type, state, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor)
        WHERE state <> 'draft'",
    "CREATE STATISTICS documents_org_contractor (dependencies, ndistinct)
        ON organization_id, contractor_id FROM documents",
];

/// SQLite has no INCLUDE: the sums index carries the amounts as trailing key columns.
const SQLITE_ONLY: &[&str] = &[
    "CREATE INDEX documents_sums ON documents (organization_id, contractor_id, currency, doc_type,
        state, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor) WHERE state <> 'draft'",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let db = manager.get_connection();
        let specific = match backend {
            sea_orm::DbBackend::Postgres => POSTGRES_ONLY,
            _ => SQLITE_ONLY,
        };
        for sql in TABLES.iter().chain(INDEXES).chain(specific) {
            db.execute_unprepared(&ddl(backend, sql)).await?;
        }
        Ok(())
    }
}
