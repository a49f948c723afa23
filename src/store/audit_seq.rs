//! The audit log as a sequence: its `seq` bounds and how many rows follow a position, for the
//! streams' cursors, the metrics and retention.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;

/// The oldest and newest kept `seq` (both 0 when the log is empty).
pub fn bounds(conn: &Tx) -> DbResult<(i64, i64)> {
    conn.prepare_cached("SELECT coalesce(min(seq), 0), coalesce(max(seq), 0) FROM audit_logs")?
        .query_row(params![], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Rows written after `seq`.
pub fn count_after(conn: &Tx, seq: i64) -> DbResult<i64> {
    conn.prepare_cached("SELECT count(*) FROM audit_logs WHERE seq > ?1")?
        .query_row(params![seq], |r| r.get(0))
}
