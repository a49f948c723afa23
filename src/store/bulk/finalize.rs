//! What `Target::finish` runs on the loaded file before moving it into place: the foreign-key
//! check and the statistics.

use rusqlite::Connection;

/// `ANALYZE`, exact for every table but `audit_logs`: every audit read names its index
/// (`store::audit_query::choose_index`), so its statistics only need to be roughly right, and
/// an approximate pass (`analysis_limit`, no STAT4 samples) takes 0.1 s instead of 2.5 s on 1M
/// rows. The other tables keep the exact statistics their plans were measured with.
pub fn analyze(conn: &Connection) -> rusqlite::Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name <> 'audit_logs' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in &tables {
        conn.execute_batch(&format!("ANALYZE \"{t}\""))?;
    }
    conn.execute_batch(
        "PRAGMA analysis_limit = 1000; ANALYZE audit_logs; PRAGMA analysis_limit = 0;",
    )
}

pub fn check_foreign_keys(conn: &Connection) -> Result<(), String> {
    let mut stmt = conn
        .prepare("PRAGMA foreign_key_check")
        .map_err(|e| e.to_string())?;
    let mut rows = stmt.query([]).map_err(|e| e.to_string())?;
    let mut problems = Vec::new();
    let mut n = 0u64;
    while let Some(r) = rows.next().map_err(|e| e.to_string())? {
        n += 1;
        if problems.len() < 5 {
            let table: String = r.get(0).map_err(|e| e.to_string())?;
            let rowid: Option<i64> = r.get(1).map_err(|e| e.to_string())?;
            let parent: String = r.get(2).map_err(|e| e.to_string())?;
            problems.push(format!(
                "{table} row {} refers to a missing {parent}",
                rowid.unwrap_or(0)
            ));
        }
    }
    if n > 0 {
        return Err(format!(
            "{n} rows refer to missing rows: {}",
            problems.join("; ")
        ));
    }
    Ok(())
}
