//! `coderlite migrate --from <db> --to <db>`: copies a whole deployment between databases of
//! either engine (SQLite file ↔ PostgreSQL), then verifies the copy: every table's row count
//! and the audit hash chain, which must verify and end in the same hash.

use crate::config::Synchronous;
use crate::db::{Db, Target};
use crate::store::bulk::progress::{group, progress_bar};
use crate::store::{audit_chain, copy};
use std::path::Path;
use std::time::Instant;

/// Rows per chunk (one read and one write transaction each).
const CHUNK: usize = 2_000;

pub fn run(from: &Path, to: &Path) -> Result<(), String> {
    let (src, dst) = (Target::of(from), Target::of(to));
    if src == dst {
        return Err("--from and --to name the same database".into());
    }
    if let Target::Sqlite(p) = &src {
        if !p.is_file() {
            return Err(format!("no database at {}", p.display()));
        }
    }
    let source = Db::open(from, Synchronous::Full, 1)?;
    let target = Db::open(to, Synchronous::Normal, 1)?;
    if !target
        .read_blocking(|tx| Ok(copy::is_empty(tx)?))
        .map_err(describe)?
    {
        return Err(format!(
            "{} already holds a deployment; migrate copies into an empty database",
            dst.describe()
        ));
    }
    eprintln!("copying {} to {}", src.describe(), dst.describe());
    let started = Instant::now();
    target
        .write_blocking(|tx| Ok(copy::begin_load(tx)?))
        .map_err(describe)?;
    let copied = copy_tables(&source, &target);
    // The triggers go back on (and what they keep is rebuilt) whether or not the copy ended.
    let ended = target
        .write_blocking(|tx| Ok(copy::end_load(tx)?))
        .map_err(describe);
    let counts = copied?;
    ended?;
    verify(&source, &target, &counts, started)
}

fn describe(e: crate::error::ApiError) -> String {
    e.describe()
}

fn copy_tables(source: &Db, target: &Db) -> Result<Vec<(&'static copy::Table, i64)>, String> {
    let mut counts = Vec::new();
    for t in copy::TABLES {
        let total = source
            .read_blocking(|tx| Ok(copy::count(tx, t)?))
            .map_err(describe)?;
        let bar = progress_bar(t.name, total as u64, false);
        let mut after = None;
        loop {
            let rows = source
                .read_blocking(|tx| Ok(copy::chunk(tx, t, after.as_ref(), CHUNK)?))
                .map_err(describe)?;
            if rows.is_empty() {
                break;
            }
            target
                .write_blocking(|tx| Ok(copy::insert(tx, t, &rows)?))
                .map_err(|err| format!("cannot copy {}: {}", t.name, err.describe()))?;
            bar.inc(rows.len() as u64);
            after = rows.last().and_then(|r| r.last().cloned());
            if rows.len() < CHUNK {
                break;
            }
        }
        bar.finish_and_clear();
        counts.push((t, total));
    }
    Ok(counts)
}

/// The same rows in every table, and one chain ending in the same hash.
fn verify(
    source: &Db,
    target: &Db,
    counts: &[(&copy::Table, i64)],
    started: Instant,
) -> Result<(), String> {
    for (t, want) in counts {
        let got = target
            .read_blocking(|tx| Ok(copy::count(tx, t)?))
            .map_err(describe)?;
        if got != *want {
            return Err(format!("{}: {got} rows copied of {want}", t.name));
        }
    }
    let report = target
        .read_blocking(|tx| Ok(audit_chain::verify(tx)?))
        .map_err(describe)?;
    let head = |db: &Db| db.read_blocking(|tx| Ok(audit_chain::head_hash(tx)?));
    let (src_head, dst_head) = (
        head(source).map_err(describe)?,
        head(target).map_err(describe)?,
    );
    if !report.ok || src_head != dst_head {
        return Err(format!(
            "the copied audit chain does not verify: {:?}",
            report.broken.map(|b| b.message)
        ));
    }
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    eprintln!(
        "copied {} rows in {:.1} s; verified: every table's row count, and the audit chain ({} rows, head {})",
        group(rows as u64),
        started.elapsed().as_secs_f64(),
        group(report.rows_checked),
        &dst_head[..dst_head.len().min(16)]
    );
    Ok(())
}

/// The bulk loaders (`import`, `seed`) write a SQLite file. For a PostgreSQL `--db` they load
/// a temporary file and copy it in (the database must hold no deployment yet).
pub fn load_into(db: &Path, load: impl FnOnce(&Path) -> Result<(), String>) -> Result<(), String> {
    if !matches!(Target::of(db), Target::Postgres(_)) {
        return load(db);
    }
    let dir = tempfile_dir()?;
    let file = dir.join("load.db");
    let result = load(&file).and_then(|()| run(&file, db));
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn tempfile_dir() -> Result<std::path::PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("coderlite-load-{}", crate::model::new_uuid()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}
