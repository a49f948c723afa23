//! A reader connection held in one read transaction, for responses streamed in many reads
//! that must all see the same data.

use super::Conn;
use crate::error::ApiResult;
use crate::store::sql::Tx;

/// A reader connection inside a read transaction; rolled back when dropped, so a client that
/// disconnects mid-stream never returns a connection with an open snapshot to the pool.
pub struct Snapshot(Conn);

impl Snapshot {
    pub fn begin(conn: Conn) -> ApiResult<Snapshot> {
        conn.execute_batch("BEGIN")?;
        Ok(Snapshot(conn))
    }

    pub fn tx(&self) -> Tx<'_> {
        Tx::sqlite(&self.0)
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if !self.0.is_autocommit() {
            let _ = self.0.execute_batch("ROLLBACK");
        }
    }
}
