//! The hot readers (session check and grid) against the test database: a query abandoned half
//! way (its request cancelled) or failed must not leave its connection to the next query.

use std::time::Duration;

use portal_api::db::HotReads;
use portal_api::db::columns::{Columns, required};
use portal_api::db::sql::Sql;
use portal_api::error::ApiError;

use crate::helpers::spawn_app;

/// A query that keeps either database busy for about a second.
const SLOW: &str = "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
WHERE n < 3000000) SELECT COUNT(*) FROM c";

fn first_number(row: &dyn Columns) -> Result<i64, ApiError> {
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
