//! Bulk loading into a brand-new database file, shared by `import` and `seed`.
//!
//! The data goes into `PATH.tmp` with journaling and syncing off, secondary indexes of the
//! big tables dropped; rows are produced on one thread (CSV parsing or generation) and
//! inserted on another through a prepared statement, one transaction per batch. `finish`
//! rebuilds the indexes (SQLite's sorter in small, cache-sized runs), checks foreign keys, runs
//! `ANALYZE` (approximate for `audit_logs`), syncs the file to disk and renames it into place. Dropping an
//! unfinished `Target` deletes the temporary file, so a failed load never leaves a half-loaded
//! database behind.

pub mod audit_counts;
pub mod batch;
pub mod finalize;
pub mod flush;
pub mod insert;
pub mod progress;

use crate::store::sql::Tx;
use batch::Batch;
pub use batch::{Sink, V};
use insert::{insert_batch, insert_sql, CHUNK_ROWS};
pub use progress::group;
use progress::progress_bar;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

/// Tables whose secondary indexes are dropped for the load and rebuilt afterwards.
const BIG_TABLES: &[&str] = &[
    "audit_logs",
    "aibridge_interceptions",
    "aibridge_token_usages",
    "aibridge_user_prompts",
    "aibridge_tool_usages",
    "aibridge_model_thoughts",
    "workspace_builds",
    "connection_logs",
];

/// A new database being loaded.
pub struct Target {
    conn: Option<Connection>,
    tmp: PathBuf,
    dest: PathBuf,
    force: bool,
    /// (type, name, sql) of the indexes and triggers dropped for the load.
    dropped: Vec<(String, String, String)>,
    finished: bool,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_db_files(p: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(p, suffix));
    }
}

impl Target {
    /// Creates `dest.tmp` with coderlite's schema. Refuses an existing non-empty `dest`
    /// unless `force` (then it is replaced only when the load succeeds).
    pub fn create(dest: &Path, force: bool) -> Result<Target, String> {
        if let Ok(meta) = std::fs::metadata(dest) {
            if meta.len() > 0 && !force {
                return Err(format!(
                    "{} already exists; loading creates a new database (remove it or pass --force to replace it)",
                    dest.display()
                ));
            }
        }
        let tmp = with_suffix(dest, ".tmp");
        remove_db_files(&tmp);
        let mut conn =
            Connection::open(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        // A failed load deletes the file, so nothing needs journaling or syncing. 64 MiB of page
        // cache holds the random-order `audit_logs.id` index of a million rows; larger caches
        // only cost page faults on fresh memory (measured: 200k vs 170k rows/s at 512 MiB).
        conn.execute_batch(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;
             PRAGMA foreign_keys = OFF;",
        )
        .map_err(|e| format!("cannot configure {}: {e}", tmp.display()))?;
        crate::db::migrate::migrate(&mut conn)?;
        let mut target = Target {
            conn: Some(conn),
            tmp,
            dest: dest.to_path_buf(),
            force,
            dropped: Vec::new(),
            finished: false,
        };
        target.drop_indexes()?;
        Ok(target)
    }

    pub fn conn(&self) -> &Connection {
        self.conn.as_ref().expect("connection open until finish")
    }

    /// The store's handle on the file being loaded.
    pub fn tx(&self) -> Tx<'_> {
        Tx::sqlite(self.conn())
    }

    fn drop_indexes(&mut self) -> Result<(), String> {
        let conn = self.conn();
        let mut found = Vec::new();
        {
            let mut stmt = conn
                .prepare(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master \
                     WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
                )
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .map_err(|e| e.to_string())?;
            for row in rows {
                let (kind, name, table, sql) = row.map_err(|e| e.to_string())?;
                // Triggers that maintain derived tables on insert (audit counters) are
                // rebuilt in one pass after the load instead (see `import::after_load`).
                let on_insert =
                    kind == "index" || sql.to_ascii_uppercase().contains("AFTER INSERT");
                if BIG_TABLES.contains(&table.as_str()) && on_insert {
                    found.push((kind, name, sql));
                }
            }
        }
        for (kind, name, _) in &found {
            conn.execute_batch(&format!("DROP {kind} \"{name}\""))
                .map_err(|e| format!("cannot drop {kind} {name}: {e}"))?;
        }
        self.dropped = found;
        Ok(())
    }

    /// Loads one table: `produce` runs on its own thread and pushes rows into the sink;
    /// this thread inserts them. `total` sizes the progress bar: bytes (`unit_bytes`, from
    /// `Sink::set_progress`) or rows.
    /// Returns the number of rows inserted.
    pub fn load<P>(
        &self,
        label: &str,
        table: &str,
        cols: &[&str],
        total: u64,
        unit_bytes: bool,
        produce: P,
    ) -> Result<u64, String>
    where
        P: FnOnce(&mut Sink) -> Result<(), String> + Send,
    {
        let conn = self.conn();
        let without_rowid: bool = conn
            .query_row(
                "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE type = 'table' AND name = ?1",
                [table],
                |r| r.get(0),
            )
            .map_err(|e| format!("{table}: {e}"))?;
        let chunk = if without_rowid { 1 } else { CHUNK_ROWS };
        let one_sql = insert_sql(table, cols, 1);
        let many_sql = insert_sql(table, cols, CHUNK_ROWS);
        let bar = progress_bar(label, total, unit_bytes);
        let started = Instant::now();
        let (tx, rx) = sync_channel::<Batch>(3);
        let (free_tx, free_rx) = sync_channel::<Batch>(4);
        let ncols = cols.len();
        let mut inserted = 0u64;
        let result = std::thread::scope(|s| {
            let producer = std::thread::Builder::new()
                .name("producer".into())
                .spawn_scoped(s, move || {
                    let mut sink = Sink::new(tx, free_rx, ncols);
                    produce(&mut sink)?;
                    sink.flush()
                })
                .map_err(|e| format!("cannot start the reader thread: {e}"))?;
            let consumed = (|| -> Result<(), String> {
                let prep = |sql: &str| conn.prepare(sql).map_err(|e| format!("{table}: {e}"));
                let (mut one, mut many) = (prep(&one_sql)?, prep(&many_sql)?);
                for batch in rx.iter() {
                    conn.execute_batch("BEGIN").map_err(|e| e.to_string())?;
                    insert_batch(conn, &mut one, &mut many, chunk, &batch, ncols)
                        .map_err(|(line, e)| format!("{label} line {line}: {e}"))?;
                    conn.execute_batch("COMMIT").map_err(|e| e.to_string())?;
                    inserted += batch.rows() as u64;
                    bar.set_position(if unit_bytes { batch.progress } else { inserted });
                    let _ = free_tx.try_send(batch);
                }
                Ok(())
            })();
            // On an insert error, dropping the receiver stops the producer at its next send.
            drop(rx);
            let produced = producer
                .join()
                .unwrap_or_else(|_| Err(format!("{label}: reader thread panicked")));
            match (consumed, produced) {
                (Err(e), _) => Err(e),
                (Ok(()), Err(e)) => Err(e),
                (Ok(()), Ok(())) => Ok(()),
            }
        });
        bar.finish_and_clear();
        result?;
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "  {table:<24} {:>11} rows  {secs:>6.2} s  {:>9.0} rows/s",
            group(inserted),
            inserted as f64 / secs.max(1e-9)
        );
        Ok(inserted)
    }

    /// Rebuilds the dropped indexes, checks foreign keys, analyses, and moves the file into
    /// place. `before_rename` runs last on the open connection (e.g. the audit hash chain).
    pub fn finish(
        mut self,
        before_rename: impl FnOnce(&Tx) -> Result<(), String>,
    ) -> Result<(), String> {
        // Writes the file to disk in the background while the indexes are built; stopped before
        // the final sync, or on an early error return (before `Drop` removes the file).
        let flusher = flush::Flusher::start(&self.tmp);
        let conn = self.conn();
        let started = Instant::now();
        let indexes = self.dropped.iter().filter(|d| d.0 == "index").count();
        let bar = progress_bar("indexes", indexes as u64, false);
        // CREATE INDEX sorts through SQLite's external sorter. Allowed temp files, it sorts runs
        // of cache_size bytes and merges them: 4 MiB runs stay in the CPU cache (measured 9.6
        // instead of 12.3 CPU-s for the ten audit indexes of 1M rows; temp_store = MEMORY sorts
        // one 100 MB list). With `threads` the runs are sorted and merged on helper threads
        // while this one reads the table: ~30 % less wall time per index on an idle 2-core
        // machine (1 or 3 helpers, or bigger runs, measured slower).
        let helpers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
        conn.execute_batch(&format!(
            "PRAGMA temp_store = FILE; PRAGMA cache_size = -4096; PRAGMA threads = {helpers};"
        ))
        .map_err(|e| format!("cannot configure the index build: {e}"))?;
        for (kind, name, sql) in &self.dropped {
            bar.set_message(name.clone());
            conn.execute_batch(sql)
                .map_err(|e| format!("cannot create {kind} {name}: {e}"))?;
            if kind == "index" {
                bar.inc(1);
            }
        }
        bar.finish_and_clear();
        eprintln!(
            "  {:<24} {:>11} built {:>6.2} s",
            "indexes",
            indexes,
            started.elapsed().as_secs_f64()
        );
        // Tables derived from the loaded rows, whose triggers were off for the load.
        crate::store::ai_sessions::rebuild_order(&Tx::sqlite(conn))
            .map_err(|e| format!("cannot order the AI Gateway sessions: {e}"))?;
        crate::store::connection_log_counts::rebuild(&Tx::sqlite(conn))
            .map_err(|e| format!("cannot count the connection logs: {e}"))?;
        finalize::check_foreign_keys(conn)?;
        let t = Instant::now();
        finalize::analyze(conn).map_err(|e| format!("ANALYZE failed: {e}"))?;
        eprintln!("  {:<24} {:>24.2} s", "analyze", t.elapsed().as_secs_f64());
        before_rename(&Tx::sqlite(conn))?;
        drop(flusher);
        let conn = self.conn.take().expect("connection open until finish");
        conn.close()
            .map_err(|(_, e)| format!("cannot close {}: {e}", self.tmp.display()))?;
        // The load wrote with syncing off: the file reaches the disk before it takes the place
        // of `dest` (else a power cut after the rename could leave a torn file there).
        let t = Instant::now();
        std::fs::File::open(&self.tmp)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot sync {}: {e}", self.tmp.display()))?;
        if self.force {
            // A stale WAL next to the replaced file would be replayed into the new one.
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = std::fs::remove_file(with_suffix(&self.dest, suffix));
            }
        }
        std::fs::rename(&self.tmp, &self.dest).map_err(|e| {
            format!(
                "cannot move {} to {}: {e}",
                self.tmp.display(),
                self.dest.display()
            )
        })?;
        // The rename itself is durable once the folder is synced.
        let dir = match self.dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        std::fs::File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| format!("cannot sync {}: {e}", dir.display()))?;
        eprintln!(
            "  {:<24} {:>24.2} s",
            "sync to disk",
            t.elapsed().as_secs_f64()
        );
        self.finished = true;
        Ok(())
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if !self.finished {
            drop(self.conn.take());
            remove_db_files(&self.tmp);
        }
    }
}
