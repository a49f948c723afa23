//! Online backup: a consistent copy of the live database through SQLite's backup API, taken
//! in one step inside one read snapshot (WAL readers never block the writer, so the server
//! keeps serving). The copy is written to a hidden temporary file in the target directory
//! (mode 0600: it holds password and token hashes), switched to `journal_mode=DELETE` so it
//! is one self-contained file, checked with `PRAGMA quick_check`, synced, and only then
//! renamed to its final name — a crash never leaves a half-written backup under that name.

use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::Serialize;
use std::fs::{self, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, Clone, Serialize)]
pub struct BackupInfo {
    pub name: String,
    pub path: String,
    pub size_bytes: u64,
    #[serde(serialize_with = "crate::timefmt::ser")]
    pub created_at: i64,
    /// `PRAGMA quick_check` of the copy: `ok`.
    pub integrity_check: String,
}

/// `coderlite-20250102-030405-678901.db`, from the current UTC time.
pub fn default_name() -> String {
    let t = crate::timefmt::from_micros(crate::timefmt::now_micros());
    format!(
        "coderlite-{:04}{:02}{:02}-{:02}{:02}{:02}-{:06}.db",
        t.year(),
        t.month() as u8,
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

/// A backup file name from the API: a plain name (no directories), letters, digits, `.`, `_`
/// and `-`, not starting with a dot, at most 128 characters.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<fs::File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

fn copy_into(src: &Connection, tmp: &Path) -> Result<String, String> {
    let mut dst = Connection::open(tmp).map_err(|e| format!("cannot open the copy: {e}"))?;
    {
        let backup = Backup::new(src, &mut dst).map_err(|e| format!("cannot start backup: {e}"))?;
        let mut tries = 0;
        // -1: every page in one step, under one read transaction of the source.
        loop {
            match backup.step(-1).map_err(|e| format!("backup failed: {e}"))? {
                StepResult::Done => break,
                StepResult::More | StepResult::Busy | StepResult::Locked if tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => return Err("the database stayed busy; backup abandoned".into()),
            }
        }
    }
    dst.pragma_update(None, "journal_mode", "DELETE")
        .map_err(|e| format!("cannot finish the copy: {e}"))?;
    let check: String = dst
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| format!("cannot check the copy: {e}"))?;
    dst.close()
        .map_err(|(_, e)| format!("cannot close the copy: {e}"))?;
    if check != "ok" {
        return Err(format!("the copy failed its integrity check: {check}"));
    }
    Ok(check)
}

/// Writes a consistent copy of `src`'s main database to `out`, which must not exist.
pub fn backup_to(src: &Connection, out: &Path) -> Result<BackupInfo, String> {
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("{} is not a file path", out.display()))?
        .to_string();
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if fs::symlink_metadata(out).is_ok() {
        return Err(format!("{} already exists", out.display()));
    }
    let tmp = dir.join(format!(
        ".{name}.{}-{}.partial",
        std::process::id(),
        crate::timefmt::now_micros()
    ));
    private_file(&tmp).map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = copy_into(src, &tmp).and_then(|check| {
        let f = fs::File::open(&tmp).map_err(|e| e.to_string())?;
        f.sync_all()
            .map_err(|e| format!("cannot sync the copy: {e}"))?;
        let size_bytes = f.metadata().map_err(|e| e.to_string())?.len();
        if fs::symlink_metadata(out).is_ok() {
            return Err(format!("{} already exists", out.display()));
        }
        fs::rename(&tmp, out).map_err(|e| format!("cannot move the copy into place: {e}"))?;
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(BackupInfo {
            name: name.clone(),
            path: out.display().to_string(),
            size_bytes,
            created_at: crate::timefmt::now_micros(),
            integrity_check: check,
        })
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        let _ = fs::remove_file(PathBuf::from(format!("{}-journal", tmp.display())));
    }
    result
}
