//! Ending sessions by every route access can go away, not only by disabling: when a portal user
//! or staff user is deleted (directly, or with its customer or organisation), or a portal user
//! is moved to another customer (its access tokens name the customer they were issued for),
//! its refresh-token families are revoked in the same statement. As with
//! `m20261201_000001_end_sessions_on_disable`, the per-request session check then ends access
//! at the next request.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261202_000001_end_sessions_on_delete"
    }
}

const POSTGRES: &[&str] = &[
    // The deleted user; the trigger's argument names the realm ('portal', 'issuer').
    "CREATE FUNCTION end_deleted_user_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
         UPDATE refresh_tokens SET revoked_at = now()
         WHERE realm = TG_ARGV[0] AND user_id = OLD.id AND revoked_at IS NULL;
         RETURN NULL;
     END $$",
    // Fires for cascaded deletes too (a customer or organisation deleted with its users).
    "CREATE TRIGGER portal_user_deleted AFTER DELETE ON portal_users
     FOR EACH ROW EXECUTE FUNCTION end_deleted_user_sessions('portal')",
    "CREATE TRIGGER staff_user_deleted AFTER DELETE ON staff_users
     FOR EACH ROW EXECUTE FUNCTION end_deleted_user_sessions('issuer')",
    "CREATE TRIGGER portal_user_moved AFTER UPDATE OF contractor_id, organization_id ON portal_users
     FOR EACH ROW WHEN (NEW.contractor_id <> OLD.contractor_id OR NEW.organization_id <> OLD.organization_id)
     EXECUTE FUNCTION end_user_sessions('portal')",
];

/// The instant as the application writes it (RFC 3339, UTC), so that it reads back as one.
const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '+00:00'";

fn sqlite() -> Vec<String> {
    let revoke = |realm: &str, row: &str| {
        format!(
            "UPDATE refresh_tokens SET revoked_at = {SQLITE_NOW}
             WHERE revoked_at IS NULL AND realm = '{realm}' AND user_id = {row}.id;"
        )
    };
    vec![
        // SQLite fires these for rows removed by ON DELETE CASCADE as well.
        format!(
            "CREATE TRIGGER portal_user_deleted AFTER DELETE ON portal_users
             BEGIN {} END",
            revoke("portal", "OLD")
        ),
        format!(
            "CREATE TRIGGER staff_user_deleted AFTER DELETE ON staff_users
             BEGIN {} END",
            revoke("issuer", "OLD")
        ),
        format!(
            "CREATE TRIGGER portal_user_moved AFTER UPDATE OF contractor_id, organization_id ON portal_users
             WHEN NEW.contractor_id <> OLD.contractor_id OR NEW.organization_id <> OLD.organization_id
             BEGIN {} END",
            revoke("portal", "NEW")
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
