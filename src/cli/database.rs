//! `coderlite verify` and `coderlite backup`: offline tools that run against a database (file
//! or, for `verify`, PostgreSQL) while the server may keep serving it.

use crate::store::audit_chain as chain;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// Opens an existing database read-only (never creates a file).
pub fn open_existing_read_only(path: &Path) -> Result<Connection, String> {
    if !path.is_file() {
        return Err(format!("no database at {}", path.display()));
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    Ok(conn)
}

/// `coderlite verify --db PATH`: prints the chain report; `Ok(false)` when a link is broken.
pub fn verify(db: &Path) -> Result<bool, String> {
    let report = match crate::db::Target::of(db) {
        crate::db::Target::Postgres(_) => {
            let db = crate::db::Db::open(db, crate::config::Synchronous::Full, 1)?;
            db.read_blocking(|tx| Ok(chain::verify(tx)?))
                .map_err(|e| format!("cannot verify: {}", e.describe()))?
        }
        crate::db::Target::Sqlite(path) => {
            let conn = open_existing_read_only(&path)?;
            chain::verify(&crate::store::sql::Tx::sqlite(&conn))
                .map_err(|e| format!("cannot verify: {e}"))?
        }
    };
    match &report.broken {
        None => println!(
            "audit chain ok: {} rows (seq {} to {}), head hash {}",
            report.rows_checked,
            report.first_seq.unwrap_or(0),
            report.last_seq.unwrap_or(0),
            report.head_hash.as_deref().unwrap_or(chain::GENESIS)
        ),
        Some(b) => println!(
            "audit chain BROKEN at row {} (seq {}): {} — {}",
            b.id, b.seq, b.reason, b.message
        ),
    }
    Ok(report.ok)
}

/// `coderlite backup --db PATH OUT`: a consistent copy while the server may keep writing. `OUT`
/// may be a directory (a dated file name is chosen) and must not exist otherwise.
pub fn backup(db: &Path, out: &Path) -> Result<(), String> {
    if let crate::db::Target::Postgres(_) = crate::db::Target::of(db) {
        return Err("backups of a PostgreSQL database are made with PostgreSQL's own tools (pg_dump, or the provider's snapshots); `coderlite migrate --from <url> --to <file>` also writes a verified SQLite copy".into());
    }
    if !db.is_file() {
        return Err(format!("no database at {}", db.display()));
    }
    // Read-write without create: SQLite may need to create the WAL index of a WAL database.
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    src.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| e.to_string())?;
    let out = if out.is_dir() {
        out.join(crate::db::backup::default_name())
    } else {
        out.to_path_buf()
    };
    let info = crate::db::backup::backup_to(&src, &out)?;
    println!(
        "backup written to {} ({} bytes, integrity {})",
        info.path, info.size_bytes, info.integrity_check
    );
    Ok(())
}
