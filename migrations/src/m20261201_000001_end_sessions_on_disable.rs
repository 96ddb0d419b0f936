//! Ending the sessions of whoever loses access, in the database itself: when a portal user is
//! disabled, a customer's portal access is withdrawn, or a staff user is deactivated, their
//! refresh-token families are revoked in the same statement — whichever code path (an API
//! endpoint, an import, an integrator's SQL) makes the change. Access tokens are checked against
//! the family on every request, so access ends at the next request, and the per-request check
//! stays a single index lookup.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000001_end_sessions_on_disable"
    }
}

const POSTGRES: &[&str] = &[
    // The user whose row changed; the trigger's argument names the realm ('portal', 'issuer').
    "CREATE FUNCTION end_user_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         UPDATE refresh_tokens SET revoked_at = now()
         WHERE realm = TG_ARGV[0] AND user_id = NEW.id AND revoked_at IS NULL;
         RETURN NULL;
     END $$",
    "CREATE TRIGGER portal_user_disabled AFTER UPDATE OF state ON portal_users
     FOR EACH ROW WHEN (NEW.state = 'disabled' AND OLD.state <> 'disabled')
     EXECUTE FUNCTION end_user_sessions('portal')",
    "CREATE TRIGGER staff_user_deactivated AFTER UPDATE OF active ON staff_users
     FOR EACH ROW WHEN (OLD.active AND NOT NEW.active)
     EXECUTE FUNCTION end_user_sessions('issuer')",
    // Every portal user of the customer whose portal access was withdrawn.
    "CREATE FUNCTION end_contractor_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         UPDATE refresh_tokens SET revoked_at = now()
         WHERE realm = 'portal' AND revoked_at IS NULL
           AND user_id IN (SELECT id FROM portal_users WHERE contractor_id = NEW.id);
         RETURN NULL;
     END $$",
    "CREATE TRIGGER contractor_portal_access_withdrawn AFTER UPDATE OF portal_access ON contractors
     FOR EACH ROW WHEN (OLD.portal_access AND NOT NEW.portal_access)
     EXECUTE FUNCTION end_contractor_sessions()",
];

/// The instant as the application writes it (RFC 3339, UTC), so that it reads back as one.
const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '+00:00'";

/// SQLite triggers have no arguments: one per table, each revoking the families its `sessions`
/// condition selects.
fn sqlite_trigger(name: &str, column_of: &str, when: &str, sessions: &str) -> String {
    format!(
        "CREATE TRIGGER {name} AFTER UPDATE OF {column_of}
         WHEN {when}
         BEGIN
             UPDATE refresh_tokens SET revoked_at = {SQLITE_NOW}
             WHERE revoked_at IS NULL AND {sessions};
         END"
    )
}

fn sqlite() -> Vec<String> {
    vec![
        sqlite_trigger(
            "portal_user_disabled",
            "state ON portal_users",
            "NEW.state = 'disabled' AND OLD.state <> 'disabled'",
            "realm = 'portal' AND user_id = NEW.id",
        ),
        sqlite_trigger(
            "staff_user_deactivated",
            "active ON staff_users",
            "OLD.active AND NOT NEW.active",
            "realm = 'issuer' AND user_id = NEW.id",
        ),
        sqlite_trigger(
            "contractor_portal_access_withdrawn",
            "portal_access ON contractors",
            "OLD.portal_access AND NOT NEW.portal_access",
            "realm = 'portal' AND user_id IN (SELECT id FROM portal_users WHERE contractor_id = NEW.id)",
        ),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements: Vec<String> = match manager.get_database_backend() {
            sea_orm::DbBackend::Postgres => POSTGRES.iter().map(|s| String::from(*s)).collect(),
            _ => sqlite(),
        };
        for sql in statements {
            db.execute_unprepared(&sql).await?;
        }
        Ok(())
    }
}
