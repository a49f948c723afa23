//! The audit log as a sequence: its `seq` bounds and how many rows follow a position, for the
//! streams' cursors, the metrics and retention.

use rusqlite::Connection;

/// The oldest and newest kept `seq` (both 0 when the log is empty).
pub fn bounds(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit_logs")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Rows written after `seq`.
pub fn count_after(conn: &Connection, seq: i64) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM audit_logs WHERE seq > ?1")?
        .query_row([seq], |r| r.get(0))
}
