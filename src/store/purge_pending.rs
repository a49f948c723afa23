//! What retention removed but has not yet recorded in an audit row, kept in `settings` under
//! one key per purged table so it survives a crash between a batch and the record.

use super::settings;
use crate::error::ApiResult;
use crate::store::sql::Tx;
use serde::{Deserialize, Serialize};

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
    /// One removed row.
    pub fn one(seq: i64, time: i64) -> Purged {
        Purged {
            rows: 1,
            first_seq: seq,
            last_seq: seq,
            oldest: time,
            newest: time,
        }
    }

    pub fn merge(&mut self, other: &Purged) {
        if other.rows == 0 {
            return;
        }
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

/// Adds a batch to the summary under `key` (the caller's transaction).
pub fn add(conn: &Tx, key: &str, done: &Purged) -> ApiResult<()> {
    if done.rows == 0 {
        return Ok(());
    }
    let mut pending = get(conn, key)?.unwrap_or_default();
    pending.merge(done);
    settings::set(conn, key, &serde_json::to_string(&pending)?)?;
    Ok(())
}

/// What was removed since the last recorded purge, if anything.
pub fn get(conn: &Tx, key: &str) -> ApiResult<Option<Purged>> {
    Ok(settings::get(conn, key)?
        .and_then(|v| serde_json::from_str::<Purged>(&v).ok())
        .filter(|p| p.rows > 0))
}

/// Forgets the summary once its audit row is written (same transaction).
pub fn clear(conn: &Tx, key: &str) -> ApiResult<()> {
    settings::delete(conn, key)?;
    Ok(())
}
