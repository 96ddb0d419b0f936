//! The hot readers (session check and grid) against the test database: a query abandoned half
//! way (its request cancelled) or failed must not leave its connection to the next query.

use std::time::Duration;

use portal_store::HotReads;
use portal_store::StoreError;
use portal_store::columns::{Columns, required};
use portal_store::sql::Sql;

use crate::helpers::spawn_app;

/// A query that keeps either database busy for about a second.
const SLOW: &str = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
WHERE n < 3000000) SELECT COUNT(*) FROM c";

fn first_number(row: &dyn Columns) -> Result<i64, StoreError> {
    required(0, row.int(0)?)
}

async fn number(reads: &HotReads, db: &sea_orm::DatabaseConnection, n: i64) -> Vec<i64> {
    let mut sql = Sql::new("SELECT CAST(");
    sql.bind(n).push(" AS BIGINT) + 1");
    reads
        .query(db, &sql, first_number)
        .await
        .expect("the query runs")
}

#[actix_web::test]
async fn an_abandoned_or_failed_query_leaves_the_next_one_a_clean_connection() {
    let app = spawn_app().await;
    // One connection, so the next query gets the very connection the last one used (or a new
    // one in its place).
    let reads = HotReads::new(&app.db, &app.database_url, 1);
    assert_eq!(number(&reads, &app.db, 1).await, [2]);

    let slow_sql = Sql::new(SLOW);
    let slow = reads.query(&app.db, &slow_sql, first_number);
    assert!(
        tokio::time::timeout(Duration::from_millis(30), slow)
            .await
            .is_err(),
        "the slow query was still running when it was abandoned"
    );
    assert_eq!(number(&reads, &app.db, 41).await, [42]);

    let failed = reads
        .query(
            &app.db,
            &Sql::new("SELECT x FROM no_such_table"),
            first_number,
        )
        .await;
    assert!(failed.is_err());
    assert_eq!(number(&reads, &app.db, 6).await, [7]);
}

/// What the hot readers decode from each driver's rows: integers of every width, dates on both
/// sides of the PostgreSQL epoch (2000-01-01), text beyond ASCII, NULLs, and a date chrono cannot
/// hold, which must be an error rather than a wrong date or a panic.
#[actix_web::test]
async fn the_hot_readers_decode_every_column_kind_of_both_databases() {
    use chrono::NaiveDate;
    use sea_orm::DbBackend;

    type Decoded = (
        Vec<Option<i64>>,
        Vec<Option<NaiveDate>>,
        Option<String>,
        Option<String>,
    );
    fn decode(row: &dyn Columns) -> Result<Decoded, StoreError> {
        Ok((
            (0..4).map(|i| row.int(i)).collect::<Result<_, _>>()?,
            (4..7).map(|i| row.date(i)).collect::<Result<_, _>>()?,
            row.text(7)?.map(|t| t.into_owned()),
            row.text(8)?.map(|t| t.into_owned()),
        ))
    }

    let app = spawn_app().await;
    let reads = HotReads::new(&app.db, &app.database_url, 1);
    let postgres = app.db.get_database_backend() == DbBackend::Postgres;
    let day = NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let mut sql = Sql::new(if postgres {
        "SELECT CAST($1 AS BIGINT), CAST(-7 AS INTEGER), CAST(-3 AS SMALLINT), CAST(NULL AS BIGINT), \
         CAST($2 AS DATE), CAST('1999-12-31' AS DATE), CAST(NULL AS DATE), \
         CAST('Łódź „Фактура“ 😀' AS TEXT), CAST(NULL AS TEXT)"
    } else {
        "SELECT CAST($1 AS INTEGER), -7, -3, NULL, $2, '1999-12-31', NULL, \
         'Łódź „Фактура“ 😀', NULL"
    });
    sql.bind_placeholder_value(i64::MIN + 1)
        .bind_placeholder_value(day);
    let rows = reads.query(&app.db, &sql, decode).await.expect("decoded");
    assert_eq!(
        rows,
        [(
            vec![Some(i64::MIN + 1), Some(-7), Some(-3), None],
            vec![Some(day), NaiveDate::from_ymd_opt(1999, 12, 31), None],
            Some("Łódź „Фактура“ 😀".to_string()),
            None,
        )]
    );

    if postgres {
        // PostgreSQL dates reach 5874897 AD, chrono's about 262000
        let far = Sql::new("SELECT CAST('5874897-12-31' AS DATE)");
        let result = reads.query(&app.db, &far, |row| row.date(0)).await;
        assert!(result.is_err(), "{result:?}");
    }
    // a text column read as an integer (eight bytes, as wide as a BIGINT) is an error, not a
    // number
    let mut wrong = Sql::new("SELECT CAST($1 AS TEXT)");
    wrong.bind_placeholder_value("12345678");
    let result = reads.query(&app.db, &wrong, |row| row.int(0)).await;
    assert!(result.is_err(), "{result:?}");
    assert_eq!(
        number(&reads, &app.db, 1).await,
        [2],
        "the reader still works"
    );
}

/// The session check reads the organisation by column position: every field must land where
/// it belongs. Every text column gets a value of its own, and the six portal switches three
/// patterns (the bits of their position), so that swapping any two columns would show.
#[actix_web::test]
async fn the_session_check_reads_every_organisation_column_into_its_field() {
    use portal_store::entities::organization;
    use portal_store::sessions::{SessionCheck, organization_of_live_session};
    use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

    let app = spawn_app().await;
    let _signed_in = app.portal_client("acme").await;
    let sid = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT family_id FROM refresh_tokens ORDER BY id DESC LIMIT 1",
        ))
        .await
        .expect("query")
        .expect("a session")
        .try_get::<String>("", "family_id")
        .expect("family id");
    let reads = HotReads::new(&app.db, &app.database_url, 1);
    let demo = organization::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("the demo organisation");
    for bit in 0..3 {
        let on = |position: u32| (position >> bit) & 1 == 1;
        let mut org = demo.clone().into_active_model();
        org.tax_id = Set(Some("tax-1".into()));
        org.vat_number = Set(Some("vat-2".into()));
        org.street = Set(Some("street-3".into()));
        org.city = Set(Some("city-4".into()));
        org.postal_code = Set(Some("postal-5".into()));
        org.email = Set(Some("mail-6@example.org".into()));
        org.phone = Set(Some("phone-7".into()));
        org.website = Set(Some("https://site-8.example".into()));
        org.trading_name = Set(Some("trading-9".into()));
        org.document_footer = Set(Some("footer-10".into()));
        org.default_payment_terms_days = Set(Some(11));
        org.brand_color = Set(Some("#0c0c0c".into()));
        org.portal_allow_download = Set(on(1));
        org.portal_allow_comments = Set(on(2));
        org.portal_allow_offer_decisions = Set(on(3));
        org.portal_allow_payments = Set(on(4));
        org.portal_access_default = Set(on(5));
        org.portal_email_on_new_document = Set(on(6));
        org.created_at = Set(demo.created_at - chrono::Duration::days(400 + i64::from(bit)));
        let stored = org.update(&app.db).await.expect("updated");
        let SessionCheck::Alive(read) =
            organization_of_live_session(&app.db, &reads, demo.id, &sid)
                .await
                .expect("the session check runs")
        else {
            panic!("the session is alive and the organisation exists");
        };
        assert_eq!(read, stored, "pattern {bit}");
    }
}
