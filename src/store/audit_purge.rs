//! Removing the head of the audit log for retention: one batch of the oldest rows per call,
//! the chain anchor moved in the same transaction, and a pending summary of what was removed
//! but not yet recorded in an audit row (it survives a crash between batches).

use super::audit_chain as chain;
use super::settings;
use crate::error::ApiResult;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// Summary of batches removed but not yet recorded.
const PENDING_KEY: &str = "audit_purge_pending";

/// What one or more batches removed: row count, `seq` range and time range.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Purged {
    pub rows: u64,
    pub first_seq: i64,
    pub last_seq: i64,
    pub oldest: i64,
    pub newest: i64,
}

impl Purged {
    fn merge(&mut self, other: &Purged) {
        if self.rows == 0 {
            *self = other.clone();
            return;
        }
        self.rows += other.rows;
        self.first_seq = self.first_seq.min(other.first_seq);
        self.last_seq = self.last_seq.max(other.last_seq);
        self.oldest = self.oldest.min(other.oldest);
        self.newest = self.newest.max(other.newest);
    }
}

/// Removes up to `batch` rows from the head of the log: rows older than `cutoff`, in `seq`
/// order, up to `keep_from` (exclusive) when given. Moves the chain anchor and adds the batch
/// to the pending summary, on the caller's transaction.
pub fn batch(
    conn: &Connection,
    cutoff: i64,
    keep_from: Option<i64>,
    batch: usize,
) -> ApiResult<Purged> {
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
            let one = Purged {
                rows: 1,
                first_seq: seq,
                last_seq: seq,
                oldest: time,
                newest: time,
            };
            done.merge(&one);
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
    let mut pending = pending(conn)?.unwrap_or_default();
    pending.merge(&done);
    settings::set(conn, PENDING_KEY, &serde_json::to_string(&pending)?)?;
    Ok(done)
}

/// What was removed since the last recorded purge, if anything.
pub fn pending(conn: &Connection) -> ApiResult<Option<Purged>> {
    Ok(settings::get(conn, PENDING_KEY)?
        .and_then(|v| serde_json::from_str::<Purged>(&v).ok())
        .filter(|p| p.rows > 0))
}

/// Forgets the pending summary once its audit row is written (same transaction).
pub fn clear_pending(conn: &Connection) -> ApiResult<()> {
    settings::delete(conn, PENDING_KEY)?;
    Ok(())
}
