//! SQLite: the API on a SQLite file against a plain rusqlite loop running the same SQL on the
//! same file with as many threads as the server has workers.

use std::path::Path;
use std::time::{Duration, Instant};

use portal_store::sqlite_reader::{bind_by_number, to_sqlite};

use crate::grid::{BoundSql, Load, percentiles};

/// Runs `statements` in a loop on `threads` connections for `seconds`.
pub fn rusqlite_loop(
    file: &Path,
    statements: &[BoundSql],
    threads: usize,
    seconds: u64,
) -> anyhow::Result<Load> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let machine0 = crate::grid::machine_ticks();
    let mut handles = Vec::new();
    for _ in 0..threads {
        let file = file.to_path_buf();
        let statements = statements.to_vec();
        handles.push(std::thread::spawn(move || -> anyhow::Result<Vec<f64>> {
            let conn = rusqlite::Connection::open(&file)?;
            conn.busy_timeout(Duration::from_secs(5))?;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let started = Instant::now();
                for sql in &statements {
                    let mut stmt = conn.prepare_cached(&sql.text)?;
                    let columns = stmt.column_count();
                    let params: Vec<rusqlite::types::Value> = sql
                        .values
                        .iter()
                        .map(to_sqlite)
                        .collect::<Result<_, _>>()
                        .map_err(|e| anyhow::anyhow!("{e}"))?;
                    bind_by_number(&mut stmt, &params)?;
                    let mut rows = stmt.raw_query();
                    while let Some(row) = rows.next()? {
                        // read every column, as the API does
                        for i in 0..columns {
                            let _: rusqlite::types::Value = row.get(i)?;
                        }
                    }
                }
                latencies.push(started.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(latencies)
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.join().map_err(|_| anyhow::anyhow!("thread panicked"))??);
    }
    let machine1 = crate::grid::machine_ticks();
    let rps = all.len() as f64 / seconds as f64;
    let cpu_ms = (machine1 - machine0) as f64 * crate::grid::MS_PER_TICK / all.len() as f64;
    let (p50, p99) = percentiles(&mut all);
    Ok(Load {
        rps,
        p50_ms: p50,
        p99_ms: p99,
        cpu_ms,
        server_cpu_ms: None,
        db_cpu_ms: None,
    })
}
