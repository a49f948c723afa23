//! Executing one batch of rows: multi-row prepared `INSERT`s, and naming the bad line when
//! one fails.

use super::batch::Batch;
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, Statement};

/// Rows per multi-row INSERT statement (fewer statement executions per row).
pub const CHUNK_ROWS: usize = 32;

pub fn insert_sql(table: &str, cols: &[&str], rows: usize) -> String {
    let one = format!("({})", vec!["?"; cols.len()].join(", "));
    format!(
        "INSERT INTO {table} ({}) VALUES {}",
        cols.join(", "),
        vec![one.as_str(); rows].join(", ")
    )
}

/// Inserts a batch, `chunk` rows per statement. Journaling is off, so a failed multi-row
/// statement keeps the rows it inserted before the bad one; rowids are assigned in order,
/// so the number it inserted names the bad row (WITHOUT ROWID tables use `chunk` = 1).
pub fn insert_batch(
    conn: &Connection,
    one: &mut Statement,
    many: &mut Statement,
    chunk: usize,
    batch: &Batch,
    ncols: usize,
) -> Result<(), (u64, rusqlite::Error)> {
    let bind = |stmt: &mut Statement, rows: std::ops::Range<usize>| -> rusqlite::Result<()> {
        let mut i = 1;
        for r in rows {
            for c in 0..ncols {
                stmt.raw_bind_parameter(i, ToSqlOutput::Borrowed(batch.value(r, ncols, c)))?;
                i += 1;
            }
        }
        Ok(())
    };
    let n = batch.rows();
    let mut r = 0;
    while r < n {
        if chunk > 1 && n - r >= chunk {
            let before = conn.last_insert_rowid();
            if let Err(e) = bind(many, r..r + chunk).and_then(|_| many.raw_execute()) {
                let done = (conn.last_insert_rowid() - before).clamp(0, chunk as i64 - 1);
                return Err((batch.lines[r + done as usize], e));
            }
            r += chunk;
        } else {
            bind(one, r..r + 1)
                .and_then(|_| one.raw_execute())
                .map_err(|e| (batch.lines[r], e))?;
            r += 1;
        }
    }
    Ok(())
}
