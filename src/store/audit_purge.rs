//! Removing the head of the audit log for retention: one batch of the oldest rows per call,
//! the chain anchor moved in the same transaction, and a pending summary of what was removed
//! but not yet recorded in an audit row (it survives a crash between batches).

use super::audit_chain as chain;
use super::purge_pending;
pub use super::purge_pending::Purged;
use crate::error::ApiResult;
use crate::params;
use crate::store::sql::Tx;

/// Summary of batches removed but not yet recorded.
pub const PENDING_KEY: &str = "audit_purge_pending";

/// Removes up to `batch` rows from the head of the log: rows older than `cutoff`, in `seq`
/// order, up to `keep_from` (exclusive) when given. Moves the chain anchor and adds the batch
/// to the pending summary, on the caller's transaction.
pub fn batch(conn: &Tx, cutoff: i64, keep_from: Option<i64>, batch: usize) -> ApiResult<Purged> {
    let mut done = Purged::default();
    let mut last_hash = None;
    {
        let mut stmt =
            conn.prepare_cached("SELECT seq, time, hash FROM audit_logs ORDER BY seq LIMIT ?1")?;
        let mut rows = stmt.query(params![batch as i64])?;
        while let Some(r) = rows.next()? {
            let (seq, time, hash): (i64, i64, Option<String>) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if time >= cutoff || keep_from.is_some_and(|k| seq >= k) {
                break;
            }
            done.merge(&Purged::one(seq, time));
            last_hash = Some(hash.unwrap_or_else(|| chain::GENESIS.to_string()));
        }
    }
    let Some(prev_hash) = last_hash else {
        return Ok(done);
    };
    conn.prepare_cached("DELETE FROM audit_logs WHERE seq <= ?1")?
        .execute(params![done.last_seq])?;
    chain::set_anchor(
        conn,
        &chain::Anchor {
            after_seq: done.last_seq,
            prev_hash,
        },
    )?;
    purge_pending::add(conn, PENDING_KEY, &done)?;
    Ok(done)
}
