//! Database access for both engines, on actix's blocking pool (`web::block`), never on a
//! worker thread. SQLite (the embedded default): one writer connection (`BEGIN IMMEDIATE`)
//! and a pool of read-only readers. PostgreSQL: one pool; a write is one `READ COMMITTED`
//! transaction, a read one `REPEATABLE READ READ ONLY` snapshot.

pub mod backup;
pub mod migrate;
pub mod migrate_pg;
pub mod snapshot;
pub mod stats;

use crate::config::Synchronous;
use crate::error::{ApiError, ApiResult};
use crate::store::sql::{PgConn, PgManager, Tx};
use r2d2::{Pool, PooledConnection};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a request waits for a connection before answering 503.
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How long SQLite itself retries a locked database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// What `--db` names: a SQLite file (a path, or `sqlite:<path>`) or a PostgreSQL database
/// (`postgres://` or `postgresql://` URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    pub fn of(db: &Path) -> Target {
        let s = db.to_string_lossy();
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Target::Postgres(s.into_owned())
        } else if let Some(path) = s.strip_prefix("sqlite:") {
            Target::Sqlite(PathBuf::from(path.strip_prefix("//").unwrap_or(path)))
        } else {
            Target::Sqlite(db.to_path_buf())
        }
    }

    /// For messages: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => crate::config::file::redact_url(url),
        }
    }
}

/// A pooled connection of either engine, for work that spans several statements outside
/// `Db::read`/`Db::write` (streamed responses holding one snapshot, backups).
pub enum Conn {
    Sqlite(PooledConnection<SqliteConnectionManager>),
    Postgres(Box<PooledConnection<PgManager>>),
}

impl Conn {
    pub fn tx(&self) -> Tx<'_> {
        match self {
            Conn::Sqlite(c) => Tx::sqlite(c),
            Conn::Postgres(c) => Tx::postgres(c),
        }
    }
}

#[derive(Clone)]
enum Engine {
    Sqlite {
        writer: Pool<SqliteConnectionManager>,
        readers: Pool<SqliteConnectionManager>,
    },
    Postgres {
        pool: Pool<PgManager>,
        url: String,
    },
}

#[derive(Clone)]
pub struct Db {
    engine: Engine,
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
    /// Opens (creating if needed) and migrates the database `--db` names, then builds the
    /// pools (`readers` read-only SQLite connections, or PostgreSQL connections in all).
    pub fn open(db: &Path, sync: Synchronous, readers: u32) -> Result<Db, String> {
        match Target::of(db) {
            Target::Sqlite(path) => Db::open_sqlite(&path, sync, readers),
            Target::Postgres(url) => Db::open_postgres(&url, readers),
        }
    }

    pub fn open_sqlite(path: &Path, sync: Synchronous, readers: u32) -> Result<Db, String> {
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
            engine: Engine::Sqlite { writer, readers },
            stats: Default::default(),
        })
    }

    /// PostgreSQL: the schema is migrated under an advisory lock (several processes may
    /// start at once); `connections` pooled connections serve reads and writes alike, plus
    /// one for the writer work SQLite gives its own connection.
    pub fn open_postgres(url: &str, connections: u32) -> Result<Db, String> {
        let shown = crate::config::file::redact_url(url);
        let manager = PgManager::new(url).map_err(|e| e.to_string())?;
        {
            let conn = PgConn::connect(url)
                .map_err(|e| format!("cannot connect to PostgreSQL {shown}: {e}"))?;
            migrate_pg::migrate(&conn)?;
        }
        let pool = Pool::builder()
            // A checkout is not a round trip: a broken connection is seen by `has_broken`
            // and by the statement that meets it (answered 503, then dropped by the pool).
            .test_on_check_out(false)
            .max_size(connections.max(1) + 1)
            .min_idle(Some(1))
            .connection_timeout(POOL_WAIT)
            .build(manager)
            .map_err(|e| format!("cannot open PostgreSQL pool {shown}: {e}"))?;
        Ok(Db {
            engine: Engine::Postgres {
                pool,
                url: url.to_string(),
            },
            stats: Default::default(),
        })
    }

    /// Runs `f` on a reader connection on the blocking pool (on PostgreSQL inside one
    /// read-only snapshot).
    pub async fn read<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> ApiResult<T> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.read_blocking(f)).await?
    }

    /// `read` for a look-up whose statements need no common snapshot (the session check on
    /// every request): on PostgreSQL each statement runs on its own, without the snapshot's
    /// BEGIN and COMMIT (two round trips fewer); on SQLite the same as `read`.
    pub async fn lookup<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> ApiResult<T> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || f(&db.reader_blocking()?.tx())).await?
    }

    /// Runs `f` inside one write transaction (SQLite: `BEGIN IMMEDIATE` on the writer);
    /// commits when `f` is Ok, rolls back otherwise.
    pub async fn write<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Tx) -> ApiResult<T> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || db.write_blocking(f)).await?
    }

    /// `read` for code already on a blocking thread.
    pub fn read_blocking<T>(&self, f: impl FnOnce(&Tx) -> ApiResult<T>) -> ApiResult<T> {
        match self.reader_blocking()? {
            Conn::Sqlite(c) => f(&Tx::sqlite(&c)),
            Conn::Postgres(c) => Tx::postgres_snapshot(&c)
                .transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", f),
        }
    }

    /// `write` for code already on a blocking thread (background jobs, start-up).
    pub fn write_blocking<T>(&self, f: impl FnOnce(&Tx) -> ApiResult<T>) -> ApiResult<T> {
        match &self.engine {
            Engine::Sqlite { writer, .. } => {
                let mut conn = self.stats.writer_wait.time(|| writer.get())?;
                write_tx(&mut conn, f)
            }
            Engine::Postgres { pool, .. } => {
                let conn = self.stats.writer_wait.time(|| pool.get())?;
                // Writes take turns across every process on the database, as on SQLite's one
                // writer: a change, its audit row (the chain's next link) and the kept rows its
                // triggers refresh commit as one, in one order (reads do not wait).
                pg_tx(
                    &conn,
                    &format!(
                        "BEGIN; SELECT pg_advisory_xact_lock({})",
                        crate::store::audit_chain::CHAIN_LOCK
                    ),
                    f,
                )
            }
        }
    }

    /// A reader connection for code already on a blocking thread that holds it across
    /// several units of work (a streamed export's snapshot, a backup).
    pub fn reader_blocking(&self) -> ApiResult<Conn> {
        Ok(match &self.engine {
            Engine::Sqlite { readers, .. } => {
                Conn::Sqlite(self.stats.reader_wait.time(|| readers.get())?)
            }
            Engine::Postgres { pool, .. } => {
                Conn::Postgres(Box::new(self.stats.reader_wait.time(|| pool.get())?))
            }
        })
    }

    /// A claim on the job named `key` (the audit stream, retention) across every process on
    /// the database; `Leader::hold` says whether this process runs it now. SQLite has one
    /// process: always. On PostgreSQL it is a session advisory lock on a connection of the
    /// claim's own, released when the `Leader` is dropped or its process dies, so another
    /// process takes the job over.
    pub fn leader(&self, key: &str) -> Leader {
        Leader {
            url: match &self.engine {
                Engine::Sqlite { .. } => None,
                Engine::Postgres { url, .. } => Some(url.clone()),
            },
            key: lock_key(key),
            conn: None,
            held: false,
        }
    }

    /// Connection wait times, for metrics.
    pub fn pool_stats(&self) -> &stats::PoolStats {
        &self.stats
    }

    /// Pool state for metrics: (idle writers, total writers); PostgreSQL has one pool.
    pub fn writer_state(&self) -> (u32, u32) {
        let s = match &self.engine {
            Engine::Sqlite { writer, .. } => writer.state(),
            Engine::Postgres { pool, .. } => pool.state(),
        };
        (s.idle_connections, s.connections)
    }

    /// Pool state for metrics: (idle readers, total readers); PostgreSQL has one pool.
    pub fn reader_state(&self) -> (u32, u32) {
        let s = match &self.engine {
            Engine::Sqlite { readers, .. } => readers.state(),
            Engine::Postgres { pool, .. } => pool.state(),
        };
        (s.idle_connections, s.connections)
    }
}

/// A claim on a job (`Db::leader`).
pub struct Leader {
    url: Option<String>,
    key: i64,
    conn: Option<PgConn>,
    held: bool,
}

impl Leader {
    /// Whether this process runs the job now: keeps the lock while its connection lives,
    /// else tries to take it (reconnecting when the connection went away).
    pub fn hold(&mut self) -> ApiResult<bool> {
        let Some(url) = &self.url else {
            return Ok(true);
        };
        if let Some(c) = &self.conn {
            if self.held && c.batch("SELECT 1").is_ok() {
                return Ok(true);
            }
            if c.is_closed() || self.held {
                // A lost connection lost the lock with it.
                self.conn = None;
            }
        }
        self.held = false;
        if self.conn.is_none() {
            self.conn = Some(PgConn::connect(url)?);
        }
        let conn = self.conn.as_ref().expect("connected above");
        self.held = Tx::postgres(conn).query_row(
            "SELECT pg_try_advisory_lock(?1)",
            crate::params![self.key],
            |r| r.get(0),
        )?;
        Ok(self.held)
    }
}

/// A job name as an advisory lock key (FNV-1a, stable across builds and processes).
pub fn lock_key(name: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in b"coderlite:".iter().chain(name.as_bytes()) {
        h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    h as i64
}

/// `f` inside one PostgreSQL transaction begun by `begin`: committed when `f` is Ok, rolled
/// back otherwise (also when the connection went away mid-way: the pool drops it).
fn pg_tx<T>(conn: &PgConn, begin: &str, f: impl FnOnce(&Tx) -> ApiResult<T>) -> ApiResult<T> {
    Tx::postgres(conn).transaction(begin, f)
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
