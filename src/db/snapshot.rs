//! A reader connection held in one read transaction, for responses streamed in many reads
//! that must all see the same data.

use super::Conn;
use crate::error::ApiResult;
use crate::store::sql::Tx;

/// A reader connection inside a read transaction; rolled back when dropped, so a client that
/// disconnects mid-stream never returns a connection with an open snapshot to the pool.
pub struct Snapshot(Option<Conn>);

impl Snapshot {
    pub fn begin(conn: Conn) -> ApiResult<Snapshot> {
        match &conn {
            Conn::Sqlite(c) => c.execute_batch("BEGIN")?,
            Conn::Postgres(c) => c.batch("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?,
        }
        Ok(Snapshot(Some(conn)))
    }

    pub fn tx(&self) -> Tx<'_> {
        match self.0.as_ref().expect("open until dropped") {
            Conn::Sqlite(c) => Tx::sqlite(c),
            Conn::Postgres(c) => Tx::postgres_snapshot(c),
        }
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        match self.0.take() {
            Some(Conn::Sqlite(c)) if !c.is_autocommit() => {
                let _ = c.execute_batch("ROLLBACK");
            }
            // A stream may be dropped on an async worker, where the PostgreSQL client cannot
            // block: the rollback (and the connection's return to the pool) happen on a thread.
            Some(Conn::Postgres(c)) => {
                let _ = std::thread::Builder::new()
                    .name("pg-snapshot-end".into())
                    .spawn(move || {
                        let _ = c.batch("ROLLBACK");
                    });
            }
            Some(Conn::Sqlite(_)) | None => {}
        }
    }
}
