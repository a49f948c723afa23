//! SQLite access: one writer connection (`BEGIN IMMEDIATE`) and a pool of read-only readers.
//! Every call runs on actix's blocking pool (`web::block`), never on a worker thread.

pub mod backup;
pub mod migrate;
pub mod snapshot;
pub mod stats;

use crate::config::Synchronous;
use crate::error::{ApiError, ApiResult};
use crate::store::sql::Tx;
use r2d2::{Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::Path;
use std::time::Duration;

pub type Conn = PooledConnection<SqliteConnectionManager>;

/// How long a request waits for a connection before answering 503.
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How long SQLite itself retries a locked database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct Db {
    writer: Pool<SqliteConnectionManager>,
    readers: Pool<SqliteConnectionManager>,
    stats: std::sync::Arc<stats::PoolStats>,
}

fn configure(conn: &mut Connection, sync: Synchronous, read_only: bool) -> rusqlite::Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let sync = match sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", sync)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Memory stays bounded by design: no mmap (each pooled connection would map the file on
    // its own, and every page it touches counts again in the server's RSS), and small page
    // caches (readers 4 MiB each, the writer 16 MiB for index maintenance); pages come from
    // the OS page cache through pread. Measured on the 1M-row benchmark file: the same
    // latencies as 32 MiB caches + 256 MiB mmap, RSS under 64 connections ~60 MiB instead of
    // ~180 MiB (BENCHMARKS.md).
    let cache_kib = if read_only { 4 * 1024 } else { 16 * 1024 };
    conn.pragma_update(None, "cache_size", -cache_kib)?;
    conn.pragma_update(None, "mmap_size", 0)?;
    if read_only {
        conn.pragma_update(None, "query_only", "ON")?;
    }
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// Opens one connection with coderlite's per-connection settings (for CLI tools and tests).
pub fn open_connection(path: &Path, sync: Synchronous) -> rusqlite::Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&mut conn, sync, false)?;
    Ok(conn)
}

impl Db {
    /// Opens (creating if needed) and migrates the database, then builds the pools.
    pub fn open(path: &Path, sync: Synchronous, readers: u32) -> Result<Db, String> {
        {
            let mut conn = open_connection(path, sync)
                .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
            // WAL is a property of the file: set once, here.
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| format!("cannot enable WAL on {}: {e}", path.display()))?;
            migrate::migrate(&mut conn)?;
        }
        let writer_mgr =
            SqliteConnectionManager::file(path).with_init(move |c| configure(c, sync, false));
        let reader_mgr = SqliteConnectionManager::file(path)
            .with_flags(
                OpenFlags::SQLITE_OPEN_READ_ONLY
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX
                    | OpenFlags::SQLITE_OPEN_URI,
            )
            .with_init(move |c| configure(c, sync, true));
        let writer = Pool::builder()
            .max_size(1)
            .connection_timeout(POOL_WAIT)
            .build(writer_mgr)
            .map_err(|e| format!("cannot open writer: {e}"))?;
        let readers = Pool::builder()
            .max_size(readers.max(1))
            .min_idle(Some(1))
            .connection_timeout(POOL_WAIT)
            .build(reader_mgr)
            .map_err(|e| format!("cannot open readers: {e}"))?;
        Ok(Db {
            writer,
            readers,
            stats: Default::default(),
        })
    }

    /// Runs `f` on a reader connection on the blocking pool.
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.readers.clone();
        let stats = self.stats.clone();
        actix_web::web::block(move || {
            let conn = stats.reader_wait.time(|| pool.get())?;
            f(&Tx::sqlite(&conn))
        })
        .await?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction on the writer; commits when `f` is Ok,
    /// rolls back otherwise.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> ApiResult<T> + Send + 'static,
    {
        let pool = self.writer.clone();
        let stats = self.stats.clone();
        actix_web::web::block(move || {
            let mut conn = stats.writer_wait.time(|| pool.get())?;
            write_tx(&mut conn, f)
        })
        .await?
    }

    /// Synchronous writer access for background jobs already on a blocking thread.
    pub fn writer_blocking(&self) -> ApiResult<Conn> {
        Ok(self.stats.writer_wait.time(|| self.writer.get())?)
    }

    /// Synchronous reader access for code already on a blocking thread (e.g. streaming export).
    pub fn reader_blocking(&self) -> ApiResult<Conn> {
        Ok(self.stats.reader_wait.time(|| self.readers.get())?)
    }

    /// Connection wait times, for metrics.
    pub fn pool_stats(&self) -> &stats::PoolStats {
        &self.stats
    }

    /// Pool state for metrics: (idle writers, total writers).
    pub fn writer_state(&self) -> (u32, u32) {
        let s = self.writer.state();
        (s.idle_connections, s.connections)
    }

    /// Pool state for metrics: (idle readers, total readers).
    pub fn reader_state(&self) -> (u32, u32) {
        let s = self.readers.state();
        (s.idle_connections, s.connections)
    }
}

/// One immediate transaction around `f`.
pub fn write_tx<T>(conn: &mut Connection, f: impl FnOnce(&Tx) -> ApiResult<T>) -> ApiResult<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&Tx::sqlite(&tx))?;
    tx.commit()?;
    Ok(out)
}

/// Maps a unique-constraint violation to `Some(())`, so callers can answer 409 instead of 500.
pub fn is_unique_violation(e: &ApiError) -> bool {
    e.cause.as_deref().is_some_and(|c| {
        c.contains("UNIQUE constraint failed")
            || c.contains("duplicate key value violates unique constraint")
    })
}

/// Whether the database answers a trivial statement (`GET /healthz`).
pub fn ping(conn: &Tx) -> crate::store::sql::DbResult<()> {
    conn.query_row("SELECT 1", crate::params![], |r| r.get::<i64>(0))
        .map(|_| ())
}
